import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import { donneurOrdreDecider, donneurOrdreStream } from '@suivi/domain';
import { dansLaPortee, type Portee } from '../acces/portee';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { DonneurOrdreVue, EnregistrerDonneurOrdreDto } from './donneurs-ordre.dto';

export class EnregistrerDonneurOrdreCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: EnregistrerDonneurOrdreDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(EnregistrerDonneurOrdreCommand)
export class EnregistrerDonneurOrdreHandler implements ICommandHandler<EnregistrerDonneurOrdreCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: EnregistrerDonneurOrdreCommand): Promise<ResultatEcriture> {
    const id = dto.id ?? newId(context.idempotencySeed, 'donneurOrdre');
    const result = await this.executor.execute({
      streamId: donneurOrdreStream(id),
      decider: donneurOrdreDecider,
      context,
      command: () => ({ type: 'EnregistrerDonneurOrdre', donneurOrdreId: id, nom: dto.nom, typeDonneurOrdre: dto.type, region: dto.region }),
    });
    return resultat(id, result);
  }
}

export class LireDonneurOrdre extends Query<DonneurOrdreVue> {
  constructor(readonly id: string, readonly portee: Portee) {
    super();
  }
}

@QueryHandler(LireDonneurOrdre)
export class LireDonneurOrdreHandler implements IQueryHandler<LireDonneurOrdre, DonneurOrdreVue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, portee }: LireDonneurOrdre): Promise<DonneurOrdreVue> {
    const { state, revision, position } = await lireOu404(
      this.executor,
      donneurOrdreDecider,
      donneurOrdreStream(id),
      'DONNEUR_ORDRE_INTROUVABLE',
      "Aucun donneur d'ordre ne porte cet identifiant : vérifiez l'URL.",
      () => dansLaPortee(portee, id),
    );
    return { id, nom: state.nom, type: state.type, region: state.region, revision: revision!, fraicheur: fraicheurDuFlux(position) };
  }
}
