import { attenduesFinDeMois, cumuls, moisEntre } from './prorata';

describe('courbe attendue au prorata', () => {
  it('liste les mois de la période, bornes comprises, à travers les années', () => {
    expect(moisEntre('2025-11-10', '2026-02-03')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(moisEntre('2025-03-01', '2025-03-31')).toEqual(['2025-03']);
  });

  it('attend les heures prévues au prorata des jours écoulés à la fin de chaque mois, toutes à la fin de la période', () => {
    // 365 days, 365 h: one hour a day.
    expect(attenduesFinDeMois('2025-01-01', '2025-12-31', 365, ['2025-01', '2025-02', '2025-12'])).toEqual([31, 59, 365]);
    // A month before the period expects nothing, a month after expects everything.
    expect(attenduesFinDeMois('2025-03-01', '2025-03-31', 100, ['2025-02', '2025-04'])).toEqual([0, 100]);
  });

  it('cumule au centième', () => {
    expect(cumuls([0.1, 0.2, 151.67])).toEqual([0.1, 0.3, 151.97]);
  });
});
