import type { RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { SalarieAnnuaire, SCHEMA_ANNUAIRE } from './annuaire.entities';
import { cleDeRecherche } from './normalisation';

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

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const utiles = events.filter((e) => e.type === 'SalarieEnregistre' || e.type === 'SalarieEfface');
    if (utiles.length === 0) return;
    const enregistres = utiles.filter((e) => e.type === 'SalarieEnregistre');
    const reveles = this.reveal && enregistres.length > 0 ? await this.reveal(enregistres) : enregistres;
    const clair = new Map(reveles.map((e, i) => [enregistres[i], e]));
    for (const recorded of utiles) {
      const position = String(recorded.position);
      if (recorded.type === 'SalarieEnregistre') {
        const data = (this.reveal ? clair.get(recorded)!.data : recorded.data) as unknown as Enregistre;
        // Without reveal, the stored event holds a ciphertext (or, before encryption, clear names): never write them.
        const nom = this.reveal && typeof data.nom === 'string' ? data.nom : null;
        const prenom = this.reveal && typeof data.prenom === 'string' ? data.prenom : null;
        await tx.query(
          `INSERT INTO salaries (id, nom, prenom, recherche, sexe, tranche_age, commune, efface, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8)
           ON CONFLICT (id) DO UPDATE SET nom = $2, prenom = $3, recherche = $4, sexe = $5, tranche_age = $6, commune = $7, position = $8`,
          [data.salarieId, nom, prenom, cleDeRecherche(nom, prenom), data.sexe, data.trancheAge ?? null, data.commune, position],
        );
      } else {
        const { salarieId } = recorded.data as { salarieId: string };
        await tx.query(`UPDATE salaries SET nom = NULL, prenom = NULL, recherche = NULL, efface = true, position = $2 WHERE id = $1`, [salarieId, position]);
      }
    }
  }
}
