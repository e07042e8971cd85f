import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { LectureDto } from '../read-side/read-query.dto';
import { PaginationDto } from '../read-side/pagination';
import { enMinuscules, Enum, Texte } from '../validation/fields';

/** Not trimmed: spaces belong to a pass phrase. Its strength is the domain's rule (422 MOT_DE_PASSE_TROP_FAIBLE). */
function MotDePasse(description: string) {
  return applyDecorators(
    ApiProperty({ format: 'password', minLength: 12, maxLength: 200, description }),
    IsString({ message: '$property doit être un texte' }),
    MaxLength(1000, { message: '$property dépasse 1 000 caractères' }),
  );
}

function DonneurOrdreDeLAcheteur() {
  return applyDecorators(
    ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: "Obligatoire pour un acheteur (son donneur d'ordre), absent ou null pour les autres rôles." }),
    enMinuscules,
    ValidateIf((_o, value) => value !== undefined && value !== null),
    IsUUID('all', { message: 'donneurOrdreId doit être un uuid' }),
  );
}

export class CreerUtilisateurDto {
  @Texte({ example: 'claire.martin', max: 64, description: 'De 3 à 64 caractères : lettres sans accent, chiffres, point, tiret, tiret bas ou @ ; enregistré en minuscules.' })
  identifiant: string;

  @Enum(ROLES, { example: 'facilitatrice' })
  role: Role;

  @MotDePasse('12 caractères au moins : une phrase de plusieurs mots convient bien.')
  motDePasse: string;

  @DonneurOrdreDeLAcheteur()
  donneurOrdreId?: string | null;
}

export class ModifierRoleDto {
  @Enum(ROLES, { example: 'acheteur' })
  role: Role;

  @DonneurOrdreDeLAcheteur()
  donneurOrdreId?: string | null;
}

export class ModifierMotDePasseDto {
  @MotDePasse('Le nouveau mot de passe (12 caractères au moins). Les sessions ouvertes avec l’ancien prennent fin.')
  motDePasse: string;
}

export class ChangerMonMotDePasseDto {
  @MotDePasse('Le mot de passe actuel.')
  motDePasseActuel: string;

  @MotDePasse('Le nouveau mot de passe (12 caractères au moins).')
  nouveauMotDePasse: string;
}

export class ListeUtilisateursDto extends IntersectionType(PaginationDto, LectureDto) {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES as unknown as string[], { message: `role doit valoir l'une de ces valeurs : ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ description: 'true : les comptes actifs ; false : les comptes désactivés.' })
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'], { message: 'actif doit valoir true ou false' })
  actif?: 'true' | 'false';

}

export class UtilisateurVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'claire.martin' }) identifiant: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) donneurOrdreId: string | null;
  @ApiProperty() actif: boolean;
  @ApiProperty({ description: 'Créé le (horodatage du journal).' }) creeLe: string;
  @ApiProperty({ description: 'Identifiant (uuid) de qui l’a créé, ou « cli:<compte système> » pour la ligne de commande.' }) creePar: string;
  @ApiProperty() modifieLe: string;
  @ApiProperty() modifiePar: string;
  @ApiProperty() revision: number;
}

export class ListeUtilisateursVue {
  @ApiProperty({ type: [UtilisateurVue] }) items: UtilisateurVue[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}
