import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** `?format=`: the file asked instead of JSON (also by `Accept`). */
export function FormatFichier(formats: readonly string[]): PropertyDecorator {
  const liste = formats.join(' ou ');
  return (cible, cle) => {
    ApiPropertyOptional({ enum: formats, description: `Le fichier plutôt que le JSON (aussi par l'en-tête Accept) : ${liste}.` })(cible, cle);
    IsOptional()(cible, cle);
    IsIn(formats as string[], { message: `format doit valoir ${liste}` })(cible, cle);
  };
}
