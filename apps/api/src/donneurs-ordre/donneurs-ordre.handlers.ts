import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import { donneurOrdreDecider, donneurOrdreStream } from '@suivi/domain';
import { contientLesMots, motsRecherches, sansAccents } from '@suivi/projections/indicateurs/recherche';
import { dansLaPortee, type Portee } from '../acces/portee';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { ProjectionReader } from '../read-side/projection-reader';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { DonneurOrdreListe, DonneurOrdreVue, EnregistrerDonneurOrdreDto, ListeDonneursOrdreDto, ListeDonneursOrdreVue } from './donneurs-ordre.dto';

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

export class ListerDonneursOrdre extends Query<ListeDonneursOrdreVue> {
  constructor(readonly dto: ListeDonneursOrdreDto, readonly portee: Portee) {
    super();
  }
}

/**
 * The donneurs d'ordre of the indicators' read model with their counts of opérations and marchés,
 * searched, filtered, sorted and paged. The caller's scope is a condition of the query itself ($1): an
 * acheteur's list, total and pages only ever hold their own donneur d'ordre.
 */
@QueryHandler(ListerDonneursOrdre)
export class ListerDonneursOrdreHandler implements IQueryHandler<ListerDonneursOrdre, ListeDonneursOrdreVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto, portee }: ListerDonneursOrdre): Promise<ListeDonneursOrdreVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const where = `
      WHERE ($1::uuid IS NULL OR d.id = $1)
        AND ($2::text IS NULL OR d.type = $2)
        AND (cardinality($3::text[]) = 0 OR ${contientLesMots(['d.nom'], '$3')})`;
    const params = [portee.donneurOrdreId, dto.type ?? null, motsRecherches(dto.q)];
    const sens = dto.ordre === 'desc' ? 'DESC' : 'ASC';
    const { items, total } = await this.reader.page<DonneurOrdreListe>(
      {
        total: `SELECT count(*)::int AS total FROM indicateurs.donneurs_ordre d ${where}`,
        items: `SELECT d.id, d.nom, d.type, d.region,
           (SELECT count(*)::int FROM indicateurs.operations o WHERE o.donneur_ordre_id = d.id) AS operations,
           (SELECT count(*)::int FROM indicateurs.marches m WHERE m.donneur_ordre_id = d.id) AS marches
         FROM indicateurs.donneurs_ordre d ${where}
         ORDER BY ${sansAccents('d.nom')} ${sens}, d.nom ${sens}, d.id ${sens}
         LIMIT $4 OFFSET $5`,
      },
      params,
      page,
      taillePage,
    );
    return { items, total, page, taillePage, fraicheur };
  }
}
