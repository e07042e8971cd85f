import { fold } from '../decider';
import { DomainError } from '../domain-error';
import { spec } from '../given-when-then.testing';
import { salarieDecider, type SalarieEnregistreState } from '../salarie/salarie.decider';
import type { EligibiliteValidee, SalarieEfface, SalarieEnregistre, SalarieEvent } from '../salarie/salarie.events';
import { examinerImportHeures, type ImporterHeures, type LigneAImporter } from './import-heures';
import type { MarcheVu } from './placement.decider';
import type { HeuresCorrigees, HeuresDeclarees, PlacementDemarre, PlacementTermine } from './placement.events';
import { categorieDeSortie, estSortiePositive, type Sortie } from './sortie';

const NOW = new Date('2026-06-15T10:00:00Z');
const SALARIE_ID = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f01';
const MARCHE_ID = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c01';
const MARCHE_CLOS_ID = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c02';
const TITULAIRE = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01';
const COTRAITANT = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02';
const P1 = 'a1000000-0000-4000-8000-000000000001';
const P2 = 'a1000000-0000-4000-8000-000000000002';
/** A placement on the closed marché. */
const P3 = 'a1000000-0000-4000-8000-000000000003';
const INCONNU = 'a1000000-0000-4000-8000-0000000000ff';

// What the handler reads of the marchés at command time.
const MARCHE: MarcheVu = {
  marcheId: MARCHE_ID,
  dateDebut: '2025-03-10',
  dateFin: '2026-04-20',
  dateCloture: null,
  attributaires: [TITULAIRE, COTRAITANT],
};
const MARCHE_CLOS: MarcheVu = {
  marcheId: MARCHE_CLOS_ID,
  dateDebut: '2025-03-10',
  dateFin: '2026-04-20',
  dateCloture: '2026-05-31',
  attributaires: [TITULAIRE],
};
const MARCHES: Record<string, MarcheVu> = { [MARCHE_ID]: MARCHE, [MARCHE_CLOS_ID]: MARCHE_CLOS };

// Past events of the salarié's stream
const salarieEnregistre: SalarieEnregistre = {
  type: 'SalarieEnregistre',
  data: {
    salarieId: SALARIE_ID,
    nom: 'Martin',
    prenom: 'Awa',
    sexe: 'F',
    dateNaissance: '1990-05-12',
    adresse: null,
    trancheAge: '26_49',
    commune: 'Dijon',
    quartierQpv: 'Grésilles',
    niveauFormation: '3',
  },
};
const eligibilite = (dateValidation = '2025-03-01'): EligibiliteValidee => ({
  type: 'EligibiliteValidee',
  data: { salarieId: SALARIE_ID, criteres: ['deld'], dateValidation, precision: null, validePar: 'facilitatrice-1' },
});
const efface: SalarieEfface = { type: 'SalarieEfface', data: { salarieId: SALARIE_ID, motif: 'demande_de_la_personne' } };
const eligible: SalarieEvent[] = [salarieEnregistre, eligibilite()];
const demarre = (champs: Partial<PlacementDemarre['data']> = {}): PlacementDemarre => ({
  type: 'PlacementDemarre',
  data: {
    salarieId: SALARIE_ID,
    placementId: P1,
    marcheId: MARCHE_ID,
    entrepriseId: TITULAIRE,
    entrepriseUtilisatriceId: null,
    modalite: 'embauche_directe',
    typeContrat: 'cdd',
    dateDebut: '2025-06-16',
    ...champs,
  },
});
/** A second placement of the same person on the same marché, employed by the cotraitant. */
const demarreP2 = demarre({ placementId: P2, entrepriseId: COTRAITANT, typeContrat: 'cdi' });
/** A placement on the marché closed on 2026-05-31. */
const demarreP3 = demarre({ placementId: P3, marcheId: MARCHE_CLOS_ID });
const marcheDe = (placementId: string) => (placementId === P3 ? MARCHE_CLOS_ID : MARCHE_ID);
const declarees = (mois: string, heures: number, placementId = P1, declarationId = `decl-${placementId}-${mois}`): HeuresDeclarees => ({
  type: 'HeuresDeclarees',
  data: { salarieId: SALARIE_ID, placementId, marcheId: marcheDe(placementId), declarationId, mois, heures },
});
const corrigees = (
  mois: string,
  heuresPrecedentes: number,
  heures: number,
  placementId = P1,
  motif = `feuille.csv`,
  declarationId = `decl-${placementId}-${mois}`,
  correctionId = `corr-${placementId}-${mois}`,
): HeuresCorrigees => ({
  type: 'HeuresCorrigees',
  data: { salarieId: SALARIE_ID, placementId, marcheId: marcheDe(placementId), declarationId, correctionId, mois, heures, heuresPrecedentes, motif },
});
const termine = (dateFin: string, sortie: Sortie = 'cdi', placementId = P1): PlacementTermine => ({
  type: 'PlacementTermine',
  data: {
    salarieId: SALARIE_ID,
    placementId,
    marcheId: marcheDe(placementId),
    dateFin,
    sortie,
    sortiePositive: estSortiePositive(sortie),
    categorieSortie: categorieDeSortie(sortie),
  },
});
/** An eligible person with one placement started on 2025-06-16, then `suite`. */
const placee = (...suite: SalarieEvent[]): SalarieEvent[] => [...eligible, demarre(), ...suite];

