import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { POLITIQUE, type Action } from '../acces/politique';
import type { RouteDeclaree } from '../acces/routes-declarees';
import { ErreurApi } from '../errors/api-error';

/** The name of the bearer security scheme (`addBearerAuth()`'s, and `@ApiBearerAuth()`'s default). */
export const SCHEMA_BEARER = 'bearer';

/** Operation ids are `<Controller>_<method>`, as RoutesDeclarees names routes: that is how an operation finds its policy. */
export const operationIdDe = (controleur: string, methode: string): string => `${controleur}_${methode}`;

const METHODES = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const LECTURES = new Set<string>(['get', 'head', 'options']);

export interface LimitesDocumentees {
  RATE_LIMIT_SIGNIN_PER_MINUTE: number;
  RATE_LIMIT_WRITES_PER_SECOND: number;
  RATE_LIMIT_READS_PER_SECOND: number;
}

const RETRY_AFTER = { description: 'Délai en secondes avant de réessayer.', schema: { type: 'integer', minimum: 1 } };

const REF_ERREUR = `#/components/schemas/${ErreurApi.name}`;

function erreur(description: string, avecRetryAfter = false): ResponseObject {
  return {
    description,
    content: { 'application/json': { schema: { $ref: REF_ERREUR } } },
    ...(avecRetryAfter ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
  };
}

function refusDeRole(action: Action | null): string {
  const roles = action ? ` Rôles autorisés : ${POLITIQUE[action].join(', ')}.` : '';
  return `ACCES_REFUSE : votre rôle ne permet pas cette action.${roles}`;
}

function tropDeRequetes(publique: boolean, ecriture: boolean, limites: LimitesDocumentees): string {
  const limite = publique
    ? `au plus ${limites.RATE_LIMIT_SIGNIN_PER_MINUTE} tentatives par minute pour un même identifiant depuis une même adresse`
    : ecriture
      ? `au plus ${limites.RATE_LIMIT_WRITES_PER_SECOND} écritures par seconde et par utilisateur`
      : `au plus ${limites.RATE_LIMIT_READS_PER_SECOND} lectures par seconde et par utilisateur`;
  return `TROP_DE_REQUETES : limite de débit atteinte (${limite}). Réessayer après le délai de l'en-tête Retry-After (aussi dans details.reessayerDans) ; rien n'a été enregistré.`;
}

/**
 * Completes the generated OpenAPI document from the access policy, in one place rather than on
 * every controller: the bearer security requirement of every route that is not @Public(), and
 * the error answers every operation can give, in the `ErreurApi` shape. Answers a controller
 * documents itself keep their description (and their body, when it gives one); only the missing
 * ones are added.
 *
 * - 400 when the operation takes parameters or may take a body; 413 and 415 when it may take a body (every write);
 * - 401 and 403 on every signed-in route (403 names the roles allowed);
 * - 404 when the path names a resource (`{id}`, `{annee}`, `{code}`): unknown, or out of the caller's scope;
 * - 409 and 422 on signed-in writes;
 * - 429 and 503 everywhere but the health probes (which document their own answers).
 */
export function completerLeDocument(document: OpenAPIObject, routes: readonly RouteDeclaree[], limites: LimitesDocumentees): OpenAPIObject {
  const politiques = new Map(routes.map((r) => [operationIdDe(r.controleur, r.methode), r.politique]));
  document.components ??= {};
  document.components.securitySchemes ??= {};
  document.components.securitySchemes[SCHEMA_BEARER] ??= { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
  for (const [chemin, item] of Object.entries(document.paths)) {
    for (const methode of METHODES) {
      const operation = item[methode] as OperationObject | undefined;
      if (!operation) continue;
      // An operation whose route is unknown is treated as signed-in: the safe side.
      const politique = politiques.get(operation.operationId ?? '') ?? null;
      const publique = politique === 'public';
      const action = publique || politique === null ? null : (politique as Action);
      const ecriture = !LECTURES.has(methode);
      const sonde = publique && !ecriture;
      // Any write may carry a body, declared or not: the JSON parser in front of every route refuses it (400, 413, 415).
      const avecCorps = ecriture || operation.requestBody !== undefined;
      const avecParametres = avecCorps || (operation.parameters ?? []).length > 0;

      if (publique) delete operation.security;
      else operation.security = [{ [SCHEMA_BEARER]: [] }];

      const a: Record<number, ResponseObject | false> = {
        400: avecParametres && erreur("Requête mal formée : champ, paramètre, en-tête ou corps JSON invalide (pour les champs, details liste [{ champ, message }])."),
        401: !publique && erreur('Jeton absent, invalide ou expiré, ou compte désactivé : se connecter (POST /api/auth/connexion) et envoyer Authorization: Bearer <jeton>.'),
        403: !publique && erreur(refusDeRole(action)),
        404: /\{[^}]+\}/.test(chemin) && erreur("Ressource introuvable : identifiant inconnu, ou hors du périmètre de l'appelant (un acheteur ne voit que son donneur d'ordre)."),
        409: ecriture && !publique && erreur("Conflit avec ce qui est enregistré : révision périmée (If-Match), SIRET ou déclaration déjà enregistrés, identifiant déjà pris."),
        413: avecCorps && erreur('REQUETE_TROP_VOLUMINEUSE : corps de plus de 100 Ko.'),
        415: avecCorps && erreur("Corps qui n'est pas du JSON (Content-Type: application/json) ou pas en UTF-8."),
        422: ecriture && !publique && erreur("Règle métier non respectée (le code de la règle), ou clé Idempotency-Key déjà utilisée pour une autre requête."),
        429: !sonde && erreur(tropDeRequetes(publique, ecriture, limites), true),
        503: !sonde && erreur('La base de données ou le magasin d’événements ne répond pas, ou une lecture ?apres= attend une projection en retard : réessayer après le délai de Retry-After.', true),
      };
      operation.responses ??= {};
      for (const [statut, reponse] of Object.entries(a)) {
        if (reponse && operation.responses[statut] === undefined) operation.responses[statut] = reponse;
      }
      // An error a controller documents without a body (a description only) gets the error shape too,
      // and the error shape is JSON only, whatever the route produces (the CSV routes' errors are JSON).
      for (const [statut, reponse] of Object.entries(operation.responses)) {
        if (!reponse || Number(statut) < 400 || '$ref' in reponse) continue;
        const schemas = Object.values(reponse.content ?? {}).map((media) => (media.schema as { $ref?: string } | undefined)?.$ref);
        if (schemas.every((ref) => ref === REF_ERREUR)) reponse.content = erreur('').content;
      }
    }
  }
  return document;
}
