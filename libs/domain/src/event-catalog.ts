import type { DonneurOrdreEvent } from './donneur-ordre/donneur-ordre.events';
import type { EntrepriseEvent, SiretEvent } from './entreprise/entreprise.events';
import type { MarcheEvent } from './marche/marche.events';
import type { CalibrationEvent, MetiersEvent } from './calibration/calibration.events';
import type { ObjectifsEvent } from './objectifs/objectifs.events';
import type { OperationEvent } from './operation/operation.events';
import type { RattachementEvent } from './placement/rattachement';
import type { SalarieEvent } from './salarie/salarie.events';
import type { UtilisateurEvent } from './utilisateur/utilisateur.events';

export type EvenementDuDomaine =
  | DonneurOrdreEvent
  | OperationEvent
  | MarcheEvent
  | EntrepriseEvent
  | SiretEvent
  | SalarieEvent
  | RattachementEvent
  | ObjectifsEvent
  | MetiersEvent
  | CalibrationEvent
  | UtilisateurEvent;
export type TypeEvenement = EvenementDuDomaine['type'];

export interface EntreeCatalogue {
  /** Stream the event is appended to. */
  flux: string;
  /** Current schema version, stored in each event's metadata. */
  version: number;
  description: string;
  champs: Record<string, string>;
  /**
   * Personal fields: stored encrypted with the person's own key, outside the log, and null once
   * the key is destroyed (erasure). Every other field stays in clear for the statistics.
   */
  personnels?: string[];
}

/**
 * Every domain event, its current schema version and its fields. A Record over the union of
 * event types: an event added to an aggregate without an entry here does not compile.
 * docs/events.md is generated from this catalog (`npm run docs:events`) and checked by a test.
 */
