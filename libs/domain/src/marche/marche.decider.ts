import type { Decider } from '../decider';
import { DomainError, notFound, rule } from '../domain-error';
import { verifierDate, jourDe, type DateIso } from '../values/dates';
import { HEURES_PREVUES_MAX, aAuPlusDeuxDecimales } from '../values/heures';
import { texteRequis, valeurParmi } from '../values/texte';
import { NOM_TYPE_ENTREPRISE, TYPES_HANDICAP, TYPES_SIAE, type TypeEntreprise } from '../entreprise/entreprise.events';
import {
  BASES_JURIDIQUES,
  ROLES_ATTRIBUTAIRE,
  SECTEURS,
  SOUS_SECTEURS,
  sousSecteurDe,
  type BaseJuridique,
  type MarcheEnregistre,
  type MarcheEvent,
  type RoleAttributaire,
  type Secteur,
  type SousSecteur,
} from './marche.events';

export const marcheStream = (id: string) => `marche-${id}`;

export type EnregistrerMarche = MarcheEnregistre['data'] & {
  type: 'EnregistrerMarche';
  /** Read by the handler. */
  donneurOrdreExiste: boolean;
  operation: { donneurOrdreId: string } | null;
  /** Read by the handler when `calibrationId` is given: whether that calibration exists. */
  calibrationExiste?: boolean;
};

export type AttribuerMarche = {
  type: 'AttribuerMarche';
  entrepriseId: string;
  role: RoleAttributaire;
  /** Read by the handler from the entreprise's stream; null when unknown. */
  entreprise: { raisonSociale: string; type: TypeEntreprise } | null;
};

export type ConclureAvenant = {
  type: 'ConclureAvenant';
  heuresPrevues?: number;
  dateFin?: DateIso;
  motif: string;
};

export type ChangerSuiviRegional = { type: 'ChangerSuiviRegional'; suivi: boolean };

export type CloturerMarche = { type: 'CloturerMarche'; date: DateIso; now: Date };

export type MarcheCommand = EnregistrerMarche | AttribuerMarche | ConclureAvenant | ChangerSuiviRegional | CloturerMarche;

export interface Attributaire {
  entrepriseId: string;
  role: RoleAttributaire;
}

export type StatutMarche = 'notifie' | 'en_cours' | 'cloture';

export interface MarcheEnregistreState {
  existe: true;
  marcheId: string;
  donneurOrdreId: string;
  operationId: string;
  numero: string;
  objet: string;
  secteur: Secteur;
  /** `batiment` or `travaux_publics` for a `btp` marché; null otherwise (and for a `btp` one recorded before it was asked). */
  sousSecteur: SousSecteur | null;
  baseJuridique: BaseJuridique;
  /** After amendments. */
  heuresPrevues: number;
  heuresPrevuesInitiales: number;
  dateDebut: DateIso;
  /** After amendments. */
  dateFin: DateIso;
  attributaires: Attributaire[];
  avenants: Array<{ heuresPrevues?: number; dateFin?: DateIso; motif: string }>;
  suiviRegional: boolean;
  dateCloture: DateIso | null;
  /** The calibration the hours were sized with; null when none (and for events recorded before the field existed). */
  calibrationId: string | null;
}

export type MarcheState = { existe: false } | MarcheEnregistreState;

export function statutMarche(state: MarcheEnregistreState): StatutMarche {
  if (state.dateCloture) return 'cloture';
  return state.attributaires.length > 0 ? 'en_cours' : 'notifie';
}

