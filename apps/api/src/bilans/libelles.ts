import {
  NOM_TYPE_ENTREPRISE,
  type CategorieSortie,
  type CritereEligibilite,
  type Modalite,
  type NiveauFormation,
  type Secteur,
  type StatutConformite,
  type TypeContrat,
  type TypeEntreprise,
} from '@suivi/domain';
import type { Metier } from '@suivi/projections';

/**
 * The one mapping of the domain's enum values to the words a French reader expects (issue 13: the CSV of
 * the bilan). Typed by the domain's enums, so that a new value cannot be left without its words.
 */

export const LIBELLE_SECTEUR: Record<Secteur, string> = {
  btp: 'Bâtiment et travaux publics (BTP)',
  services: 'Services',
  prestations_intellectuelles: 'Prestations intellectuelles',
};

/** The trades of `entreprisesParMetier` (METIERS: the sous-secteurs of the BTP, services, not given). */
export const LIBELLE_METIER: Record<Metier, string> = {
  batiment: 'Bâtiment',
  travaux_publics: 'Travaux publics',
  services: 'Services',
  non_precise: 'BTP, métier non précisé',
};

export const LIBELLE_MODALITE: Record<Modalite, string> = {
  embauche_directe: 'Embauche directe',
  mise_a_disposition: 'Mise à disposition',
  sous_traitance_siae: 'Sous-traitance à une SIAE',
  formation: 'Formation',
};

export const LIBELLE_TYPE_CONTRAT: Record<TypeContrat, string> = {
  cdi: 'CDI',
  cdd: 'CDD',
  cddi: "CDDI (contrat à durée déterminée d'insertion)",
  interim: 'Intérim',
  contrat_pro: 'Contrat de professionnalisation',
  apprentissage: "Contrat d'apprentissage",
  formation: 'Formation',
};

/** The full name of each kind of structure, then its acronym as the domain's messages name it (NOM_TYPE_ENTREPRISE). */
const NOM_LONG_TYPE_ENTREPRISE: Record<Exclude<TypeEntreprise, 'classique'>, string> = {
  ei: "Entreprise d'insertion",
  ai: 'Association intermédiaire',
  aci: "Atelier et chantier d'insertion",
  etti: "Entreprise de travail temporaire d'insertion",
  geiq: "Groupement d'employeurs pour l'insertion et la qualification",
  esat: "Établissement et service d'aide par le travail",
  ea: 'Entreprise adaptée',
};

export const LIBELLE_TYPE_ENTREPRISE: Record<TypeEntreprise, string> = {
  classique: majuscule(NOM_TYPE_ENTREPRISE.classique),
  ...(Object.fromEntries(Object.entries(NOM_LONG_TYPE_ENTREPRISE).map(([t, nom]) => [t, `${nom} (${NOM_TYPE_ENTREPRISE[t as TypeEntreprise]})`])) as Record<
    Exclude<TypeEntreprise, 'classique'>,
    string
  >),
};

export const LIBELLE_CATEGORIE_SORTIE: Record<CategorieSortie, string> = {
  emploi_durable: 'Emploi durable',
  emploi_transition: 'Emploi de transition',
  sortie_positive_formation: 'Sortie positive (formation)',
  autre: 'Autre sortie',
};

export const LIBELLE_STATUT_CONFORMITE: Record<StatutConformite, string> = {
  en_avance: 'En avance',
  conforme: 'Conforme',
  en_retard: 'En retard',
  atteint: 'Objectif atteint',
  non_atteint: 'Objectif non atteint',
};

export const LIBELLE_NIVEAU_FORMATION: Record<NiveauFormation, string> = {
  infra_3: 'Infra 3 (sans diplôme)',
  '3': 'Niveau 3 (CAP, BEP)',
  '4': 'Niveau 4 (baccalauréat)',
  '5': 'Niveau 5 (bac + 2)',
  '6': 'Niveau 6 (licence, bac + 3)',
  '7': 'Niveau 7 (master, bac + 5)',
  '8': 'Niveau 8 (doctorat)',
};

export const LIBELLE_CRITERE_ELIGIBILITE: Record<CritereEligibilite, string> = {
  deld: "Demandeur d'emploi de longue durée",
  brsa: 'Bénéficiaire du RSA ou d’un minimum social',
  jeune_peu_qualifie: 'Jeune de moins de 26 ans peu qualifié',
  rqth: 'Travailleur handicapé (RQTH)',
  senior_demandeur: "Demandeur d'emploi de 50 ans ou plus",
  qpv_sans_emploi: 'Résident QPV sans emploi',
  salarie_siae: "Salarié d'une SIAE",
  refugie: 'Réfugié ou bénéficiaire de la protection internationale',
  sous_main_justice: 'Personne placée sous main de justice',
  autre: 'Autre critère',
};

/** The words for `valeur` in `libelles`, or the value itself if the mapping does not know it (a value newer than this file). */
export function libelle(libelles: Readonly<Record<string, string>>, valeur: string): string {
  return Object.prototype.hasOwnProperty.call(libelles, valeur) ? libelles[valeur] : valeur;
}

function majuscule(texte: string): string {
  return texte.charAt(0).toUpperCase() + texte.slice(1);
}
