import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import { donneurOrdreDecider, donneurOrdreStream, operationDecider, operationStream } from '@suivi/domain';
import { dansLaPortee, type Portee } from '../acces/portee';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { OperationVue, OuvrirOperationDto } from './operations.dto';

export class OuvrirOperationCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: OuvrirOperationDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(OuvrirOperationCommand)
export class OuvrirOperationHandler implements ICommandHandler<OuvrirOperationCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: OuvrirOperationCommand): Promise<ResultatEcriture> {
    const id = dto.id ?? newId(context.idempotencySeed, 'operation');
    const result = await this.executor.execute({
      streamId: operationStream(id),
      decider: operationDecider,
      context,
      command: async () => ({
        type: 'OuvrirOperation',
        operationId: id,
        donneurOrdreId: dto.donneurOrdreId,
        nom: dto.nom,
        commune: dto.commune,
        donneurOrdreExiste: (await this.executor.load(donneurOrdreDecider, donneurOrdreStream(dto.donneurOrdreId))).state.existe,
      }),
    });
    return resultat(id, result);
  }
}

export class LireOperation extends Query<OperationVue> {
  constructor(readonly id: string, readonly portee: Portee) {
    super();
  }
}

@QueryHandler(LireOperation)
export class LireOperationHandler implements IQueryHandler<LireOperation, OperationVue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, portee }: LireOperation): Promise<OperationVue> {
    const { state, revision, position } = await lireOu404(
      this.executor,
      operationDecider,
      operationStream(id),
      'OPERATION_INTROUVABLE',
      "Aucune opération ne porte cet identifiant : vérifiez l'URL.",
      (operation) => dansLaPortee(portee, operation.donneurOrdreId),
    );
    return {
      id,
      donneurOrdreId: state.donneurOrdreId,
      nom: state.nom,
      commune: state.commune,
      revision: revision!,
      fraicheur: fraicheurDuFlux(position),
    };
  }
}
