import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { BadRequestException } from '@nestjs/common';
import { calculerIndicateurs, calculerRepartitions, SERIE_ANNEES_MAX, serieAnnuelle, type AnneeSerie, type Indicateurs, type Repartitions } from '@suivi/projections';
import { restreindre, type Portee } from '../acces/portee';
import { ProjectionReader } from '../read-side/projection-reader';
import { periodeDe, type PerimetreDto, type SerieDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';

export type IndicateursVue = Indicateurs & Repartitions & { perimetre: Record<string, unknown>; fraicheur: Fraicheur };

export class CalculerIndicateurs extends Query<IndicateursVue> {
  constructor(readonly dto: PerimetreDto, readonly portee: Portee) {
    super();
  }
}

@QueryHandler(CalculerIndicateurs)
export class CalculerIndicateursHandler implements IQueryHandler<CalculerIndicateurs, IndicateursVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto, portee }: CalculerIndicateurs): Promise<IndicateursVue> {
    const periode = periodeDe(dto);
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    // An acheteur's figures are their donneur d'ordre's without asking (said in `perimetre`); ids of another one match nothing, as unknown ids.
    const perimetre = { ...periode, donneurOrdreId: dto.donneurOrdreId ?? portee.donneurOrdreId ?? undefined, operationId: dto.operationId, marcheId: dto.marcheId, secteur: dto.secteur };
    const restreint = restreindre(perimetre, portee);
    const indicateurs = await calculerIndicateurs(this.reader.dataSource.manager, restreint, this.reader.optionsIndicateurs);
    const repartitions = await calculerRepartitions(this.reader.dataSource.manager, restreint);
    return { ...indicateurs, ...repartitions, perimetre: JSON.parse(JSON.stringify(perimetre)), fraicheur };
  }
}

export interface SerieVue {
  items: AnneeSerie[];
  fraicheur: Fraicheur;
}

export class LireSerie extends Query<SerieVue> {
  constructor(readonly dto: SerieDto, readonly portee: Portee) {
    super();
  }
}

/** The yearly series: each year's figures of /indicateurs?annee=, by the same queries (serieAnnuelle). */
@QueryHandler(LireSerie)
export class LireSerieHandler implements IQueryHandler<LireSerie, SerieVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto, portee }: LireSerie): Promise<SerieVue> {
    if (dto.de > dto.a) {
      throw new BadRequestException({ code: 'PERIODE_INVALIDE', message: `L'année de début (de=${dto.de}) doit précéder ou égaler l'année de fin (a=${dto.a}).`, details: { de: dto.de, a: dto.a } });
    }
    if (dto.a - dto.de + 1 > SERIE_ANNEES_MAX) {
      throw new BadRequestException({
        code: 'PERIODE_INVALIDE',
        message: `Une série couvre au plus ${SERIE_ANNEES_MAX} années (demandé : ${dto.a - dto.de + 1}, de ${dto.de} à ${dto.a}).`,
        details: { de: dto.de, a: dto.a, maximum: SERIE_ANNEES_MAX },
      });
    }
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const perimetre = restreindre({ donneurOrdreId: dto.donneurOrdreId, operationId: dto.operationId, marcheId: dto.marcheId, secteur: dto.secteur }, portee);
    const items = await serieAnnuelle(this.reader.dataSource.manager, perimetre, dto.de, dto.a, this.reader.optionsIndicateurs);
    return { items, fraicheur };
  }
}
