import type { RecordedEvent } from '@suivi/event-store';
import { enCentiemes, jourDe, type EvenementDuDomaine } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { ajouterTermes } from '../indicateurs/termes-marches';
import { ENTITES_COORDINATION, SCHEMA_COORDINATION } from './coordination-regionale.entities';

/**
 * The regional coordination's projection: its own schema and checkpoint, so that it can be
 * deployed (PROJECTIONS=coordination-regionale) and rebuilt on its own. Table names are
 * unqualified: the runtime's search_path points them at the live schema or a rebuild's shadow. Hours are kept for
 * every marché, so that a marché that starts being followed shows its whole history.
 */
export class CoordinationRegionaleProjection implements Projection {
  readonly name = 'coordination-regionale';
  readonly schema = SCHEMA_COORDINATION;
  readonly entities = ENTITES_COORDINATION;

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) await this.applyOne(event as RecordedEvent & EvenementDuDomaine, tx);
  }

  private async applyOne(event: RecordedEvent & EvenementDuDomaine, tx: EntityManager): Promise<void> {
    switch (event.type) {
      case 'DonneurOrdreEnregistre':
        await tx.query(`INSERT INTO donneurs_ordre (id, nom) VALUES ($1, $2)`, [event.data.donneurOrdreId, event.data.nom]);
        return;
      case 'MarcheEnregistre': {
        const d = event.data;
        await tx.query(
          `INSERT INTO marches (id, donneur_ordre_id, numero, objet, secteur, heures_prevues_centiemes, date_debut, date_fin, date_cloture, suivi)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, false)`,
          [d.marcheId, d.donneurOrdreId, d.numero, d.objet, d.secteur, enCentiemes(d.heuresPrevues), d.dateDebut, d.dateFin],
        );
        await ajouterTermes(tx, event);
        return;
      }
      case 'AvenantConclu': {
        const d = event.data;
        await tx.query(
          `UPDATE marches SET heures_prevues_centiemes = coalesce($2, heures_prevues_centiemes), date_fin = coalesce($3, date_fin) WHERE id = $1`,
          [d.marcheId, d.heuresPrevues === undefined ? null : enCentiemes(d.heuresPrevues), d.dateFin ?? null],
        );
        await ajouterTermes(tx, event);
        return;
      }
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
      case 'MarcheCloture':
        await tx.query(`UPDATE marches SET date_cloture = $2 WHERE id = $1`, [event.data.marcheId, event.data.date]);
        return;
      case 'HeuresDeclarees':
        await this.ajouterHeures(tx, event.data.marcheId, event.data.mois, enCentiemes(event.data.heures));
        return;
      case 'HeuresCorrigees':
        // The event carries the hours it replaces: the delta needs no lookup.
        await this.ajouterHeures(tx, event.data.marcheId, event.data.mois, enCentiemes(event.data.heures) - enCentiemes(event.data.heuresPrecedentes));
        return;
      default:
        return;
    }
  }

  private async ajouterHeures(tx: EntityManager, marcheId: string, mois: string, centiemes: number): Promise<void> {
    await tx.query(
      `INSERT INTO heures (marche_id, mois, centiemes) VALUES ($1, $2, $3)
       ON CONFLICT (marche_id, mois) DO UPDATE SET centiemes = heures.centiemes + excluded.centiemes`,
      [marcheId, mois, centiemes],
    );
  }
}
