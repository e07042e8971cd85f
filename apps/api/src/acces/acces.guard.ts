import { type CanActivate, type ExecutionContext, ForbiddenException, HttpException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { UserDirectory } from '@suivi/access';
import type { AppConfig } from '@suivi/config';
import { adresseDe } from '../defenses/adresse';
import { ACTION_METADATA, PUBLIC_METADATA } from './acces.decorators';
import type { RequeteAuthentifiee } from './appelant';
import { Jetons } from './jetons';
import { autorise, POLITIQUE, type Action } from './politique';
import { porteeDe } from './portee';

/**
 * The one gate of every route: a valid token of an active user whose role the route's action
 * allows (POLITIQUE). A route that declares no action is refused (fail closed), and the api
 * refuses to start with one (see AccesModule). Every refusal is logged without personal data.
 */
@Injectable()
export class AccesGuard implements CanActivate {
  private readonly logger = new Logger('Acces');

  constructor(
    private readonly reflector: Reflector,
    private readonly jetons: Jetons,
    private readonly utilisateurs: UserDirectory,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<RequeteAuthentifiee & { portee?: unknown }>();
    const action = this.reflector.getAllAndOverride<Action | undefined>(ACTION_METADATA, targets);
    try {
      if (!action) {
        throw new ForbiddenException({ code: 'ACCES_NON_DECLARE', message: "Cette route ne déclare pas qui peut l'appeler : elle est fermée à tous." });
      }
      const jeton = this.bearerOf(request);
      const contenu = await this.jetons.verifier(jeton);
      const utilisateur = await this.utilisateurs.lire(contenu.sub);
      if (!utilisateur) {
        throw new UnauthorizedException({ code: 'JETON_INVALIDE', message: "Ce jeton ne correspond à aucun utilisateur : reconnectez-vous (POST /api/auth/connexion)." });
      }
      if (!utilisateur.actif) {
        throw new UnauthorizedException({ code: 'UTILISATEUR_DESACTIVE', message: 'Votre compte est désactivé : adressez-vous à un administrateur de suivi-clauses.' });
      }
      if (Jetons.perime(contenu, utilisateur)) {
        throw new UnauthorizedException({ code: 'JETON_PERIME', message: 'Votre mot de passe a changé depuis cette connexion : reconnectez-vous avec le nouveau.' });
      }
      request.appelant = {
        utilisateurId: utilisateur.utilisateurId,
        identifiant: utilisateur.identifiant,
        role: utilisateur.role,
        donneurOrdreId: utilisateur.donneurOrdreId,
      };
      if (!autorise(utilisateur.role, action)) {
        throw new ForbiddenException({
          code: 'ACCES_REFUSE',
          message: `Votre rôle (${utilisateur.role}) ne permet pas cette action : elle est réservée aux rôles ${POLITIQUE[action].join(', ')}.`,
          details: { role: utilisateur.role, rolesAutorises: POLITIQUE[action] },
        });
      }
      request.portee = porteeDe(request.appelant, {
        ADMIN_SEES_IDENTITIES: this.config.get('ADMIN_SEES_IDENTITIES', { infer: true }),
        SMALL_GROUP_THRESHOLD: this.config.get('SMALL_GROUP_THRESHOLD', { infer: true }),
      });
      return true;
    } catch (error) {
      if (error instanceof HttpException) this.journaliserRefus(request, error, action);
      throw error;
    }
  }

  private bearerOf(request: RequeteAuthentifiee): string {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new UnauthorizedException({
        code: 'AUTHENTIFICATION_REQUISE',
        message: "Connectez-vous : envoyez l'en-tête Authorization: Bearer <jeton>, le jeton étant obtenu par POST /api/auth/connexion.",
      });
    }
    return match[1];
  }

  /** Who, which route, why: never the token, the body or the identifiant (which may be an e-mail address). */
  private journaliserRefus(request: RequeteAuthentifiee, error: HttpException, action: Action | undefined): void {
    const body = error.getResponse() as { code?: string };
    this.logger.warn({
      msg: 'access denied',
      status: error.getStatus(),
      code: body.code,
      utilisateurId: request.appelant?.utilisateurId ?? null,
      role: request.appelant?.role ?? null,
      // Before a caller is known, the client address is all that says who (repeated bad tokens, say).
      adresse: request.appelant ? null : adresseDe(request),
      method: request.method,
      route: (request.route as { path?: string } | undefined)?.path ?? null,
      action: action ?? null,
    });
  }
}
