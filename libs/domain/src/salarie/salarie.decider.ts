import type { Decider } from '../decider';
import { DomainError, notFound, rule } from '../domain-error';
import { ageAu, jourDe, verifierDate, type DateIso, type Mois } from '../values/dates';
import { texteRequis, valeurParmi } from '../values/texte';
import { decidePlacement, evolvePlacement, type PlacementCommand, type PlacementState } from '../placement/placement.decider';
import { decideImportHeures, type ImporterHeures } from '../placement/import-heures';
import {
  CRITERES_ELIGIBILITE,
  MOTIFS_EFFACEMENT,
  NIVEAUX_FORMATION,
  SEXES,
  trancheAgeDe,
  type MotifEffacement,
  type TrancheAge,
  type CritereEligibilite,
  type NiveauFormation,
  type SalarieEvent,
  type Sexe,
} from './salarie.events';

export const salarieStream = (id: string) => `salarie-${id}`;

export type EnregistrerSalarie = {
  type: 'EnregistrerSalarie';
  salarieId: string;
  nom: string;
  prenom: string;
  sexe: Sexe;
  dateNaissance: DateIso;
  adresse?: string | null;
  commune: string;
  quartierQpv: string | null;
  niveauFormation: NiveauFormation;
  now: Date;
};

export type ValiderEligibilite = {
  type: 'ValiderEligibilite';
  criteres: CritereEligibilite[];
  dateValidation: DateIso;
  precision?: string | null;
  validePar: string;
  now: Date;
};

export type EffacerSalarie = { type: 'EffacerSalarie'; motif: MotifEffacement };

export type SalarieCommand = EnregistrerSalarie | ValiderEligibilite | EffacerSalarie | PlacementCommand | ImporterHeures;

export interface Eligibilite {
  criteres: CritereEligibilite[];
  dateValidation: DateIso;
  precision: string | null;
  validePar: string;
}

export interface SalarieEnregistreState {
  existe: true;
  salarieId: string;
  /** The identity: null once erased (or when it cannot be decrypted). */
  nom: string | null;
  prenom: string | null;
  sexe: Sexe;
  dateNaissance: DateIso | null;
  adresse: string | null;
  trancheAge: TrancheAge;
  efface: boolean;
  commune: string;
  quartierQpv: string | null;
  niveauFormation: NiveauFormation;
  eligibilites: Eligibilite[];
  placements: Record<string, PlacementState>;
  /** Hours declared per month across all placements, in hundredths (after corrections). */
  centiemesParMois: Record<Mois, number>;
}

export type SalarieState = { existe: false } | SalarieEnregistreState;

const AGE_MIN = 14;
const AGE_MAX = 100;

export const salarieDecider: Decider<SalarieCommand, SalarieEvent, SalarieState> = {
  initialState: { existe: false },

  evolve(state, event) {
    if (event.type === 'SalarieEnregistre') {
      return { existe: true, ...event.data, efface: false, eligibilites: [], placements: {}, centiemesParMois: {} };
    }
    if (!state.existe) return state;
    if (event.type === 'SalarieEfface') {
      return {
        ...state,
        efface: true,
        nom: null,
        prenom: null,
        dateNaissance: null,
        adresse: null,
        eligibilites: state.eligibilites.map((e) => ({ ...e, precision: null })),
      };
    }
    if (event.type === 'EligibiliteValidee') {
      const { criteres, dateValidation, precision, validePar } = event.data;
      return { ...state, eligibilites: [...state.eligibilites, { criteres, dateValidation, precision, validePar }] };
    }
    return evolvePlacement(state, event);
  },

  decide(command, state) {
    if (command.type === 'EnregistrerSalarie') return enregistrer(command, state);
    if (!state.existe) notFound('SALARIE_INTROUVABLE', 'Aucun salarié ne porte cet identifiant : vérifiez l’URL.');
    if (command.type === 'EffacerSalarie') return effacer(command, state);
    rule(!state.efface, 'SALARIE_EFFACE', "L'identité de cette personne a été effacée : plus rien ne peut être enregistré pour elle.", { salarieId: state.salarieId });
    if (command.type === 'ValiderEligibilite') return validerEligibilite(command, state);
    if (command.type === 'ImporterHeures') return decideImportHeures(command, state);
    return decidePlacement(command, state);
  },
};

