import { applyDecorators, type CallHandler, type ExecutionContext, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { map, type Observable } from 'rxjs';
import type { RequeteAuthentifiee } from '../acces/appelant';
import type { Portee } from '../acces/portee';
import { appliquerSecretStatistique, type AvecSecret, type Groupe } from './secret-statistique';

export const DESCRIPTION_SECRET_STATISTIQUE =
  "Secret statistique : pour un appelant qui ne voit pas les identités (tout rôle sauf la facilitatrice, et l'admin quand ADMIN_SEES_IDENTITIES=true), un effectif de personnes (ou de placements) inférieur au seuil (réglage SMALL_GROUP_THRESHOLD, 5 par défaut) est masqué, ainsi que les parts qui en sont tirées : il vaut null en JSON et « <5 » (le seuil) en CSV, comme toute case masquée. Une répartition dont le total est sous le seuil est masquée entière, zéros compris ; une répartition qui s'additionne en un total affiché ne laisse jamais une seule case masquée (la plus petite case suivante l'est aussi). La réponse porte alors secretStatistique : { seuil, masques } (les chemins des champs masqués, ex. femmes, criteres.rqth, operations[0].salaries, colonnes[11].valeur) ; absent pour qui voit les identités : rien ne lui est masqué.";

const SCHEMA_SECRET_STATISTIQUE = {
  type: 'object',
  description: 'Présent quand des effectifs peuvent être masqués pour cet appelant (voir la description de la réponse).',
  properties: {
    seuil: { type: 'integer', example: 5, description: 'Effectif en deçà duquel un chiffre est masqué (réglage SMALL_GROUP_THRESHOLD).' },
    masques: { type: 'array', items: { type: 'string' }, example: ['femmes', 'partFemmes'], description: 'Chemins des champs masqués (null).' },
  },
};

/** The answer as the caller may read it (see appliquerSecretStatistique): the return path of routes that render it themselves (CSV). */
export function secretStatistique<T extends object>(corps: T, groupes: (corps: T) => readonly Groupe[], portee: Portee): AvecSecret<T> {
  return appliquerSecretStatistique(corps, groupes, portee.seuilSecretStatistique);
}

/**
 * Documents `secretStatistique` in the 200 answer: a sentence in its description, the field in its schema and
 * example. Place it above @ApiOkResponse, whose schema it completes (applied after it; below, the
 * ApiOkResponse would replace the schema).
 */
export function ApiSecretStatistique(masques: string[] = ['femmes', 'partFemmes']): MethodDecorator {
  return (_target, _key, descriptor) => {
    const reponses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, descriptor.value as object) ?? {}) as Record<string, { description?: string; schema?: Record<string, any> }>;
    const ok = reponses['200'] ?? {};
    const existant = ok.schema ?? { type: 'object' };
    const schema = {
      ...existant,
      properties: { ...(existant.properties ?? {}), secretStatistique: SCHEMA_SECRET_STATISTIQUE },
      ...(existant.example && typeof existant.example === 'object' ? { example: { ...existant.example, secretStatistique: { seuil: 5, masques } } } : {}),
    };
    const description = [ok.description, DESCRIPTION_SECRET_STATISTIQUE].filter((d) => d).join('\n\n');
    Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...reponses, 200: { ...ok, description, schema } }, descriptor.value as object);
    return descriptor;
  };
}

class SecretStatistiqueInterceptor implements NestInterceptor {
  constructor(private readonly groupes: (corps: any) => readonly Groupe[]) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const portee = context.switchToHttp().getRequest<RequeteAuthentifiee & { portee?: Portee }>().portee;
    // Fail closed: without the caller's scope nothing says the figures may be shown.
    if (!portee) throw new Error('SecretStatistique used on a route without a Portee (a public route?)');
    return next.handle().pipe(
      map((corps: unknown) => {
        if (portee.seuilSecretStatistique === null) return corps;
        // A text answer (CSV) would pass unmasked: such a route masks before rendering (secretStatistique()).
        if (corps === null || typeof corps !== 'object') throw new Error('SecretStatistique applies to JSON object answers only');
        return appliquerSecretStatistique(corps, this.groupes, portee.seuilSecretStatistique);
      }),
    );
  }
}

/**
 * The route's JSON answer goes through the statistical secrecy for the caller's Portee (set by AccesGuard), with
 * the route's groups (groupes.ts); and its documentation says so. Place it above @ApiOkResponse.
 */
export function SecretStatistique(groupes: (corps: any) => readonly Groupe[], masques?: string[]) {
  return applyDecorators(ApiSecretStatistique(masques), UseInterceptors(new SecretStatistiqueInterceptor(groupes)));
}
