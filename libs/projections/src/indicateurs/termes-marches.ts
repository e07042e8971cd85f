import type { RecordedEvent } from '@suivi/event-store';
import { jourDe, type AvenantConclu, type MarcheEnregistre } from '@suivi/domain';
import type { EntityManager } from 'typeorm';

/**
 * Records the marché's terms as they stand after `event` (applied just before to `marches`), from the Paris day
 * of the event's `occurredAt`: the history behind `termesEnVigueur`, in both schemas that show compliance.
 */
export async function ajouterTermes(tx: EntityManager, event: RecordedEvent & (MarcheEnregistre | AvenantConclu)): Promise<void> {
  await tx.query(
    `INSERT INTO termes_marches (position, marche_id, depuis, heures_prevues_centiemes, date_fin)
     SELECT $1, m.id, $3, m.heures_prevues_centiemes, m.date_fin FROM marches m WHERE m.id = $2`,
    [event.position, event.data.marcheId, jourDe(new Date(event.metadata.occurredAt))],
  );
}

/**
 * `ajouterTermes` for many events at once (rows of position, marché id, Paris day), reading the marchés as
 * they stand when it runs: flushed right after the marchés' own writes of the same events.
 */
export const TERMES_MARCHES_INSERT = `
  INSERT INTO termes_marches (position, marche_id, depuis, heures_prevues_centiemes, date_fin)
  SELECT t.position, m.id, t.depuis, m.heures_prevues_centiemes, m.date_fin
  FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS t (position, marche_id, depuis) JOIN marches m ON m.id = t.marche_id`;
