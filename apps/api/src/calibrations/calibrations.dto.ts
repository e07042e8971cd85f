import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches, MaxLength, IsString, ValidateBy, ValidateIf } from 'class-validator';
import { CODE_METIER, CODE_METIER_MAX, COUT_HORAIRE_MAX, COUT_HORAIRE_MIN, LIBELLE_METIER_MAX, MONTANT_HT_MAX } from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { Euros, Identifiant, Part, Texte, ValeurDePart } from '../validation/fields';

const UN_SEUL = "indiquez soit partMainOeuvre (la part de main-d'œuvre, de 0 à 1), soit metier (un métier de GET /calibrations/metiers), et pas les deux";
const CODE = `$property doit être le code d'un métier : minuscules sans accent et chiffres, mots séparés par _ ou -, ${CODE_METIER_MAX} caractères au plus (par exemple peinture_interieure)`;

export class CalculerCalibrationDto {
  @Identifiant({ optional: true, description: 'Identifiant choisi par le client ; sinon le serveur en crée un.' })
  id?: string;

  @Euros({ min: 0, minExclu: true, max: MONTANT_HT_MAX, example: 1000000, description: 'Montant estimé hors taxes du marché ou du lot, en euros (au plus 10 milliards).' })
  montantHT: number;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 1,
    multipleOf: 0.0001,
    example: 0.5,
    description: "Part de la main-d'œuvre dans le prix, de 0 à 1 (0,5 pour 50 %). Exactement un de partMainOeuvre et metier.",
  })
  // Checked whenever given, and when metier is missing too: then it says that one of the two is needed.
  @ValidateIf((o: CalculerCalibrationDto) => o.partMainOeuvre != null || o.metier == null)
  @ValidateBy({
    name: 'partOuMetier',
    validator: { validate: (value, args) => (value == null) !== ((args?.object as CalculerCalibrationDto).metier == null), defaultMessage: () => UN_SEUL },
  })
  @ValeurDePart()
  partMainOeuvre?: number;

  @ApiPropertyOptional({
    type: String,
    pattern: CODE_METIER.source,
    maxLength: CODE_METIER_MAX,
    example: 'peinture_interieure',
    description: "Code d'un métier de la table (GET /calibrations/metiers) : sa part de main-d'œuvre est utilisée. Exactement un de partMainOeuvre et metier ; un métier absent de la table : 422 METIER_INCONNU.",
  })
  @ValidateIf((o: CalculerCalibrationDto) => o.metier != null)
  @IsString({ message: CODE })
  @MaxLength(CODE_METIER_MAX, { message: CODE })
  @Matches(CODE_METIER, { message: CODE })
  metier?: string;

  @Part({ example: 0.05, description: "Taux d'insertion voulu : part des heures de main-d'œuvre réservée à l'insertion, de 0 à 1 (d'ordinaire 0,05 à 0,2)." })
  tauxInsertion: number;

  @Euros({
    optional: true,
    min: COUT_HORAIRE_MIN,
    max: COUT_HORAIRE_MAX,
    example: 30,
    description: "Coût horaire moyen de la main-d'œuvre, en euros (1 à 1 000). Par défaut : celui de la table (30 € tant que l'équipe ne l'a pas changé).",
  })
  coutHoraire?: number;
}

export class FixerTauxMainOeuvreDto {
  @Texte({ max: LIBELLE_METIER_MAX, example: 'Peinture intérieure', description: 'Libellé du métier.' })
  libelle: string;

  @Part({ example: 0.7, description: "Part de la main-d'œuvre dans le prix de ce métier, de 0 à 1." })
  partMainOeuvre: number;
}

export class FixerCoutHoraireDto {
  @Euros({ min: COUT_HORAIRE_MIN, max: COUT_HORAIRE_MAX, example: 30, description: "Coût horaire moyen de la main-d'œuvre appliqué par défaut, en euros (1 à 1 000)." })
  coutHoraire: number;
}

/** A calibration: every factor used, the hours and the computation in words. */
export class CalibrationVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 833, description: "Heures d'insertion à exiger, arrondies à l'heure la plus proche (une demi-heure monte)." }) heures: number;
  @ApiProperty({ example: '1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h', description: 'Le calcul en toutes lettres.' }) formule: string;
  @ApiProperty({ example: 1000000 }) montantHT: number;
  @ApiProperty({ example: 0.5, description: "Part de main-d'œuvre utilisée (donnée, ou celle du métier à ce moment)." }) partMainOeuvre: number;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Le métier dont la part est issue, ou null.' }) metier: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) libelleMetier: string | null;
  @ApiProperty({ example: 0.05 }) tauxInsertion: number;
  @ApiProperty({ example: 30 }) coutHoraire: number;
  @ApiProperty({ description: 'Le coût horaire vient de la table (il n’était pas dans la demande).' }) coutHoraireParDefaut: boolean;
}

export class CalibrationCalculeeReponse extends CalibrationVue {
  @ApiProperty({ description: 'Révision du flux de la calibration (0).', example: 0 }) revision: number;
  @ApiProperty({ description: 'Position dans le journal global de l’événement ajouté.', example: 1234 }) position: number;
}

export class CalibrationLue extends CalibrationVue {
  @ApiProperty() revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

class MetierVue {
  @ApiProperty({ example: 'peinture_interieure' }) metier: string;
  @ApiProperty({ example: 'Peinture intérieure' }) libelle: string;
  @ApiProperty({ example: 0.7 }) partMainOeuvre: number;
  @ApiProperty({ enum: ['defaut', 'equipe'], description: "defaut : la valeur de départ ; equipe : fixée par l'équipe de facilitation." }) source: 'defaut' | 'equipe';
  @ApiProperty({ nullable: true, type: String, description: 'Qui l’a fixé en dernier (son identifiant d’utilisateur), null pour une valeur par défaut.' }) modifiePar: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Quand (ISO 8601), null pour une valeur par défaut.' }) modifieLe: string | null;
}

export class TableMetiersVue {
  @ApiProperty({ type: [MetierVue] }) metiers: MetierVue[];
  @ApiProperty({ example: 30, description: "Coût horaire moyen de la main-d'œuvre appliqué par défaut, en euros." }) coutHoraire: number;
  @ApiProperty({ enum: ['defaut', 'equipe'] }) coutHoraireSource: 'defaut' | 'equipe';
  @ApiProperty({ nullable: true, type: String }) coutHoraireModifiePar: string | null;
  @ApiProperty({ nullable: true, type: String }) coutHoraireModifieLe: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Révision du flux de la table (pour If-Match), null tant que l’équipe n’a rien changé.' })
  revision: number | null;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

