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

/** How many verified tokens are remembered; the oldest goes first beyond it. */
const JETONS_VERIFIES_MAX = 10_000;

/** Signed, short-lived bearer tokens (HS256). They name the user only: role and scope are read from the user's stream at each request. */
@Injectable()
export class Jetons {
  /**
   * Tokens whose signature was checked, until they expire: a token's signature and claims never
   * change, and checking them again cost about 1 ms a request (jsonwebtoken turns the secret into a
   * key at each call). What may change (the user disabled, their password) is read at each request.
   */
  private readonly verifies = new Map<string, { contenu: ContenuJeton; exp: number }>();

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
    const connu = this.verifies.get(jeton);
    // Expired as jsonwebtoken sees it (now ≥ exp, in seconds): verified again below, to answer why.
    if (connu && Math.floor(Date.now() / 1000) < connu.exp) return connu.contenu;
    if (connu) this.verifies.delete(jeton);
    try {
      const contenu = await this.jwt.verifyAsync<ContenuJeton & { exp?: number }>(jeton, { algorithms: ['HS256'], issuer: EMETTEUR, audience: AUDIENCE });
      if (typeof contenu.sub !== 'string' || typeof contenu.mdp !== 'string') throw new Error('incomplete token');
      if (typeof contenu.exp === 'number') this.retenir(jeton, { sub: contenu.sub, mdp: contenu.mdp }, contenu.exp);
      return contenu;
    } catch (error) {
      if (error instanceof TokenExpiredError) {
        throw new UnauthorizedException({ code: 'JETON_EXPIRE', message: 'Votre session a expiré : reconnectez-vous (POST /api/auth/connexion).' });
      }
      throw new UnauthorizedException({ code: 'JETON_INVALIDE', message: "Ce jeton n'est pas valide : reconnectez-vous (POST /api/auth/connexion) et envoyez le jeton reçu." });
    }
  }

  private retenir(jeton: string, contenu: ContenuJeton, exp: number): void {
    if (this.verifies.size >= JETONS_VERIFIES_MAX) this.verifies.delete(this.verifies.keys().next().value as string);
    this.verifies.set(jeton, { contenu, exp });
  }

  /** Whether the token was issued before the user's current password. */
  static perime(contenu: ContenuJeton, utilisateur: Pick<Utilisateur, 'empreinteMotDePasse'>): boolean {
    return contenu.mdp !== empreinteCourte(utilisateur);
  }
}
