import type { Decider } from '../decider';
import { DomainError, rule } from '../domain-error';
import { estSiretValide, normaliserSiret, sirenDe } from '../values/siret';
import { texteRequis, valeurParmi } from '../values/texte';
import { TYPES_ENTREPRISE, type EntrepriseEvent, type SiretEvent, type TypeEntreprise } from './entreprise.events';

export const entrepriseStream = (id: string) => `entreprise-${id}`;

export type EnregistrerEntreprise = {
  type: 'EnregistrerEntreprise';
  entrepriseId: string;
  siret: string;
  raisonSociale: string;
  typeEntreprise: TypeEntreprise;
};

export type EntrepriseCommand = EnregistrerEntreprise;

export type EntrepriseState =
  | { existe: false }
  | { existe: true; entrepriseId: string; siret: string; siren: string; raisonSociale: string; type: TypeEntreprise };

export function verifierSiret(value: unknown): string {
  const siret = typeof value === 'string' ? normaliserSiret(value) : '';
  if (!estSiretValide(siret)) {
    throw new DomainError(
      'SIRET_INVALIDE',
      `Le SIRET doit comporter 14 chiffres et respecter la clé de contrôle (Luhn) : vérifiez-le sur l'avis de situation SIRENE (reçu : ${String(value)}).`,
      { champ: 'siret', valeur: value },
    );
  }
  return siret;
}

export const entrepriseDecider: Decider<EntrepriseCommand, EntrepriseEvent, EntrepriseState> = {
  initialState: { existe: false },

  evolve(_state, event) {
    switch (event.type) {
      case 'EntrepriseEnregistree':
        return { existe: true, ...event.data };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'EnregistrerEntreprise': {
        rule(!state.existe, 'ENTREPRISE_DEJA_ENREGISTREE', 'Cette entreprise est déjà enregistrée sous cet identifiant.');
        const siret = verifierSiret(command.siret);
        return [
          {
            type: 'EntrepriseEnregistree',
            data: {
              entrepriseId: command.entrepriseId,
              siret,
              siren: sirenDe(siret),
              raisonSociale: texteRequis(command.raisonSociale, 'raisonSociale'),
              type: valeurParmi(command.typeEntreprise, TYPES_ENTREPRISE, 'type'),
            },
          },
        ];
      }
    }
  },
};

/**
 * One stream per SIRET (`siret-<14 digits>`) holds who took it. Appending its first event with
 * `no_stream` is what makes two concurrent registrations of the same SIRET impossible.
 */
export const siretStream = (siret: string) => `siret-${siret}`;

/**
 * `reservationActive`: whether the entreprise holding the SIRET really carries it. A reservation
 * whose registration never landed (a crash between the two appends) is stale: it must not
 * block the SIRET for good, so a new registration takes it over.
 */
export type ReserverSiret = { type: 'ReserverSiret'; siret: string; entrepriseId: string; reservationActive: boolean };
/** Gives back the SIRET a refused registration had reserved (a no-op when someone else holds it). */
export type LibererSiret = { type: 'LibererSiret'; siret: string; entrepriseId: string };
export type SiretCommand = ReserverSiret | LibererSiret;
export type SiretState = { reservePar: string | null };

export const siretDecider: Decider<SiretCommand, SiretEvent, SiretState> = {
  initialState: { reservePar: null },
  evolve: (_state, event) => ({ reservePar: event.type === 'SiretReserve' ? event.data.entrepriseId : null }),
  decide(command, state) {
    const data = { siret: command.siret, entrepriseId: command.entrepriseId };
    if (command.type === 'LibererSiret') return state.reservePar === command.entrepriseId ? [{ type: 'SiretLibere', data }] : [];
    if (state.reservePar === command.entrepriseId) return [];
    if (state.reservePar !== null && command.reservationActive) {
      throw new DomainError(
        'SIRET_DEJA_ENREGISTRE',
        `Le SIRET ${command.siret} est déjà enregistré : utilisez l'entreprise existante.`,
        { siret: command.siret, entrepriseId: state.reservePar },
        'conflit',
      );
    }
    return [{ type: 'SiretReserve', data }];
  },
};
