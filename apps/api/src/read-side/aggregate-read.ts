import { NotFoundException } from '@nestjs/common';
import type { CommandExecutor, Loaded } from '@suivi/commands';
import type { Decider, DomainEvent } from '@suivi/domain';

/**
 * Loads an aggregate for a GET, or answers 404 with the given code when its stream is empty, or when
 * `visible` (the caller's scope, see dansLaPortee) says the caller may not see it: the same answer, after
 * the same load, so an out-of-scope id cannot be told from an unknown one.
 */
export async function lireOu404<S extends { existe: boolean }, E extends DomainEvent>(
  executor: CommandExecutor,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  streamId: string,
  code: string,
  message: string,
  visible: (state: Extract<S, { existe: true }>) => boolean = () => true,
): Promise<Loaded<Extract<S, { existe: true }>>> {
  const loaded = await executor.load(decider, streamId);
  if (!loaded.state.existe || !visible(loaded.state as Extract<S, { existe: true }>)) throw new NotFoundException({ code, message });
  return loaded as Loaded<Extract<S, { existe: true }>>;
}
