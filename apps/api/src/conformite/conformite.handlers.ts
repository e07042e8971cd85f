import { NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { conformites, type ConformiteMarche } from '@suivi/projections';
import { restreindre, type Portee } from '../acces/portee';
import { paginer } from '../read-side/pagination';
import { ProjectionReader } from '../read-side/projection-reader';
import type { DateDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';
import type { ListeMarchesDto } from './conformite.dto';

export type ConformiteVue = ConformiteMarche & { date: string; fraicheur: Fraicheur };

export class LireConformite extends Query<ConformiteVue> {
  constructor(readonly marcheId: string, readonly dto: DateDto, readonly portee: Portee) {
    super();
  }
}

@QueryHandler(LireConformite)
export class LireConformiteHandler implements IQueryHandler<LireConformite, ConformiteVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ marcheId, dto, portee }: LireConformite): Promise<ConformiteVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const date = dto.date ?? this.reader.today();
    // Another donneur d'ordre's marché is not in an acheteur's rows: the same 404 as an unknown id.
    const [marche] = await conformites(this.reader.dataSource.manager, restreindre({ marcheId }, portee), date, this.reader.tolerance);
    if (!marche) {
      throw new NotFoundException({
        code: 'MARCHE_INTROUVABLE',
        message: "Aucun marché ne porte cet identifiant dans les indicateurs : vérifiez l'URL (ou ajoutez ?apres= la position de votre écriture).",
      });
    }
    return { ...marche, date, fraicheur };
  }
}

export interface ListeMarchesVue {
  items: Array<ConformiteMarche & { id: string }>;
  total: number;
  page: number;
  taillePage: number;
  date: string;
  fraicheur: Fraicheur;
}

/** The most rows an export of the list holds (every page at once): beyond, the caller narrows the filters. */
export const EXPORT_MARCHES_MAX = 10_000;

export class ListerMarches extends Query<ListeMarchesVue> {
  /** `tout`: every row in one page (an export), at most EXPORT_MARCHES_MAX, else a 422. */
  constructor(readonly dto: ListeMarchesDto, readonly portee: Portee, readonly tout = false) {
    super();
  }
}

@QueryHandler(ListerMarches)
export class ListerMarchesHandler implements IQueryHandler<ListerMarches, ListeMarchesVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto, portee, tout }: ListerMarches): Promise<ListeMarchesVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const date = dto.date ?? this.reader.today();
    const tri = dto.tri ?? 'numero';
    const sens = dto.ordre === 'desc' ? -1 : 1;
    // Filters, statut, sort, total and pages all work on the caller's rows only (an acheteur's: their donneur d'ordre's).
    const perimetre = restreindre({ donneurOrdreId: dto.donneurOrdreId, operationId: dto.operationId, secteur: dto.secteur, q: dto.q }, portee);
    const toutes = (await conformites(this.reader.dataSource.manager, perimetre, date, this.reader.tolerance)).filter((m) => !dto.statut || m.statut === dto.statut);
    toutes.sort((a, b) => {
      const [x, y] = [a[tri], b[tri]];
      return (x < y ? -1 : x > y ? 1 : a.marcheId < b.marcheId ? -1 : 1) * sens;
    });
    const items = toutes.map((m) => ({ id: m.marcheId, ...m }));
    if (tout) {
      if (items.length > EXPORT_MARCHES_MAX) {
        throw new UnprocessableEntityException({
          code: 'EXPORT_TROP_VOLUMINEUX',
          message: `L'export compterait ${items.length} marchés, au-delà de ${EXPORT_MARCHES_MAX} : restreignez-le (donneurOrdreId, operationId, secteur, statut).`,
          details: { lignes: items.length, maximum: EXPORT_MARCHES_MAX },
        });
      }
      return { items, total: items.length, page: 1, taillePage: items.length, date, fraicheur };
    }
    return { ...paginer(items, dto), date, fraicheur };
  }
}
