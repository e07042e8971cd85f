import type { RecordedEvent } from '@suivi/event-store';
import { enCentiemes, sousSecteurDe, type EvenementDuDomaine } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { ajouterTermes } from './termes-marches';
import { ENTITES_INDICATEURS, SCHEMA_INDICATEURS } from './indicateurs.entities';

/**
 * Maintains the tables behind /indicateurs, /marches (compliance) and /bilans. Events are
 * applied one statement each, in log order, inside the runtime's batch transaction. Table names
 * are unqualified: the runtime's search_path points them at the live schema or a rebuild's shadow.
 */
export class IndicateursProjection implements Projection {
  readonly name = 'indicateurs';
  readonly schema = SCHEMA_INDICATEURS;
  readonly entities = ENTITES_INDICATEURS;

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) await this.applyOne(event as RecordedEvent & EvenementDuDomaine, tx);
  }

  private async applyOne(event: RecordedEvent & EvenementDuDomaine, tx: EntityManager): Promise<void> {
    switch (event.type) {
      case 'DonneurOrdreEnregistre': {
        const d = event.data;
        await tx.query(`INSERT INTO donneurs_ordre (id, nom, type, region) VALUES ($1, $2, $3, $4)`, [d.donneurOrdreId, d.nom, d.type, d.region]);
        return;
      }
      case 'OperationOuverte': {
        const d = event.data;
        await tx.query(`INSERT INTO operations (id, donneur_ordre_id, nom, commune) VALUES ($1, $2, $3, $4)`, [
          d.operationId,
          d.donneurOrdreId,
          d.nom,
          d.commune,
        ]);
        return;
      }
      case 'MarcheEnregistre': {
        const d = event.data;
        await tx.query(
          `INSERT INTO marches (id, donneur_ordre_id, operation_id, numero, objet, secteur, base_juridique,
             heures_prevues_centiemes, date_debut, date_fin, date_cloture, suivi_regional, sous_secteur)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, false, $11)`,
          [
            d.marcheId,
            d.donneurOrdreId,
            d.operationId,
            d.numero,
            d.objet,
            d.secteur,
            d.baseJuridique,
            enCentiemes(d.heuresPrevues),
            d.dateDebut,
            d.dateFin,
            sousSecteurDe(d),
          ],
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
      case 'SuiviRegionalArrete':
        await tx.query(`UPDATE marches SET suivi_regional = $2 WHERE id = $1`, [event.data.marcheId, event.type === 'SuiviRegionalDemarre']);
        return;
      case 'MarcheCloture':
        await tx.query(`UPDATE marches SET date_cloture = $2 WHERE id = $1`, [event.data.marcheId, event.data.date]);
        return;
      case 'EntrepriseEnregistree': {
        const d = event.data;
        await tx.query(`INSERT INTO entreprises (id, siret, raison_sociale, type) VALUES ($1, $2, $3, $4)`, [d.entrepriseId, d.siret, d.raisonSociale, d.type]);
        return;
      }
      case 'SalarieEnregistre': {
        const d = event.data;
        await tx.query(
          // The statistics fields only: never the identity (nom, prenom, dateNaissance, adresse), which may be encrypted or erased.
          `INSERT INTO salaries (id, sexe, tranche_age, commune, quartier_qpv, niveau_formation) VALUES ($1, $2, $3, $4, $5, $6)`,
          [d.salarieId, d.sexe, d.trancheAge, d.commune, d.quartierQpv, d.niveauFormation],
        );
        return;
      }
      case 'EligibiliteValidee': {
        const d = event.data;
        await tx.query(`INSERT INTO eligibilites (position, salarie_id, criteres, date_validation) VALUES ($1, $2, $3, $4)`, [
          event.position,
          d.salarieId,
          d.criteres,
          d.dateValidation,
        ]);
        return;
      }
      case 'PlacementDemarre': {
        const d = event.data;
        await tx.query(
          `INSERT INTO placements (id, salarie_id, marche_id, entreprise_id, entreprise_utilisatrice_id, modalite, type_contrat, date_debut)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [d.placementId, d.salarieId, d.marcheId, d.entrepriseId, d.entrepriseUtilisatriceId, d.modalite, d.typeContrat, d.dateDebut],
        );
        return;
      }
      case 'HeuresDeclarees': {
        const d = event.data;
        await tx.query(
          `WITH d AS (
             INSERT INTO declarations (id, placement_id, salarie_id, marche_id, entreprise_id, mois, centiemes, centiemes_declares)
             SELECT $1, $2, $3, $4, p.entreprise_id, $5, $6, $6 FROM placements p WHERE p.id = $2
             RETURNING marche_id, mois, centiemes)
           INSERT INTO heures_marche_mois (marche_id, mois, centiemes) SELECT marche_id, mois, centiemes FROM d
           ON CONFLICT (marche_id, mois) DO UPDATE SET centiemes = heures_marche_mois.centiemes + excluded.centiemes`,
          [d.declarationId, d.placementId, d.salarieId, d.marcheId, d.mois, enCentiemes(d.heures)],
        );
        return;
      }
      case 'HeuresCorrigees':
        // The CTEs read the declaration as it was before the update: the month's sum moves by the difference.
        await tx.query(
          `WITH avant AS (SELECT marche_id, mois, centiemes FROM declarations WHERE id = $1),
           maj AS (UPDATE declarations SET centiemes = $2 WHERE id = $1)
           UPDATE heures_marche_mois h SET centiemes = h.centiemes + $2 - avant.centiemes
           FROM avant WHERE h.marche_id = avant.marche_id AND h.mois = avant.mois`,
          [event.data.declarationId, enCentiemes(event.data.heures)],
        );
        return;
      case 'PlacementTermine': {
        const d = event.data;
        await tx.query(
          `UPDATE placements SET date_fin = $2, sortie = $3, sortie_positive = $4, categorie_sortie = $5 WHERE id = $1`,
          [d.placementId, d.dateFin, d.sortie, d.sortiePositive, d.categorieSortie],
        );
        return;
      }
      case 'ObjectifsFixes': {
        const d = event.data;
        await tx.query(
          `INSERT INTO objectifs (annee, heures, part_qpv_personnes, personnes_en_emploi) VALUES ($1, $2, $3, $4)
           ON CONFLICT (annee) DO UPDATE SET heures = excluded.heures, part_qpv_personnes = excluded.part_qpv_personnes,
             personnes_en_emploi = excluded.personnes_en_emploi`,
          [d.annee, d.heures, d.partQpvPersonnes, d.personnesEnEmploi],
        );
        return;
      }
      default:
        return; // locators and SIRET reservations carry nothing for indicators
    }
  }
}
