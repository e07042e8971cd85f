import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
