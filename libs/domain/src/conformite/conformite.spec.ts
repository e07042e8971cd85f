import { conformite, conformiteALaDate, periodeChevauche, termesEnVigueur, type MarcheHistorise, type MarchePourConformite } from './conformite';

const marche = (champs: Partial<MarchePourConformite> = {}): MarchePourConformite => ({
  heuresPrevuesCentiemes: 365_00,
  dateDebut: '2025-01-01',
  dateFin: '2025-12-31',
  dateCloture: null,
  ...champs,
});

describe('conformité d’un marché', () => {
  it('attend les heures au prorata des jours écoulés, bornes incluses', () => {
    expect(conformite(marche(), 0, '2025-01-01').heuresAttendues).toBe(1);
    expect(conformite(marche(), 0, '2025-01-10').heuresAttendues).toBe(10);
    expect(conformite(marche(), 0, '2025-12-31').heuresAttendues).toBe(365);
    expect(conformite(marche(), 0, '2026-06-01').heuresAttendues).toBe(365);
    expect(conformite(marche(), 0, '2024-12-31').heuresAttendues).toBe(0);
  });

  it('est conforme dans la tolérance de 10 %, des deux côtés de la borne', () => {
    // 100 h attendues au 10 avril (100e jour).
    expect(conformite(marche(), 110_00, '2025-04-10').statut).toBe('conforme');
    expect(conformite(marche(), 110_01, '2025-04-10').statut).toBe('en_avance');
    expect(conformite(marche(), 90_00, '2025-04-10').statut).toBe('conforme');
    expect(conformite(marche(), 89_99, '2025-04-10').statut).toBe('en_retard');
  });

  it('applique une tolérance configurée', () => {
    expect(conformite(marche(), 95_00, '2025-04-10', 0.02).statut).toBe('en_retard');
    expect(conformite(marche(), 98_00, '2025-04-10', 0.02).statut).toBe('conforme');
  });

  it('donne le taux de réalisation et les heures manquantes d’un marché en cours', () => {
    const c = conformite(marche(), 80_00, '2025-04-10');
    expect(c).toEqual({ heuresPrevues: 365, heuresRealisees: 80, tauxRealisation: 0.2192, heuresAttendues: 100, statut: 'en_retard', heuresManquantes: 20 });
  });

  it('à la clôture : atteint au niveau exact des heures prévues, non atteint en dessous, avec le déficit', () => {
    const close = marche({ dateCloture: '2025-12-31' });
    expect(conformite(close, 365_00, '2026-01-15')).toMatchObject({ statut: 'atteint', heuresManquantes: 0 });
    expect(conformite(close, 364_99, '2026-01-15')).toMatchObject({ statut: 'non_atteint', heuresManquantes: 0.01 });
  });

  it('un marché clôturé après la date demandée est jugé comme en cours à cette date', () => {
    expect(conformite(marche({ dateCloture: '2025-12-31' }), 100_00, '2025-04-10').statut).toBe('conforme');
  });

  it('ne divise pas par zéro quand aucune heure n’est prévue', () => {
    expect(conformite(marche({ heuresPrevuesCentiemes: 0 }), 0, '2025-06-01')).toMatchObject({ tauxRealisation: 0, statut: 'conforme' });
  });
});

const historise = (champs: Partial<MarcheHistorise> = {}): MarcheHistorise => ({
  dateDebut: '2025-01-01',
  dateCloture: null,
  termes: [{ depuis: '2024-12-01', heuresPrevuesCentiemes: 365_00, dateFin: '2025-12-31' }],
  ...champs,
});
const mars = { mois: '2025-03', centiemes: 100_00 };
const mai = { mois: '2025-05', centiemes: 100_00 };

