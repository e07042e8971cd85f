/**
 * The pure domain of suivi-clauses: aggregates as deciders (initialState, evolve, decide),
 * their events and rules. No Nest, no database, no clock: commands carry `now`.
 */
export * from './decider';
export * from './domain-error';
export * from './event-catalog';
export * from './values/dates';
export * from './values/heures';
export * from './values/siret';
export * from './values/texte';
export * from './donneur-ordre/donneur-ordre.events';
export * from './donneur-ordre/donneur-ordre.decider';
export * from './operation/operation.events';
export * from './operation/operation.decider';
export * from './marche/marche.events';
export * from './marche/marche.decider';
export * from './entreprise/entreprise.events';
export * from './entreprise/entreprise.decider';
export * from './salarie/salarie.events';
export * from './salarie/salarie.decider';
export * from './placement/placement.events';
export * from './placement/placement.decider';
export * from './placement/modalite';
export * from './placement/sortie';
export * from './placement/rattachement';
export * from './placement/import-heures';
export * from './objectifs/objectifs.events';
export * from './objectifs/objectifs.decider';
export * from './conformite/conformite';
export * from './calibration/calibration';
export * from './calibration/calibration.events';
export * from './calibration/metiers';
export * from './calibration/calibration.decider';
export * from './utilisateur/utilisateur.events';
export * from './utilisateur/utilisateur.decider';
export * from './salarie/salarie.upcasters';
