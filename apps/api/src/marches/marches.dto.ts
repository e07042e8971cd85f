import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BASES_JURIDIQUES,
  HEURES_PREVUES_MAX,
  ROLES_ATTRIBUTAIRE,
  SECTEURS,
  SOUS_SECTEURS,
  type BaseJuridique,
  type RoleAttributaire,
  type Secteur,
  type SousSecteur,
  type StatutMarche,
} from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { Booleen, DateJour, Enum, Heures, Identifiant, Texte } from '../validation/fields';

export class EnregistrerMarcheDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Identifiant() donneurOrdreId: string;
  @Identifiant() operationId: string;

  @Texte({ example: '2024-BTP-017 lot 3', max: 100 })
  numero: string;

  @Texte({ example: 'Gros œuvre du centre de santé' })
  objet: string;

  @Enum(SECTEURS, { example: 'btp' })
  secteur: Secteur;

  @Enum(SOUS_SECTEURS, {
    optional: true,
    nullable: true,
    example: 'batiment',
    description:
      'Obligatoire avec le secteur btp (batiment ou travaux_publics ; sinon 422 SOUS_SECTEUR_REQUIS), absent ou null pour les autres secteurs (sinon 422 SOUS_SECTEUR_HORS_BTP).',
  })
  sousSecteur?: SousSecteur | null;

  @Enum(BASES_JURIDIQUES, { example: 'L2112-2' })
  baseJuridique: BaseJuridique;

  @Heures({ max: HEURES_PREVUES_MAX, example: 3425, description: "Heures d'insertion prévues (> 0, au plus 2 décimales)." })
  heuresPrevues: number;

  @DateJour({ example: '2024-01-15' }) dateDebut: string;
  @DateJour({ example: '2025-06-30' }) dateFin: string;

  @Identifiant({
    optional: true,
    description: "La calibration (POST /calibrations) dont les heures prévues sont issues ; le marché en garde la référence. Une calibration inconnue : 422 CALIBRATION_INCONNUE.",
  })
  calibrationId?: string;
}

export class AttribuerMarcheDto {
  @Identifiant({
    description:
      "Sur un marché réservé, quel que soit le rôle : une EA ou un ESAT (L2113-12), une SIAE — EI, AI, ACI, ETTI (L2113-13, marché d'insertion). Sinon 422 MARCHE_RESERVE.",
  })
  entrepriseId: string;
  @Enum(ROLES_ATTRIBUTAIRE, { example: 'titulaire' }) role: RoleAttributaire;
}

export class ConclureAvenantDto {
  @Heures({ max: HEURES_PREVUES_MAX, optional: true, example: 4000, description: 'Nouvelles heures prévues.' })
  heuresPrevues?: number;

  @DateJour({ optional: true, example: '2025-12-31', description: 'Nouvelle date de fin.' })
  dateFin?: string;

  @Texte({ example: 'Prolongation du chantier de 6 mois' })
  motif: string;
}

export class SuiviRegionalDto {
  @Booleen({ example: true }) suivi: boolean;
}

export class CloturerMarcheDto {
  @DateJour({ optional: true, example: '2025-07-01', description: "Date de clôture (aujourd'hui par défaut)." })
  date?: string;
}

class AttributaireVue {
  @ApiProperty({ format: 'uuid' }) entrepriseId: string;
  @ApiProperty({ enum: ROLES_ATTRIBUTAIRE }) role: RoleAttributaire;
  @ApiProperty({ nullable: true, type: String, example: 'Bâtiments de Bourgogne SAS' }) raisonSociale: string | null;
  @ApiProperty({ nullable: true, type: String, example: '73282932000074' }) siret: string | null;
}

class AvenantVue {
  @ApiPropertyOptional() heuresPrevues?: number;
  @ApiPropertyOptional() dateFin?: string;
  @ApiProperty() motif: string;
}

export class MarcheVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) donneurOrdreId: string;
  @ApiProperty({ format: 'uuid' }) operationId: string;
  @ApiProperty() numero: string;
  @ApiProperty() objet: string;
  @ApiProperty({ enum: SECTEURS }) secteur: Secteur;
  @ApiProperty({ enum: SOUS_SECTEURS, nullable: true, description: 'Avec btp ; null pour les autres secteurs et pour un marché btp enregistré avant que le champ soit demandé.' })
  sousSecteur: SousSecteur | null;
  @ApiProperty({ enum: BASES_JURIDIQUES }) baseJuridique: BaseJuridique;
  @ApiProperty({ description: 'Après avenants.' }) heuresPrevues: number;
  @ApiProperty() heuresPrevuesInitiales: number;
  @ApiProperty() dateDebut: string;
  @ApiProperty({ description: 'Après avenants.' }) dateFin: string;
  @ApiProperty({ type: [AttributaireVue] }) attributaires: AttributaireVue[];
  @ApiProperty({ type: [AvenantVue] }) avenants: AvenantVue[];
  @ApiProperty() suiviRegional: boolean;
  @ApiProperty({ nullable: true, type: String }) dateCloture: string | null;
  @ApiProperty({ enum: ['notifie', 'en_cours', 'cloture'] }) statut: StatutMarche;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'La calibration dont les heures sont issues, ou null.' })
  calibrationId: string | null;
  @ApiProperty() revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}
