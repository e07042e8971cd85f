import type { ApiBench, QueryStats } from './api-bench';
import type { LoadRun } from './loader';
import type { RebuildBench } from './rebuild-bench';

/** One line of the table: a figure, its spread, and its target (null where the issue sets none). */
export interface Row {
  figure: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  p99: number | null;
  target: string;
  met: boolean | null;
}

/** Targets of issue 18. */
export const CIBLES = {
  rebuildRatio: 0.4,
  rebuildRate: 30_000,
  conformiteP99: 10,
  indicateursNationauxP99: 100,
  indicateursDonneurP99: 20,
  listeP99: 50,
  bilanP99: 2_000,
  apiRssMb: 300,
} as const;

export function buildRows(load: LoadRun, rebuild: RebuildBench, api: ApiBench | null): Row[] {
  const rows: Row[] = [];
  const rates = load.phaseRates.length > 0 ? load.phaseRates : [load.events / load.appendSeconds];
  const sorted = [...rates].sort((a, b) => a - b);
  rows.push({
    figure: `chargement (${load.events} év. en ${load.appendSeconds.toFixed(1)} s d'écriture ; par phase)`,
    unit: 'év/s',
    median: median(sorted),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p99: null,
    target: `ensemble : ${Math.round(load.events / load.appendSeconds)} év/s`,
    met: null,
  });
  const raw = rebuild.rawRead.eventsPerSecond;
  rows.push(single('lecture brute de event_store.events (référence)', 'év/s', raw, 'référence', null));
  const all = rebuild.all.eventsPerSecond;
  rows.push(single('reconstruction de toutes les projections', 'év/s', all, `≥ ${CIBLES.rebuildRate} et ≥ ${CIBLES.rebuildRatio * 100} % de la lecture brute (${pct(all / raw)})`, all >= CIBLES.rebuildRate && all / raw >= CIBLES.rebuildRatio));
  for (const p of rebuild.all.perProjection) rows.push(single(`  dont ${p.name}`, 'év/s', p.eventsPerSecond, `${pct(p.eventsPerSecond / raw)} de la lecture brute`, null));
  const one = rebuild.single.eventsPerSecond;
  rows.push(single(`reconstruction de ${rebuild.single.name} seule`, 'év/s', one, `≥ ${CIBLES.rebuildRate} et ≥ ${CIBLES.rebuildRatio * 100} % de la lecture brute (${pct(one / raw)})`, one >= CIBLES.rebuildRate && one / raw >= CIBLES.rebuildRatio));
  rows.push(single('RSS max du processus pendant les reconstructions', 'Mo', rebuild.peakRssMb, '—', null));
  if (!api) return rows;
  for (const q of api.queries) rows.push(query(q));
  rows.push({
    figure: `écritures de fond (${api.writes.clients} clients : ${api.writes.declared} déclarations, ${api.writes.corrected} corrections, ${api.writes.perSecond.toFixed(1)}/s)`,
    unit: 'ms',
    median: api.writes.p50,
    min: NaN,
    max: NaN,
    p99: api.writes.p99,
    target: '—',
    met: null,
  });
  if (api.failure) rows.push({ figure: `api : ÉCHEC (${api.failure.split('\n')[0].slice(0, 200)})`, unit: '', median: NaN, min: NaN, max: NaN, p99: null, target: '—', met: false });
  rows.push(single(`RSS max de l'api pendant les requêtes (VmHWM ${api.rssHwmMb === null ? '?' : api.rssHwmMb.toFixed(0)} Mo)`, 'Mo', api.rssPeakMb, `< ${CIBLES.apiRssMb} Mo`, api.rssPeakMb < CIBLES.apiRssMb));
  return rows;
}

function query(q: QueryStats): Row {
  const cible =
    q.path.includes('/conformite') ? CIBLES.conformiteP99
    : q.path.startsWith('/api/bilans') ? CIBLES.bilanP99
    : q.path.includes('indicateurs') && q.role === 'acheteur' ? CIBLES.indicateursDonneurP99
    : q.path.includes('indicateurs') ? CIBLES.indicateursNationauxP99
    : CIBLES.listeP99;
  const errors = Object.entries(q.errors).map(([code, n]) => `${code}×${n}`).join(' ');
  return {
    figure: `${q.name} (${q.role}, n=${q.n}${q.n < 30 ? ' : budget de temps atteint' : ''})${errors ? ` — ERREURS ${errors}` : ''}`,
    unit: 'ms',
    median: q.p50,
    min: q.min,
    max: q.max,
    p99: q.p99,
    target: `p99 < ${cible} ms`,
    met: q.p99 < cible && !errors,
  };
}

function single(figure: string, unit: string, value: number, target: string, met: boolean | null): Row {
  return { figure, unit, median: value, min: value, max: value, p99: null, target, met };
}

export function markdown(rows: Row[]): string {
  const n = (x: number | null, unit: string) => (x === null || Number.isNaN(x) ? '—' : `${unit === 'ms' ? x.toFixed(1) : Math.round(x).toLocaleString('fr-FR')}`);
  const lines = [
    '| mesure | unité | médiane | min | max | p99 | référence / cible | atteinte |',
    '|---|---|---:|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.unit} | ${n(r.median, r.unit)} | ${n(r.min, r.unit)} | ${n(r.max, r.unit)} | ${n(r.p99, r.unit)} | ${r.target} | ${r.met === null ? '—' : r.met ? 'oui' : 'non'} |`),
  ];
  return lines.join('\n');
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}
