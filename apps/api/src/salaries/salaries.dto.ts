import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
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
import { PaginationDto } from '../read-side/pagination';
import { LectureDto } from '../read-side/read-query.dto';
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

export const TRIS_SALARIES = ['nom', 'commune'] as const;

/** `GET /salaries`: a page of the directory, searched by name for those who see identities. */
export class ListeSalariesDto extends IntersectionType(PaginationDto, LectureDto) {
  @Texte({
    optional: true,
    nullable: true,
    max: 200,
    example: 'martin camille',
    description:
      "Recherche par nom et prénom, sans tenir compte des accents ni de la casse (« zebulon » trouve « Zébulon ») : chaque mot doit figurer dans le nom ou le prénom. Réservée à qui voit les identités (sinon 403 RECHERCHE_NOMINATIVE_REFUSEE).",
  })
  q?: string | null;

  @ApiPropertyOptional({ enum: TRIS_SALARIES, default: 'nom', description: 'nom : par nom puis prénom (les identités effacées ou masquées en dernier) ; commune.' })
  @IsOptional()
  @IsIn(TRIS_SALARIES as unknown as string[], { message: `tri doit valoir l'une de ces valeurs : ${TRIS_SALARIES.join(', ')}` })
  tri?: (typeof TRIS_SALARIES)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'ordre doit valoir asc ou desc' })
  ordre?: 'asc' | 'desc';
}

export class PlacementEnCoursVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) marcheId: string;
  @ApiProperty({ format: 'uuid' }) entrepriseId: string;
  @ApiProperty({ example: '2025-03-01' }) dateDebut: string;
}

export class SalarieListeVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, description: `${IDENTITE} Null aussi une fois effacée.` }) nom: string | null;
  @ApiProperty({ nullable: true, type: String, description: `${IDENTITE} Null aussi une fois effacée.` }) prenom: string | null;
  @ApiProperty({ enum: SEXES }) sexe: Sexe;
  @ApiProperty({ enum: TRANCHES_AGE, nullable: true }) trancheAge: TrancheAge | null;
  @ApiProperty() commune: string;
  @ApiProperty() efface: boolean;
  @ApiProperty({ type: [PlacementEnCoursVue], description: 'Ses placements en cours (sans date de fin).' }) placementsEnCours: PlacementEnCoursVue[];
}

export class ListeSalariesVue {
  @ApiProperty({ type: [SalarieListeVue] }) items: SalarieListeVue[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ description: "Si l'appelant voit les identités (sinon nom et prénom valent null)." }) identiteVisible: boolean;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}
