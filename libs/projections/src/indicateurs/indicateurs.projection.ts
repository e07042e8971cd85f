import type { RecordedEvent } from '@suivi/event-store';
import { enCentiemes, jourDe, sousSecteurDe, type EvenementDuDomaine } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { BatchedRows, flushInOrder } from '../runtime/batched-rows';
import { AVENANTS_APPLY, ligneAvenant, TERMES_MARCHES_INSERT } from './termes-marches';
import { cumulerAgregats } from './agregats';
import { ENTITES_INDICATEURS, SCHEMA_INDICATEURS } from './indicateurs.entities';

const DONNEURS_ORDRE_INSERT = `
  INSERT INTO donneurs_ordre (id, nom, type, region) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`;
const OPERATIONS_INSERT = `
  INSERT INTO operations (id, donneur_ordre_id, nom, commune) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`;
const MARCHES_INSERT = `
  INSERT INTO marches (id, donneur_ordre_id, operation_id, numero, objet, secteur, base_juridique,
    heures_prevues_centiemes, date_debut, date_fin, date_cloture, suivi_regional, sous_secteur)
  SELECT id, donneur_ordre_id, operation_id, numero, objet, secteur, base_juridique,
    heures_prevues_centiemes, date_debut, date_fin, NULL, false, sous_secteur
  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])
    AS r (id, donneur_ordre_id, operation_id, numero, objet, secteur, base_juridique, heures_prevues_centiemes, date_debut, date_fin, sous_secteur)`;
const ENTREPRISES_INSERT = `
  INSERT INTO entreprises (id, siret, raison_sociale, type) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`;
// The statistics fields only: never the identity (nom, prenom, dateNaissance, adresse), which may be encrypted or erased.
const SALARIES_INSERT = `
  INSERT INTO salaries (id, sexe, tranche_age, commune, quartier_qpv, niveau_formation)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`;
// A row's criteria travel as a JSON array: unnest would flatten a two-dimensional text[].
const ELIGIBILITES_INSERT = `
  INSERT INTO eligibilites (position, salarie_id, criteres, date_validation)
  SELECT position, salarie_id, CASE WHEN criteres IS NOT NULL THEN ARRAY(SELECT json_array_elements_text(criteres)) END, date_validation
  FROM unnest($1::bigint[], $2::uuid[], $3::json[], $4::text[]) AS r (position, salarie_id, criteres, date_validation)`;
// The donneur d'ordre is the marché's (flushed before), null for a marché the read model does not know.
const PLACEMENTS_INSERT = `
  INSERT INTO placements (id, salarie_id, marche_id, entreprise_id, entreprise_utilisatrice_id, modalite, type_contrat, date_debut, donneur_ordre_id)
  SELECT r.*, m.donneur_ordre_id
  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[])
    AS r (id, salarie_id, marche_id, entreprise_id, entreprise_utilisatrice_id, modalite, type_contrat, date_debut)
  LEFT JOIN marches m ON m.id = r.marche_id`;
// The entreprise is the placement's (a declaration without its placement is skipped, as one by one); the month's sums,
// the aggregates (agregats.ts) and the marché's realised hours (months up to its closing month once closed) move by
// the declarations actually inserted, summed per row since one statement may not touch a row twice. Closings flush
// the buffers first, so the closing date read here is the one in force at each declaration.
const DECLARATIONS_INSERT = `
  WITH d AS (
    INSERT INTO declarations (id, placement_id, salarie_id, marche_id, entreprise_id, mois, centiemes, centiemes_declares)
    SELECT r.id, r.placement_id, r.salarie_id, r.marche_id, p.entreprise_id, r.mois, r.centiemes, r.centiemes
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[])
      AS r (id, placement_id, salarie_id, marche_id, mois, centiemes)
    JOIN placements p ON p.id = r.placement_id
    RETURNING placement_id, salarie_id, marche_id, entreprise_id, mois, centiemes),
  ${cumulerAgregats('SELECT * FROM d')},
  par_mois AS (
    INSERT INTO heures_marche_mois (marche_id, mois, centiemes)
    SELECT marche_id, mois, sum(centiemes) FROM d GROUP BY marche_id, mois
    ON CONFLICT (marche_id, mois) DO UPDATE SET centiemes = heures_marche_mois.centiemes + excluded.centiemes)
  UPDATE marches m SET centiemes_realises = m.centiemes_realises + s.centiemes
  FROM (SELECT d.marche_id, sum(d.centiemes) AS centiemes FROM d JOIN marches c ON c.id = d.marche_id
        WHERE c.date_cloture IS NULL OR d.mois <= left(c.date_cloture, 7) GROUP BY d.marche_id) s
  WHERE m.id = s.marche_id`;
