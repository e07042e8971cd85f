import type { RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { SalarieAnnuaire, SCHEMA_ANNUAIRE } from './annuaire.entities';
import { cleDeRecherche } from './normalisation';
import { BatchedRows, flushInOrder } from '../runtime/batched-rows';

// The last registration of a person in a batch wins (its insert, or its update of every field but `efface`).
const SALARIES_UPSERT = `
  INSERT INTO salaries (id, nom, prenom, recherche, sexe, tranche_age, commune, efface, position)
  SELECT id, nom, prenom, recherche, sexe, tranche_age, commune, false, position
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
    AS r (id, nom, prenom, recherche, sexe, tranche_age, commune, position)
  ON CONFLICT (id) DO UPDATE SET nom = excluded.nom, prenom = excluded.prenom, recherche = excluded.recherche, sexe = excluded.sexe,
    tranche_age = excluded.tranche_age, commune = excluded.commune, position = excluded.position`;
const SALARIES_EFFACER = `
  UPDATE salaries s SET nom = NULL, prenom = NULL, recherche = NULL, efface = true, position = r.position
  FROM unnest($1::uuid[], $2::bigint[]) AS r (id, position) WHERE s.id = r.id`;

/**
 * Gives events their personal fields back (decrypted with each person's key), or null where the
 * key is destroyed (erased) or missing: `PersonalDataProtection.reveal`.
 */
export type Reveal = (events: RecordedEvent[]) => Promise<RecordedEvent[]>;

interface Enregistre {
  salarieId: string;
  nom?: string | null;
  prenom?: string | null;
  sexe: string;
  trancheAge?: string | null;
  commune: string;
}

/**
 * The salariés' directory, for the search by name: the only read model with names in clear. Events
 * reach projections encrypted; this one decrypts them with `reveal`. An erased person's row loses
 * its names at `SalarieEfface`, and since the erasure destroys the key, a rebuild cannot read them
 * again. Without `reveal` (a process without the master key), names are null.
 */
export class AnnuaireProjection implements Projection {
  readonly name = 'annuaire';
  readonly schema = SCHEMA_ANNUAIRE;
  readonly entities = [SalarieAnnuaire];

  constructor(private readonly reveal?: Reveal) {}

  concerne(recorded: RecordedEvent): boolean {
    return recorded.type === 'SalarieEnregistre' || recorded.type === 'SalarieEfface';
  }

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const utiles = events.filter((e) => this.concerne(e));
    if (utiles.length === 0) return;
    const enregistres = utiles.filter((e) => e.type === 'SalarieEnregistre');
    const reveles = this.reveal && enregistres.length > 0 ? await this.reveal(enregistres) : enregistres;
    const clair = new Map(reveles.map((e, i) => [enregistres[i], e]));
    // Per call: nothing is kept from one batch to the next.
    const enregistrements = new BatchedRows(SALARIES_UPSERT);
    const effacements = new BatchedRows(SALARIES_EFFACER);
    for (const recorded of utiles) {
      const position = String(recorded.position);
      if (recorded.type === 'SalarieEnregistre') {
        const data = (this.reveal ? clair.get(recorded)!.data : recorded.data) as unknown as Enregistre;
        // Without reveal, the stored event holds a ciphertext (or, before encryption, clear names): never write them.
        const nom = this.reveal && typeof data.nom === 'string' ? data.nom : null;
        const prenom = this.reveal && typeof data.prenom === 'string' ? data.prenom : null;
        const cle = data.salarieId.toLowerCase();
        // A registration after an erasure of the same person in this batch: the erasure is written first.
        if (effacements.has(cle)) await flushInOrder(tx, [enregistrements, effacements]);
        enregistrements.set(cle, [data.salarieId, nom, prenom, cleDeRecherche(nom, prenom), data.sexe, data.trancheAge ?? null, data.commune, position]);
      } else {
        const { salarieId } = recorded.data as { salarieId: string };
        effacements.set(salarieId.toLowerCase(), [salarieId, position]);
      }
    }
    // Registrations before erasures: an erasure buffered after a registration of the same person comes after it in the log.
    await flushInOrder(tx, [enregistrements, effacements]);
  }
}
