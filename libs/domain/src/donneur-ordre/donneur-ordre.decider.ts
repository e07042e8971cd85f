import type { Decider } from '../decider';
import { rule } from '../domain-error';
import { texteRequis, valeurParmi } from '../values/texte';
import { TYPES_DONNEUR_ORDRE, type DonneurOrdreEvent, type TypeDonneurOrdre } from './donneur-ordre.events';

export const donneurOrdreStream = (id: string) => `donneurordre-${id}`;

export type EnregistrerDonneurOrdre = {
  type: 'EnregistrerDonneurOrdre';
  donneurOrdreId: string;
  nom: string;
  typeDonneurOrdre: TypeDonneurOrdre;
  region: string;
};

export type DonneurOrdreCommand = EnregistrerDonneurOrdre;

export type DonneurOrdreState =
  | { existe: false }
  | { existe: true; donneurOrdreId: string; nom: string; type: TypeDonneurOrdre; region: string };

export const donneurOrdreDecider: Decider<DonneurOrdreCommand, DonneurOrdreEvent, DonneurOrdreState> = {
  initialState: { existe: false },

  evolve(_state, event) {
    switch (event.type) {
      case 'DonneurOrdreEnregistre':
        return { existe: true, ...event.data };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'EnregistrerDonneurOrdre': {
        rule(!state.existe, 'DONNEUR_ORDRE_DEJA_ENREGISTRE', 'Ce donneur d’ordre est déjà enregistré sous cet identifiant.');
        return [
          {
            type: 'DonneurOrdreEnregistre',
            data: {
              donneurOrdreId: command.donneurOrdreId,
              nom: texteRequis(command.nom, 'nom'),
              type: valeurParmi(command.typeDonneurOrdre, TYPES_DONNEUR_ORDRE, 'type'),
              region: texteRequis(command.region, 'region'),
            },
          },
        ];
      }
    }
  },
};
