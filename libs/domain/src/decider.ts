/**
 * The decider pattern: an aggregate is three plain things, no framework, no I/O, no clock
 * (commands carry `now`). A generic handler reads the stream, folds it with `evolve`,
 * calls `decide`, and appends the result with the stream's revision as expected revision.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

export interface Decider<TCommand, TEvent extends DomainEvent, TState> {
  initialState: TState;
  evolve(state: TState, event: TEvent): TState;
  /** Answers the new facts, or throws a DomainError naming the broken rule. */
  decide(command: TCommand, state: TState): TEvent[];
}

export function fold<TEvent extends DomainEvent, TState>(
  decider: Pick<Decider<unknown, TEvent, TState>, 'initialState' | 'evolve'>,
  events: TEvent[],
): TState {
  return events.reduce(decider.evolve, decider.initialState);
}
