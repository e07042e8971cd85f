import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { Heures } from '../validation/fields';

export class FixerObjectifsDto {
  @Heures({ example: 300000, description: "Heures d'insertion visées sur l'année." })
  heures: number;

  @ApiProperty({ example: 0.2, description: 'Part des personnes résidant en QPV visée, entre 0 et 1.' })
  @IsNumber({}, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  @Min(0, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  @Max(1, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  partQpvPersonnes: number;

  @ApiProperty({ example: 45, description: 'Nombre de personnes en emploi visé (sortie en emploi durable ou de transition).' })
  @IsInt({ message: 'personnesEnEmploi doit être un nombre entier' })
  @Min(0, { message: 'personnesEnEmploi doit être positif' })
  personnesEnEmploi: number;
}
