import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErreurApi } from '../errors/api-error';
import { POLITIQUE, type Action } from './politique';

export const ACTION_METADATA = 'suivi:acces:action';
export const PUBLIC_METADATA = 'suivi:acces:public';

/** The action a route performs, checked against POLITIQUE for every request. */
export function Autorise(action: Action) {
  return applyDecorators(
    SetMetadata(ACTION_METADATA, action),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErreurApi, description: 'Jeton absent, invalide ou expiré, ou compte désactivé.' }),
    ApiForbiddenResponse({ type: ErreurApi, description: `Rôles autorisés : ${POLITIQUE[action].join(', ')}.` }),
  );
}

/** A route anyone may call without signing in (sign-in itself, health probes). */
export function Public() {
  return SetMetadata(PUBLIC_METADATA, true);
}
