import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { COLONNES_IMPORT, type ErreurLigne, type Travail } from '@suivi/imports';
import { Fraicheur, fraicheurDuFlux } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';

export class ImportHeuresDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: "`true` : tout vérifier et dire ce qui serait enregistré, sans rien enregistrer." })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'simulation doit valoir true ou false' })
  simulation?: 'true' | 'false';
}

export class ErreurDeLigne {
  @ApiProperty({ description: 'Numéro de la ligne dans le fichier (la ligne d’en-tête est la 1).' }) ligne: number;
  @ApiProperty({ enum: COLONNES_IMPORT, nullable: true, type: String, description: 'La colonne en cause, null quand c’est la ligne entière.' }) colonne: string | null;
  @ApiProperty({ example: 'MOIS_INVALIDE' }) code: string;
  @ApiProperty() message: string;
}

export class ProgressionImport {
  @ApiProperty({ enum: ['lecture', 'verification', 'enregistrement'] }) etape: string;
  @ApiProperty() lignesTraitees: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Inconnu pendant la lecture (le fichier est lu au fil de l’eau).' }) lignesTotal: number | null;
}

export class ProblemeImport {
  @ApiProperty({ example: 'FICHIER_COLONNES_MANQUANTES' }) code: string;
  @ApiProperty() message: string;
  @ApiProperty({ nullable: true }) details: unknown;
}

/** What the import answers, and what `GET /imports/{id}` follows. */
export class ImportVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ['lecture', 'verification', 'enregistrement', 'simule', 'enregistre', 'enregistre_partiellement', 'refuse', 'interrompu'],
    description:
      'lecture, verification, enregistrement : en cours ; simule : simulation terminée, rien enregistré (ses erreurs listées) ; enregistre : tout est enregistré ; refuse : des erreurs, rien enregistré ; ' +
      "enregistre_partiellement : des lignes vérifiées ont été refusées à l'enregistrement parce que les mêmes mois ont changé entre-temps (les autres sont enregistrées ; réimporter le fichier corrigé complète sans doublon) ; interrompu : le service s'est arrêté avant l'enregistrement, rien enregistré.",
  })
  etat: string;
  @ApiProperty() simulation: boolean;
  @ApiProperty() fichier: string;
  @ApiProperty({ description: 'SHA-256 du fichier reçu.' }) empreinte: string;
  @ApiProperty({ enum: ['csv', 'xlsx'], nullable: true, type: String }) format: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'windows-1252' }) encodage: string | null;
  @ApiProperty({ type: [String], description: 'En-têtes qui ne correspondent à aucune colonne du modèle (ignorés).' }) colonnesIgnorees: string[];
  @ApiProperty({ description: 'Lignes de données lues.' }) lignes: number;
  @ApiProperty({ description: 'Nouvelles déclarations (enregistrées, ou qui le seraient en simulation).' }) declarations: number;
  @ApiProperty({ description: 'Mois déjà déclarés avec d’autres heures : corrections.' }) corrections: number;
  @ApiProperty({ description: 'Lignes déjà enregistrées avec les mêmes heures : rien à faire (un fichier réimporté n’enregistre rien deux fois).' }) inchangees: number;
  @ApiProperty({ type: [ErreurDeLigne], description: 'Les erreurs par ligne et colonne, dans l’ordre du fichier (les 1 000 premières ; toutes par GET /imports/{id}/erreurs).' })
  erreurs: ErreurDeLigne[];
  @ApiProperty() erreursTotal: number;
  @ApiProperty({ type: ProblemeImport, nullable: true, description: 'Le fichier entier est illisible ou incomplet.' }) probleme: ProblemeImport | null;
  @ApiProperty({ type: ProgressionImport, nullable: true, description: 'Pendant l’import ; null une fois terminé.' }) progression: ProgressionImport | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Position du dernier événement enregistré : à passer en ?apres= pour lire ses effets.' }) position: number | null;
  @ApiProperty() creeLe: string;
  @ApiProperty({ nullable: true, type: String }) termineLe: string | null;
  @ApiProperty({ type: Fraicheur, description: "Le suivi d'un import est lu à jour ; position : celle de son dernier événement (0 avant)." }) fraicheur: Fraicheur;
}

export class ListeImports {
  @ApiProperty({ type: [ImportVue] }) items: ImportVue[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

export class ListeErreursImport {
  @ApiProperty({ type: [ErreurDeLigne] }) items: ErreurDeLigne[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

export class PageDto extends PaginationDto {}

export const ERREURS_DANS_LA_VUE = 1_000;

export function vueDe(travail: Travail, erreurs: ErreurLigne[], erreursTotal: number): ImportVue {
  const enCours = travail.termineLe === null;
  return {
    id: travail.id,
    etat: travail.etat,
    simulation: travail.simulation,
    fichier: travail.nomFichier,
    empreinte: travail.empreinte,
    format: travail.format,
    encodage: travail.encodage,
    colonnesIgnorees: travail.colonnesIgnorees,
    lignes: travail.lignes,
    ...travail.compteurs,
    erreurs,
    erreursTotal,
    probleme: travail.probleme ? { code: travail.probleme.code, message: travail.probleme.message, details: travail.probleme.details ?? null } : null,
    progression: enCours
      ? { etape: travail.etat, lignesTraitees: travail.phaseLignes, lignesTotal: travail.etat === 'lecture' ? null : travail.lignesRattachees }
      : null,
    position: travail.position,
    creeLe: travail.creeLe,
    termineLe: travail.termineLe,
    fraicheur: fraicheurDuFlux(travail.position),
  };
}
