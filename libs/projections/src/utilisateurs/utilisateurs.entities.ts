import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCHEMA_UTILISATEURS = 'utilisateurs';

@Entity({ schema: SCHEMA_UTILISATEURS, name: 'utilisateurs' })
export class UtilisateurLu {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) identifiant: string;
  @Column({ type: 'text' }) role: string;
  @Column({ name: 'donneur_ordre_id', type: 'uuid', nullable: true }) donneurOrdreId: string | null;
  @Column({ type: 'boolean' }) actif: boolean;
  @Column({ name: 'cree_le', type: 'timestamptz' }) creeLe: Date;
  @Column({ name: 'cree_par', type: 'text' }) creePar: string;
  @Column({ name: 'modifie_le', type: 'timestamptz' }) modifieLe: Date;
  @Column({ name: 'modifie_par', type: 'text' }) modifiePar: string;
  @Column({ type: 'integer' }) revision: number;
}
