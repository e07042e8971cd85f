import { ApiProperty } from '@nestjs/swagger';
import type { ExecutionResult } from '@suivi/commands';

/** The answer of every write (API.md): the resource's id, its stream revision, the global position. */
export class ResultatEcriture {
  @ApiProperty({ format: 'uuid', example: '3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11' })
  id: string;

  @ApiProperty({ description: 'Révision du flux de la ressource après l’écriture (pour If-Match).', example: 0 })
  revision: number;

  @ApiProperty({ description: 'Position dans le journal global du dernier événement ajouté (pour ?apres=).', example: 1234 })
  position: number;
}

export function resultat(id: string, result: ExecutionResult<unknown, unknown>): ResultatEcriture {
  return { id, revision: result.revision ?? -1, position: result.position ?? 0 };
}
