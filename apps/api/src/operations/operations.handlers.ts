import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import { donneurOrdreDecider, donneurOrdreStream, operationDecider, operationStream } from '@suivi/domain';
import { contientLesMots, motsRecherches, sansAccents } from '@suivi/projections/indicateurs/recherche';
import { dansLaPortee, type Portee } from '../acces/portee';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { ProjectionReader } from '../read-side/projection-reader';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { ListeOperationsDto, ListeOperationsVue, OperationListee, OperationVue, OuvrirOperationDto } from './operations.dto';

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

export class ListerOperations extends Query<ListeOperationsVue> {
  constructor(readonly dto: ListeOperationsDto, readonly portee: Portee) {
    super();
  }
}

/**
 * The opérations of the indicators' read model with their count of marchés, searched, filtered and paged,
 * by name. The caller's scope is a condition of the query itself ($1), beside the filter asked ($2): an
 * acheteur asking for another donneur d'ordre's opérations gets an empty list, as for an unknown id.
 */
@QueryHandler(ListerOperations)
export class ListerOperationsHandler implements IQueryHandler<ListerOperations, ListeOperationsVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto, portee }: ListerOperations): Promise<ListeOperationsVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const where = `
      WHERE ($1::uuid IS NULL OR o.donneur_ordre_id = $1)
        AND ($2::uuid IS NULL OR o.donneur_ordre_id = $2)
        AND (cardinality($3::text[]) = 0 OR ${contientLesMots(['o.nom', 'o.commune'], '$3')})`;
    const params = [portee.donneurOrdreId, dto.donneurOrdreId ?? null, motsRecherches(dto.q)];
    const { items, total } = await this.reader.page<OperationListee>(
      {
        total: `SELECT count(*)::int AS total FROM indicateurs.operations o ${where}`,
        items: `SELECT o.id, o.donneur_ordre_id AS "donneurOrdreId", o.nom, o.commune,
           (SELECT count(*)::int FROM indicateurs.marches m WHERE m.operation_id = o.id) AS marches
         FROM indicateurs.operations o ${where}
         ORDER BY ${sansAccents('o.nom')}, o.nom, o.id
         LIMIT $4 OFFSET $5`,
      },
      params,
      page,
      taillePage,
    );
    return { items, total, page, taillePage, fraicheur };
  }
}
