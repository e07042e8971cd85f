import { ApiProperty } from '@nestjs/swagger';
import {
  CRITERES_ELIGIBILITE,
  MOTIFS_EFFACEMENT,
  NIVEAUX_FORMATION,
  SEXES,
  TRANCHES_AGE,
  type CritereEligibilite,
  type MotifEffacement,
  type NiveauFormation,
  type Sexe,
  type TrancheAge,
} from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { DateJour, Enum, EnumList, Identifiant, Texte } from '../validation/fields';

export class EnregistrerSalarieDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Texte({ example: 'Martin', max: 200 }) nom: string;
  @Texte({ example: 'Camille', max: 200 }) prenom: string;
  @Enum(SEXES, { example: 'F' }) sexe: Sexe;
  @DateJour({ example: '1994-03-12' }) dateNaissance: string;
  @Texte({ optional: true, nullable: true, example: '12 rue des Lilas' }) adresse?: string | null;
  @Texte({ example: 'Dijon', max: 200 }) commune: string;

  @Texte({ nullable: true, example: 'Fontaine d’Ouche', description: 'Nom du QPV de résidence, ou null.' })
  quartierQpv: string | null;

  @Enum(NIVEAUX_FORMATION, { example: '3' }) niveauFormation: NiveauFormation;
}

export class ValiderEligibiliteDto {
  @EnumList(CRITERES_ELIGIBILITE, { example: ['deld', 'brsa'] })
  criteres: CritereEligibilite[];

  @DateJour({ example: '2024-01-10' })
  dateValidation: string;

  @Texte({ optional: true, nullable: true, description: 'Obligatoire avec le critère autre.' })
  precision?: string | null;
}

class EligibiliteVue {
  @ApiProperty({ enum: CRITERES_ELIGIBILITE, isArray: true }) criteres: CritereEligibilite[];
  @ApiProperty() dateValidation: string;
  @ApiProperty({ nullable: true, type: String, description: 'Précision du critère autre ; null aussi quand l’appelant ne voit pas les identités (un texte libre peut désigner la personne).' }) precision: string | null;
  @ApiProperty() validePar: string;
}

const IDENTITE = "Identité : null quand l'appelant ne voit pas les identités (identiteVisible: false).";

export class SalarieVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description:
      "Si l'appelant voit l'identité de la personne (nom, prénom, date de naissance, adresse) : la facilitatrice, et l'administrateur quand ADMIN_SEES_IDENTITIES=true. Sinon ces champs valent null ; les autres restent, pour les statistiques.",
  })
  identiteVisible: boolean;
  @ApiProperty({ nullable: true, type: String, description: IDENTITE }) nom: string | null;
  @ApiProperty({ nullable: true, type: String, description: IDENTITE }) prenom: string | null;
  @ApiProperty({ enum: SEXES }) sexe: Sexe;
  @ApiProperty({ nullable: true, type: String, description: IDENTITE }) dateNaissance: string | null;
  @ApiProperty({ nullable: true, type: String, description: `${IDENTITE} Aussi null quand elle n'est pas connue.` }) adresse: string | null;
  @ApiProperty({ enum: TRANCHES_AGE, description: "Tranche d'âge à l'enregistrement (pour les statistiques)." }) trancheAge: TrancheAge;
  @ApiProperty({ description: "L'identité a été effacée (demande de la personne, durée de conservation…) : nom, prénom, date de naissance, adresse et précisions valent null pour tous ; les chiffres restent." })
  efface: boolean;
  @ApiProperty() commune: string;
  @ApiProperty({ nullable: true, type: String }) quartierQpv: string | null;
  @ApiProperty({ enum: NIVEAUX_FORMATION }) niveauFormation: NiveauFormation;
  @ApiProperty({ type: [EligibiliteVue] }) eligibilites: EligibiliteVue[];
  @ApiProperty({ type: [String], description: 'Identifiants de ses placements.' }) placements: string[];
  @ApiProperty() revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

export class EffacerSalarieDto {
  @Enum(MOTIFS_EFFACEMENT, { example: 'demande_de_la_personne', description: "Pourquoi l'identité est effacée (une liste fermée : l'effacement lui-même ne garde aucune donnée personnelle)." })
  motif: MotifEffacement;
}