// The command: rows whose ids are derived from placement and month, as the caller does.
const ligne = (numero: number, mois: string, heures: number, placementId = P1): LigneAImporter => ({
  ligne: numero,
  placementId,
  mois,
  heures,
  declarationId: `decl-${placementId}-${mois}`,
  correctionId: `corr-${placementId}-${mois}`,
  motifCorrection: 'feuille.csv',
});
const importer = (...lignes: LigneAImporter[]): ImporterHeures => ({ type: 'ImporterHeures', lignes, marches: MARCHES, now: NOW });

/** The state `examinerImportHeures` is given: the stream's past folded by the salarié's decider. */
function etat(past: SalarieEvent[]): SalarieEnregistreState {
  const state = fold(salarieDecider, past);
  if (!state.existe) throw new Error('salarié absent');
  return state;
}
/** Each row's issue as `{ ligne, action }` or `{ ligne, code }`, to compare at a glance. */
function issues(command: ImporterHeures, past: SalarieEvent[]) {
  const examen = examinerImportHeures(command, etat(past));
  return {
    events: examen.events,
    issues: examen.issues.map((i) => ('erreur' in i ? { ligne: i.ligne, code: i.erreur.code } : i)),
    erreurs: examen.issues.flatMap((i) => ('erreur' in i ? [i.erreur] : [])),
  };
}