function enregistrer(command: EnregistrerSalarie, state: SalarieState): SalarieEvent[] {
  rule(!state.existe, 'SALARIE_DEJA_ENREGISTRE', 'Ce salarié est déjà enregistré sous cet identifiant.');
  verifierDate(command.dateNaissance, 'dateNaissance');
  const age = ageAu(command.dateNaissance, jourDe(command.now));
  rule(age >= AGE_MIN && age <= AGE_MAX, 'DATE_NAISSANCE_INVALIDE', `La date de naissance donne un âge de ${age} ans : vérifiez-la (âge attendu entre ${AGE_MIN} et ${AGE_MAX} ans).`, {
    dateNaissance: command.dateNaissance,
  });
  const quartierQpv = command.quartierQpv === null || command.quartierQpv === undefined ? null : texteRequis(command.quartierQpv, 'quartierQpv');
  const adresse = command.adresse === null || command.adresse === undefined || command.adresse.trim() === '' ? null : texteRequis(command.adresse, 'adresse');
  return [
    {
      type: 'SalarieEnregistre',
      data: {
        salarieId: command.salarieId,
        nom: texteRequis(command.nom, 'nom', 200),
        prenom: texteRequis(command.prenom, 'prenom', 200),
        sexe: valeurParmi(command.sexe, SEXES, 'sexe'),
        dateNaissance: command.dateNaissance,
        adresse,
        trancheAge: trancheAgeDe(age),
        commune: texteRequis(command.commune, 'commune', 200),
        quartierQpv,
        niveauFormation: valeurParmi(command.niveauFormation, NIVEAUX_FORMATION, 'niveauFormation'),
      },
    },
  ];
}

/** Erasing twice records nothing the second time (the key is destroyed again, harmlessly). */
function effacer(command: EffacerSalarie, state: SalarieEnregistreState): SalarieEvent[] {
  const motif = valeurParmi(command.motif, MOTIFS_EFFACEMENT, 'motif');
  return state.efface ? [] : [{ type: 'SalarieEfface', data: { salarieId: state.salarieId, motif } }];
}

function validerEligibilite(command: ValiderEligibilite, state: SalarieEnregistreState): SalarieEvent[] {
  rule(Array.isArray(command.criteres) && command.criteres.length > 0, 'CRITERES_REQUIS', 'Indiquez au moins un critère d’éligibilité validé.');
  const criteres = command.criteres.map((c) => valeurParmi(c, CRITERES_ELIGIBILITE, 'criteres'));
  rule(new Set(criteres).size === criteres.length, 'CRITERE_EN_DOUBLE', 'Chaque critère ne peut figurer qu’une fois.', { criteres });
  verifierDate(command.dateValidation, 'dateValidation');
  rule(command.dateValidation <= jourDe(command.now), 'DATE_FUTURE', 'La date de validation ne peut pas être dans le futur.', {
    dateValidation: command.dateValidation,
  });
  const precision = command.precision?.trim() ? texteRequis(command.precision, 'precision') : null;
  rule(!criteres.includes('autre') || precision !== null, 'PRECISION_REQUISE', 'Le critère « autre » exige une précision : décrivez la situation validée.');
  // An identity that cannot be read (its key lost) cannot be checked against age-bound criteria.
  if (state.dateNaissance === null) {
    throw new DomainError('IDENTITE_ILLISIBLE', "La date de naissance de cette personne ne peut pas être lue : son identité n'est plus disponible.");
  }
  const age = ageAu(state.dateNaissance, command.dateValidation);
  if (criteres.includes('jeune_peu_qualifie') && age >= 26) {
    throw new DomainError('CRITERE_INCOMPATIBLE', `Le critère jeune_peu_qualifie concerne les moins de 26 ans ; cette personne a ${age} ans à la date de validation.`, {
      critere: 'jeune_peu_qualifie',
      age,
    });
  }
  if (criteres.includes('senior_demandeur') && age < 50) {
    throw new DomainError('CRITERE_INCOMPATIBLE', `Le critère senior_demandeur concerne les 50 ans et plus ; cette personne a ${age} ans à la date de validation.`, {
      critere: 'senior_demandeur',
      age,
    });
  }
  rule(!criteres.includes('qpv_sans_emploi') || state.quartierQpv !== null, 'CRITERE_INCOMPATIBLE', 'Le critère qpv_sans_emploi exige que la personne réside dans un QPV (quartierQpv renseigné).', {
    critere: 'qpv_sans_emploi',
  });
  return [
    {
      type: 'EligibiliteValidee',
      data: { salarieId: state.salarieId, criteres, dateValidation: command.dateValidation, precision, validePar: command.validePar },
    },
  ];
}
