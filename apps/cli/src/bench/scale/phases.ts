/**
 * The two scales as one stream of phases of appends: `small` is exactly the seed:demo year,
 * `national` ten years country-wide. A phase's appends touch each stream once, so they can be
 * written by concurrent writers; the next phase waits for them (a placement after its marché).
 */
import type { StreamAppend } from '@suivi/event-store';
import { genererPlan, type PlannedCommand } from '../../seed-demo/plan';
import { DecidedLog } from './decided-log';
import { genererNational } from './national-generator';

export type Scale = 'small' | 'national';

export interface GeneratedPhase {
  nom: string;
  appends: StreamAppend[];
}

/** What the later steps of the bench need to know of the generated data. */
export interface World {
  /** The last full year of the data: the year of the indicators and of the bilan. */
  annee: number;
  /** The donneur d'ordre with the most activity (the acheteur's). */
  donneurOrdreId: string | null;
  /** A large marché of the last year (its compliance is measured). */
  marcheId: string | null;
  marcheHeures: number;
  /** Placements still open at the end, with the months the api bench may declare on them. */
  placementsOuverts: Array<{ placementId: string; premierMois: string; dernierMois: string }>;
  liveStreamsAtEnd: number;
}

export function emptyWorld(): World {
  return { annee: 0, donneurOrdreId: null, marcheId: null, marcheHeures: 0, placementsOuverts: [], liveStreamsAtEnd: 0 };
}

/** Origin of the idempotency seeds: the same seed and scale always give the same event ids. */
export function decidedLogFor(scale: Scale, seed: number): DecidedLog {
  return new DecidedLog(`bench-scale|${scale}|${seed}`);
}

export function generer(scale: Scale, log: DecidedLog, seed: number, fraction: number, world: World): Iterable<GeneratedPhase> {
  return scale === 'small' ? genererDemo(log, seed, world) : genererNational(log, seed, fraction, world);
}

/** The seed:demo plan, phase by phase; a refused command skips the rest of its chain, as seed:demo does. */
function* genererDemo(log: DecidedLog, seed: number, world: World): Generator<GeneratedPhase> {
  const plan = genererPlan(seed);
  for (const phase of plan.phases) {
    for (const chain of phase.chains) {
      for (const c of chain as PlannedCommand[]) if (!log.apply(c)) break;
      if (log.pendingEventCount >= 20_000) yield { nom: phase.nom, appends: log.flush() };
    }
    yield { nom: phase.nom, appends: log.flush() };
  }
  const { modele } = plan;
  const parDonneur = new Map<string, number>();
  for (const m of modele.marches) parDonneur.set(m.donneurOrdreId, (parDonneur.get(m.donneurOrdreId) ?? 0) + 1);
  world.annee = 2025;
  world.donneurOrdreId = [...parDonneur].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const grand = [...modele.marches].sort((a, b) => b.heuresPrevues - a.heuresPrevues)[0];
  world.marcheId = grand?.id ?? null;
  world.marcheHeures = grand?.heuresPrevues ?? 0;
  const marches = new Map(modele.marches.map((m) => [m.id, m]));
  for (const s of modele.salaries) {
    for (const p of s.placements) {
      const marche = marches.get(p.marcheId);
      if (p.dateFin !== null || !marche || marche.cloture || marche.dateFin < '2026-10-31') continue;
      // The month after the last one declared, and never before 2026.
      const dernier = p.declarations.map((d) => d.mois).sort().pop() ?? '2025-12';
      const [a, m] = dernier.split('-').map(Number);
      const suivant = m === 12 ? `${a + 1}-01` : `${a}-${String(m + 1).padStart(2, '0')}`;
      world.placementsOuverts.push({ placementId: p.id, premierMois: suivant < '2026-01' ? '2026-01' : suivant, dernierMois: '2026-10' });
    }
  }
  world.liveStreamsAtEnd = log.liveStreams;
}
