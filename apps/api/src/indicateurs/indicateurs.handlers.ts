import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { BadRequestException, Inject } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import {
  calculerIndicateurs,
  calculerRepartitions,
  IndicateursProjection,
  KnownAtStates,
  positionKnownAt,
  readingFrom,
  SERIE_ANNEES_MAX,
  serieAnnuelle,
  type AnneeSerie,
  type Indicateurs,
  type Repartitions,
} from '@suivi/projections';
import { instantDe } from '../read-side/instant';
import { restreindre, type Portee } from '../acces/portee';
import { ProjectionReader } from '../read-side/projection-reader';
import { periodeDe, type IndicateursDto, type SerieDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';

export type IndicateursVue = Indicateurs &
  Repartitions & {
    perimetre: Record<string, unknown>;
    /** With connuLe: the instant asked and the last position of the log recorded by then. */
    connuLe?: { instant: string; position: number };
    fraicheur: Fraicheur;
  };

/** connuLe asked for an instant whose replay is still running: answered 202 with its progress. */
export interface IndicateursEnPreparation {
  enPreparation: { connuLe: { instant: string; position: number }; progression: { position: number; cible: number } };
}

/** How long a request waits for the replay of a past instant before answering 202. */
const ATTENTE_CONNU_LE_MS = 15_000;

export class CalculerIndicateurs extends Query<IndicateursVue | IndicateursEnPreparation> {
  constructor(readonly dto: IndicateursDto, readonly portee: Portee) {
    super();
  }
}

/**
 * The figures of the perimeter, from the live read model, or with connuLe from the read model as
 * it was at the last position recorded by then (replayed once into a scratch schema, then kept:
 * KnownAtStates), by the same queries.
 */
@QueryHandler(CalculerIndicateurs)
export class CalculerIndicateursHandler implements IQueryHandler<CalculerIndicateurs, IndicateursVue | IndicateursEnPreparation> {
  private readonly projection = new IndicateursProjection();

  constructor(
    private readonly reader: ProjectionReader,
    private readonly etatsPasses: KnownAtStates,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ dto, portee }: CalculerIndicateurs): Promise<IndicateursVue | IndicateursEnPreparation> {
    const periode = periodeDe(dto);
    let fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    let em = this.reader.dataSource.manager;
    let connuLe: IndicateursVue['connuLe'];
    if (dto.connuLe) {
      const instant = instantDe(dto.connuLe, 'fin');
      const position = await positionKnownAt(this.store, instant);
      connuLe = { instant: instant.toISOString(), position };
      const prepare = await this.etatsPasses.prepare(this.projection, position, ATTENTE_CONNU_LE_MS);
      if (!('schema' in prepare)) return { enPreparation: { connuLe, progression: prepare.progress } };
      em = readingFrom(em, this.projection.schema, prepare.schema);
      fraicheur = { position, retard: (await this.store.headPosition()) - position };
    }
    // An acheteur's figures are their donneur d'ordre's without asking (said in `perimetre`); ids of another one match nothing, as unknown ids.
    const perimetre = { ...periode, donneurOrdreId: dto.donneurOrdreId ?? portee.donneurOrdreId ?? undefined, operationId: dto.operationId, marcheId: dto.marcheId, secteur: dto.secteur };
    const restreint = restreindre(perimetre, portee);
    const indicateurs = await calculerIndicateurs(em, restreint, this.reader.optionsIndicateurs);
    const repartitions = await calculerRepartitions(em, restreint);
    return { ...indicateurs, ...repartitions, perimetre: JSON.parse(JSON.stringify(perimetre)), ...(connuLe ? { connuLe } : {}), fraicheur };
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
