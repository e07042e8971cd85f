import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCHEMA_ANNUAIRE = 'annuaire';

/** A salarié as the search lists them: decrypted names (null once erased or without a key), and what statistics show. */
@Entity({ schema: SCHEMA_ANNUAIRE, name: 'salaries' })
export class SalarieAnnuaire {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text', nullable: true }) nom: string | null;
  @Column({ type: 'text', nullable: true }) prenom: string | null;
  /** `normaliser("nom prenom")` and `normaliser("prenom nom")`, one per line: what `?q=` searches. */
  @Column({ type: 'text', nullable: true }) recherche: string | null;
  @Column({ type: 'text' }) sexe: string;
  @Column({ name: 'tranche_age', type: 'text', nullable: true }) trancheAge: string | null;
  @Column({ type: 'text' }) commune: string;
  @Column({ type: 'boolean' }) efface: boolean;
  @Column({ type: 'bigint' }) position: string;
}