export const CATALOGUE_EVENEMENTS: Record<TypeEvenement, EntreeCatalogue> = {
  DonneurOrdreEnregistre: {
    flux: 'donneurordre-<id>',
    version: 1,
    description: "Un donneur d'ordre (acheteur) est enregistré.",
    champs: { donneurOrdreId: 'uuid', nom: 'texte', type: 'collectivite | etat | bailleur_social | etablissement_public | prive', region: 'texte' },
  },
  OperationOuverte: {
    flux: 'operation-<id>',
    version: 1,
    description: "Une opération (projet regroupant des marchés) est ouverte pour un donneur d'ordre.",
    champs: { operationId: 'uuid', donneurOrdreId: 'uuid', nom: 'texte', commune: 'texte' },
  },
  MarcheEnregistre: {
    flux: 'marche-<id>',
    version: 1,
    description: "Un marché (ou un lot) portant une clause sociale est enregistré avec ses heures d'insertion prévues.",
    champs: {
      marcheId: 'uuid',
      donneurOrdreId: 'uuid',
      operationId: 'uuid',
      numero: 'texte',
      objet: 'texte',
      secteur: 'btp | services | prestations_intellectuelles',
      sousSecteur:
        "batiment | travaux_publics avec btp, null sinon ; absent des événements enregistrés avant qu'il soit demandé : lu null",
      baseJuridique: 'L2112-2 | L2152-7 | L2113-12 | L2113-13 | marche_insertion',
      heuresPrevues: 'heures (> 0, 2 décimales au plus)',
      dateDebut: 'AAAA-MM-JJ',
      dateFin: 'AAAA-MM-JJ (≥ dateDebut)',
      calibrationId: 'uuid de la calibration dont les heures sont issues ; absent sans calibration, et des événements antérieurs',
    },
  },
  MarcheAttribue: {
    flux: 'marche-<id>',
    version: 1,
    description: 'Le marché est attribué à une entreprise dans un rôle.',
    champs: { marcheId: 'uuid', entrepriseId: 'uuid', role: 'titulaire | cotraitant | soustraitant' },
  },
  AvenantConclu: {
    flux: 'marche-<id>',
    version: 1,
    description: 'Un avenant modifie les heures prévues et/ou la date de fin, avec un motif.',
    champs: {
      marcheId: 'uuid',
      heuresPrevues: 'heures, si modifiées',
      dateFin: 'AAAA-MM-JJ, si modifiée',
      motif: 'texte',
      heuresPrevuesAvant: 'heures avant l’avenant',
      dateFinAvant: 'date de fin avant l’avenant',
    },
  },
  SuiviRegionalDemarre: {
    flux: 'marche-<id>',
    version: 1,
    description: 'La coordination régionale commence à suivre le marché.',
    champs: { marcheId: 'uuid' },
  },
  SuiviRegionalArrete: {
    flux: 'marche-<id>',
    version: 1,
    description: 'La coordination régionale cesse de suivre le marché (son historique reste).',
    champs: { marcheId: 'uuid' },
  },
  MarcheCloture: {
    flux: 'marche-<id>',
    version: 1,
    description: "Le marché est clôturé : il ne prend plus d'heures.",
    champs: { marcheId: 'uuid', date: 'AAAA-MM-JJ' },
  },
  EntrepriseEnregistree: {
    flux: 'entreprise-<id>',
    version: 1,
    description: "Une entreprise ou structure d'insertion est enregistrée avec son SIRET vérifié.",
    champs: {
      entrepriseId: 'uuid',
      siret: '14 chiffres, clé de Luhn',
      siren: '9 premiers chiffres du SIRET',
      raisonSociale: 'texte',
      type: 'classique | ei | ai | aci | etti | geiq | esat | ea',
    },
  },
  SiretReserve: {
    flux: 'siret-<siret>',
    version: 1,
    description: "Un SIRET est pris par une entreprise : garantit qu'aucun SIRET n'est enregistré deux fois.",
    champs: { siret: '14 chiffres', entrepriseId: 'uuid' },
  },
  SiretLibere: {
    flux: 'siret-<siret>',
    version: 1,
    description: "L'enregistrement qui avait pris ce SIRET a finalement été refusé (demande concurrente) : le SIRET est de nouveau libre.",
    champs: { siret: '14 chiffres', entrepriseId: "uuid de l'entreprise qui ne l'a pas obtenu" },
  },
  SalarieEnregistre: {
    flux: 'salarie-<id>',
    version: 2,
    description:
      'Une personne éloignée de l’emploi est enregistrée. Son identité est chiffrée (AES-256-GCM) avec sa propre clé, gardée hors du journal ; effacée, elle se lit null. Version 1 : identité en clair et sans trancheAge (lue en version 2, trancheAge calculée à la date de l’événement).',
    champs: {
      salarieId: 'uuid',
      nom: 'texte (personnel)',
      prenom: 'texte (personnel)',
      sexe: 'F | M',
      dateNaissance: 'AAAA-MM-JJ (personnel)',
      adresse: 'texte ou null (personnel)',
      trancheAge: "moins_26 | 26_49 | 50_plus : l'âge à l'enregistrement",
      commune: 'texte',
      quartierQpv: 'nom du QPV ou null',
      niveauFormation: 'infra_3 | 3 | 4 | 5 | 6 | 7 | 8',
    },
    personnels: ['nom', 'prenom', 'dateNaissance', 'adresse'],
  },
  SalarieEfface: {
    flux: 'salarie-<id>',
    version: 1,
    description:
      "L'identité de la personne est effacée : sa clé est détruite, son identité se lit null partout ; ses chiffres statistiques restent. Plus rien ne peut être enregistré pour elle.",
    champs: { salarieId: 'uuid', motif: 'demande_de_la_personne | duree_de_conservation_atteinte | enregistrement_errone | autre' },
  },
  EligibiliteValidee: {
    flux: 'salarie-<id>',
    version: 1,
    description: "Une facilitatrice valide l'éligibilité de la personne à une date, sur un ou plusieurs critères.",
    champs: {
      salarieId: 'uuid',
      criteres: 'liste non vide de deld | brsa | jeune_peu_qualifie | rqth | senior_demandeur | qpv_sans_emploi | salarie_siae | refugie | sous_main_justice | autre',
      dateValidation: 'AAAA-MM-JJ',
      precision: 'texte (obligatoire avec autre) ou null (personnel : un texte libre peut décrire la personne)',
      validePar: 'identifiant de la facilitatrice',
    },
    personnels: ['precision'],
  },
  PlacementDemarre: {
    flux: 'salarie-<id>',
    version: 1,
    description: 'La personne commence à travailler sur un marché, employée par une entreprise.',
    champs: {
      salarieId: 'uuid',
      placementId: 'uuid',
      marcheId: 'uuid',
      entrepriseId: 'uuid (employeur)',
      entrepriseUtilisatriceId: "uuid de l'attributaire bénéficiant d'une mise à disposition, ou null",
      modalite: 'embauche_directe | mise_a_disposition | sous_traitance_siae | formation',
      typeContrat: 'cdi | cdd | cddi | interim | contrat_pro | apprentissage | formation',
      dateDebut: 'AAAA-MM-JJ',
    },
  },
  HeuresDeclarees: {
    flux: 'salarie-<id>',
    version: 1,
    description: "Les heures travaillées un mois sur un placement, d'après la feuille de temps de l'employeur.",
    champs: { salarieId: 'uuid', placementId: 'uuid', marcheId: 'uuid', declarationId: 'uuid', mois: 'AAAA-MM', heures: 'heures (> 0, ≤ 220)' },
  },
  HeuresCorrigees: {
    flux: 'salarie-<id>',
    version: 1,
    description: 'Une déclaration erronée est corrigée : ses heures sont remplacées (jamais modifiées), avec un motif.',
    champs: {
      salarieId: 'uuid',
      placementId: 'uuid',
      marcheId: 'uuid',
      declarationId: 'uuid de la déclaration corrigée',
      correctionId: 'uuid',
      mois: 'AAAA-MM',
      heures: 'nouvelles heures (≥ 0)',
      heuresPrecedentes: 'heures remplacées',
      motif: 'texte',
    },
  },
  PlacementTermine: {
    flux: 'salarie-<id>',
    version: 1,
    description: 'Le placement se termine par une sortie ; son caractère positif et sa catégorie sont dérivés.',
    champs: {
      salarieId: 'uuid',
      placementId: 'uuid',
      marcheId: 'uuid',
      dateFin: 'AAAA-MM-JJ',
      sortie: 'cdi | cdd_6_mois_et_plus | interim_6_mois_et_plus | contrat_aide_6_mois_et_plus | formation_qualifiante | creation_entreprise | cdd_moins_6_mois | interim_moins_6_mois | embauche_siae | abandon | demenagement | sans_solution | autre',
      sortiePositive: 'booléen dérivé',
      categorieSortie: 'emploi_durable | emploi_transition | sortie_positive_formation | autre',
    },
  },
  PlacementRattache: {
    flux: 'placement-<id>',
    version: 1,
    description: 'Indique dans quel flux salarié vit un placement (écrit une fois la demande décidée, juste avant le placement lui-même).',
    champs: { placementId: 'uuid', salarieId: 'uuid' },
  },
  DeclarationRattachee: {
    flux: 'declaration-<id>',
    version: 1,
    description: 'Indique à quel placement et quel flux salarié appartient une déclaration (écrit une fois la demande décidée, juste avant elle).',
    champs: { declarationId: 'uuid', placementId: 'uuid', salarieId: 'uuid' },
  },
  RattachementAnnule: {
    flux: 'placement-<id> ou declaration-<id>',
    version: 1,
    description: "La demande qui avait écrit ce rattachement a finalement été refusée (décidée de nouveau après une écriture concurrente) : l'identifiant ne désigne plus rien.",
    champs: { salarieId: 'uuid du salarié auquel il était rattaché' },
  },
  ObjectifsFixes: {
    flux: 'objectifs-<annee>',
    version: 1,
    description: "Le financeur fixe les objectifs d'une année (les fixer de nouveau remplace les précédents).",
    champs: { annee: 'année', heures: "heures d'insertion visées", partQpvPersonnes: 'part des personnes résidant en QPV visée (0 à 1)', personnesEnEmploi: 'nombre de personnes en emploi visé' },
  },
  TauxMainOeuvreFixe: {
    flux: 'calibration-metiers',
    version: 1,
    description: "L'équipe de facilitation fixe (ou confirme) un métier de la table de calibration : son libellé et sa part de main-d'œuvre.",
    champs: { metier: 'code du métier (minuscules, chiffres, _ ou -)', libelle: 'texte (200)', partMainOeuvre: "part de main-d'œuvre dans le prix (0 à 1, 4 décimales au plus)" },
  },
  CoutHoraireFixe: {
    flux: 'calibration-metiers',
    version: 1,
    description: "L'équipe de facilitation fixe le coût horaire moyen de la main-d'œuvre appliqué par défaut aux calibrations.",
    champs: { coutHoraire: 'euros (1 à 1 000, 2 décimales au plus)' },
  },
  CalibrationCalculee: {
    flux: 'calibration-<id>',
    version: 1,
    description: "Les heures d'insertion d'un marché ou d'un lot sont calculées : montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire, arrondi à l'heure.",
    champs: {
      calibrationId: 'uuid',
      montantHT: 'euros (> 0, au plus 10 000 000 000, 2 décimales au plus)',
      partMainOeuvre: "part de main-d'œuvre utilisée (0 à 1)",
      metier: 'code du métier dont la part est issue, ou null si elle a été donnée',
      libelleMetier: 'libellé du métier à ce moment, ou null',
      tauxInsertion: "taux d'insertion voulu (0 à 1)",
      coutHoraire: 'euros utilisés',
      coutHoraireParDefaut: 'booléen : le coût vient de la table',
      heures: "heures d'insertion, arrondies à l'heure",
      formule: 'le calcul en toutes lettres',
    },
  },  UtilisateurCree: {
    flux: 'utilisateur-<id> (id dérivé de l’identifiant)',
    version: 1,
    description: "Un utilisateur est créé avec son rôle ; l'événement porte qui l'a créé (userId des métadonnées). Le mot de passe n'est jamais enregistré, seulement son empreinte scrypt salée.",
    champs: {
      utilisateurId: 'uuid',
      identifiant: 'texte (minuscules, 3 à 64 caractères)',
      role: 'facilitatrice | acheteur | coordination | auditeur | admin',
      donneurOrdreId: "uuid du donneur d'ordre de l'acheteur, null pour les autres rôles",
      empreinteMotDePasse: 'scrypt$N$r$p$sel$empreinte (base64)',
    },
  },
  RoleUtilisateurModifie: {
    flux: 'utilisateur-<id>',
    version: 1,
    description: "Le rôle d'un utilisateur (et le donneur d'ordre d'un acheteur) change à partir de maintenant.",
    champs: { utilisateurId: 'uuid', role: 'facilitatrice | acheteur | coordination | auditeur | admin', donneurOrdreId: 'uuid ou null' },
  },
  MotDePasseUtilisateurModifie: {
    flux: 'utilisateur-<id>',
    version: 1,
    description: 'Un nouveau mot de passe remplace le précédent (son empreinte seulement).',
    champs: { utilisateurId: 'uuid', empreinteMotDePasse: 'scrypt$N$r$p$sel$empreinte (base64)' },
  },
  UtilisateurDesactive: {
    flux: 'utilisateur-<id>',
    version: 1,
    description: "L'utilisateur ne peut plus se connecter ; ses jetons déjà délivrés cessent de fonctionner.",
    champs: { utilisateurId: 'uuid' },
  },
  UtilisateurReactive: {
    flux: 'utilisateur-<id>',
    version: 1,
    description: 'Un utilisateur désactivé peut de nouveau se connecter.',
    champs: { utilisateurId: 'uuid' },
  },

};

