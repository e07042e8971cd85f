import type { Decider } from '../decider';
import { rule } from '../domain-error';
import { aAuPlusDeuxDecimales } from '../values/heures';
import type { ObjectifsEvent } from './objectifs.events';

export const objectifsStream = (annee: number) => `objectifs-${annee}`;

/** The yearly hours target of a whole country's clauses stays far below this. */
export const OBJECTIF_HEURES_MAX = 100_000_000;
export const OBJECTIF_PERSONNES_MAX = 1_000_000;

export type FixerObjectifs = {
  type: 'FixerObjectifs';
  annee: number;
  heures: number;
  partQpvPersonnes: number;
  personnesEnEmploi: number;
};

export type ObjectifsState = { fixes: false } | { fixes: true; heures: number; partQpvPersonnes: number; personnesEnEmploi: number };

export const objectifsDecider: Decider<FixerObjectifs, ObjectifsEvent, ObjectifsState> = {
  initialState: { fixes: false },
  evolve: (_state, event) => ({
    fixes: true,
    heures: event.data.heures,
    partQpvPersonnes: event.data.partQpvPersonnes,
    personnesEnEmploi: event.data.personnesEnEmploi,
  }),
  decide(command, state) {
    rule(Number.isInteger(command.annee) && command.annee >= 2000 && command.annee <= 2100, 'ANNEE_INVALIDE', "L'année doit être comprise entre 2000 et 2100.", {
      annee: command.annee,
    });
    rule(
      command.heures >= 0 && command.heures <= OBJECTIF_HEURES_MAX && aAuPlusDeuxDecimales(command.heures),
      'HEURES_INVALIDES',
      `L'objectif d'heures doit être un nombre de 0 à ${OBJECTIF_HEURES_MAX.toLocaleString('fr-FR')} avec au plus 2 décimales.`,
      { champ: 'heures' },
    );
    rule(
      command.partQpvPersonnes >= 0 && command.partQpvPersonnes <= 1 && Math.round(command.partQpvPersonnes * 10_000) / 10_000 === command.partQpvPersonnes,
      'PART_INVALIDE',
      'partQpvPersonnes est une part entre 0 et 1 avec au plus 4 décimales (0,2 pour 20 %).',
      {
        champ: 'partQpvPersonnes',
      },
    );
    rule(
      Number.isInteger(command.personnesEnEmploi) && command.personnesEnEmploi >= 0 && command.personnesEnEmploi <= OBJECTIF_PERSONNES_MAX,
      'NOMBRE_INVALIDE',
      `personnesEnEmploi est un nombre entier de personnes, de 0 à ${OBJECTIF_PERSONNES_MAX.toLocaleString('fr-FR')}.`,
      { champ: 'personnesEnEmploi' },
    );
    const { annee, heures, partQpvPersonnes, personnesEnEmploi } = command;
    if (state.fixes && state.heures === heures && state.partQpvPersonnes === partQpvPersonnes && state.personnesEnEmploi === personnesEnEmploi) {
      return [];
    }
    return [{ type: 'ObjectifsFixes', data: { annee, heures, partQpvPersonnes, personnesEnEmploi } }];
  },
};
