import type { Decider } from '../decider';
import { rule } from '../domain-error';
import { texteRequis } from '../values/texte';
import type { OperationEvent } from './operation.events';

export const operationStream = (id: string) => `operation-${id}`;

export type OuvrirOperation = {
  type: 'OuvrirOperation';
  operationId: string;
  donneurOrdreId: string;
  nom: string;
  commune: string;
  /** Read by the handler from the donneur d'ordre's stream. */
  donneurOrdreExiste: boolean;
};

export type OperationCommand = OuvrirOperation;

export type OperationState =
  | { existe: false }
  | { existe: true; operationId: string; donneurOrdreId: string; nom: string; commune: string };

export const operationDecider: Decider<OperationCommand, OperationEvent, OperationState> = {
  initialState: { existe: false },

  evolve(_state, event) {
    switch (event.type) {
      case 'OperationOuverte':
        return { existe: true, ...event.data };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'OuvrirOperation': {
        rule(!state.existe, 'OPERATION_DEJA_OUVERTE', 'Cette opération est déjà ouverte sous cet identifiant.');
        rule(command.donneurOrdreExiste, 'DONNEUR_ORDRE_INCONNU', 'Aucun donneur d’ordre ne porte cet identifiant : enregistrez-le d’abord ou corrigez donneurOrdreId.', {
          donneurOrdreId: command.donneurOrdreId,
        });
        return [
          {
            type: 'OperationOuverte',
            data: {
              operationId: command.operationId,
              donneurOrdreId: command.donneurOrdreId,
              nom: texteRequis(command.nom, 'nom'),
              commune: texteRequis(command.commune, 'commune'),
            },
          },
        ];
      }
    }
  },
};