export const marcheDecider: Decider<MarcheCommand, MarcheEvent, MarcheState> = {
  initialState: { existe: false },

  evolve(state, event) {
    if (event.type === 'MarcheEnregistre') {
      return {
        existe: true,
        ...event.data,
        sousSecteur: sousSecteurDe(event.data),
        calibrationId: event.data.calibrationId ?? null,
        heuresPrevuesInitiales: event.data.heuresPrevues,
        attributaires: [],
        avenants: [],
        suiviRegional: false,
        dateCloture: null,
      };
    }
    if (!state.existe) return state;
    switch (event.type) {
      case 'MarcheAttribue':
        return { ...state, attributaires: [...state.attributaires, { entrepriseId: event.data.entrepriseId, role: event.data.role }] };
      case 'AvenantConclu': {
        const { heuresPrevues, dateFin, motif } = event.data;
        return {
          ...state,
          heuresPrevues: heuresPrevues ?? state.heuresPrevues,
          dateFin: dateFin ?? state.dateFin,
          avenants: [...state.avenants, { heuresPrevues, dateFin, motif }],
        };
      }
      case 'SuiviRegionalDemarre':
        return { ...state, suiviRegional: true };
      case 'SuiviRegionalArrete':
        return { ...state, suiviRegional: false };
      case 'MarcheCloture':
        return { ...state, dateCloture: event.data.date };
    }
  },

  decide(command, state) {
    if (command.type === 'EnregistrerMarche') return enregistrer(command, state);
    if (!state.existe) notFound('MARCHE_INTROUVABLE', 'Aucun marché ne porte cet identifiant : vérifiez l’URL.');
    switch (command.type) {
      case 'AttribuerMarche':
        return attribuer(command, state);
      case 'ConclureAvenant':
        return conclureAvenant(command, state);
      case 'ChangerSuiviRegional':
        if (command.suivi === state.suiviRegional) return [];
        return [{ type: command.suivi ? 'SuiviRegionalDemarre' : 'SuiviRegionalArrete', data: { marcheId: state.marcheId } }];
      case 'CloturerMarche':
        return cloturer(command, state);
    }
  },
};

function enregistrer(command: EnregistrerMarche, state: MarcheState): MarcheEvent[] {
  rule(!state.existe, 'MARCHE_DEJA_ENREGISTRE', 'Ce marché est déjà enregistré sous cet identifiant.');
  rule(command.donneurOrdreExiste, 'DONNEUR_ORDRE_INCONNU', 'Aucun donneur d’ordre ne porte cet identifiant : enregistrez-le d’abord ou corrigez donneurOrdreId.', {
    donneurOrdreId: command.donneurOrdreId,
  });
  rule(command.operation !== null, 'OPERATION_INCONNUE', 'Aucune opération ne porte cet identifiant : ouvrez-la d’abord ou corrigez operationId.', {
    operationId: command.operationId,
  });
  rule(
    command.operation?.donneurOrdreId === command.donneurOrdreId,
    'OPERATION_D_UN_AUTRE_DONNEUR_ORDRE',
    'Cette opération appartient à un autre donneur d’ordre : choisissez une opération du même donneur d’ordre que le marché.',
    { operationId: command.operationId, donneurOrdreId: command.donneurOrdreId },
  );
  rule(
    command.calibrationId === undefined || command.calibrationExiste === true,
    'CALIBRATION_INCONNUE',
    'Aucune calibration ne porte cet identifiant : calculez-la d’abord (POST /calibrations) ou corrigez calibrationId.',
    { champ: 'calibrationId', calibrationId: command.calibrationId },
  );
  const secteur = valeurParmi(command.secteur, SECTEURS, 'secteur');
  const sousSecteur = verifierSousSecteur(secteur, command.sousSecteur);
  verifierHeuresPrevues(command.heuresPrevues);
  verifierDate(command.dateDebut, 'dateDebut');
  verifierDate(command.dateFin, 'dateFin');
  rule(command.dateFin >= command.dateDebut, 'PERIODE_INVALIDE', 'dateFin doit être postérieure ou égale à dateDebut.', {
    dateDebut: command.dateDebut,
    dateFin: command.dateFin,
  });
  return [
    {
      type: 'MarcheEnregistre',
      data: {
        marcheId: command.marcheId,
        donneurOrdreId: command.donneurOrdreId,
        operationId: command.operationId,
        numero: texteRequis(command.numero, 'numero', 100),
        objet: texteRequis(command.objet, 'objet'),
        secteur,
        sousSecteur,
        baseJuridique: valeurParmi(command.baseJuridique, BASES_JURIDIQUES, 'baseJuridique'),
        heuresPrevues: command.heuresPrevues,
        dateDebut: command.dateDebut,
        dateFin: command.dateFin,
        ...(command.calibrationId !== undefined ? { calibrationId: command.calibrationId } : {}),
      },
    },
  ];
}

/**
 * A `btp` marché says whether it is bâtiment or travaux publics (the yearly report counts the companies of
 * each trade); a marché of another sector has no sub-sector (null or absent).
 */
