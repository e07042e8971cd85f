import { conformite, type MarchePourConformite } from './conformite';

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
