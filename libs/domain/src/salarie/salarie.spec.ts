import { fold } from '../decider';
import { spec } from '../given-when-then.testing';
import { salarieDecider, salarieStream, type EnregistrerSalarie, type SalarieEnregistreState, type ValiderEligibilite } from './salarie.decider';
import type { CritereEligibilite, EligibiliteValidee, NiveauFormation, SalarieEfface, SalarieEnregistre, Sexe } from './salarie.events';

const NOW = new Date('2026-06-15T10:00:00Z');
const SALARIE_ID = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f01';
const FACILITATRICE = 'facilitatrice-1';

// Commands
const enregistrer = (champs: Partial<EnregistrerSalarie> = {}): EnregistrerSalarie => ({
  type: 'EnregistrerSalarie',
  salarieId: SALARIE_ID,
  nom: 'Martin',
  prenom: 'Awa',
  sexe: 'F',
  dateNaissance: '1990-05-12',
  adresse: '3 rue des Lilas',
  commune: 'Dijon',
  quartierQpv: 'Grésilles',
  niveauFormation: '3',
  now: NOW,
  ...champs,
});
const valider = (criteres: CritereEligibilite[], champs: Partial<ValiderEligibilite> = {}): ValiderEligibilite => ({
  type: 'ValiderEligibilite',
  criteres,
  dateValidation: '2026-06-01',
  validePar: FACILITATRICE,
  now: NOW,
  ...champs,
});

// Past events
const enregistre = (champs: Partial<SalarieEnregistre['data']> = {}): SalarieEnregistre => ({
  type: 'SalarieEnregistre',
  data: {
    salarieId: SALARIE_ID,
    nom: 'Martin',
    prenom: 'Awa',
    sexe: 'F',
    dateNaissance: '1990-05-12',
    adresse: '3 rue des Lilas',
    trancheAge: '26_49',
    commune: 'Dijon',
    quartierQpv: 'Grésilles',
    niveauFormation: '3',
    ...champs,
  },
});
const validee = (criteres: CritereEligibilite[], champs: Partial<EligibiliteValidee['data']> = {}): EligibiliteValidee => ({
  type: 'EligibiliteValidee',
  data: { salarieId: SALARIE_ID, criteres, dateValidation: '2026-06-01', precision: null, validePar: FACILITATRICE, ...champs },
});
/** A person who turns 26 on 2026-06-15 (today). */
const jeune = enregistre({ dateNaissance: '2000-06-15' });
/** A person who turns 50 on 2026-06-15 (today). */
const senior = enregistre({ dateNaissance: '1976-06-15' });

describe('enregistrement du salarié', () => {
  it('enregistre la personne', () => {
    spec(salarieDecider).given([]).when(enregistrer()).then([enregistre()]);
  });

  it('nomme le flux du salarié', () => {
    expect(salarieStream(SALARIE_ID)).toBe(`salarie-${SALARIE_ID}`);
  });

  it('part d’un état sans éligibilité, sans placement et sans heures', () => {
    expect(fold(salarieDecider, [enregistre()])).toMatchObject({ existe: true, eligibilites: [], placements: {}, centiemesParMois: {} });
  });

  it('retire les espaces autour des textes', () => {
    spec(salarieDecider)
      .given([])
      .when(enregistrer({ nom: ' Martin ', prenom: ' Awa', commune: 'Dijon ', quartierQpv: ' Grésilles ', adresse: ' 3 rue des Lilas ' }))
      .then([enregistre()]);
  });

  it('enregistre une personne hors QPV avec quartierQpv null', () => {
    spec(salarieDecider).given([]).when(enregistrer({ quartierQpv: null })).then([enregistre({ quartierQpv: null })]);
  });

  it.each([undefined, null, '', '   '])('enregistre une adresse absente (%p) comme null', (adresse) => {
    spec(salarieDecider).given([]).when(enregistrer({ adresse })).then([enregistre({ adresse: null })]);
  });

  it.each(['infra_3', '3', '4', '5', '6', '7', '8'] as const)('accepte le niveau de formation %s', (niveauFormation) => {
    spec(salarieDecider).given([]).when(enregistrer({ niveauFormation })).then([enregistre({ niveauFormation })]);
  });

  it('accepte le sexe M', () => {
    spec(salarieDecider).given([]).when(enregistrer({ sexe: 'M' })).then([enregistre({ sexe: 'M' })]);
  });

  it('refuse un sexe hors de la liste', () => {
    spec(salarieDecider).given([]).when(enregistrer({ sexe: 'X' as Sexe })).thenFails('VALEUR_NON_AUTORISEE', { champ: 'sexe', valeur: 'X' });
  });

  it('refuse un niveau de formation hors de la liste', () => {
    spec(salarieDecider)
      .given([])
      .when(enregistrer({ niveauFormation: '2' as NiveauFormation }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'niveauFormation', valeur: '2' });
  });

  it.each(['nom', 'prenom', 'commune'] as const)('refuse un champ %s vide avec CHAMP_REQUIS', (champ) => {
    spec(salarieDecider).given([]).when(enregistrer({ [champ]: '  ' })).thenFails('CHAMP_REQUIS', { champ });
  });

  it('refuse un nom de quartier QPV vide : une personne hors QPV a quartierQpv null', () => {
    spec(salarieDecider).given([]).when(enregistrer({ quartierQpv: ' ' })).thenFails('CHAMP_REQUIS', { champ: 'quartierQpv' });
  });

  it('refuse un nom de plus de 200 caractères', () => {
    spec(salarieDecider).given([]).when(enregistrer({ nom: 'n'.repeat(201) })).thenFails('TEXTE_TROP_LONG', { champ: 'nom', max: 200 });
  });

  it('accepte une naissance le 29 février d’une année bissextile et refuse une date qui n’existe pas', () => {
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance: '2004-02-29' })).then([enregistre({ dateNaissance: '2004-02-29', trancheAge: 'moins_26' })]);
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance: '2003-02-29' })).thenFails('DATE_INVALIDE', { champ: 'dateNaissance' });
  });

  it('accepte une personne qui a 14 ans aujourd’hui et refuse celle qui les aura demain', () => {
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance: '2012-06-15' })).then([enregistre({ dateNaissance: '2012-06-15', trancheAge: 'moins_26' })]);
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance: '2012-06-16' })).thenFails('DATE_NAISSANCE_INVALIDE', { dateNaissance: '2012-06-16' });
  });

  it('accepte une personne de 100 ans et refuse une personne de 101 ans', () => {
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance: '1925-06-16' })).then([enregistre({ dateNaissance: '1925-06-16', trancheAge: '50_plus' })]);
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance: '1925-06-15' })).thenFails('DATE_NAISSANCE_INVALIDE');
  });

  it.each([
    ['2000-06-16', 'moins_26'],
    ['2000-06-15', '26_49'],
    ['1976-06-16', '26_49'],
    ['1976-06-15', '50_plus'],
  ] as const)('né le %s, il entre dans la tranche %s (âge le jour de l’enregistrement : 25 ans la veille de ses 26, 50 ans le jour même)', (dateNaissance, trancheAge) => {
    spec(salarieDecider).given([]).when(enregistrer({ dateNaissance })).then([enregistre({ dateNaissance, trancheAge })]);
  });

  it('refuse un second enregistrement sous le même identifiant', () => {
    spec(salarieDecider).given([enregistre()]).when(enregistrer()).thenFails('SALARIE_DEJA_ENREGISTRE');
  });
});