function verifierSousSecteur(secteur: Secteur, sousSecteur: unknown): SousSecteur | null {
  if (secteur === 'btp') {
    rule(
      sousSecteur !== undefined && sousSecteur !== null,
      'SOUS_SECTEUR_REQUIS',
      'Un marché du secteur btp précise son sousSecteur : batiment ou travaux_publics.',
      { champ: 'sousSecteur', valeursAutorisees: SOUS_SECTEURS },
    );
    return valeurParmi(sousSecteur, SOUS_SECTEURS, 'sousSecteur');
  }
  rule(
    sousSecteur === undefined || sousSecteur === null,
    'SOUS_SECTEUR_HORS_BTP',
    `Seul un marché du secteur btp a un sousSecteur (batiment ou travaux_publics) : retirez-le pour un marché du secteur ${secteur}.`,
    { champ: 'sousSecteur', secteur, sousSecteur },
  );
  return null;
}

function attribuer(command: AttribuerMarche, state: MarcheEnregistreState): MarcheEvent[] {
  pasCloture(state);
  const role = valeurParmi(command.role, ROLES_ATTRIBUTAIRE, 'role');
  rule(command.entreprise !== null, 'ENTREPRISE_INCONNUE', 'Aucune entreprise ne porte cet identifiant : enregistrez-la d’abord ou corrigez entrepriseId.', {
    entrepriseId: command.entrepriseId,
  });
  marcheReserve(state.baseJuridique, command.entreprise!.type, command.entrepriseId);
  const deja = state.attributaires.find((a) => a.entrepriseId === command.entrepriseId);
  rule(!deja, 'ENTREPRISE_DEJA_ATTRIBUTAIRE', `Cette entreprise est déjà attributaire de ce marché (rôle : ${deja?.role}).`, {
    entrepriseId: command.entrepriseId,
    role: deja?.role,
  });
  rule(
    role !== 'titulaire' || !state.attributaires.some((a) => a.role === 'titulaire'),
    'TITULAIRE_DEJA_DESIGNE',
    'Ce marché a déjà un titulaire : attribuez cette entreprise comme cotraitant ou soustraitant.',
  );
  return [{ type: 'MarcheAttribue', data: { marcheId: state.marcheId, entrepriseId: command.entrepriseId, role } }];
}

/**
 * The kinds of entreprise a reserved marché may be awarded to, whatever the role: L2113-12 is
 * reserved to disability employers (EA, ESAT), L2113-13 to SIAE, and a marché d'insertion et de
 * qualification buys the insertion service itself, so only an SIAE can perform it (DOMAIN.md).
 * Co-contractors and subcontractors too: the reservation is the marché's, not the titulaire's,
 * and the hours of an ordinary company on such a marché would count for a reservation it breaks.
 * The other legal bases are open to any entreprise.
 */
export const ATTRIBUTAIRES_RESERVES: Partial<Record<BaseJuridique, readonly TypeEntreprise[]>> = {
  'L2113-12': TYPES_HANDICAP,
  'L2113-13': TYPES_SIAE,
  marche_insertion: TYPES_SIAE,
};

/** Whether an entreprise of this type may be awarded a marché on this legal basis. */
export function peutEtreAttributaire(baseJuridique: BaseJuridique, type: TypeEntreprise): boolean {
  return ATTRIBUTAIRES_RESERVES[baseJuridique]?.includes(type) ?? true;
}

function marcheReserve(baseJuridique: BaseJuridique, type: TypeEntreprise, entrepriseId: string): void {
  const autorises = ATTRIBUTAIRES_RESERVES[baseJuridique];
  if (!autorises || autorises.includes(type)) return;
  const reserveA = baseJuridique === 'L2113-12' ? 'aux entreprises adaptées et ESAT' : 'aux structures d’insertion (SIAE)';
  throw new DomainError(
    'MARCHE_RESERVE',
    `Ce marché (${baseJuridique === 'marche_insertion' ? 'marché d’insertion et de qualification' : baseJuridique}) est réservé ${reserveA} : ` +
      `seules les structures de type ${autorises.map((t) => NOM_TYPE_ENTREPRISE[t]).join(', ')} peuvent en être attributaires, quel que soit le rôle (reçu : ${NOM_TYPE_ENTREPRISE[type]}).`,
    { baseJuridique, entrepriseId, type, typesAutorises: autorises },
  );
}