export function versionDuSchema(type: string): number {
  return (CATALOGUE_EVENEMENTS as Record<string, EntreeCatalogue>)[type]?.version ?? 1;
}

/** docs/events.md, generated. */
export function documentEvenements(): string {
  const lines = [
    '# Événements du domaine',
    '',
    '<!-- Generated from libs/domain/src/event-catalog.ts by `npm run docs:events`; a test checks it is up to date. -->',
    '',
    'Chaque fait est un événement ajouté à un flux, jamais modifié ni supprimé ; une correction est un nouvel événement.',
    'Les métadonnées de chaque événement portent `schemaVersion`, `occurredAt`, `recordedAt`, `userId`, `correlationId`, `causationId`.',
    '',
  ];
  for (const [type, entree] of Object.entries(CATALOGUE_EVENEMENTS)) {
    lines.push(`## ${type} (v${entree.version})`, '', `Flux : \`${entree.flux}\`. ${entree.description}`, '', '| champ | contenu |', '|---|---|');
    for (const [champ, contenu] of Object.entries(entree.champs)) lines.push(`| \`${champ}\` | ${contenu.replace(/\|/g, '\\|')} |`);
    if (entree.personnels) {
      lines.push('', `Chiffrés avec la clé de la personne (AES-256-GCM), null une fois effacés : ${entree.personnels.map((c) => `\`${c}\``).join(', ')}.`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
