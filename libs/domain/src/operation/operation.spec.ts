import { spec } from '../given-when-then.testing';
import { operationDecider, type OuvrirOperation } from './operation.decider';
import type { OperationOuverte } from './operation.events';

const OPERATION_ID = '5e0f9a52-8b0c-4f55-8a1e-2f3c4d5e6f01';
const DONNEUR_ORDRE_ID = '0b5c3f0e-1d1a-4c53-9a77-6d1f4a6c2b01';

const ouvrir = (champs: Partial<OuvrirOperation> = {}): OuvrirOperation => ({
  type: 'OuvrirOperation',
  operationId: OPERATION_ID,
  donneurOrdreId: DONNEUR_ORDRE_ID,
  nom: 'Maison de santé de Valmy',
  commune: 'Dijon',
  donneurOrdreExiste: true,
  ...champs,
});

const ouverte = (champs: Partial<OperationOuverte['data']> = {}): OperationOuverte => ({
  type: 'OperationOuverte',
  data: { operationId: OPERATION_ID, donneurOrdreId: DONNEUR_ORDRE_ID, nom: 'Maison de santé de Valmy', commune: 'Dijon', ...champs },
});

describe('opération', () => {
  it("ouvre une opération pour un donneur d'ordre existant", () => {
    spec(operationDecider).given([]).when(ouvrir()).then([ouverte()]);
  });

  it('retire les espaces autour du nom et de la commune', () => {
    spec(operationDecider).given([]).when(ouvrir({ nom: ' Maison de santé de Valmy ', commune: ' Dijon ' })).then([ouverte()]);
  });

  it("refuse un donneur d'ordre inconnu avec DONNEUR_ORDRE_INCONNU", () => {
    spec(operationDecider)
      .given([])
      .when(ouvrir({ donneurOrdreExiste: false }))
      .thenFails('DONNEUR_ORDRE_INCONNU', { donneurOrdreId: DONNEUR_ORDRE_ID });
  });

  it('refuse un nom vide avec CHAMP_REQUIS', () => {
    spec(operationDecider).given([]).when(ouvrir({ nom: ' ' })).thenFails('CHAMP_REQUIS', { champ: 'nom' });
  });

  it('refuse une commune vide avec CHAMP_REQUIS', () => {
    spec(operationDecider).given([]).when(ouvrir({ commune: '' })).thenFails('CHAMP_REQUIS', { champ: 'commune' });
  });

  it('refuse une seconde ouverture sous le même identifiant', () => {
    spec(operationDecider).given([ouverte()]).when(ouvrir()).thenFails('OPERATION_DEJA_OUVERTE');
  });
});
