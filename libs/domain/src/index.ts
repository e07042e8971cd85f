/**
 * The pure domain of suivi-clauses: aggregates as deciders (initialState, evolve, decide),
 * their events and rules. No Nest, no database, no clock: commands carry `now`.
 * The aggregates themselves arrive with the domain issue.
 */
export {};
