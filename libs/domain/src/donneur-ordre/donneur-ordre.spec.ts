import { spec } from '../given-when-then.testing';
import { donneurOrdreDecider, type EnregistrerDonneurOrdre } from './donneur-ordre.decider';
import { TYPES_DONNEUR_ORDRE, type DonneurOrdreEnregistre, type TypeDonneurOrdre } from './donneur-ordre.events';

const DONNEUR_ORDRE_ID = '0b5c3f0e-1d1a-4c53-9a77-6d1f4a6c2b01';

const enregistrer = (champs: Partial<EnregistrerDonneurOrdre> = {}): EnregistrerDonneurOrdre => ({
  type: 'EnregistrerDonneurOrdre',
  donneurOrdreId: DONNEUR_ORDRE_ID,
  nom: 'Ville de Dijon',
  typeDonneurOrdre: 'collectivite',
  region: 'Bourgogne-Franche-Comté',
  ...champs,
});

const enregistre = (champs: Partial<DonneurOrdreEnregistre['data']> = {}): DonneurOrdreEnregistre => ({
  type: 'DonneurOrdreEnregistre',
  data: { donneurOrdreId: DONNEUR_ORDRE_ID, nom: 'Ville de Dijon', type: 'collectivite', region: 'Bourgogne-Franche-Comté', ...champs },
});

describe("donneur d'ordre", () => {
  it("enregistre un donneur d'ordre", () => {
    spec(donneurOrdreDecider).given([]).when(enregistrer()).then([enregistre()]);
  });

  it.each(TYPES_DONNEUR_ORDRE)('accepte le type %s', (type) => {
    spec(donneurOrdreDecider).given([]).when(enregistrer({ typeDonneurOrdre: type })).then([enregistre({ type })]);
  });

  it('retire les espaces autour du nom et de la région', () => {
    spec(donneurOrdreDecider)
      .given([])
      .when(enregistrer({ nom: '  Ville de Dijon ', region: ' Bourgogne-Franche-Comté  ' }))
      .then([enregistre()]);
  });

  it('refuse un type hors de la liste avec VALEUR_NON_AUTORISEE', () => {
    spec(donneurOrdreDecider)
      .given([])
      .when(enregistrer({ typeDonneurOrdre: 'association' as TypeDonneurOrdre }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'type', valeur: 'association' });
  });

  it('refuse un nom vide avec CHAMP_REQUIS', () => {
    spec(donneurOrdreDecider).given([]).when(enregistrer({ nom: '   ' })).thenFails('CHAMP_REQUIS', { champ: 'nom' });
  });

  it('refuse une région vide avec CHAMP_REQUIS', () => {
    spec(donneurOrdreDecider).given([]).when(enregistrer({ region: '' })).thenFails('CHAMP_REQUIS', { champ: 'region' });
  });

  it('accepte un nom de 500 caractères et refuse 501 caractères avec TEXTE_TROP_LONG', () => {
    spec(donneurOrdreDecider).given([]).when(enregistrer({ nom: 'x'.repeat(500) })).then([enregistre({ nom: 'x'.repeat(500) })]);
    spec(donneurOrdreDecider).given([]).when(enregistrer({ nom: 'x'.repeat(501) })).thenFails('TEXTE_TROP_LONG', { champ: 'nom', max: 500 });
  });

  it('refuse un second enregistrement sous le même identifiant', () => {
    spec(donneurOrdreDecider).given([enregistre()]).when(enregistrer()).thenFails('DONNEUR_ORDRE_DEJA_ENREGISTRE');
  });
});
