import { ApiProperty } from '@nestjs/swagger';

export const ETATS_VERIFICATION = ['jamais', 'en_cours', 'terminee', 'echec'] as const;
export type EtatVerification = (typeof ETATS_VERIFICATION)[number];

export class ProgressionVerification {
  @ApiProperty({ example: 'indicateurs', description: 'La projection en cours de rejeu.' })
  projection: string;

  @ApiProperty({ example: 9000, description: 'Position du journal atteinte par le rejeu.' })
  position: number;

  @ApiProperty({ example: 18734, description: 'Position de la projection en service que le rejeu doit atteindre (elle peut avancer pendant le rejeu).' })
  cible: number;
}

export class LigneDifferente {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { id: '0b9f3c9e-3a7c-4c1e-9d43-1e0f5d1e2a77' }, description: 'La clé primaire de la ligne (colonnes et valeurs).' })
  cle: Record<string, unknown>;

  @ApiProperty({ description: 'La ligne est dans le modèle de lecture en service.' })
  enDirect: boolean;

  @ApiProperty({ description: 'La ligne est dans le rejeu du journal.' })
  rejouee: boolean;

  @ApiProperty({
    type: [String],
    example: ['centiemes'],
    description:
      'Les colonnes qui diffèrent quand la ligne est des deux côtés ; toutes sinon. Les valeurs ne sont pas rendues ici : la commande `audit:verify` les affiche.',
  })
  colonnes: string[];
}

export class DifferenceTable {
  @ApiProperty({ example: 'indicateurs' })
  projection: string;

  @ApiProperty({ example: 'indicateurs.declarations', description: 'La table du modèle de lecture (schéma.table).' })
  table: string;

  @ApiProperty({ type: [String], example: ['id'] })
  colonnesCle: string[];

  @ApiProperty({ example: 14871, description: 'Lignes de la table en service.' })
  lignesEnDirect: number;

  @ApiProperty({ example: 14871, description: 'Lignes de la même table rejouée depuis le journal.' })
  lignesRejouees: number;

  @ApiProperty({ example: 1, description: 'Lignes présentes en service et absentes du rejeu (ou avec d’autres valeurs).' })
  seulementEnDirect: number;

  @ApiProperty({ example: 1, description: 'Lignes présentes dans le rejeu et absentes du service (ou avec d’autres valeurs).' })
  seulementRejouees: number;

  @ApiProperty({ type: [LigneDifferente], description: 'Les premières lignes par clé, quelques-unes de chaque côté.' })
  exemples: LigneDifferente[];
}

export class ProjectionVerifiee {
  @ApiProperty({ example: 'indicateurs' })
  projection: string;

  @ApiProperty({ example: 18734, description: 'La position du journal à laquelle le service et le rejeu ont été comparés (celle de la projection en service).' })
  position: number;

  @ApiProperty({ example: 18734, description: 'Événements rejoués.' })
  evenements: number;

  @ApiProperty({ example: 4.2 })
  secondesRejeu: number;

  @ApiProperty({ example: 0.3 })
  secondesComparaison: number;

  @ApiProperty({ example: 10 })
  tables: number;

  @ApiProperty({ example: 21345, description: 'Lignes du modèle de lecture en service.' })
  lignes: number;

  @ApiProperty()
  conforme: boolean;
}

export class ResultatVerification {
  @ApiProperty({ description: 'Vrai quand chaque modèle de lecture est identique, ligne à ligne, au rejeu du journal.' })
  conforme: boolean;

  @ApiProperty({ type: [ProjectionVerifiee] })
  projections: ProjectionVerifiee[];

  @ApiProperty({ type: [DifferenceTable], description: 'Les tables qui diffèrent ; vide quand tout est conforme.' })
  differences: DifferenceTable[];
}

export class VerificationVue {
  @ApiProperty({ enum: ETATS_VERIFICATION, description: 'jamais : aucune vérification lancée par ce processus depuis son démarrage.' })
  etat: EtatVerification;

  @ApiProperty({ type: String, nullable: true, example: '2025-11-24T09:12:03.120Z' })
  demarreeLe: string | null;

  @ApiProperty({ type: String, nullable: true })
  termineeLe: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 18734, description: 'La tête du journal au démarrage de la vérification.' })
  position: number | null;

  @ApiProperty({ type: ProgressionVerification, nullable: true })
  progression: ProgressionVerification | null;

  @ApiProperty({ type: ResultatVerification, nullable: true, description: 'Quand la vérification est terminée.' })
  resultat: ResultatVerification | null;

  @ApiProperty({ type: String, nullable: true, description: 'Pourquoi la vérification a échoué (état echec).' })
  erreur: string | null;
}
