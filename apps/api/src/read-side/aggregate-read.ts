import { NotFoundException } from '@nestjs/common';
import type { CommandExecutor, Loaded } from '@suivi/commands';
import type { Decider, DomainEvent } from '@suivi/domain';

/** Loads an aggregate for a GET, or answers 404 with the given code when its stream is empty. */
export async function lireOu404<S extends { existe: boolean }, E extends DomainEvent>(
  executor: CommandExecutor,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  streamId: string,
  code: string,
  message: string,
): Promise<Loaded<Extract<S, { existe: true }>>> {
  const loaded = await executor.load(decider, streamId);
  if (!loaded.state.existe) throw new NotFoundException({ code, message });
  return loaded as Loaded<Extract<S, { existe: true }>>;
}
