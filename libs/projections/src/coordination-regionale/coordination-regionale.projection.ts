import type { RecordedEvent } from '@suivi/event-store';
import { enCentiemes, jourDe, type EvenementDuDomaine } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { BatchedRows, flushInOrder } from '../runtime/batched-rows';
import { AVENANTS_APPLY, ligneAvenant, TERMES_MARCHES_INSERT } from '../indicateurs/termes-marches';
import { ENTITES_COORDINATION, SCHEMA_COORDINATION } from './coordination-regionale.entities';

const DONNEURS_ORDRE_INSERT = `INSERT INTO donneurs_ordre (id, nom) SELECT * FROM unnest($1::uuid[], $2::text[])`;
const MARCHES_INSERT = `
  INSERT INTO marches (id, donneur_ordre_id, numero, objet, secteur, heures_prevues_centiemes, date_debut, date_fin, date_cloture, suivi)
  SELECT id, donneur_ordre_id, numero, objet, secteur, heures_prevues_centiemes, date_debut, date_fin, NULL, false
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])
    AS r (id, donneur_ordre_id, numero, objet, secteur, heures_prevues_centiemes, date_debut, date_fin)`;
// Additions commute and nothing else reads `heures` within a batch: one summed row per (marché, month).
const HEURES_ADD = `
  INSERT INTO heures (marche_id, mois, centiemes) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
  ON CONFLICT (marche_id, mois) DO UPDATE SET centiemes = heures.centiemes + excluded.centiemes`;
// One row per marché, its last closing of the batch: nothing buffered reads the closing date.
const CLOTURES_UPDATE = `UPDATE marches m SET date_cloture = r.date_cloture FROM unnest($1::uuid[], $2::text[]) AS r (id, date_cloture) WHERE m.id = r.id`;

/**
 * The regional coordination's projection: its own schema and checkpoint, so that it can be
 * deployed (PROJECTIONS=coordination-regionale) and rebuilt on its own. Table names are
 * unqualified: the runtime's search_path points them at the live schema or a rebuild's shadow. Hours are kept for
 * every marché, so that a marché that starts being followed shows its whole history.
 *
 * A batch is applied with a few multi-row statements (see `BatchedRows`): the frequent events (new rows,
 * hours, avenants, closings) are buffered in log order; the starts and stops of the follow-up first flush every
 * buffer, since they may touch a row inserted earlier in the batch, then write on their own.
 */
export class CoordinationRegionaleProjection implements Projection {
  readonly name = 'coordination-regionale';
  readonly schema = SCHEMA_COORDINATION;
  readonly entities = ENTITES_COORDINATION;

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    // Per call: nothing is kept from one batch to the next.
    const donneurs = new BatchedRows(DONNEURS_ORDRE_INSERT);
    const marches = new BatchedRows(MARCHES_INSERT);
    const termes = new BatchedRows(TERMES_MARCHES_INSERT);
    const heures = new BatchedRows(HEURES_ADD, (before, next) => [before[0], before[1], (before[2] as number) + (next[2] as number)]);
    const avenants = new BatchedRows(AVENANTS_APPLY);
    const clotures = new BatchedRows(CLOTURES_UPDATE);
    // Marchés before their terms, then their avenants and closings (which read or update them); the others are independent.
    const all = [donneurs, marches, termes, avenants, heures, clotures];
    const ajouterHeures = (marcheId: string, mois: string, centiemes: number) => heures.set(`${marcheId.toLowerCase()}|${mois}`, [marcheId, mois, centiemes]);

    for (const recorded of events) {
      const event = recorded as RecordedEvent & EvenementDuDomaine;
      switch (event.type) {
        case 'DonneurOrdreEnregistre':
          donneurs.add([event.data.donneurOrdreId, event.data.nom]);
          break;
        case 'MarcheEnregistre': {
          const d = event.data;
          marches.add([d.marcheId, d.donneurOrdreId, d.numero, d.objet, d.secteur, enCentiemes(d.heuresPrevues), d.dateDebut, d.dateFin]);
          termes.add([event.position, d.marcheId, jourDe(new Date(event.metadata.occurredAt))]);
          break;
        }
        case 'HeuresDeclarees':
          ajouterHeures(event.data.marcheId, event.data.mois, enCentiemes(event.data.heures));
          break;
        case 'MarcheCloture':
          clotures.set(event.data.marcheId.toLowerCase(), [event.data.marcheId, event.data.date]);
          break;
        case 'HeuresCorrigees':
          // The event carries the hours it replaces: the delta needs no lookup.
          ajouterHeures(event.data.marcheId, event.data.mois, enCentiemes(event.data.heures) - enCentiemes(event.data.heuresPrecedentes));
          break;
        case 'AvenantConclu':
          avenants.add(ligneAvenant(event));
          break;
        case 'SuiviRegionalDemarre':
        case 'SuiviRegionalArrete':
          await flushInOrder(tx, all);
          await this.changerSuivi(event, tx);
          break;
        default:
          break;
      }
    }
    await flushInOrder(tx, all);
  }

  /** A start or stop of the regional follow-up, written on its own (they are rare), after the buffers are flushed. */
  private async changerSuivi(event: RecordedEvent & EvenementDuDomaine, tx: EntityManager): Promise<void> {
    switch (event.type) {
      case 'SuiviRegionalDemarre':
      case 'SuiviRegionalArrete': {
        await tx.query(`UPDATE marches SET suivi = $2 WHERE id = $1`, [event.data.marcheId, event.type === 'SuiviRegionalDemarre']);
        // The follow periods: a marché counts in a period it was followed during, even if it is no longer followed.
        const jour = jourDe(new Date(event.metadata.occurredAt));
        if (event.type === 'SuiviRegionalDemarre') {
          await tx.query(`INSERT INTO periodes_suivi (position, marche_id, du, au) VALUES ($1, $2, $3, NULL)`, [event.position, event.data.marcheId, jour]);
        } else {
          await tx.query(`UPDATE periodes_suivi SET au = $2 WHERE marche_id = $1 AND au IS NULL`, [event.data.marcheId, jour]);
        }
        return;
      }
      default:
        return;
    }
  }
}
