import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** The headers every write accepts, documented once. */
export function EcritureDocumentee() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Rejouer la même requête avec la même clé renvoie la même réponse sans rien écrire deux fois ; la même clé avec un autre corps répond 422.',
    }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'Révision attendue de la ressource (lue par GET) : 409 si elle a changé entre-temps.',
    }),
  );
}