describe('effacement de l’identité', () => {
  const efface: SalarieEfface = { type: 'SalarieEfface', data: { salarieId: SALARIE_ID, motif: 'demande_de_la_personne' } };

  it('enregistre l’effacement avec son motif, une seule fois', () => {
    spec(salarieDecider).given([enregistre()]).when({ type: 'EffacerSalarie', motif: 'demande_de_la_personne' }).then([efface]);
    spec(salarieDecider).given([enregistre(), efface]).when({ type: 'EffacerSalarie', motif: 'autre' }).then([]);
  });

  it('refuse un motif hors liste (il ne doit porter aucune donnée personnelle)', () => {
    spec(salarieDecider).given([enregistre()]).when({ type: 'EffacerSalarie', motif: 'Mme Martin a déménagé' as never }).thenFails('VALEUR_NON_AUTORISEE');
  });

  it('refuse d’effacer une personne inconnue (404)', () => {
    spec(salarieDecider).given([]).when({ type: 'EffacerSalarie', motif: 'autre' }).thenFails('SALARIE_INTROUVABLE');
  });

  it('ne laisse plus rien enregistrer pour une personne effacée', () => {
    spec(salarieDecider).given([enregistre(), efface]).when(valider(['deld'])).thenFails('SALARIE_EFFACE');
  });

  it('son identité se lit null une fois effacée, ses données statistiques restent', () => {
    const state = [enregistre(), efface].reduce(salarieDecider.evolve, salarieDecider.initialState);
    expect(state).toMatchObject({ efface: true, nom: null, prenom: null, dateNaissance: null, adresse: null, sexe: 'F', trancheAge: '26_49', commune: 'Dijon' });
  });
});

