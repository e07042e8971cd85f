import { DomainError } from '../domain-error';
import { ageAu, estDateValide, estMoisValide, jourDe, moisDe, verifierDate, verifierMois } from './dates';
import {
  HEURES_MAX_PAR_MOIS,
  aAuPlusDeuxDecimales,
  depuisCentiemes,
  enCentiemes,
  verifierHeuresDeclarees,
  verifierVolumeHeures,
} from './heures';
import { cleDeLuhn, estSiretValide, normaliserSiret, sirenDe } from './siret';
import { texteRequis, valeurParmi } from './texte';

/** Runs `action` and answers the DomainError it throws (fails the test if it throws nothing else). */
function erreurDe(action: () => unknown): DomainError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('aucune DomainError levée');
}

describe('SIRET', () => {
  it('la clé de Luhn complète un SIREN et un SIRET', () => {
    expect(cleDeLuhn('73282932')).toBe('0');
    expect(cleDeLuhn('7328293200007')).toBe('4');
    for (const base of ['1234567800001', '9999999999999', '0000000000000', '3560000000004']) {
      expect(estSiretValide(base + cleDeLuhn(base)) || base.startsWith('356000000')).toBe(true);
    }
  });

  it('accepte un SIRET réel dont la clé de Luhn est juste', () => {
    expect(estSiretValide('73282932000074')).toBe(true);
  });

  it('refuse le même SIRET avec un dernier chiffre faux', () => {
    expect(estSiretValide('73282932000075')).toBe(false);
  });

  it('accepte le siège de La Poste, 35600000000048, qui suit la clé de Luhn', () => {
    expect(estSiretValide('35600000000048')).toBe(true);
  });

  it('accepte un établissement de La Poste dont la somme des chiffres est multiple de 5, sans clé de Luhn', () => {
    expect(estSiretValide('35600000049837')).toBe(true);
  });

  it('refuse un établissement de La Poste qui passe Luhn mais dont la somme des chiffres n’est pas multiple de 5', () => {
    expect(estSiretValide('35600000000055')).toBe(false);
  });

  it.each([
    ['13 chiffres', '7328293200007'],
    ['15 chiffres', '732829320000740'],
    ['une lettre', '7328293200007A'],
    ['des espaces', '732 829 320 00074'],
    ['vide', ''],
  ])('refuse un SIRET de %s', (_cas, siret) => {
    expect(estSiretValide(siret)).toBe(false);
  });

  it('refuse ce qui n’est pas une chaîne', () => {
    expect(estSiretValide(73282932000074)).toBe(false);
    expect(estSiretValide(null)).toBe(false);
  });

  it('donne le SIREN : les 9 premiers chiffres', () => {
    expect(sirenDe('73282932000074')).toBe('732829320');
  });

  it('normalise les espaces et les points saisis', () => {
    expect(normaliserSiret('732 829 320 00074')).toBe('73282932000074');
    expect(normaliserSiret('732.829.320.00074')).toBe('73282932000074');
  });
});

describe('dates', () => {
  it('accepte le 29 février d’une année bissextile (2024-02-29)', () => {
    expect(estDateValide('2024-02-29')).toBe(true);
  });

  it('refuse le 29 février d’une année non bissextile (2023-02-29)', () => {
    expect(estDateValide('2023-02-29')).toBe(false);
  });

  it.each(['2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-6-1', '15/06/2026', '2026-06-15T10:00:00Z', ''])(
    'refuse %p',
    (valeur) => {
      expect(estDateValide(valeur)).toBe(false);
    },
  );

  it('refuse ce qui n’est pas une chaîne', () => {
    expect(estDateValide(new Date('2026-06-15'))).toBe(false);
    expect(estDateValide(undefined)).toBe(false);
  });

  it('verifierDate lève DATE_INVALIDE en nommant le champ', () => {
    const erreur = erreurDe(() => verifierDate('2023-02-29', 'dateDebut'));
    expect(erreur.code).toBe('DATE_INVALIDE');
    expect(erreur.details).toEqual({ champ: 'dateDebut', valeur: '2023-02-29' });
  });

  it('verifierDate laisse passer une date réelle', () => {
    expect(() => verifierDate('2024-02-29', 'dateDebut')).not.toThrow();
  });

  it('donne le mois d’une date', () => {
    expect(moisDe('2024-02-29')).toBe('2024-02');
  });

  it('donne le jour d’un instant en UTC', () => {
    expect(jourDe(new Date('2026-06-15T10:00:00Z'))).toBe('2026-06-15');
    expect(jourDe(new Date('2026-06-15T23:30:00-02:00'))).toBe('2026-06-16');
  });

  it('compte l’âge en années révolues : la veille de l’anniversaire, un an de moins', () => {
    expect(ageAu('2000-06-15', '2026-06-14')).toBe(25);
    expect(ageAu('2000-06-15', '2026-06-15')).toBe(26);
    expect(ageAu('2000-12-31', '2026-01-01')).toBe(25);
  });
});

