import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNumber, Max, Min, ValidateBy } from 'class-validator';
import { OBJECTIF_HEURES_MAX, OBJECTIF_PERSONNES_MAX } from '@suivi/domain';
import { Heures } from '../validation/fields';

export class FixerObjectifsDto {
  @Heures({ max: OBJECTIF_HEURES_MAX, example: 300000, description: "Heures d'insertion visées sur l'année." })
  heures: number;

  @ApiProperty({ example: 0.2, description: 'Part des personnes résidant en QPV visée, entre 0 et 1.' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1, avec au plus 4 décimales' })
  @ValidateBy({
    name: 'quatreDecimales',
    validator: { validate: (v) => typeof v !== 'number' || Math.round(v * 10_000) / 10_000 === v, defaultMessage: () => 'partQpvPersonnes doit être un nombre entre 0 et 1, avec au plus 4 décimales' },
  })
  @Min(0, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  @Max(1, { message: 'partQpvPersonnes doit être un nombre entre 0 et 1' })
  partQpvPersonnes: number;

  @ApiProperty({ example: 45, description: 'Nombre de personnes en emploi visé (sortie en emploi durable ou de transition).' })
  @IsInt({ message: 'personnesEnEmploi doit être un nombre entier' })
  @Min(0, { message: 'personnesEnEmploi doit être positif' })
  @Max(OBJECTIF_PERSONNES_MAX, { message: `personnesEnEmploi doit être au plus ${OBJECTIF_PERSONNES_MAX.toLocaleString('fr-FR')}` })
  personnesEnEmploi: number;
}