// One row per declaration (its last correction of the batch): every CTE reads the declarations as they were
// before the update, so the month's sum, the marché's realised hours and the aggregates move by last − before, which
// is the sum of the corrections' differences.
const CORRECTIONS_UPDATE = `
  WITH c AS (SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS c (id, centiemes)),
  avant AS (
    SELECT d.placement_id, d.salarie_id, d.marche_id, d.entreprise_id, d.mois, c.centiemes - d.centiemes AS difference
    FROM declarations d JOIN c ON c.id = d.id),
  ${cumulerAgregats('SELECT placement_id, salarie_id, marche_id, entreprise_id, mois, difference AS centiemes FROM avant')},
  maj AS (UPDATE declarations d SET centiemes = c.centiemes FROM c WHERE d.id = c.id),
  par_mois AS (
    UPDATE heures_marche_mois h SET centiemes = h.centiemes + s.difference
    FROM (SELECT marche_id, mois, sum(difference) AS difference FROM avant GROUP BY marche_id, mois) s
    WHERE h.marche_id = s.marche_id AND h.mois = s.mois)
  UPDATE marches m SET centiemes_realises = m.centiemes_realises + s.difference
  FROM (SELECT a.marche_id, sum(a.difference) AS difference FROM avant a JOIN marches c ON c.id = a.marche_id
        WHERE c.date_cloture IS NULL OR a.mois <= left(c.date_cloture, 7) GROUP BY a.marche_id) s
  WHERE m.id = s.marche_id`;
// One row per placement, its last ending of the batch (every column is overwritten).
const FINS_UPDATE = `
  UPDATE placements p SET date_fin = r.date_fin, sortie = r.sortie, sortie_positive = r.sortie_positive, categorie_sortie = r.categorie_sortie
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::text[]) AS r (id, date_fin, sortie, sortie_positive, categorie_sortie)
  WHERE p.id = r.id`;
// One row per marché, its last start or stop of the batch: nothing buffered reads suivi_regional, so it needs no flush
// before it (unlike avenants and closings), only the marché's insert, flushed first.
const SUIVIS_UPDATE = `
  UPDATE marches m SET suivi_regional = r.suivi FROM unnest($1::uuid[], $2::boolean[]) AS r (id, suivi) WHERE m.id = r.id`;
// One row per marché, its last closing of the batch, flushed after the hours: a closed marché's realised hours are
// those of its months up to the closing month (conformiteALaDate), whatever the order of the batch's declarations,
// corrections and closing, so they are summed again from the months once every hour of the batch is in.
const CLOTURES_UPDATE = `
  UPDATE marches m SET date_cloture = r.date_cloture, centiemes_realises = (
    SELECT coalesce(sum(h.centiemes), 0) FROM heures_marche_mois h WHERE h.marche_id = r.id AND h.mois <= left(r.date_cloture, 7))
  FROM unnest($1::uuid[], $2::text[]) AS r (id, date_cloture) WHERE m.id = r.id`;
// One row per year, its last setting of the batch.
const OBJECTIFS_UPSERT = `
  INSERT INTO objectifs (annee, heures, part_qpv_personnes, personnes_en_emploi)
  SELECT * FROM unnest($1::int[], $2::numeric[], $3::numeric[], $4::int[])
  ON CONFLICT (annee) DO UPDATE SET heures = excluded.heures, part_qpv_personnes = excluded.part_qpv_personnes,
    personnes_en_emploi = excluded.personnes_en_emploi`;

/**
 * Maintains the tables behind /indicateurs, /marches (compliance) and /bilans. Table names are unqualified:
 * the runtime's search_path points them at the live schema or a rebuild's shadow.
 *
 * A batch is written with a few multi-row statements, with the tables as applying its events one by one in
 * log order would leave them. The batch is walked in order and each event's write buffered (`BatchedRows`);
 * at the end the buffers are flushed in dependency order: new rows before the rows that read them (marchés
 * before their terms, placements before the declarations that take their entreprise, declarations before their
 * corrections, registration terms before avenants), updates last, each kept to the last state of its row; avenants
 * in log order, each amending what the ones before left (`AVENANTS_APPLY`). Nothing read by a buffered write
 * changes between the event and the flush. Sums (`heures_marche_mois`, `centiemes_realises`, the aggregates of
 * agregats.ts) move by the sum of their events' amounts; a closing sets a marché's realised hours again from its
 * months, after the hours. Nothing is kept from one batch to the next.
 */