describe('mois', () => {
  it.each(['2026-01', '2026-12'])('accepte %p', (mois) => {
    expect(estMoisValide(mois)).toBe(true);
  });

  it.each(['2026-00', '2026-13', '2026-1', '2026-06-01', '06-2026', ''])('refuse %p', (mois) => {
    expect(estMoisValide(mois)).toBe(false);
  });

  it('refuse ce qui n’est pas une chaîne', () => {
    expect(estMoisValide(202606)).toBe(false);
  });

  it('verifierMois lève MOIS_INVALIDE sur le champ mois par défaut', () => {
    const erreur = erreurDe(() => verifierMois('2026-13'));
    expect(erreur.code).toBe('MOIS_INVALIDE');
    expect(erreur.details).toEqual({ champ: 'mois', valeur: '2026-13' });
  });

  it('l’ordre des chaînes est l’ordre des mois', () => {
    expect('2025-12' < '2026-01').toBe(true);
    expect('2026-09' < '2026-10').toBe(true);
  });
});

describe('heures en centièmes', () => {
  it('convertit en centièmes entiers, sans erreur de virgule flottante', () => {
    expect(enCentiemes(0.1 + 0.2)).toBe(30);
    expect(enCentiemes(70.01)).toBe(7001);
    expect(enCentiemes(220)).toBe(22000);
  });

  it('additionne exactement : 150 + 70 vaut 220 h, 150 + 70,01 dépasse', () => {
    expect(enCentiemes(150) + enCentiemes(70)).toBe(enCentiemes(HEURES_MAX_PAR_MOIS));
    expect(enCentiemes(150) + enCentiemes(70.01)).toBeGreaterThan(enCentiemes(HEURES_MAX_PAR_MOIS));
  });

  it('revient des centièmes aux heures', () => {
    expect(depuisCentiemes(22001)).toBe(220.01);
    expect(depuisCentiemes(enCentiemes(0.1) + enCentiemes(0.2))).toBe(0.3);
  });

  it.each([7, 7.5, 7.25, 0.29, 219.99, 0])('%p a au plus 2 décimales', (heures) => {
    expect(aAuPlusDeuxDecimales(heures)).toBe(true);
  });

  it.each([7.255, 1.005, 0.001, Number.NaN, Number.POSITIVE_INFINITY])('%p n’a pas au plus 2 décimales', (heures) => {
    expect(aAuPlusDeuxDecimales(heures)).toBe(false);
  });

  it('le maximum mensuel est de 220 h', () => {
    expect(HEURES_MAX_PAR_MOIS).toBe(220);
  });
});

describe('heures déclarées pour un mois', () => {
  it('accepte 220 h', () => {
    expect(() => verifierHeuresDeclarees(220)).not.toThrow();
  });

  it('refuse 220,01 h avec HEURES_MAX_MOIS_DEPASSEES', () => {
    const erreur = erreurDe(() => verifierHeuresDeclarees(220.01));
    expect(erreur.code).toBe('HEURES_MAX_MOIS_DEPASSEES');
    expect(erreur.details).toMatchObject({ heures: 220.01, maximum: 220 });
  });

  it('accepte 0,01 h', () => {
    expect(() => verifierHeuresDeclarees(0.01)).not.toThrow();
  });

  it.each([0, -1, 7.255, Number.NaN])('refuse %p avec HEURES_INVALIDES', (heures) => {
    expect(erreurDe(() => verifierHeuresDeclarees(heures)).code).toBe('HEURES_INVALIDES');
  });

  it('refuse un nombre écrit en texte', () => {
    expect(erreurDe(() => verifierHeuresDeclarees('10' as unknown as number)).code).toBe('HEURES_INVALIDES');
  });
});

