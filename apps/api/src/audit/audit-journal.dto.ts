import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Fraicheur } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';
import { LectureDto } from '../read-side/read-query.dto';

const INSTANT = "un instant ISO 8601 (2025-06-30T18:00:00+02:00) ou une date (2025-06-30 : jusqu'à la fin de ce jour, heure de Paris)";

export class FluxDto extends PaginationDto {}

export class JournalDto extends IntersectionType(PaginationDto, LectureDto) {
  @ApiPropertyOptional({ description: `Depuis (inclus) : ${INSTANT.replace("jusqu'à la fin", 'dès le début')}.`, example: '2025-01-01' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: `du doit être ${INSTANT}` })
  du?: string;

  @ApiPropertyOptional({ description: `Jusqu'à (inclus) : ${INSTANT}.`, example: '2025-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: `au doit être ${INSTANT}` })
  au?: string;

  @ApiPropertyOptional({ description: "L'auteur : un identifiant d'utilisateur (uuid) ou « cli:<compte> ».", example: '3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11' })
  @IsOptional()
  @IsString({ message: 'utilisateur doit être un texte' })
  @MaxLength(200, { message: 'utilisateur ne doit pas dépasser 200 caractères' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'utilisateur ne contient que des caractères visibles, sans espace' })
  utilisateur?: string;
}

export class EtatDto {
  @ApiProperty({ description: `L'instant auquel l'état est demandé : ${INSTANT}.`, example: '2025-06-30T18:00:00+02:00' })
  @IsISO8601({ strict: true }, { message: `date doit être ${INSTANT}` })
  date: string;
}

export class MetadonneesVue {
  @ApiProperty() schemaVersion: number;
  @ApiProperty({ description: 'Quand le fait a eu lieu, selon la demande.' }) occurredAt: string;
  @ApiProperty({ description: 'Quand il a été enregistré dans le journal.' }) recordedAt: string;
  @ApiProperty({ description: "Qui l'a enregistré (identifiant d'utilisateur)." }) userId: string;
  @ApiProperty() correlationId: string;
  @ApiProperty({ nullable: true, type: String }) causationId: string | null;
}

export class EvenementVue {
  @ApiProperty() position: number;
  @ApiProperty() streamId: string;
  @ApiProperty() revision: number;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() type: string;
  @ApiProperty({ description: "Les champs de l'événement ; les données personnelles valent null pour qui ne voit pas les identités, et pour tous une fois effacées." })
  data: Record<string, unknown>;
  @ApiProperty({ type: MetadonneesVue }) metadata: MetadonneesVue;
}

export class ListeEvenementsVue {
  @ApiProperty({ type: [EvenementVue] }) items: EvenementVue[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

export class EtatVue {
  @ApiProperty({ example: 'marche' }) type: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: "L'instant demandé (ISO 8601)." }) connuLe: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Révision du flux à cet instant ; null si rien n’était encore enregistré.' }) revision: number | null;
  @ApiProperty({ description: 'Nombre d’événements enregistrés jusqu’à cet instant.' }) evenements: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Position du dernier de ces événements dans le journal.' }) position: number | null;
  @ApiProperty({ description: "L'état de l'agrégat rejoué depuis ces seuls événements (existe: false s'il n'existait pas encore)." })
  etat: Record<string, unknown>;
}