/**
 * An avenant that moves dateFin before months already declared is accepted (issue 13). The marché stream does not
 * see the declarations (they live in the salariés' streams, ADR 0001), and the hours were declared, legitimately,
 * under the terms in force when they were: they stay counted as realised while the marché is open (only a closing
 * caps them). The avenant takes effect on the day it is concluded (its event's `occurredAt`, Paris day): compliance
 * at an earlier date keeps the previous terms (`termesEnVigueur`). New declarations then follow the new dateFin.
 */
function conclureAvenant(command: ConclureAvenant, state: MarcheEnregistreState): MarcheEvent[] {
  pasCloture(state);
  const motif = texteRequis(command.motif, 'motif');
  rule(
    command.heuresPrevues !== undefined || command.dateFin !== undefined,
    'AVENANT_VIDE',
    'Un avenant doit modifier heuresPrevues, dateFin, ou les deux.',
  );
  if (command.heuresPrevues !== undefined) verifierHeuresPrevues(command.heuresPrevues);
  if (command.dateFin !== undefined) {
    verifierDate(command.dateFin, 'dateFin');
    rule(command.dateFin >= state.dateDebut, 'PERIODE_INVALIDE', 'La nouvelle dateFin doit être postérieure ou égale à la dateDebut du marché.', {
      dateDebut: state.dateDebut,
      dateFin: command.dateFin,
    });
  }
  const changeHeures = command.heuresPrevues !== undefined && command.heuresPrevues !== state.heuresPrevues;
  const changeFin = command.dateFin !== undefined && command.dateFin !== state.dateFin;
  rule(changeHeures || changeFin, 'AVENANT_SANS_EFFET', 'Cet avenant ne change ni les heures prévues ni la date de fin actuelles.');
  return [
    {
      type: 'AvenantConclu',
      data: {
        marcheId: state.marcheId,
        ...(changeHeures ? { heuresPrevues: command.heuresPrevues } : {}),
        ...(changeFin ? { dateFin: command.dateFin } : {}),
        motif,
        heuresPrevuesAvant: state.heuresPrevues,
        dateFinAvant: state.dateFin,
      },
    },
  ];
}

/**
 * A closing dated before months already declared is accepted, with those hours reported apart (issue 13): the
 * closing date is a fact of the contract that may be recorded late, and refusing it would push users to date it
 * falsely. The marché stream does not see the declarations (ADR 0001), and the same hours can come in anyway by a
 * declaration racing the closing, so every view must handle them: compliance (`conformiteALaDate`) counts the
 * months up to the closing month as realised and the later ones as `heuresApresCloture`, to be corrected down or
 * explained; they were worked, so /indicateurs and /bilans hours still count them.
 */
function cloturer(command: CloturerMarche, state: MarcheEnregistreState): MarcheEvent[] {
  rule(!state.dateCloture, 'MARCHE_DEJA_CLOTURE', `Ce marché est déjà clôturé depuis le ${state.dateCloture}.`);
  verifierDate(command.date, 'date');
  rule(command.date >= state.dateDebut, 'DATE_CLOTURE_INVALIDE', 'La date de clôture ne peut pas précéder le début du marché.', {
    dateDebut: state.dateDebut,
    date: command.date,
  });
  rule(command.date <= jourDe(command.now), 'DATE_FUTURE', 'La date de clôture ne peut pas être dans le futur.', { date: command.date });
  return [{ type: 'MarcheCloture', data: { marcheId: state.marcheId, date: command.date } }];
}

function pasCloture(state: MarcheEnregistreState): void {
  rule(!state.dateCloture, 'MARCHE_CLOTURE', `Ce marché est clôturé depuis le ${state.dateCloture} : il ne peut plus être modifié.`, {
    dateCloture: state.dateCloture,
  });
}

function verifierHeuresPrevues(heures: number): void {
  if (!(typeof heures === 'number' && heures > 0 && heures <= HEURES_PREVUES_MAX && aAuPlusDeuxDecimales(heures))) {
    throw new DomainError(
      'HEURES_INVALIDES',
      `heuresPrevues doit être un nombre d'heures strictement positif, au plus ${HEURES_PREVUES_MAX.toLocaleString('fr-FR')}, avec au plus 2 décimales (reçu : ${heures}).`,
      { champ: 'heuresPrevues', heures, maximum: HEURES_PREVUES_MAX },
    );
  }
}