describe('volume d’heures', () => {
  it.each([0, 744])('accepte %p (bornes comprises)', (heures) => {
    expect(() => verifierVolumeHeures(heures, 'heures', 744)).not.toThrow();
  });

  it.each([-0.01, 1.005, 1e-7, 1e-9, 5e-324, 744.01, 1e17, Number.NaN, Number.POSITIVE_INFINITY])('refuse %p avec HEURES_INVALIDES en nommant le champ', (heures) => {
    const erreur = erreurDe(() => verifierVolumeHeures(heures, 'heures', 744));
    expect(erreur.code).toBe('HEURES_INVALIDES');
    expect(erreur.details).toMatchObject({ champ: 'heures' });
  });
});

describe('textes et listes fermées', () => {
  it('retire les espaces autour d’un texte requis', () => {
    expect(texteRequis('  Dijon  ', 'commune')).toBe('Dijon');
  });

  it.each(['', '   ', null, undefined])('refuse %p avec CHAMP_REQUIS', (valeur) => {
    const erreur = erreurDe(() => texteRequis(valeur, 'commune'));
    expect(erreur.code).toBe('CHAMP_REQUIS');
    expect(erreur.details).toEqual({ champ: 'commune' });
  });

  it('accepte un texte de la longueur maximale et refuse un caractère de plus', () => {
    expect(texteRequis('x'.repeat(10), 'numero', 10)).toHaveLength(10);
    expect(erreurDe(() => texteRequis('x'.repeat(11), 'numero', 10)).code).toBe('TEXTE_TROP_LONG');
  });

  it.each(['Dupont\u0000', 'a\nb', 'tab\there', 'del\u007f', 'c1\u0085', 'moitié\ud800'])(
    'refuse %j, qu’aucune projection ne peut stocker, avec TEXTE_INVALIDE',
    (valeur) => {
      const erreur = erreurDe(() => texteRequis(valeur, 'nom'));
      expect(erreur.code).toBe('TEXTE_INVALIDE');
      expect(erreur.details).toEqual({ champ: 'nom' });
    },
  );

  it('compte les caractères comme on les voit : un emoji compte pour un', () => {
    expect(texteRequis('😀'.repeat(10), 'nom', 10)).toHaveLength(20);
    expect(erreurDe(() => texteRequis('😀'.repeat(11), 'nom', 10)).code).toBe('TEXTE_TROP_LONG');
  });

  it('accepte les accents, les apostrophes typographiques et les emoji (paires de substitution complètes)', () => {
    expect(texteRequis('Zoé N’Diaye 🏗️', 'nom')).toBe('Zoé N’Diaye 🏗️');
  });

  it('accepte une valeur de la liste et refuse les autres avec VALEUR_NON_AUTORISEE', () => {
    expect(valeurParmi('F', ['F', 'M'] as const, 'sexe')).toBe('F');
    const erreur = erreurDe(() => valeurParmi('f', ['F', 'M'] as const, 'sexe'));
    expect(erreur.code).toBe('VALEUR_NON_AUTORISEE');
    expect(erreur.details).toEqual({ champ: 'sexe', valeur: 'f', valeursAutorisees: ['F', 'M'] });
  });
});

describe('jourDe', () => {
  it('donne le jour à Paris, même juste après minuit heure de Paris', () => {
    expect(jourDe(new Date('2026-06-14T22:30:00Z'))).toBe('2026-06-15');
    expect(jourDe(new Date('2026-01-14T23:30:00Z'))).toBe('2026-01-15');
    expect(jourDe(new Date('2026-01-14T22:30:00Z'))).toBe('2026-01-14');
  });
});
