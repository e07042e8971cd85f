import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  calibrationDecider,
  calibrationStream,
  declarationStream,
  donneurOrdreDecider,
  donneurOrdreStream,
  entrepriseDecider,
  entrepriseStream,
  marcheDecider,
  marcheStream,
  metiersParDefaut,
  operationDecider,
  operationStream,
  placementStream,
  salarieDecider,
  salarieStream,
  siretDecider,
  siretStream,
  verifierSiret,
  versionDuSchema,
  type Decider,
  type DomainEvent,
  type MarcheVu,
  type MarcheState,
} from '@suivi/domain';
import { declarationIdDe, newId } from '@suivi/commands';
import type { EventStore, EventToAppend, StreamAppend } from '@suivi/event-store';
import { rebuildProjection, rebuildProjections, type Projection } from '@suivi/projections';
import { DEFAULT_SEED, correlationIdOf, genererPlan, idempotencySeedOf, type PlannedCommand } from '../seed-demo/plan';

export interface ReplayRun {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Highest resident set size of the bench process sampled during the run, in MiB (0 when not sampled). */
  peakRssMiB: number;
}

/** Baseline: reading the whole log in the projection's batch size, applying nothing. */
export async function readWholeLog(store: EventStore, batchSize: number): Promise<ReplayRun> {
  return sampled(async () => {
    let after = 0;
    let events = 0;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: batchSize });
      if (batch.length === 0) break;
      events += batch.length;
      after = batch[batch.length - 1].position;
    }
    return events;
  });
}

/**
 * The floor of any replay: the rows of `event_store.events` read in position order, by keyset pages of the
 * projection's batch size, with no decoding into events (pg still parses the jsonb columns).
 */