export class IndicateursProjection implements Projection {
  readonly name = 'indicateurs';
  readonly schema = SCHEMA_INDICATEURS;
  readonly entities = ENTITES_INDICATEURS;

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const donneurs = new BatchedRows(DONNEURS_ORDRE_INSERT);
    const operations = new BatchedRows(OPERATIONS_INSERT);
    const marches = new BatchedRows(MARCHES_INSERT);
    const termes = new BatchedRows(TERMES_MARCHES_INSERT);
    const avenants = new BatchedRows(AVENANTS_APPLY);
    const entreprises = new BatchedRows(ENTREPRISES_INSERT);
    const salaries = new BatchedRows(SALARIES_INSERT);
    const eligibilites = new BatchedRows(ELIGIBILITES_INSERT);
    const placements = new BatchedRows(PLACEMENTS_INSERT);
    const declarations = new BatchedRows(DECLARATIONS_INSERT);
    const corrections = new BatchedRows(CORRECTIONS_UPDATE);
    const fins = new BatchedRows(FINS_UPDATE);
    const objectifs = new BatchedRows(OBJECTIFS_UPSERT);
    const suivis = new BatchedRows(SUIVIS_UPDATE);
    const clotures = new BatchedRows(CLOTURES_UPDATE);
    // The flush order: each statement after those whose rows it reads.
    const all = [donneurs, operations, marches, termes, avenants, entreprises, salaries, eligibilites, placements, declarations, corrections, fins, objectifs, suivis, clotures];

    for (const recorded of events) {
      const event = recorded as RecordedEvent & EvenementDuDomaine;
      switch (event.type) {
        case 'DonneurOrdreEnregistre': {
          const d = event.data;
          donneurs.add([d.donneurOrdreId, d.nom, d.type, d.region]);
          break;
        }
        case 'OperationOuverte': {
          const d = event.data;
          operations.add([d.operationId, d.donneurOrdreId, d.nom, d.commune]);
          break;
        }
        case 'MarcheEnregistre': {
          const d = event.data;
          marches.add([
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
          ]);
          termes.add([event.position, d.marcheId, jourDe(new Date(event.metadata.occurredAt))]);
          break;
        }
        case 'SuiviRegionalDemarre':
        case 'SuiviRegionalArrete':
          suivis.set(event.data.marcheId.toLowerCase(), [event.data.marcheId, event.type === 'SuiviRegionalDemarre']);
          break;
        case 'AvenantConclu':
          avenants.add(ligneAvenant(event));
          break;
        case 'MarcheCloture':
          clotures.set(event.data.marcheId.toLowerCase(), [event.data.marcheId, event.data.date]);
          break;
        case 'EntrepriseEnregistree': {
          const d = event.data;
          entreprises.add([d.entrepriseId, d.siret, d.raisonSociale, d.type]);
          break;
        }
        case 'SalarieEnregistre': {
          const d = event.data;
          salaries.add([d.salarieId, d.sexe, d.trancheAge, d.commune, d.quartierQpv, d.niveauFormation]);
          break;
        }
        case 'EligibiliteValidee': {
          const d = event.data;
          eligibilites.add([event.position, d.salarieId, d.criteres == null ? null : JSON.stringify(d.criteres), d.dateValidation]);
          break;
        }
        case 'PlacementDemarre': {
          const d = event.data;
          placements.add([d.placementId, d.salarieId, d.marcheId, d.entrepriseId, d.entrepriseUtilisatriceId, d.modalite, d.typeContrat, d.dateDebut]);
          break;
        }
        case 'HeuresDeclarees': {
          const d = event.data;
          declarations.add([d.declarationId, d.placementId, d.salarieId, d.marcheId, d.mois, enCentiemes(d.heures)]);
          break;
        }
        case 'HeuresCorrigees':
          corrections.set(event.data.declarationId.toLowerCase(), [event.data.declarationId, enCentiemes(event.data.heures)]);
          break;
        case 'PlacementTermine': {
          const d = event.data;
          fins.set(d.placementId.toLowerCase(), [d.placementId, d.dateFin, d.sortie, d.sortiePositive, d.categorieSortie]);
          break;
        }
        case 'ObjectifsFixes': {
          const d = event.data;
          objectifs.set(String(d.annee), [d.annee, d.heures, d.partQpvPersonnes, d.personnesEnEmploi]);
          break;
        }
        default:
          break; // locators and SIRET reservations carry nothing for indicators
      }
    }
    await flushInOrder(tx, all);
  }
}
