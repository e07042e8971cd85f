import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandContext } from '@suivi/commands';
import { objectifsDecider, objectifsStream } from '@suivi/domain';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { FixerObjectifsDto } from './objectifs.dto';

export class FixerObjectifsCommand extends Command<ResultatEcriture> {
  constructor(readonly annee: number, readonly dto: FixerObjectifsDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(FixerObjectifsCommand)
export class FixerObjectifsHandler implements ICommandHandler<FixerObjectifsCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ annee, dto, context }: FixerObjectifsCommand): Promise<ResultatEcriture> {
    const result = await this.executor.execute({
      streamId: objectifsStream(annee),
      decider: objectifsDecider,
      context,
      command: () => ({ type: 'FixerObjectifs', annee, ...dto }),
    });
    return resultat(String(annee), result);
  }
}