export async function readRawLog(pool: Pool, batchSize: number): Promise<ReplayRun> {
  return sampled(async () => {
    let after = 0;
    let events = 0;
    for (;;) {
      const { rows } = await pool.query<{ position: string }>(
        `SELECT position, stream_id, type, data, metadata FROM event_store.events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) break;
      events += rows.length;
      after = Number(rows[rows.length - 1].position);
    }
    return events;
  });
}

/** The real rebuild path (shadow schema, one transaction per batch, switch), as `projections:rebuild` runs it. */
export async function rebuild(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  return rebuildOneAfterTheOther([projection], store, dataSource, databaseUrl, batchSize);
}

/** Rebuilds the projections in one pass over the log, as `projections:rebuild` without a name does; events = the log's length. */
export async function rebuildAll(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  return sampled(async () => (await rebuildProjections(projections, store, dataSource, databaseUrl, { batchSize })).events);
}

/** Rebuilds the projections one after the other, each reading the whole log; events = the log's length. */
export async function rebuildOneAfterTheOther(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  return sampled(async () => {
    let events = 0;
    for (const projection of projections) {
      events = (await rebuildProjection(projection, store, dataSource, databaseUrl, { batchSize })).events;
    }
    return events;
  });
}

/** Times `run` (which answers how many events it went through) and samples the process's RSS meanwhile. */
async function sampled(run: () => Promise<number>): Promise<ReplayRun> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const events = await run();
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMiB: peak / 1024 ** 2 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Appends demo years to the log: the `seed:demo` plans of seeds `DEFAULT_SEED + first` onwards, run through the
 * real deciders in memory (as its plan check does) and appended straight to the store, in plan order. The
 * bench's own events are synthetic; these are the domain events the indicators really replay (registrations,
 * placements, a declaration per person and month, corrections, endings, avenants). Answers the events appended.
 */
export async function appendDemoYears(store: EventStore, first: number, years: number): Promise<number> {
  let appended = 0;
  for (let year = first; year < first + years; year++) {
    let chunk: StreamAppend[] = [];
    const flush = async () => {
      if (chunk.length > 0) await store.appendToStreams(chunk);
      chunk = [];
    };
    for (const streamEvents of demoYear(DEFAULT_SEED + year)) {
      // One append per chunk of distinct streams: a stream seen again starts the next chunk, so the log keeps the plan's order.
      if (chunk.length >= 500 || chunk.some((a) => a.streamId === streamEvents.streamId)) await flush();
      chunk.push(streamEvents);
      appended += streamEvents.events.length;
    }
    await flush();
  }
  return appended;
}

/** One demo year's events, command after command, each as the stream append its handler would make. */
function* demoYear(seed: number): Generator<StreamAppend> {
  const plan = genererPlan(seed);
  const now = new Date();
  const states = new Map<string, unknown>();
  const placementDe = new Map<string, { salarieId: string; marcheId: string }>();
  const declarationDe = new Map<string, { salarieId: string; placementId: string }>();
  let pending: StreamAppend[] = [];

  const run = <C, E extends DomainEvent, S>(c: PlannedCommand, decider: Decider<C, E, S>, streamId: string, command: C): E[] => {
    const state = (states.get(streamId) as S | undefined) ?? decider.initialState;
    const events = decider.decide(command, state);
    states.set(streamId, events.reduce(decider.evolve, state));
    emit(c, streamId, events);
    return events;
  };
  const emit = (c: PlannedCommand, streamId: string, events: DomainEvent[]) => {
    const metadata = { occurredAt: now.toISOString(), userId: c.userId, correlationId: correlationIdOf(seed, c.key), causationId: null };
    const toAppend: EventToAppend[] = events.map((e, i) => ({
      eventId: newId(idempotencySeedOf(seed, c.key), `${streamId}|${i}`),
      type: e.type,
      data: e.data,
      metadata: { ...metadata, schemaVersion: versionDuSchema(e.type) },
    }));
    if (toAppend.length > 0) pending.push({ streamId, events: toAppend, expectedRevision: 'any' });
  };
  const marcheVu = (marcheId: string): MarcheVu => {
    const s = states.get(marcheStream(marcheId)) as Extract<MarcheState, { existe: true }>;
    return { marcheId, dateDebut: s.dateDebut, dateFin: s.dateFin, dateCloture: s.dateCloture, attributaires: s.attributaires.map((a) => a.entrepriseId) };
  };
  const entrepriseType = (id: string) => (states.get(entrepriseStream(id)) as { existe: boolean; type: never } | undefined);

  const apply = (c: PlannedCommand): void => {
    switch (c.kind) {
      case 'donneurOrdre':
        run(c, donneurOrdreDecider, donneurOrdreStream(c.dto.id!), { type: 'EnregistrerDonneurOrdre', donneurOrdreId: c.dto.id!, nom: c.dto.nom, typeDonneurOrdre: c.dto.type, region: c.dto.region });
        return;
      case 'operation':
        run(c, operationDecider, operationStream(c.dto.id!), {
          type: 'OuvrirOperation',
          operationId: c.dto.id!,
          donneurOrdreId: c.dto.donneurOrdreId,
          nom: c.dto.nom,
          commune: c.dto.commune,
          donneurOrdreExiste: true,
        });
        return;
      case 'entreprise': {
        const siret = verifierSiret(c.dto.siret);
        run(c, siretDecider, siretStream(siret), { type: 'ReserverSiret', siret, entrepriseId: c.dto.id!, reservationActive: true });
        run(c, entrepriseDecider, entrepriseStream(c.dto.id!), { type: 'EnregistrerEntreprise', entrepriseId: c.dto.id!, siret: c.dto.siret, raisonSociale: c.dto.raisonSociale, typeEntreprise: c.dto.type });
        return;
      }
      case 'calibration':
        run(c, calibrationDecider, calibrationStream(c.dto.id!), {
          type: 'CalculerCalibration',
          calibrationId: c.dto.id!,
          montantHT: c.dto.montantHT,
          partMainOeuvre: c.dto.partMainOeuvre ?? undefined,
          metier: c.dto.metier ?? undefined,
          tauxInsertion: c.dto.tauxInsertion,
          coutHoraire: c.dto.coutHoraire ?? undefined,
          table: metiersParDefaut,
        });
        return;
      case 'marche': {
        const { id, calibrationId, ...fields } = c.dto;
        run(c, marcheDecider, marcheStream(id!), {
          type: 'EnregistrerMarche',
          marcheId: id!,
          ...fields,
          donneurOrdreExiste: true,
          operation: { donneurOrdreId: c.dto.donneurOrdreId },
          ...(calibrationId != null ? { calibrationId, calibrationExiste: true } : {}),
        });
        return;
      }
      case 'attribution': {
        const e = entrepriseType(c.dto.entrepriseId) as unknown as { raisonSociale: string; type: never };
        run(c, marcheDecider, marcheStream(c.marcheId), { type: 'AttribuerMarche', entrepriseId: c.dto.entrepriseId, role: c.dto.role, entreprise: { raisonSociale: e.raisonSociale, type: e.type } });
        return;
      }
      case 'avenant':
        run(c, marcheDecider, marcheStream(c.marcheId), { type: 'ConclureAvenant', ...c.dto });
        return;
      case 'suivi':
        run(c, marcheDecider, marcheStream(c.marcheId), { type: 'ChangerSuiviRegional', suivi: c.dto.suivi });
        return;
      case 'cloture':
        run(c, marcheDecider, marcheStream(c.marcheId), { type: 'CloturerMarche', date: c.dto.date!, now });
        return;
      case 'salarie': {
        const { id, ...fields } = c.dto;
        run(c, salarieDecider, salarieStream(id!), { type: 'EnregistrerSalarie', salarieId: id!, ...fields, now });
        return;
      }
      case 'eligibilite':
        run(c, salarieDecider, salarieStream(c.salarieId), { type: 'ValiderEligibilite', ...c.dto, validePar: c.userId, now });
        return;
      case 'placement': {
        const entreprise = entrepriseType(c.dto.entrepriseId) as unknown as { type: never };
        run(c, salarieDecider, salarieStream(c.dto.salarieId), {
          type: 'DemarrerPlacement',
          placementId: c.dto.id!,
          marcheId: c.dto.marcheId,
          entrepriseId: c.dto.entrepriseId,
          entrepriseUtilisatriceId: c.dto.entrepriseUtilisatriceId,
          modalite: c.dto.modalite,
          typeContrat: c.dto.typeContrat,
          dateDebut: c.dto.dateDebut,
          now,
          marche: marcheVu(c.dto.marcheId),
          entreprise: { type: entreprise.type },
        });
        placementDe.set(c.dto.id!, { salarieId: c.dto.salarieId, marcheId: c.dto.marcheId });
        // The placement's locator stream, as the handler writes it.
        emit(c, placementStream(c.dto.id!), [{ type: 'PlacementRattache', data: { placementId: c.dto.id!, salarieId: c.dto.salarieId } }]);
        return;
      }
      case 'declaration': {
        const { salarieId, marcheId } = placementDe.get(c.placementId)!;
        const declarationId = declarationIdDe(c.placementId, c.dto.mois);
        run(c, salarieDecider, salarieStream(salarieId), {
          type: 'DeclarerHeures',
          placementId: c.placementId,
          declarationId,
          mois: c.dto.mois,
          heures: c.dto.heures,
          now,
          marche: marcheVu(marcheId),
        });
        declarationDe.set(declarationId, { salarieId, placementId: c.placementId });
        emit(c, declarationStream(declarationId), [{ type: 'DeclarationRattachee', data: { declarationId, placementId: c.placementId, salarieId } }]);
        return;
      }
      case 'correction': {
        const { salarieId, placementId } = declarationDe.get(c.declarationId)!;
        run(c, salarieDecider, salarieStream(salarieId), {
          type: 'CorrigerDeclaration',
          declarationId: c.declarationId,
          correctionId: newId(idempotencySeedOf(seed, c.key), 'correction'),
          heures: c.dto.heures,
          motif: c.dto.motif,
          marche: marcheVu(placementDe.get(placementId)!.marcheId),
        });
        return;
      }
      case 'fin': {
        const { salarieId } = placementDe.get(c.placementId)!;
        run(c, salarieDecider, salarieStream(salarieId), { type: 'TerminerPlacement', placementId: c.placementId, dateFin: c.dto.dateFin, sortie: c.dto.sortie, now });
        return;
      }
    }
  };

  for (const phase of plan.phases) {
    for (const chain of phase.chains) {
      for (const command of chain) {
        apply(command);
        yield* pending;
        pending = [];
      }
    }
  }
}
