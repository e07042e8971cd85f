import { ApiProperty } from '@nestjs/swagger';

/** The body of every HTTP error (API.md): a stable code, a French message saying what to fix. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export interface FieldError {
  champ: string;
  message: string;
}

/** The error body, for the OpenAPI document. */
export class ErreurApi implements ApiErrorBody {
  @ApiProperty({ example: 'ACCES_REFUSE', description: 'Code stable, à tester par les clients.' })
  code: string;

  @ApiProperty({ example: "Votre rôle ne permet pas cette action : demandez-la à une facilitatrice ou à un administrateur.", description: 'Ce qu’il faut corriger, en français.' })
  message: string;

  @ApiProperty({ nullable: true, description: 'Précisions : pour un 400, la liste des champs en erreur [{ champ, message }].', required: true })
  details?: unknown;
}