describe('ImporterHeures', () => {
  describe('a new month', () => {
    it('is declared with the row’s declarationId', () => {
      spec(salarieDecider)
        .given(placee())
        .when(importer(ligne(2, '2025-09', 151.67)))
        .then([declarees('2025-09', 151.67)]);
    });

    it('is reported as a declaration in the dry run', () => {
      expect(issues(importer(ligne(2, '2025-09', 151.67)), placee())).toMatchObject({
        events: [declarees('2025-09', 151.67)],
        issues: [{ ligne: 2, action: 'declaration' }],
      });
    });
  });

  describe('a month already declared', () => {
    it('with the same hours records nothing and is reported unchanged', () => {
      spec(salarieDecider)
        .given(placee(declarees('2025-09', 151.67)))
        .when(importer(ligne(2, '2025-09', 151.67)))
        .then([]);
      expect(issues(importer(ligne(2, '2025-09', 151.67)), placee(declarees('2025-09', 151.67)))).toMatchObject({
        events: [],
        issues: [{ ligne: 2, action: 'inchangee' }],
      });
    });

    it('compares the hours after corrections, not the first declared ones', () => {
      expect(issues(importer(ligne(2, '2025-09', 140)), placee(declarees('2025-09', 151.67), corrigees('2025-09', 151.67, 140)))).toMatchObject({
        events: [],
        issues: [{ ligne: 2, action: 'inchangee' }],
      });
    });

    it('re-importing the same file after its events are applied records nothing (idempotence)', () => {
      const past = placee(declarees('2025-08', 100), demarreP2);
      const command = importer(ligne(2, '2025-08', 120), ligne(3, '2025-09', 151.67), ligne(4, '2025-09', 35, P2));
      const premier = spec(salarieDecider).given(past).when(command).then((events) => expect(events).toHaveLength(3));
      spec(salarieDecider)
        .given([...past, ...premier])
        .when(command)
        .then([]);
      expect(issues(command, [...past, ...premier]).issues).toEqual([
        { ligne: 2, action: 'inchangee' },
        { ligne: 3, action: 'inchangee' },
        { ligne: 4, action: 'inchangee' },
      ]);
    });

    it('with other hours is corrected with the row’s correctionId, its motif and the previous hours', () => {
      spec(salarieDecider)
        .given(placee(declarees('2025-09', 151.67)))
        .when(importer(ligne(2, '2025-09', 140)))
        .then([corrigees('2025-09', 151.67, 140)]);
      expect(issues(importer(ligne(2, '2025-09', 140)), placee(declarees('2025-09', 151.67))).issues).toEqual([{ ligne: 2, action: 'correction' }]);
    });

    it('cannot be corrected to 0 hours by a file (a file only carries hours worked)', () => {
      expect(issues(importer(ligne(2, '2025-09', 0)), placee(declarees('2025-09', 151.67))).issues).toEqual([{ ligne: 2, code: 'HEURES_INVALIDES' }]);
    });
  });

  describe('rows are checked in order, each on the state the previous ones left', () => {
    it('two placements of one month above 220 h: the first is declared, the second exceeds the maximum', () => {
      const past = [...placee(), demarreP2];
      const command = importer(ligne(2, '2026-03', 150), ligne(3, '2026-03', 100, P2));
      const examen = issues(command, past);
      expect(examen.issues).toEqual([
        { ligne: 2, action: 'declaration' },
        { ligne: 3, code: 'HEURES_MAX_MOIS_DEPASSEES' },
      ]);
      expect(examen.events).toEqual([declarees('2026-03', 150)]);
      expect(examen.erreurs[0].details).toMatchObject({ mois: '2026-03', dejaDeclarees: 150, maximum: 220 });
    });

    it('two placements of one month within 220 h are both declared', () => {
      spec(salarieDecider)
        .given([...placee(), demarreP2])
        .when(importer(ligne(2, '2026-03', 150), ligne(3, '2026-03', 70, P2)))
        .then([declarees('2026-03', 150), declarees('2026-03', 70, P2)]);
    });

    it('a correction that lowers a month makes room for a later row of that month', () => {
      spec(salarieDecider)
        .given([...placee(declarees('2026-03', 200)), demarreP2])
        .when(importer(ligne(2, '2026-03', 100), ligne(3, '2026-03', 120, P2)))
        .then([corrigees('2026-03', 200, 100), declarees('2026-03', 120, P2)]);
    });
  });

  describe('every faulty row is reported, not only the first', () => {
    const past = [...placee(declarees('2025-08', 100)), demarreP2, termine('2025-12-31', 'cdi', P2), demarreP3];
    const command = importer(
      ligne(2, '2025-09', 151.67), // valid: a new month
      ligne(3, '2026-07', 35), // not begun on 2026-06-15
      ligne(4, '2025-05', 35), // the placement started on 2025-06-16
      ligne(5, '2026-01', 35, P2), // P2 ended on 2025-12-31
      ligne(6, '2025-09', 35, INCONNU),
      ligne(7, '2025-10', 35, P3), // its marché closed on 2026-05-31
      ligne(8, '2026-05', 35), // the marché ends on 2026-04-20
      ligne(9, '2025-10', 151.675), // 3 decimals
      ligne(10, '2025-08', 120), // valid: a correction
      ligne(11, '2025-11', 140), // valid: a new month
    );

    it('the dry run gives each row its action or its broken rule, and only the valid rows’ events', () => {
      const examen = issues(command, past);
      expect(examen.issues).toEqual([
        { ligne: 2, action: 'declaration' },
        { ligne: 3, code: 'MOIS_FUTUR' },
        { ligne: 4, code: 'MOIS_AVANT_DEBUT_PLACEMENT' },
        { ligne: 5, code: 'PLACEMENT_TERMINE' },
        { ligne: 6, code: 'PLACEMENT_INTROUVABLE' },
        { ligne: 7, code: 'MARCHE_CLOTURE' },
        { ligne: 8, code: 'MOIS_HORS_PERIODE_MARCHE' },
        { ligne: 9, code: 'HEURES_INVALIDES' },
        { ligne: 10, action: 'correction' },
        { ligne: 11, action: 'declaration' },
      ]);
      expect(examen.events).toEqual([declarees('2025-09', 151.67), corrigees('2025-08', 100, 120), declarees('2025-11', 140)]);
    });

    it('the errors carry their details', () => {
      const erreurs = issues(command, past).erreurs;
      expect(erreurs.every((e) => e instanceof DomainError)).toBe(true);
      expect(erreurs.map((e) => e.details)).toEqual([
        { mois: '2026-07' },
        { mois: '2025-05', dateDebut: '2025-06-16' },
        { mois: '2026-01', dateFin: '2025-12-31' },
        { placementId: INCONNU },
        { marcheId: MARCHE_CLOS_ID, dateCloture: '2026-05-31' },
        { mois: '2026-05', periode: { du: '2025-03-10', au: '2026-04-20' } },
        { champ: 'heures', heures: 151.675 },
      ]);
    });

    it('the decider refuses the whole file, naming each faulty row with its code and message', () => {
      const error = spec(salarieDecider).given(past).when(command).thenFails('IMPORT_LIGNES_REFUSEES');
      const erreurs = (error.details as { erreurs: Array<{ ligne: number; code: string; message: string }> }).erreurs;
      expect(erreurs.map(({ ligne, code }) => ({ ligne, code }))).toEqual([
        { ligne: 3, code: 'MOIS_FUTUR' },
        { ligne: 4, code: 'MOIS_AVANT_DEBUT_PLACEMENT' },
        { ligne: 5, code: 'PLACEMENT_TERMINE' },
        { ligne: 6, code: 'PLACEMENT_INTROUVABLE' },
        { ligne: 7, code: 'MARCHE_CLOTURE' },
        { ligne: 8, code: 'MOIS_HORS_PERIODE_MARCHE' },
        { ligne: 9, code: 'HEURES_INVALIDES' },
      ]);
      for (const e of erreurs) expect(e.message).toEqual(expect.any(String));
      expect(erreurs[0].message).toContain('2026-07');
      expect(error.message).toContain('7 ligne(s)');
      expect(error.kind).toBe('regle');
    });
  });

  describe('the same placement and month twice in one file', () => {
    it('with equal hours: the second row is unchanged, one event only', () => {
      const command = importer(ligne(2, '2025-09', 151.67), ligne(5, '2025-09', 151.67));
      spec(salarieDecider).given(placee()).when(command).then([declarees('2025-09', 151.67)]);
      expect(issues(command, placee()).issues).toEqual([
        { ligne: 2, action: 'declaration' },
        { ligne: 5, action: 'inchangee' },
      ]);
    });

    it('with different hours: the second row fails LIGNE_EN_DOUBLE naming the first', () => {
      const command = importer(ligne(2, '2025-09', 151.67), ligne(5, '2025-09', 140));
      const examen = issues(command, placee());
      expect(examen.issues).toEqual([
        { ligne: 2, action: 'declaration' },
        { ligne: 5, code: 'LIGNE_EN_DOUBLE' },
      ]);
      expect(examen.erreurs[0].details).toEqual({ mois: '2025-09', ligneDejaLue: 2 });
      spec(salarieDecider)
        .given(placee())
        .when(command)
        .thenFails('IMPORT_LIGNES_REFUSEES', { erreurs: [{ ligne: 5, code: 'LIGNE_EN_DOUBLE' }] });
    });

    it('the same month on two placements is not a duplicate', () => {
      expect(issues(importer(ligne(2, '2025-09', 100), ligne(3, '2025-09', 50, P2)), [...placee(), demarreP2]).issues).toEqual([
        { ligne: 2, action: 'declaration' },
        { ligne: 3, action: 'declaration' },
      ]);
    });
  });

  describe('the decider path', () => {
    it('refuses with IMPORT_LIGNES_REFUSEES and appends nothing when any row fails', () => {
      let events: unknown;
      const state = fold(salarieDecider, placee());
      const error = (() => {
        try {
          events = salarieDecider.decide(importer(ligne(2, '2025-09', 151.67), ligne(3, '2026-07', 35)), state);
        } catch (e) {
          return e as DomainError;
        }
      })();
      expect(events).toBeUndefined();
      expect(error).toBeInstanceOf(DomainError);
      expect(error?.code).toBe('IMPORT_LIGNES_REFUSEES');
      expect(error?.details).toEqual({ erreurs: [{ ligne: 3, code: 'MOIS_FUTUR', message: expect.any(String) }] });
    });

    it('returns every row’s events in the rows’ order when all rows are valid', () => {
      spec(salarieDecider)
        .given([...placee(declarees('2025-08', 100)), demarreP2])
        .when(importer(ligne(2, '2025-10', 35, P2), ligne(3, '2025-09', 151.67), ligne(4, '2025-08', 90), ligne(5, '2025-09', 20, P2)))
        .then([declarees('2025-10', 35, P2), declarees('2025-09', 151.67), corrigees('2025-08', 100, 90), declarees('2025-09', 20, P2)]);
    });

    it('an empty file records nothing', () => {
      spec(salarieDecider).given(placee()).when(importer()).then([]);
    });
  });

  describe('the person', () => {
    it('erased: nothing can be imported for them', () => {
      spec(salarieDecider)
        .given(placee(efface))
        .when(importer(ligne(2, '2025-09', 151.67)))
        .thenFails('SALARIE_EFFACE', { salarieId: SALARIE_ID });
    });

    it('unknown: SALARIE_INTROUVABLE', () => {
      spec(salarieDecider)
        .given([])
        .when(importer(ligne(2, '2025-09', 151.67)))
        .thenFails('SALARIE_INTROUVABLE');
    });
  });

  describe('a closed marché', () => {
    const past = [...eligible, demarreP3, declarees('2025-10', 150, P3)];

    it('still lets a declaration be lowered', () => {
      spec(salarieDecider)
        .given(past)
        .when(importer(ligne(2, '2025-10', 120, P3)))
        .then([corrigees('2025-10', 150, 120, P3)]);
    });

    it('takes no more hours through a correction upward', () => {
      spec(salarieDecider)
        .given(past)
        .when(importer(ligne(2, '2025-10', 160, P3)))
        .thenFails('IMPORT_LIGNES_REFUSEES', { erreurs: [{ ligne: 2, code: 'MARCHE_CLOTURE' }] });
    });

    it('leaves an equal row unchanged', () => {
      spec(salarieDecider)
        .given(past)
        .when(importer(ligne(2, '2025-10', 150, P3)))
        .then([]);
    });
  });

  describe('malformed hours are refused before any comparison', () => {
    // enCentiemes rounds before comparing, so 151.671 equals 151.67 and the malformed row
    // is silently reported 'inchangee' instead of being refused like on a new month.
    it('a 3-decimal row on a month already declared with its rounded hours is refused as HEURES_INVALIDES', () => {
      expect(issues(importer(ligne(2, '2025-09', 151.671)), placee(declarees('2025-09', 151.67))).issues).toEqual([
        { ligne: 2, code: 'HEURES_INVALIDES' },
      ]);
    });

    it('a 3-decimal duplicate of a row in the same file is refused as HEURES_INVALIDES', () => {
      expect(issues(importer(ligne(2, '2025-09', 151.67), ligne(3, '2025-09', 151.671)), placee()).issues).toEqual([
        { ligne: 2, action: 'declaration' },
        { ligne: 3, code: 'HEURES_INVALIDES' },
      ]);
    });
  });
});
