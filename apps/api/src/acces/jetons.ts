import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import type { Utilisateur } from '@suivi/access';

const EMETTEUR = 'suivi-clauses';
const AUDIENCE = 'suivi-clauses-api';

interface ContenuJeton {
  sub: string;
  /** A fingerprint of the password hash: changing the password ends the sessions opened before. */
  mdp: string;
}

export interface JetonEmis {
  jeton: string;
  expireDans: number;
}

function empreinteCourte(utilisateur: Pick<Utilisateur, 'empreinteMotDePasse'>): string {
  return createHash('sha256').update(utilisateur.empreinteMotDePasse).digest('base64url').slice(0, 16);
}

/** Signed, short-lived bearer tokens (HS256). They name the user only: role and scope are read from the user's stream at each request. */
@Injectable()
export class Jetons {
  constructor(
    private readonly jwt: JwtService,
    private readonly dureeSecondes: number,
  ) {}

  async emettre(utilisateur: Pick<Utilisateur, 'utilisateurId' | 'empreinteMotDePasse'>): Promise<JetonEmis> {
    const contenu: ContenuJeton = { sub: utilisateur.utilisateurId, mdp: empreinteCourte(utilisateur) };
    const jeton = await this.jwt.signAsync(contenu, { algorithm: 'HS256', expiresIn: this.dureeSecondes, issuer: EMETTEUR, audience: AUDIENCE });
    return { jeton, expireDans: this.dureeSecondes };
  }

  /** The token's user id, or a 401 saying why the token is refused. */
  async verifier(jeton: string): Promise<ContenuJeton> {
    try {
      const contenu = await this.jwt.verifyAsync<ContenuJeton>(jeton, { algorithms: ['HS256'], issuer: EMETTEUR, audience: AUDIENCE });
      if (typeof contenu.sub !== 'string' || typeof contenu.mdp !== 'string') throw new Error('incomplete token');
      return contenu;
    } catch (error) {
      if (error instanceof TokenExpiredError) {
        throw new UnauthorizedException({ code: 'JETON_EXPIRE', message: 'Votre session a expiré : reconnectez-vous (POST /api/auth/connexion).' });
      }
      throw new UnauthorizedException({ code: 'JETON_INVALIDE', message: "Ce jeton n'est pas valide : reconnectez-vous (POST /api/auth/connexion) et envoyez le jeton reçu." });
    }
  }

  /** Whether the token was issued before the user's current password. */
  static perime(contenu: ContenuJeton, utilisateur: Pick<Utilisateur, 'empreinteMotDePasse'>): boolean {
    return contenu.mdp !== empreinteCourte(utilisateur);
  }
}
