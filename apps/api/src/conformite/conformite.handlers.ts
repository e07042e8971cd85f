import { NotFoundException } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { StatutConformite } from '@suivi/domain';
import { compterConformites, conformites, pageDeConformites, type ConformiteMarche } from '@suivi/projections';
import { restreindre, type Portee } from '../acces/portee';
import { refuserExportTropVolumineux } from '../exports-xlsx/taille-export';
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
    // Filters, statut, sort, total and pages all work on the caller's rows only (an acheteur's: their donneur d'ordre's).
    const perimetre = restreindre({ donneurOrdreId: dto.donneurOrdreId, operationId: dto.operationId, secteur: dto.secteur, q: dto.q }, portee);
    const em = this.reader.dataSource.manager;
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const statut = dto.statut as StatutConformite | undefined;
    const jugement = { date, aujourdhui: this.reader.today(), tolerance: this.reader.tolerance };
    const demande = { tri: dto.tri ?? 'numero', ordre: dto.ordre ?? 'asc', statut } as const;
    if (tout) {
      const total = await compterConformites(em, perimetre, jugement, statut);
      refuserExportTropVolumineux(total, 'marchés', 'restreignez-le (donneurOrdreId, operationId, secteur, statut)');
      const { items } = await pageDeConformites(em, perimetre, jugement, { ...demande, limite: null, decalage: 0 });
      return { items: items.map((m) => ({ id: m.marcheId, ...m })), total, page: 1, taillePage: total, date, fraicheur };
    }
    const resultat = await pageDeConformites(em, perimetre, jugement, { ...demande, limite: taillePage, decalage: (page - 1) * taillePage });
    const total = resultat.total ?? (await compterConformites(em, perimetre, jugement, statut));
    return { items: resultat.items.map((m) => ({ id: m.marcheId, ...m })), total, page, taillePage, date, fraicheur };
  }
}
