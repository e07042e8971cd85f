import type { RecordedEvent } from '@suivi/event-store';
import { enCentiemes, jourDe, type AvenantConclu } from '@suivi/domain';

/**
 * The terms of marchés registered (rows of position, marché id, Paris day of the event's `occurredAt`): the history
 * behind `termesEnVigueur`, in both schemas that show compliance. It reads the marchés as they stand when it runs:
 * flushed right after the marchés' own writes of the same events, before their avenants (`AVENANTS_APPLY`).
 */
export const TERMES_MARCHES_INSERT = `
  INSERT INTO termes_marches (position, marche_id, depuis, heures_prevues_centiemes, date_fin)
  SELECT t.position, m.id, t.depuis, m.heures_prevues_centiemes, m.date_fin
  FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS t (position, marche_id, depuis) JOIN marches m ON m.id = t.marche_id`;

/**
 * Avenants, many at once, in log order (rows of position, marché id, hours in hundredths or null, end date or null,
 * Paris day of `occurredAt`): each amends what it names and keeps the rest, and records the marché's terms as they
 * stand after it; the marché keeps the terms of its last avenant. Applying them one by one gives the same rows: an
 * avenant's terms are, field by field, the last value named by it or an earlier avenant of the rows, else the
 * marché's as it stands when this runs (flushed after the marchés and their registration terms).
 */
export const AVENANTS_APPLY = `
  WITH a AS (
    SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::text[]) WITH ORDINALITY
      AS a (position, marche_id, heures_prevues_centiemes, date_fin, depuis, n)),
  apres AS (
    SELECT a.position, a.marche_id, a.depuis, a.n,
      coalesce((SELECT b.heures_prevues_centiemes FROM a b WHERE b.marche_id = a.marche_id AND b.n <= a.n AND b.heures_prevues_centiemes IS NOT NULL
                ORDER BY b.n DESC LIMIT 1), m.heures_prevues_centiemes) AS heures_prevues_centiemes,
      coalesce((SELECT b.date_fin FROM a b WHERE b.marche_id = a.marche_id AND b.n <= a.n AND b.date_fin IS NOT NULL
                ORDER BY b.n DESC LIMIT 1), m.date_fin) AS date_fin
    FROM a JOIN marches m ON m.id = a.marche_id),
  termes AS (
    INSERT INTO termes_marches (position, marche_id, depuis, heures_prevues_centiemes, date_fin)
    SELECT position, marche_id, depuis, heures_prevues_centiemes, date_fin FROM apres)
  UPDATE marches m SET heures_prevues_centiemes = d.heures_prevues_centiemes, date_fin = d.date_fin
  FROM (SELECT DISTINCT ON (marche_id) marche_id, heures_prevues_centiemes, date_fin FROM apres ORDER BY marche_id, n DESC) d
  WHERE m.id = d.marche_id`;

/** An avenant's row for `AVENANTS_APPLY`. */
export function ligneAvenant(event: RecordedEvent & AvenantConclu): unknown[] {
  const d = event.data;
  return [event.position, d.marcheId, d.heuresPrevues === undefined ? null : enCentiemes(d.heuresPrevues), d.dateFin ?? null, jourDe(new Date(event.metadata.occurredAt))];
}
