import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { TYPES_ENTREPRISE, type TypeEntreprise } from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';
import { LectureDto } from '../read-side/read-query.dto';
import { Enum, Identifiant, Texte } from '../validation/fields';

export const TRIS_ENTREPRISES = ['raisonSociale', 'siret'] as const;

export class EnregistrerEntrepriseDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Texte({ example: '73282932000074', max: 20, description: '14 chiffres (espaces tolérés), clé de Luhn vérifiée.' })
  siret: string;

  @Texte({ example: 'Bâtiments de Bourgogne SAS' })
  raisonSociale: string;

  @Enum(TYPES_ENTREPRISE, { example: 'classique' })
  type: TypeEntreprise;
}

export class EntrepriseVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '73282932000074' }) siret: string;
  @ApiProperty({ example: '732829320' }) siren: string;
  @ApiProperty() raisonSociale: string;
  @ApiProperty({ enum: TYPES_ENTREPRISE }) type: TypeEntreprise;
  @ApiProperty() revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

/** A search text in a list's query: trimmed, blank is no search, at most 200 characters. */
export const RECHERCHE_MAX = 200;

export class ListeEntreprisesDto extends IntersectionType(LectureDto, PaginationDto) {
  @Texte({
    optional: true,
    nullable: true,
    max: RECHERCHE_MAX,
    example: 'batiments',
    description:
      "Recherche dans la raison sociale, sans tenir compte des accents ni de la casse (chaque mot doit y figurer), ou début d'un SIRET ou d'un SIREN (espaces et points tolérés : « 732 829 320 »).",
  })
  q?: string | null;

  @Enum(TYPES_ENTREPRISE, { optional: true })
  type?: TypeEntreprise;

  @Enum(TRIS_ENTREPRISES, { optional: true, description: 'raisonSociale par défaut (sans accents ni casse).' })
  tri?: (typeof TRIS_ENTREPRISES)[number];

  @Enum(['asc', 'desc'], { optional: true, description: 'asc par défaut.' })
  ordre?: 'asc' | 'desc';
}

export class EntrepriseListee {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '73282932000074' }) siret: string;
  @ApiProperty({ example: '732829320' }) siren: string;
  @ApiProperty({ example: 'Bâtiments de Bourgogne SAS' }) raisonSociale: string;
  @ApiProperty({ enum: TYPES_ENTREPRISE }) type: TypeEntreprise;
}

export class ListeEntreprisesVue {
  @ApiProperty({ type: [EntrepriseListee] }) items: EntrepriseListee[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}
