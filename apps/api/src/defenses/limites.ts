import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '@suivi/config';
import { PUBLIC_METADATA } from '../acces/acces.decorators';

/**
 * What a request counts against. Health probes count against nothing; a public write (sign-in)
 * against the strict sign-in limit, per client address and identifiant; everything else, once
 * AccesGuard has named the caller, against their own budget of writes or reads.
 */
export type GenreDeRequete = 'sonde' | 'connexion' | 'ecriture' | 'lecture';

/** The throttlers' names (they appear in the logs as `limite`). */
export const LIMITE_CONNEXION = 'connexion';
export const LIMITE_CONNEXIONS_ADRESSE = 'connexions-adresse';
export const LIMITE_ECRITURES = 'ecritures';
export const LIMITE_LECTURES = 'lectures';
export type NomDeLimite = typeof LIMITE_CONNEXION | typeof LIMITE_CONNEXIONS_ADRESSE | typeof LIMITE_ECRITURES | typeof LIMITE_LECTURES;

const METADATA_COMME_CONNEXION = 'suivi:limites:comme-connexion';

/**
 * Puts a signed-in route that checks a password (changing one's own password, say) under the
 * sign-in limit, per address and user, instead of the generous per-user write budget: a stolen
 * token must not make a password guessable at the write rate.
 */
export function LimiteeCommeConnexion() {
  return SetMetadata(METADATA_COMME_CONNEXION, true);
}

const LECTURES = new Set(['GET', 'HEAD', 'OPTIONS']);
const reflector = new Reflector();

export function genreDe(context: ExecutionContext): GenreDeRequete {
  const targets = [context.getHandler(), context.getClass()];
  const methode = context.switchToHttp().getRequest<{ method: string }>().method.toUpperCase();
  const ecriture = !LECTURES.has(methode);
  if (reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return ecriture ? 'connexion' : 'sonde';
  if (reflector.getAllAndOverride<boolean>(METADATA_COMME_CONNEXION, targets)) return 'connexion';
  return ecriture ? 'ecriture' : 'lecture';
}

export interface Limite {
  nom: NomDeLimite;
  genre: GenreDeRequete;
  limite: number;
  fenetreMs: number;
  /** Counted per client address alone, whatever the identifiant or user. */
  parAdresse?: boolean;
}

/**
 * The limits, from the configuration (RATE_LIMIT_*). Sign-in has two: per address and identifiant
 * (no brute force of one account), and per address alone, since each attempt costs a slow hash:
 * one address trying many identifiants must not be able to keep the CPU busy.
 */
export function limitesDe(
  config: Pick<AppConfig, 'RATE_LIMIT_SIGNIN_PER_MINUTE' | 'RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE' | 'RATE_LIMIT_WRITES_PER_SECOND' | 'RATE_LIMIT_READS_PER_SECOND'>,
): Limite[] {
  return [
    { nom: LIMITE_CONNEXION, genre: 'connexion', limite: config.RATE_LIMIT_SIGNIN_PER_MINUTE, fenetreMs: 60_000 },
    { nom: LIMITE_CONNEXIONS_ADRESSE, genre: 'connexion', limite: config.RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE, fenetreMs: 60_000, parAdresse: true },
    { nom: LIMITE_ECRITURES, genre: 'ecriture', limite: config.RATE_LIMIT_WRITES_PER_SECOND, fenetreMs: 1_000 },
    { nom: LIMITE_LECTURES, genre: 'lecture', limite: config.RATE_LIMIT_READS_PER_SECOND, fenetreMs: 1_000 },
  ];
}

function secondes(n: number): string {
  return `${n} seconde${n > 1 ? 's' : ''}`;
}

/** The French message of a 429: what happened, what to do, in how many seconds. */
export function messageDeLimite(nom: NomDeLimite, limite: number, reessayerDans: number): string {
  switch (nom) {
    case LIMITE_CONNEXION:
      return `Trop de tentatives de connexion pour cet identifiant depuis votre adresse : vérifiez l'identifiant et le mot de passe, puis réessayez dans ${secondes(reessayerDans)}.`;
    case LIMITE_CONNEXIONS_ADRESSE:
      return `Trop de tentatives de connexion depuis votre adresse (au plus ${limite} par minute) : réessayez dans ${secondes(reessayerDans)}.`;
    case LIMITE_ECRITURES:
      return `Trop d'écritures en peu de temps pour votre compte (au plus ${limite} par seconde) : rien n'a été enregistré, ralentissez et renvoyez la requête dans ${secondes(reessayerDans)}.`;
    case LIMITE_LECTURES:
      return `Trop de lectures en peu de temps pour votre compte (au plus ${limite} par seconde) : ralentissez et réessayez dans ${secondes(reessayerDans)}.`;
  }
}
