import { useDonnees } from './donnees';

/** Names of marchés, entreprises and people where lists give ids only. */

export interface MarcheResume {
  id: string;
  numero: string;
  objet: string;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
}
export interface EntrepriseResume {
  id: string;
  siret: string;
  siren: string;
  raisonSociale: string;
  type: string;
}
interface Liste<T> {
  items: T[];
  total: number;
}

/** The marchés and entreprises by id (the first 500 of each, the API's largest page). */
export function useNoms() {
  const marches = useDonnees<Liste<MarcheResume>>('/marches?taillePage=500');
  const entreprises = useDonnees<Liste<EntrepriseResume>>('/entreprises?taillePage=500');
  const parIdM = new Map((marches.donnees?.items ?? []).map((m) => [m.id, m]));
  const parIdE = new Map((entreprises.donnees?.items ?? []).map((e) => [e.id, e]));
  return {
    marches,
    marche: (id: string) => parIdM.get(id),
    numeroMarche: (id: string) => parIdM.get(id)?.numero ?? `marché ${id.slice(0, 8)}…`,
    entreprise: (id: string) => parIdE.get(id)?.raisonSociale ?? `entreprise ${id.slice(0, 8)}…`,
  };
}

export const nomDe = (p: { nom: string | null; prenom: string | null; efface: boolean }) =>
  p.efface ? 'Identité effacée' : p.nom === null && p.prenom === null ? 'Identité masquée' : `${p.prenom ?? ''} ${p.nom ?? ''}`.trim();
