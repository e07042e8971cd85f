/** Months from `debut` to `fin` (ISO dates), as `AAAA-MM`. */
export function moisEntre(debut: string, fin: string): string[] {
  const mois: string[] = [];
  let [a, m] = debut.slice(0, 7).split('-').map(Number);
  const [af, mf] = fin.slice(0, 7).split('-').map(Number);
  while (a < af || (a === af && m <= mf)) {
    mois.push(`${a}-${String(m).padStart(2, '0')}`);
    m === 12 ? ((a += 1), (m = 1)) : (m += 1);
  }
  return mois;
}

const JOUR = 86_400_000;
const jours = (de: string, a: string) => Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${de}T00:00:00Z`)) / JOUR);

/**
 * The hours expected by the end of each month: the required hours pro rata of the days of the
 * performance period elapsed, as the compliance rule counts them (both ends included).
 */
export function attenduesFinDeMois(dateDebut: string, dateFin: string, heuresPrevues: number, mois: string[]): number[] {
  const duree = jours(dateDebut, dateFin) + 1;
  return mois.map((m) => {
    const [a, mm] = m.split('-').map(Number);
    const dernierJour = new Date(Date.UTC(a, mm, 0)).toISOString().slice(0, 10);
    const ecoule = Math.min(Math.max(jours(dateDebut, dernierJour) + 1, 0), duree);
    return Math.round((heuresPrevues * ecoule * 100) / duree) / 100;
  });
}

/** Running totals, to the hundredth. */
export function cumuls(valeurs: number[]): number[] {
  let total = 0;
  return valeurs.map((v) => (total = Math.round((total + v) * 100) / 100));
}