describe('validation de l’éligibilité', () => {
  it('valide un critère à une date, par une facilitatrice', () => {
    spec(salarieDecider).given([enregistre()]).when(valider(['deld'])).then([validee(['deld'])]);
  });

  it('valide plusieurs critères à la fois', () => {
    spec(salarieDecider).given([enregistre()]).when(valider(['deld', 'brsa', 'rqth'])).then([validee(['deld', 'brsa', 'rqth'])]);
  });

  it.each(['deld', 'brsa', 'rqth', 'qpv_sans_emploi', 'salarie_siae', 'refugie', 'sous_main_justice'] as const)(
    'accepte le critère %s seul',
    (critere) => {
      spec(salarieDecider).given([enregistre()]).when(valider([critere])).then([validee([critere])]);
    },
  );

  it('garde chaque validation dans l’état, dans l’ordre', () => {
    const state = fold(salarieDecider, [enregistre(), validee(['deld'], { dateValidation: '2025-01-10' }), validee(['rqth'])]) as SalarieEnregistreState;
    expect(state.eligibilites).toEqual([
      { criteres: ['deld'], dateValidation: '2025-01-10', precision: null, validePar: FACILITATRICE },
      { criteres: ['rqth'], dateValidation: '2026-06-01', precision: null, validePar: FACILITATRICE },
    ]);
  });

  it('refuse une liste de critères vide avec CRITERES_REQUIS', () => {
    spec(salarieDecider).given([enregistre()]).when(valider([])).thenFails('CRITERES_REQUIS');
  });

  it('refuse des critères qui ne sont pas une liste', () => {
    spec(salarieDecider).given([enregistre()]).when(valider('deld' as unknown as CritereEligibilite[])).thenFails('CRITERES_REQUIS');
  });

  it('refuse un critère hors de la liste avec VALEUR_NON_AUTORISEE', () => {
    spec(salarieDecider)
      .given([enregistre()])
      .when(valider(['deld', 'chomeur' as CritereEligibilite]))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'criteres', valeur: 'chomeur' });
  });

  it('refuse un critère en double avec CRITERE_EN_DOUBLE', () => {
    spec(salarieDecider).given([enregistre()]).when(valider(['deld', 'brsa', 'deld'])).thenFails('CRITERE_EN_DOUBLE');
  });

  it('refuse une date de validation qui n’existe pas', () => {
    spec(salarieDecider).given([enregistre()]).when(valider(['deld'], { dateValidation: '2026-02-29' })).thenFails('DATE_INVALIDE', { champ: 'dateValidation' });
  });

  it('accepte une validation datée d’aujourd’hui et refuse le lendemain avec DATE_FUTURE', () => {
    spec(salarieDecider).given([enregistre()]).when(valider(['deld'], { dateValidation: '2026-06-15' })).then([validee(['deld'], { dateValidation: '2026-06-15' })]);
    spec(salarieDecider)
      .given([enregistre()])
      .when(valider(['deld'], { dateValidation: '2026-06-16' }))
      .thenFails('DATE_FUTURE', { dateValidation: '2026-06-16' });
  });

  it('accepte le critère autre avec une précision', () => {
    spec(salarieDecider)
      .given([enregistre()])
      .when(valider(['autre'], { precision: ' Sortie de détention récente ' }))
      .then([validee(['autre'], { precision: 'Sortie de détention récente' })]);
  });

  it.each([undefined, null, '', '   '])('refuse le critère autre sans précision (%p) avec PRECISION_REQUISE', (precision) => {
    spec(salarieDecider).given([enregistre()]).when(valider(['autre'], { precision })).thenFails('PRECISION_REQUISE');
  });

  it('garde une précision donnée avec un autre critère, et enregistre une précision vide comme null', () => {
    spec(salarieDecider).given([enregistre()]).when(valider(['deld'], { precision: '18 mois' })).then([validee(['deld'], { precision: '18 mois' })]);
    spec(salarieDecider).given([enregistre()]).when(valider(['deld'], { precision: ' ' })).then([validee(['deld'], { precision: null })]);
  });

  it('accepte jeune_peu_qualifie à 25 ans (la veille des 26 ans)', () => {
    spec(salarieDecider)
      .given([jeune])
      .when(valider(['jeune_peu_qualifie'], { dateValidation: '2026-06-14' }))
      .then([validee(['jeune_peu_qualifie'], { dateValidation: '2026-06-14' })]);
  });

  it('refuse jeune_peu_qualifie à 26 ans avec CRITERE_INCOMPATIBLE', () => {
    spec(salarieDecider)
      .given([jeune])
      .when(valider(['jeune_peu_qualifie'], { dateValidation: '2026-06-15' }))
      .thenFails('CRITERE_INCOMPATIBLE', { critere: 'jeune_peu_qualifie', age: 26 });
  });

  it('accepte senior_demandeur à 50 ans (le jour des 50 ans)', () => {
    spec(salarieDecider)
      .given([senior])
      .when(valider(['senior_demandeur'], { dateValidation: '2026-06-15' }))
      .then([validee(['senior_demandeur'], { dateValidation: '2026-06-15' })]);
  });

  it('refuse senior_demandeur à 49 ans avec CRITERE_INCOMPATIBLE', () => {
    spec(salarieDecider)
      .given([senior])
      .when(valider(['senior_demandeur'], { dateValidation: '2026-06-14' }))
      .thenFails('CRITERE_INCOMPATIBLE', { critere: 'senior_demandeur', age: 49 });
  });

  it('refuse qpv_sans_emploi pour une personne qui ne réside pas en QPV', () => {
    spec(salarieDecider)
      .given([enregistre({ quartierQpv: null })])
      .when(valider(['qpv_sans_emploi']))
      .thenFails('CRITERE_INCOMPATIBLE', { critere: 'qpv_sans_emploi' });
  });

  it('refuse une validation pour un salarié inconnu, de nature introuvable', () => {
    const erreur = spec(salarieDecider).given([]).when(valider(['deld'])).thenFails('SALARIE_INTROUVABLE');
    expect(erreur.kind).toBe('introuvable');
  });
});
