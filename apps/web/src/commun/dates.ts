/** Today and months as the browser knows them, in the API's formats. */

const deux = (n: number) => String(n).padStart(2, '0');
/** Today (the browser's day), `AAAA-MM-JJ`. */
export const aujourdhui = () => {
  const d = new Date();
  return `${d.getFullYear()}-${deux(d.getMonth() + 1)}-${deux(d.getDate())}`;
};
export const moisCourant = () => aujourdhui().slice(0, 7);
/** The month before `mois` (`AAAA-MM`). */
export const moisAvant = (mois: string) => {
  const [a, m] = mois.split('-').map(Number);
  return m === 1 ? `${a - 1}-12` : `${a}-${deux(m - 1)}`;
};
