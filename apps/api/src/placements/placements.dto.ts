import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  HEURES_MOIS_PLAFOND,
  MODALITES,
  SORTIES,
  TYPES_CONTRAT,
  type CategorieSortie,
  type Modalite,
  type Sortie,
  type TypeContrat,
} from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';
import { LectureDto } from '../read-side/read-query.dto';
import { DateJour, Enum, Heures, Identifiant, MoisCalendaire } from '../validation/fields';

export class DemarrerPlacementDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Identifiant() salarieId: string;
  @Identifiant() marcheId: string;
  @Identifiant({ description: "L'employeur." }) entrepriseId: string;

  @Identifiant({
    optional: true,
    nullable: true,
    description: "Pour une mise à disposition par une ETTI, une AI ou un GEIQ : l'attributaire qui accueille la personne.",
  })
  entrepriseUtilisatriceId?: string | null;

  @Enum(MODALITES, { example: 'embauche_directe' }) modalite: Modalite;
  @Enum(TYPES_CONTRAT, {
    example: 'cdd',
    description:
      "Selon la modalité et l'employeur : embauche directe en CDI, CDD, contrat de professionnalisation ou apprentissage (CDDI par une EI, AI ou ACI) ; " +
      'mise à disposition en intérim par une ETTI, en CDDI par une AI, en contrat de professionnalisation ou apprentissage par un GEIQ ; ' +
      'sous-traitance SIAE en CDDI (intérim pour une ETTI) ; formation avec le contrat formation. Sinon 422 CONTRAT_INCOMPATIBLE_MODALITE.',
  })
  typeContrat: TypeContrat;
  @DateJour({ example: '2024-02-01' }) dateDebut: string;
}

export class DeclarerHeuresDto {
  @MoisCalendaire({ example: '2024-02' }) mois: string;
  @Heures({ max: HEURES_MOIS_PLAFOND, example: 151.67, description: 'Heures travaillées dans le mois (> 0, au plus 2 décimales, 220 au plus par personne et par mois).' })
  heures: number;
}

export class TerminerPlacementDto {
  @DateJour({ example: '2024-12-20' }) dateFin: string;
  @Enum(SORTIES, { example: 'cdi' }) sortie: Sortie;
}

class CorrectionVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() heures: number;
  @ApiProperty() heuresPrecedentes: number;
  @ApiProperty() motif: string;
}

class DeclarationVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2024-02' }) mois: string;
  @ApiProperty({ description: 'Après corrections.' }) heures: number;
  @ApiProperty({ description: 'Telles que déclarées la première fois.' }) heuresDeclarees: number;
  @ApiProperty({ type: [CorrectionVue] }) corrections: CorrectionVue[];
}

export class PlacementVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) salarieId: string;
  @ApiProperty({ format: 'uuid' }) marcheId: string;
  @ApiProperty({ format: 'uuid' }) entrepriseId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) entrepriseUtilisatriceId: string | null;
  @ApiProperty({ enum: MODALITES }) modalite: Modalite;
  @ApiProperty({ enum: TYPES_CONTRAT }) typeContrat: TypeContrat;
  @ApiProperty() dateDebut: string;
  @ApiProperty({ enum: ['en_cours', 'termine'] }) statut: 'en_cours' | 'termine';
  @ApiPropertyOptional({ nullable: true, type: String }) dateFin: string | null;
  @ApiPropertyOptional({ enum: SORTIES, nullable: true }) sortie: Sortie | null;
  @ApiPropertyOptional({ nullable: true, type: Boolean }) sortiePositive: boolean | null;
  @ApiPropertyOptional({ nullable: true, enum: ['emploi_durable', 'emploi_transition', 'sortie_positive_formation', 'autre'] })
  categorieSortie: CategorieSortie | null;
  @ApiProperty({ type: [DeclarationVue] }) declarations: DeclarationVue[];
  @ApiProperty({ description: 'Total des heures après corrections.' }) heuresTotales: number;
  @ApiProperty({ description: 'Révision du flux du salarié, qui porte le placement.' }) revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

/** `GET /placements`: filtered by marché, salarié, entreprise, running or ended. */
export class ListePlacementsDto extends IntersectionType(PaginationDto, LectureDto) {
  @Identifiant({ optional: true }) marcheId?: string;
  @Identifiant({ optional: true }) salarieId?: string;
  @Identifiant({ optional: true }) entrepriseId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true : les placements en cours (sans date de fin) ; false : les placements terminés.' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'enCours doit valoir true ou false' })
  enCours?: 'true' | 'false';
}

export class PlacementListeVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) salarieId: string;
  @ApiProperty({ format: 'uuid' }) marcheId: string;
  @ApiProperty({ format: 'uuid' }) entrepriseId: string;
  @ApiProperty({ enum: MODALITES }) modalite: string;
  @ApiProperty({ enum: TYPES_CONTRAT }) typeContrat: string;
  @ApiProperty({ example: '2025-03-01' }) dateDebut: string;
  @ApiProperty({ nullable: true, type: String }) dateFin: string | null;
  @ApiProperty() enCours: boolean;
  @ApiProperty({ description: 'Heures déclarées sur le placement, après corrections.' }) heuresTotales: number;
}

export class ListePlacementsVue {
  @ApiProperty({ type: [PlacementListeVue] }) items: PlacementListeVue[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

/** `GET /declarations/manquantes`: a month's to-do list. */
export class ManquantesDto extends IntersectionType(PaginationDto, LectureDto) {
  @MoisCalendaire({ example: '2025-03', description: 'Le mois à déclarer (AAAA-MM).' }) mois: string;
  @Identifiant({ optional: true }) marcheId?: string;
}

export class DeclarationManquanteVue {
  @ApiProperty({ format: 'uuid', description: 'Le placement (comme placementId).' }) id: string;
  @ApiProperty({ format: 'uuid' }) placementId: string;
  @ApiProperty({ format: 'uuid' }) salarieId: string;
  @ApiProperty({ nullable: true, type: String, description: "Null quand l'appelant ne voit pas les identités, ou une fois effacée." }) nom: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Null quand l'appelant ne voit pas les identités, ou une fois effacée." }) prenom: string | null;
  @ApiProperty() efface: boolean;
  @ApiProperty({ format: 'uuid' }) marcheId: string;
  @ApiProperty() numeroMarche: string;
  @ApiProperty({ format: 'uuid' }) entrepriseId: string;
  @ApiProperty() dateDebut: string;
  @ApiProperty({ nullable: true, type: String }) dateFin: string | null;
}

export class ManquantesVue {
  @ApiProperty({ type: [DeclarationManquanteVue] }) items: DeclarationManquanteVue[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty() mois: string;
  @ApiProperty() identiteVisible: boolean;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}
