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
