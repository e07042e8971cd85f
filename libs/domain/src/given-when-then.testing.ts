import type { Decider, DomainEvent } from './decider';
import { DomainError } from './domain-error';

/**
 * Given/when/then for deciders: `spec(decider).given([...]).when(command).then([...])`
 * or `.thenFails('CODE')`. Used by the *.spec.ts files next to each aggregate.
 */
export function spec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(past: E[]) {
      const state = past.reduce(decider.evolve, decider.initialState);
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: E[] | ((events: E[]) => void)) {
              const events = run();
              if (typeof expected === 'function') expected(events);
              else expect(events).toEqual(expected);
              return events;
            },
            thenFails(code: string, details?: Record<string, unknown>) {
              let error: unknown;
              try {
                run();
              } catch (e) {
                error = e;
              }
              expect(error).toBeInstanceOf(DomainError);
              expect((error as DomainError).code).toBe(code);
              if (details) expect((error as DomainError).details).toMatchObject(details);
              return error as DomainError;
            },
          };
        },
      };
    },
  };
}
