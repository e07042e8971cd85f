/** The contract's enumerations in French, as the pages show them. */

export const MODALITES: Record<string, string> = {
  embauche_directe: 'Embauche directe',
  mise_a_disposition: 'Mise à disposition',
  sous_traitance_siae: 'Sous-traitance ou cotraitance à une SIAE',
  formation: 'Formation',
};

/** What each modalité allows, as the server's rule says it (it decides; this only helps choosing). */
export const AIDE_MODALITE: Record<string, string> = {
  embauche_directe: 'Embauche par l’attributaire en CDI, CDD, contrat de professionnalisation ou apprentissage ; en CDDI seulement par une EI, une AI ou un ACI.',
  mise_a_disposition: 'Une ETTI met à disposition en intérim, une AI en CDDI, un GEIQ en contrat de professionnalisation ou en apprentissage.',
  sous_traitance_siae: 'La SIAE emploie en CDDI (EI, AI, ACI) ou en intérim (ETTI).',
  formation: 'Une formation se déclare avec le contrat « Formation ».',
};

export const CONTRATS: Record<string, string> = {
  cdi: 'CDI',
  cdd: 'CDD',
  cddi: 'CDDI (contrat d’insertion)',
  interim: 'Intérim',
  contrat_pro: 'Contrat de professionnalisation',
  apprentissage: 'Apprentissage',
  formation: 'Formation',
};

/** The exits, grouped by the category the server derives from them. */
export const GROUPES_SORTIES: Array<[string, Array<[string, string]>]> = [
  [
    'Emploi durable',
    [
      ['cdi', 'CDI'],
      ['cdd_6_mois_et_plus', 'CDD de 6 mois ou plus'],
      ['interim_6_mois_et_plus', 'Intérim de 6 mois ou plus'],
      ['creation_entreprise', 'Création d’entreprise'],
    ],
  ],
  [
    'Emploi de transition',
    [
      ['cdd_moins_6_mois', 'CDD de moins de 6 mois'],
      ['interim_moins_6_mois', 'Intérim de moins de 6 mois'],
      ['contrat_aide_6_mois_et_plus', 'Contrat aidé de 6 mois ou plus'],
    ],
  ],
  [
    'Sortie positive (formation)',
    [
      ['formation_qualifiante', 'Formation qualifiante'],
      ['embauche_siae', 'Embauche dans une SIAE'],
    ],
  ],
  [
    'Autres sorties',
    [
      ['abandon', 'Abandon'],
      ['demenagement', 'Déménagement'],
      ['sans_solution', 'Sans solution'],
      ['autre', 'Autre'],
    ],
  ],
];
export const SORTIES: Record<string, string> = Object.fromEntries(GROUPES_SORTIES.flatMap(([, s]) => s));

export const CATEGORIES_SORTIE: Record<string, string> = {
  emploi_durable: 'Emploi durable',
  emploi_transition: 'Emploi de transition',
  sortie_positive_formation: 'Sortie positive (formation)',
  autre: 'Autre sortie',
};

export const TYPES_ENTREPRISE: Record<string, string> = {
  classique: 'Entreprise classique',
  ei: 'EI (entreprise d’insertion)',
  ai: 'AI (association intermédiaire)',
  aci: 'ACI (atelier et chantier d’insertion)',
  etti: 'ETTI (entreprise de travail temporaire d’insertion)',
  geiq: 'GEIQ',
  esat: 'ESAT',
  ea: 'EA (entreprise adaptée)',
};

export const SECTEURS: Record<string, string> = { btp: 'BTP', services: 'Services', prestations_intellectuelles: 'Prestations intellectuelles' };
