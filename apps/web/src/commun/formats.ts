/** French formats of figures and dates, as the users read them everywhere in the application. */
const nombre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const entier = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const pourcentage = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const date = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
const mois = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A masked figure (small-group rule) is null: it reads "<5". */
export const masque = (seuil: number | null | undefined) => `<${seuil ?? 5}`;

export const heures = (h: number | null | undefined, seuil?: number | null) => (h === null || h === undefined ? masque(seuil) : `${nombre.format(h)} h`);
export const compte = (n: number | null | undefined, seuil?: number | null) => (n === null || n === undefined ? masque(seuil) : entier.format(n));
export const part = (p: number | null | undefined, seuil?: number | null) => (p === null || p === undefined ? masque(seuil) : pourcentage.format(p));
export const jour = (iso: string | null | undefined) => (iso ? date.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : '—');
export const moisEnClair = (m: string) => mois.format(new Date(`${m}-01T00:00:00Z`));

export const STATUTS: Record<string, string> = {
  en_avance: 'En avance',
  conforme: 'Conforme',
  en_retard: 'En retard',
  atteint: 'Objectif atteint',
  non_atteint: 'Objectif non atteint',
};

export const ROLES: Record<string, string> = {
  facilitatrice: 'Facilitatrice',
  acheteur: 'Acheteur',
  coordination: 'Coordination régionale',
  auditeur: 'Auditeur',
  admin: 'Administrateur',
};
