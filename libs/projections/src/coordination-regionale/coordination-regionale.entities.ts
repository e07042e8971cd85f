import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The regional coordination's own read model, in its own schema: every marché with whether
 * it is followed now (the view shows only those), and hours per marché and month. No person
 * appears here.
 */
export const SCHEMA_COORDINATION = 'coordination';
const SCHEMA = SCHEMA_COORDINATION;
const int = { to: (v: number) => v, from: (v: string | number) => Number(v) };

@Entity({ schema: SCHEMA, name: 'donneurs_ordre' })
export class DonneurOrdreCoordination {
  @PrimaryColumn('uuid') id: string;
  @Column('text') nom: string;
}

@Entity({ schema: SCHEMA, name: 'marches' })
export class MarcheCoordination {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @Column('text') numero: string;
  @Column('text') objet: string;
  @Column('text') secteur: string;
  @Column({ name: 'heures_prevues_centiemes', type: 'bigint', transformer: int }) heuresPrevuesCentiemes: number;
  @Column({ name: 'date_debut', type: 'text' }) dateDebut: string;
  @Column({ name: 'date_fin', type: 'text' }) dateFin: string;
  @Column({ name: 'date_cloture', type: 'text', nullable: true }) dateCloture: string | null;
  @Column('boolean') suivi: boolean;
}

/** The terms of a marché from `depuis` on (see TermesMarcheLus). */
@Entity({ schema: SCHEMA, name: 'termes_marches' })
export class TermesMarcheCoordination {
  @PrimaryColumn({ type: 'bigint', transformer: int }) position: number;
  @Column({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @Column('text') depuis: string;
  @Column({ name: 'heures_prevues_centiemes', type: 'bigint', transformer: int }) heuresPrevuesCentiemes: number;
  @Column({ name: 'date_fin', type: 'text' }) dateFin: string;
}

/** A follow period: from `du` (included) to `au` (excluded; null while followed), Paris days of the suivi events. */
@Entity({ schema: SCHEMA, name: 'periodes_suivi' })
export class PeriodeSuiviCoordination {
  /** The position of the `SuiviRegionalDemarre` that opened it. */
  @PrimaryColumn({ type: 'bigint', transformer: int }) position: number;
  @Column({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @Column('text') du: string;
  @Column({ type: 'text', nullable: true }) au: string | null;
}

@Entity({ schema: SCHEMA, name: 'heures' })
export class HeuresCoordination {
  @PrimaryColumn({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @PrimaryColumn('text') mois: string;
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
}

export const ENTITES_COORDINATION = [DonneurOrdreCoordination, MarcheCoordination, TermesMarcheCoordination, PeriodeSuiviCoordination, HeuresCoordination];
