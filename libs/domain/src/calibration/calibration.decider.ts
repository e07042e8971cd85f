import type { Decider } from '../decider';
import { DomainError, rule } from '../domain-error';
import { formuleDeCalibration, heuresDeCalibration, verifierCoutHoraire, verifierMontantHT, verifierPart } from './calibration';
import type { CalibrationCalculee, CalibrationEvent } from './calibration.events';
import { verifierCodeMetier, type MetiersState } from './metiers';

export const calibrationStream = (id: string) => `calibration-${id}`;

export type CalculerCalibration = {
  type: 'CalculerCalibration';
  calibrationId: string;
  montantHT: number;
  /** Exactly one of `partMainOeuvre` and `metier`. */
  partMainOeuvre?: number;
  metier?: string;
  tauxInsertion: number;
  /** Default: the table's cost. */
  coutHoraire?: number;
  /** Read by the handler from `calibration-metiers`. */
  table: MetiersState;
};

export type CalibrationState = { existe: false } | ({ existe: true } & CalibrationCalculee['data']);

export const calibrationDecider: Decider<CalculerCalibration, CalibrationEvent, CalibrationState> = {
  initialState: { existe: false },
  evolve: (_state, event) => ({ existe: true, ...event.data }),

  decide(command, state) {
    rule(!state.existe, 'CALIBRATION_DEJA_CALCULEE', 'Une calibration porte déjà cet identifiant : choisissez-en un autre ou omettez id.');
    const { partMainOeuvre: partDonnee, metier: code, table } = command;
    rule(
      (partDonnee === undefined) !== (code === undefined),
      'PART_MAIN_OEUVRE_OU_METIER',
      "Indiquez soit partMainOeuvre (la part de main-d'œuvre, de 0 à 1), soit metier (un métier de la table), et pas les deux.",
    );
    verifierMontantHT(command.montantHT);
    verifierPart(command.tauxInsertion, 'tauxInsertion');
    let partMainOeuvre: number;
    let libelleMetier: string | null = null;
    if (code !== undefined) {
      verifierCodeMetier(code);
      const metier = table.metiers.get(code);
      if (!metier) {
        throw new DomainError(
          'METIER_INCONNU',
          `Aucun métier de la table ne porte le code ${code} : choisissez-en un de GET /api/calibrations/metiers, ou donnez partMainOeuvre.`,
          { champ: 'metier', metier: code, metiersConnus: [...table.metiers.keys()] },
        );
      }
      partMainOeuvre = metier.partMainOeuvre;
      libelleMetier = metier.libelle;
    } else {
      verifierPart(partDonnee, 'partMainOeuvre');
      partMainOeuvre = partDonnee;
    }
    const coutHoraireParDefaut = command.coutHoraire === undefined;
    const coutHoraire = command.coutHoraire ?? table.coutHoraire;
    verifierCoutHoraire(coutHoraire);
    const facteurs = { montantHT: command.montantHT, partMainOeuvre, tauxInsertion: command.tauxInsertion, coutHoraire };
    const heures = heuresDeCalibration(facteurs);
    return [
      {
        type: 'CalibrationCalculee',
        data: {
          calibrationId: command.calibrationId,
          montantHT: command.montantHT,
          partMainOeuvre,
          metier: code ?? null,
          libelleMetier,
          tauxInsertion: command.tauxInsertion,
          coutHoraire,
          coutHoraireParDefaut,
          heures,
          formule: formuleDeCalibration(facteurs, heures),
        },
      },
    ];
  },
};