describe('conformité d’un marché à une date, une seule définition pour toutes les vues', () => {
  it('clôturé le 15 avril : les heures de mai sont rapportées à part, pas réalisées', () => {
    const c = conformiteALaDate(historise({ dateCloture: '2025-04-15' }), [mars, mai], '2025-06-30');
    expect(c).toMatchObject({ heuresRealisees: 100, heuresApresCloture: 100, statut: 'non_atteint', heuresManquantes: 265 });
  });

  it('le mois de la clôture compte encore, le suivant non', () => {
    const c = conformiteALaDate(historise({ dateCloture: '2025-05-01' }), [mars, mai], '2025-06-30');
    expect(c).toMatchObject({ heuresRealisees: 200, heuresApresCloture: 0 });
  });

  it('avant la date de clôture, le marché est en cours et rien n’est rapporté à part', () => {
    const c = conformiteALaDate(historise({ dateCloture: '2025-04-15' }), [mars, mai], '2025-04-10');
    expect(c).toMatchObject({ heuresRealisees: 100, heuresApresCloture: 0 });
    expect(c.statut).not.toMatch(/atteint/);
  });

  it('ne compte que les mois jusqu’à celui de la date', () => {
    expect(conformiteALaDate(historise(), [mars, mai], '2025-04-30').heuresRealisees).toBe(100);
    expect(conformiteALaDate(historise(), [mars, mai], '2025-05-01').heuresRealisees).toBe(200);
  });

  it('applique les termes en vigueur à la date : un avenant conclu plus tard ne change pas la réponse d’avant', () => {
    const termes = [
      { depuis: '2024-12-01', heuresPrevuesCentiemes: 365_00, dateFin: '2025-12-31' },
      { depuis: '2025-07-01', heuresPrevuesCentiemes: 730_00, dateFin: '2026-12-31' },
    ];
    expect(conformiteALaDate(historise({ termes }), [mars], '2025-06-30')).toMatchObject({ heuresPrevues: 365, dateFin: '2025-12-31' });
    expect(conformiteALaDate(historise({ termes }), [mars], '2025-07-01')).toMatchObject({ heuresPrevues: 730, dateFin: '2026-12-31' });
  });

  it('termesEnVigueur : le dernier daté au plus tard à la date, sinon ceux d’origine ; deux avenants le même jour, le dernier', () => {
    const t = (depuis: string, h: number) => ({ depuis, heuresPrevuesCentiemes: h, dateFin: '2025-12-31' });
    expect(termesEnVigueur([t('2025-03-01', 1), t('2025-05-01', 2), t('2025-05-01', 3)], '2025-05-01').heuresPrevuesCentiemes).toBe(3);
    expect(termesEnVigueur([t('2025-03-01', 1), t('2025-05-01', 2)], '2025-04-30').heuresPrevuesCentiemes).toBe(1);
    expect(termesEnVigueur([t('2025-03-01', 1), t('2025-05-01', 2)], '2025-01-01').heuresPrevuesCentiemes).toBe(1);
  });
});

describe('périmètre d’un bilan annuel', () => {
  const m = (dateDebut: string, dateFin: string, dateCloture: string | null = null) => ({ dateDebut, dateFin, dateCloture });
  it('retient les marchés dont la période chevauche l’année, bornes incluses', () => {
    expect(periodeChevauche(m('2024-01-01', '2025-01-01'), '2025-01-01', '2025-12-31')).toBe(true);
    expect(periodeChevauche(m('2024-01-01', '2024-12-31'), '2025-01-01', '2025-12-31')).toBe(false);
    expect(periodeChevauche(m('2025-12-31', '2026-06-30'), '2025-01-01', '2025-12-31')).toBe(true);
    expect(periodeChevauche(m('2026-01-01', '2026-06-30'), '2025-01-01', '2025-12-31')).toBe(false);
  });
  it('une clôture avant dateFin termine la période ; une clôture après dateFin ne la prolonge pas', () => {
    expect(periodeChevauche(m('2024-01-01', '2025-12-31', '2024-12-31'), '2025-01-01', '2025-12-31')).toBe(false);
    expect(periodeChevauche(m('2024-01-01', '2024-12-31', '2025-02-15'), '2025-01-01', '2025-12-31')).toBe(false);
  });
});
