import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The read model of the indicators: the referential (without identities: statistics need
 * sex, age band at registration, QPV, commune, level, never names nor birth dates) and one row
 * per declaration with its hours after corrections. Every figure of /indicateurs, /marches and
 * /bilans is a query over these tables.
 */
export const SCHEMA_INDICATEURS = 'indicateurs';
const SCHEMA = SCHEMA_INDICATEURS;
const int = { to: (v: number) => v, from: (v: string | number) => Number(v) };

@Entity({ schema: SCHEMA, name: 'donneurs_ordre' })
export class DonneurOrdreLu {
  @PrimaryColumn('uuid') id: string;
  @Column('text') nom: string;
  @Column('text') type: string;
  @Column('text') region: string;
}

@Entity({ schema: SCHEMA, name: 'operations' })
export class OperationLue {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @Column('text') nom: string;
  @Column('text') commune: string;
}

@Entity({ schema: SCHEMA, name: 'marches' })
export class MarcheLu {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @Column({ name: 'operation_id', type: 'uuid' }) operationId: string;
  @Column('text') numero: string;
  @Column('text') objet: string;
  @Column('text') secteur: string;
  /** `batiment` / `travaux_publics` with `btp`, else null (and null for a btp marché recorded before it was asked). */
  @Column({ name: 'sous_secteur', type: 'text', nullable: true }) sousSecteur: string | null;
  @Column({ name: 'base_juridique', type: 'text' }) baseJuridique: string;
  @Column({ name: 'heures_prevues_centiemes', type: 'bigint', transformer: int }) heuresPrevuesCentiemes: number;
  @Column({ name: 'date_debut', type: 'text' }) dateDebut: string;
  @Column({ name: 'date_fin', type: 'text' }) dateFin: string;
  @Column({ name: 'date_cloture', type: 'text', nullable: true }) dateCloture: string | null;
  @Column({ name: 'suivi_regional', type: 'boolean' }) suiviRegional: boolean;
  /** Realised hours as they stand today: every month declared, up to the closing month once closed (migration ListeMarches1764600000001). */
  @Column({ name: 'centiemes_realises', type: 'bigint', transformer: int }) centiemesRealises: number;
}

