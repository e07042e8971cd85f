import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '@suivi/domain';
import { ResultatEcriture } from '../write-side/write-result';

export class ConnexionDto {
  @ApiProperty({ example: 'claire.martin' })
  @IsString({ message: "identifiant doit être un texte (l'identifiant de connexion)." })
  @MinLength(1, { message: 'Renseignez identifiant.' })
  @MaxLength(200, { message: 'identifiant dépasse 200 caractères.' })
  identifiant: string;

  /** Not trimmed: spaces are part of a pass phrase. */
  @ApiProperty({ example: 'une phrase de passe assez longue', format: 'password' })
  @IsString({ message: 'motDePasse doit être un texte.' })
  @MinLength(1, { message: 'Renseignez motDePasse.' })
  @MaxLength(1000, { message: 'motDePasse dépasse 1 000 caractères.' })
  motDePasse: string;
}

export class JetonVue {
  @ApiProperty({ description: 'À envoyer dans chaque requête : Authorization: Bearer <jeton>.' })
  jeton: string;

  @ApiProperty({ example: 3600, description: 'Durée de validité du jeton, en secondes.' })
  expireDans: number;
}

export class MoiVue {
  @ApiProperty({ format: 'uuid' }) utilisateurId: string;
  @ApiProperty({ example: 'claire.martin' }) identifiant: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: "Le donneur d'ordre d'un acheteur ; null pour les autres rôles." })
  donneurOrdreId: string | null;
  @ApiProperty({ description: 'Si ce rôle voit l’identité des salariés (nom, naissance, adresse).' }) voitIdentites: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Seuil du secret statistique appliqué à ce rôle ; null : rien n’est masqué.' })
  seuilSecretStatistique: number | null;
}

/** A password change answers the write (id, revision, position) and a new token: the old ones end. */
export class MotDePasseChangeVue extends IntersectionType(ResultatEcriture, JetonVue) {}
