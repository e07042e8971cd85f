import type { Decider } from '../decider';
import { DomainError } from '../domain-error';
import { texteRequis } from '../values/texte';
import { COUT_HORAIRE_DEFAUT, verifierCoutHoraire, verifierPart } from './calibration';
import type { MetiersEvent } from './calibration.events';

/** The one stream of the sizing table: every change the facilitation team makes, with who and when. */
export const calibrationMetiersStream = 'calibration-metiers';

/** A trade's code, as in URLs and in `metier`: lower-case words joined by `_` or `-` (`peinture_interieure`). */
export const CODE_METIER = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;
export const CODE_METIER_MAX = 50;
export const LIBELLE_METIER_MAX = 200;

export function estCodeMetier(value: unknown): value is string {
  return typeof value === 'string' && value.length <= CODE_METIER_MAX && CODE_METIER.test(value);
}

/**
 * The trades known before the facilitation team changes anything. Where they come from: the
 * public documents of the Dijon team (conventions 2021-2024 and the 2023 activity report of
 * CREATIV', /work/shared/seeds) say that the team helps buyers with "la détermination de volume
 * des heures d'insertion" but publish no labour share per trade. The three shares below are
 * the ones named in issue 13 (interior painting 70 %, masonry 50 %, metal frames 20 %): a
 * starting point for the team to confirm or change through `PUT /calibrations/metiers/{code}`,
 * not a published reference.
 */
export const METIERS_PAR_DEFAUT: ReadonlyArray<{ metier: string; libelle: string; partMainOeuvre: number }> = [
  { metier: 'peinture_interieure', libelle: 'Peinture intérieure', partMainOeuvre: 0.7 },
  { metier: 'maconnerie', libelle: 'Maçonnerie', partMainOeuvre: 0.5 },
  { metier: 'menuiseries_metalliques', libelle: 'Menuiseries métalliques', partMainOeuvre: 0.2 },
];

export interface Metier {
  libelle: string;
  partMainOeuvre: number;
  /** False while the default applies, true once the team has set (or confirmed) it. */
  fixeParEquipe: boolean;
}

export interface MetiersState {
  /** A Map, not an object: a code such as `constructor` must not find Object.prototype's. */
  metiers: ReadonlyMap<string, Metier>;
  coutHoraire: number;
  coutHoraireFixeParEquipe: boolean;
}

export type FixerTauxMainOeuvre = { type: 'FixerTauxMainOeuvre'; metier: string; libelle: string; partMainOeuvre: number };
export type FixerCoutHoraire = { type: 'FixerCoutHoraire'; coutHoraire: number };
export type MetiersCommand = FixerTauxMainOeuvre | FixerCoutHoraire;

export const metiersParDefaut: MetiersState = {
  metiers: new Map(METIERS_PAR_DEFAUT.map(({ metier, libelle, partMainOeuvre }) => [metier, { libelle, partMainOeuvre, fixeParEquipe: false }])),
  coutHoraire: COUT_HORAIRE_DEFAUT,
  coutHoraireFixeParEquipe: false,
};

export function verifierCodeMetier(value: unknown): asserts value is string {
  if (!estCodeMetier(value)) {
    throw new DomainError(
      'CODE_METIER_INVALIDE',
      `Le code d'un métier est fait de minuscules sans accent et de chiffres, mots séparés par _ ou - (par exemple peinture_interieure), ${CODE_METIER_MAX} caractères au plus (reçu : ${String(value)}).`,
      { champ: 'metier' },
    );
  }
}

/**
 * The sizing table. Setting a trade or the cost to what the team already set appends nothing;
 * confirming a default is recorded (the team adopted it).
 */
export const metiersDecider: Decider<MetiersCommand, MetiersEvent, MetiersState> = {
  initialState: metiersParDefaut,

  evolve(state, event) {
    switch (event.type) {
      case 'TauxMainOeuvreFixe': {
        const metiers = new Map(state.metiers);
        metiers.set(event.data.metier, { libelle: event.data.libelle, partMainOeuvre: event.data.partMainOeuvre, fixeParEquipe: true });
        return { ...state, metiers };
      }
      case 'CoutHoraireFixe':
        return { ...state, coutHoraire: event.data.coutHoraire, coutHoraireFixeParEquipe: true };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'FixerTauxMainOeuvre': {
        verifierCodeMetier(command.metier);
        const libelle = texteRequis(command.libelle, 'libelle', LIBELLE_METIER_MAX);
        verifierPart(command.partMainOeuvre, 'partMainOeuvre');
        const actuel = state.metiers.get(command.metier);
        if (actuel?.fixeParEquipe && actuel.libelle === libelle && actuel.partMainOeuvre === command.partMainOeuvre) return [];
        return [{ type: 'TauxMainOeuvreFixe', data: { metier: command.metier, libelle, partMainOeuvre: command.partMainOeuvre } }];
      }
      case 'FixerCoutHoraire':
        verifierCoutHoraire(command.coutHoraire);
        if (state.coutHoraireFixeParEquipe && state.coutHoraire === command.coutHoraire) return [];
        return [{ type: 'CoutHoraireFixe', data: { coutHoraire: command.coutHoraire } }];
    }
  },
};
