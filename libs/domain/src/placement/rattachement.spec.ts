import { fold } from '../decider';
import { spec } from '../given-when-then.testing';
import { declarationStream, placementStream, rattachementDecider, type DeclarationRattachee, type PlacementRattache, type RattachementAnnule } from './rattachement';

const SALARIE_ID = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f01';
const AUTRE_SALARIE_ID = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f02';
const P1 = 'a1000000-0000-4000-8000-000000000001';
const D1 = 'd1000000-0000-4000-8000-000000000001';

const placementRattache = (salarieId = SALARIE_ID): PlacementRattache => ({ type: 'PlacementRattache', data: { placementId: P1, salarieId } });
const declarationRattachee = (salarieId = SALARIE_ID): DeclarationRattachee => ({
  type: 'DeclarationRattachee',
  data: { declarationId: D1, placementId: P1, salarieId },
});

describe('rattachement d’un placement ou d’une déclaration à son salarié', () => {
  it('nomme les flux de localisation', () => {
    expect(placementStream(P1)).toBe(`placement-${P1}`);
    expect(declarationStream(D1)).toBe(`declaration-${D1}`);
  });

  it('rattache un placement à son salarié', () => {
    spec(rattachementDecider).given([]).when({ type: 'Rattacher', event: placementRattache() }).then([placementRattache()]);
  });

  it('rattache une déclaration à son placement et à son salarié', () => {
    spec(rattachementDecider).given([]).when({ type: 'Rattacher', event: declarationRattachee() }).then([declarationRattachee()]);
  });

  it('part d’un flux vide qui ne localise rien', () => {
    expect(fold(rattachementDecider, [])).toEqual({ salarieId: null, placementId: null });
  });

  it('retrouve le salarié d’un placement', () => {
    expect(fold(rattachementDecider, [placementRattache()])).toEqual({ salarieId: SALARIE_ID, placementId: P1 });
  });

  it('retrouve le salarié et le placement d’une déclaration', () => {
    expect(fold(rattachementDecider, [declarationRattachee()])).toEqual({ salarieId: SALARIE_ID, placementId: P1 });
  });

  it('ne produit rien quand le même rattachement est redemandé (reprise après une panne)', () => {
    spec(rattachementDecider).given([placementRattache()]).when({ type: 'Rattacher', event: placementRattache() }).then([]);
    spec(rattachementDecider).given([declarationRattachee()]).when({ type: 'Rattacher', event: declarationRattachee() }).then([]);
  });

  it('annule le rattachement d’une demande finalement refusée : le flux ne localise plus rien', () => {
    const annule: RattachementAnnule = { type: 'RattachementAnnule', data: { salarieId: SALARIE_ID } };
    spec(rattachementDecider).given([declarationRattachee()]).when({ type: 'AnnulerRattachement', salarieId: SALARIE_ID }).then([annule]);
    expect(fold(rattachementDecider, [placementRattache(), annule])).toEqual({ salarieId: null, placementId: null });
    spec(rattachementDecider).given([placementRattache(), annule]).when({ type: 'Rattacher', event: placementRattache(AUTRE_SALARIE_ID) }).then([placementRattache(AUTRE_SALARIE_ID)]);
  });

  it('n’annule pas un rattachement à un autre salarié, ni un flux vide', () => {
    spec(rattachementDecider).given([placementRattache(AUTRE_SALARIE_ID)]).when({ type: 'AnnulerRattachement', salarieId: SALARIE_ID }).then([]);
    spec(rattachementDecider).given([]).when({ type: 'AnnulerRattachement', salarieId: SALARIE_ID }).then([]);
  });

  it('refuse un identifiant déjà rattaché à un autre salarié avec IDENTIFIANT_DEJA_UTILISE, de nature conflit', () => {
    const erreur = spec(rattachementDecider)
      .given([placementRattache()])
      .when({ type: 'Rattacher', event: placementRattache(AUTRE_SALARIE_ID) })
      .thenFails('IDENTIFIANT_DEJA_UTILISE');
    expect(erreur.kind).toBe('conflit');
  });
});