/** The terms of a marché from `depuis` on: as registered, then after each avenant (migration TermesMarches1764000000010). */
@Entity({ schema: SCHEMA, name: 'termes_marches' })
export class TermesMarcheLus {
  /** The event's global position: the log order of two avenants of one day. */
  @PrimaryColumn({ type: 'bigint', transformer: int }) position: number;
  @Column({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @Column('text') depuis: string;
  @Column({ name: 'heures_prevues_centiemes', type: 'bigint', transformer: int }) heuresPrevuesCentiemes: number;
  @Column({ name: 'date_fin', type: 'text' }) dateFin: string;
}

@Entity({ schema: SCHEMA, name: 'entreprises' })
export class EntrepriseLue {
  @PrimaryColumn('uuid') id: string;
  @Column('text') siret: string;
  @Column({ name: 'raison_sociale', type: 'text' }) raisonSociale: string;
  @Column('text') type: string;
}

@Entity({ schema: SCHEMA, name: 'salaries' })
export class SalarieLu {
  @PrimaryColumn('uuid') id: string;
  @Column('text') sexe: string;
  /** The age band at registration (`moins_26`, `26_49`, `50_plus`: TRANCHES_AGE), never the birth date (migration SalariesTrancheAge1764200000020). */
  @Column({ name: 'tranche_age', type: 'text' }) trancheAge: string;
  @Column('text') commune: string;
  @Column({ name: 'quartier_qpv', type: 'text', nullable: true }) quartierQpv: string | null;
  @Column({ name: 'niveau_formation', type: 'text' }) niveauFormation: string;
}

@Entity({ schema: SCHEMA, name: 'eligibilites' })
export class EligibiliteLue {
  /** The event's global position: unique, and identical on every replay. */
  @PrimaryColumn({ type: 'bigint', transformer: int }) position: number;
  @Column({ name: 'salarie_id', type: 'uuid' }) salarieId: string;
  @Column({ type: 'text', array: true }) criteres: string[];
  @Column({ name: 'date_validation', type: 'text' }) dateValidation: string;
}

@Entity({ schema: SCHEMA, name: 'placements' })
export class PlacementLu {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'salarie_id', type: 'uuid' }) salarieId: string;
  @Column({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @Column({ name: 'entreprise_id', type: 'uuid' }) entrepriseId: string;
  @Column({ name: 'entreprise_utilisatrice_id', type: 'uuid', nullable: true }) entrepriseUtilisatriceId: string | null;
  @Column('text') modalite: string;
  @Column({ name: 'type_contrat', type: 'text' }) typeContrat: string;
  @Column({ name: 'date_debut', type: 'text' }) dateDebut: string;
  @Column({ name: 'date_fin', type: 'text', nullable: true }) dateFin: string | null;
  @Column({ type: 'text', nullable: true }) sortie: string | null;
  @Column({ name: 'sortie_positive', type: 'boolean', nullable: true }) sortiePositive: boolean | null;
  @Column({ name: 'categorie_sortie', type: 'text', nullable: true }) categorieSortie: string | null;
  /** Its marché's, null if the read model has no such marché (migration AgregatsIndicateurs1764600000003). */
  @Column({ name: 'donneur_ordre_id', type: 'uuid', nullable: true }) donneurOrdreId: string | null;
}

@Entity({ schema: SCHEMA, name: 'declarations' })
export class DeclarationLue {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'placement_id', type: 'uuid' }) placementId: string;
  @Column({ name: 'salarie_id', type: 'uuid' }) salarieId: string;
  @Column({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @Column({ name: 'entreprise_id', type: 'uuid' }) entrepriseId: string;
  @Column('text') mois: string;
  /** After corrections: a correction replaces the hours of the declaration it references. */
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
  @Column({ name: 'centiemes_declares', type: 'bigint', transformer: int }) centiemesDeclares: number;
}

/** A marché's hours of one month, after corrections: the sum of its `declarations` rows (migration HeuresMarcheMois1764600000000). */
@Entity({ schema: SCHEMA, name: 'heures_marche_mois' })
export class HeuresMarcheMoisLues {
  @PrimaryColumn({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @PrimaryColumn('text') mois: string;
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
}

/*
 * The sums behind a year's figures (agregats.ts, migration AgregatsIndicateurs1764600000003): hours after corrections
 * of the declarations of each key, 0 once corrected to 0.
 */

/** Hours by month, donneur d'ordre, sector of the marché, modalité of the placement and type of its employer ('' if unknown). */
@Entity({ schema: SCHEMA, name: 'heures_mois' })
export class HeuresMoisLues {
  @PrimaryColumn('text') mois: string;
  @PrimaryColumn({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @PrimaryColumn('text') secteur: string;
  @PrimaryColumn('text') modalite: string;
  @PrimaryColumn({ name: 'type_employeur', type: 'text' }) typeEmployeur: string;
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
}

/** Hours of a marché in a calendar year. */
@Entity({ schema: SCHEMA, name: 'marches_annee' })
export class MarchesAnneeLus {
  @PrimaryColumn('int') annee: number;
  @PrimaryColumn({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @PrimaryColumn({ name: 'marche_id', type: 'uuid' }) marcheId: string;
  @PrimaryColumn({ name: 'operation_id', type: 'uuid' }) operationId: string;
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
}

/** Hours of a person on an opération's marchés in a calendar year. */
@Entity({ schema: SCHEMA, name: 'personnes_annee' })
export class PersonnesAnneeLues {
  @PrimaryColumn('int') annee: number;
  @PrimaryColumn({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @PrimaryColumn({ name: 'operation_id', type: 'uuid' }) operationId: string;
  @PrimaryColumn({ name: 'salarie_id', type: 'uuid' }) salarieId: string;
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
}

/** Hours an entreprise employed or hosted someone for, by métier of the marchés, in a calendar year. */
@Entity({ schema: SCHEMA, name: 'entreprises_annee' })
export class EntreprisesAnneeLues {
  @PrimaryColumn('int') annee: number;
  @PrimaryColumn({ name: 'donneur_ordre_id', type: 'uuid' }) donneurOrdreId: string;
  @PrimaryColumn({ name: 'entreprise_id', type: 'uuid' }) entrepriseId: string;
  @PrimaryColumn('text') metier: string;
  @Column({ type: 'bigint', transformer: int }) centiemes: number;
}

@Entity({ schema: SCHEMA, name: 'objectifs' })
export class ObjectifsLus {
  @PrimaryColumn('int') annee: number;
  @Column({ type: 'numeric', transformer: int }) heures: number;
  @Column({ name: 'part_qpv_personnes', type: 'numeric', transformer: int }) partQpvPersonnes: number;
  @Column({ name: 'personnes_en_emploi', type: 'int' }) personnesEnEmploi: number;
}

export const ENTITES_INDICATEURS = [
  DonneurOrdreLu,
  OperationLue,
  MarcheLu,
  TermesMarcheLus,
  EntrepriseLue,
  SalarieLu,
  EligibiliteLue,
  PlacementLu,
  DeclarationLue,
  HeuresMarcheMoisLues,
  HeuresMoisLues,
  MarchesAnneeLus,
  PersonnesAnneeLues,
  EntreprisesAnneeLues,
  ObjectifsLus,
];
