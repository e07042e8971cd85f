import { DomainError, notFound, rule } from '../domain-error';
import type { SalarieEnregistreState } from '../salarie/salarie.decider';
import { jourDe, moisDe, verifierDate, verifierMois, type DateIso, type Mois } from '../values/dates';
import { HEURES_MAX_PAR_MOIS, HEURES_MOIS_PLAFOND, depuisCentiemes, enCentiemes, verifierHeuresDeclarees, verifierVolumeHeures } from '../values/heures';
import { texteRequis, valeurParmi } from '../values/texte';
import { TYPES_MISE_A_DISPOSITION, type TypeEntreprise } from '../entreprise/entreprise.events';
import { verifierModaliteEtContrat } from './modalite';
import { MODALITES, TYPES_CONTRAT, type Modalite, type PlacementEvent, type TypeContrat } from './placement.events';
import { SORTIES, categorieDeSortie, estSortiePositive, type CategorieSortie, type Sortie } from './sortie';

/** What a placement command needs to know of the marché, read by the handler at command time. */
export interface MarcheVu {
  marcheId: string;
  dateDebut: DateIso;
  dateFin: DateIso;
  dateCloture: DateIso | null;
  attributaires: string[];
}

export type DemarrerPlacement = {
  type: 'DemarrerPlacement';
  placementId: string;
  marcheId: string;
  entrepriseId: string;
  entrepriseUtilisatriceId?: string | null;
  modalite: Modalite;
  typeContrat: TypeContrat;
  dateDebut: DateIso;
  now: Date;
  /** Read by the handler; null when unknown. */
  marche: MarcheVu | null;
  entreprise: { type: TypeEntreprise } | null;
};

export type DeclarerHeures = {
  type: 'DeclarerHeures';
  placementId: string;
  declarationId: string;
  mois: Mois;
  heures: number;
  now: Date;
  marche: MarcheVu;
};

export type CorrigerDeclaration = {
  type: 'CorrigerDeclaration';
  declarationId: string;
  correctionId: string;
  heures: number;
  motif: string;
  marche: MarcheVu;
};

export type TerminerPlacement = {
  type: 'TerminerPlacement';
  placementId: string;
  dateFin: DateIso;
  sortie: Sortie;
  now: Date;
};

export type PlacementCommand = DemarrerPlacement | DeclarerHeures | CorrigerDeclaration | TerminerPlacement;

export interface Declaration {
  declarationId: string;
  mois: Mois;
  /** After corrections. */
  heures: number;
  heuresDeclarees: number;
  corrections: Array<{ correctionId: string; heures: number; heuresPrecedentes: number; motif: string }>;
}

export interface PlacementState {
  placementId: string;
  marcheId: string;
  entrepriseId: string;
  entrepriseUtilisatriceId: string | null;
  modalite: Modalite;
  typeContrat: TypeContrat;
  dateDebut: DateIso;
  fin: { dateFin: DateIso; sortie: Sortie; sortiePositive: boolean; categorieSortie: CategorieSortie } | null;
  declarations: Declaration[];
}

export function evolvePlacement(state: SalarieEnregistreState, event: PlacementEvent): SalarieEnregistreState {
  switch (event.type) {
    case 'PlacementDemarre': {
      const { salarieId: _s, ...placement } = event.data;
      return { ...state, placements: { ...state.placements, [placement.placementId]: { ...placement, fin: null, declarations: [] } } };
    }
    case 'HeuresDeclarees': {
      const { placementId, declarationId, mois, heures } = event.data;
      const placement = state.placements[placementId];
      return {
        ...state,
        placements: {
          ...state.placements,
          [placementId]: {
            ...placement,
            declarations: [...placement.declarations, { declarationId, mois, heures, heuresDeclarees: heures, corrections: [] }],
          },
        },
        centiemesParMois: ajouter(state.centiemesParMois, mois, enCentiemes(heures)),
      };
    }
    case 'HeuresCorrigees': {
      const { placementId, declarationId, correctionId, mois, heures, heuresPrecedentes, motif } = event.data;
      const placement = state.placements[placementId];
      return {
        ...state,
        placements: {
          ...state.placements,
          [placementId]: {
            ...placement,
            declarations: placement.declarations.map((d) =>
              d.declarationId === declarationId
                ? { ...d, heures, corrections: [...d.corrections, { correctionId, heures, heuresPrecedentes, motif }] }
                : d,
            ),
          },
        },
        centiemesParMois: ajouter(state.centiemesParMois, mois, enCentiemes(heures) - enCentiemes(heuresPrecedentes)),
      };
    }
    case 'PlacementTermine': {
      const { placementId, dateFin, sortie, sortiePositive, categorieSortie } = event.data;
      return {
        ...state,
        placements: {
          ...state.placements,
          [placementId]: { ...state.placements[placementId], fin: { dateFin, sortie, sortiePositive, categorieSortie } },
        },
      };
    }
  }
}

export function decidePlacement(command: PlacementCommand, state: SalarieEnregistreState): PlacementEvent[] {
  switch (command.type) {
    case 'DemarrerPlacement':
      return demarrer(command, state);
    case 'DeclarerHeures':
      return declarer(command, state);
    case 'CorrigerDeclaration':
      return corriger(command, state);
    case 'TerminerPlacement':
      return terminer(command, state);
  }
}

/** Finds the placement holding a declaration, for the handler and for corrections. */
export function trouverDeclaration(
  state: SalarieEnregistreState,
  declarationId: string,
): { placement: PlacementState; declaration: Declaration } | null {
  for (const placement of Object.values(state.placements)) {
    const declaration = placement.declarations.find((d) => d.declarationId === declarationId);
    if (declaration) return { placement, declaration };
  }
  return null;
}

function demarrer(command: DemarrerPlacement, state: SalarieEnregistreState): PlacementEvent[] {
  rule(!state.placements[command.placementId], 'PLACEMENT_DEJA_DEMARRE', 'Ce placement existe déjà sous cet identifiant.');
  const modalite = valeurParmi(command.modalite, MODALITES, 'modalite');
  const typeContrat = valeurParmi(command.typeContrat, TYPES_CONTRAT, 'typeContrat');
  verifierDate(command.dateDebut, 'dateDebut');
  const marche = command.marche;
  if (!marche) {
    throw new DomainError('MARCHE_INCONNU', 'Aucun marché ne porte cet identifiant : corrigez marcheId.', { marcheId: command.marcheId });
  }
  marcheOuvert(marche);
  rule(
    command.dateDebut >= marche.dateDebut && command.dateDebut <= marche.dateFin,
    'PLACEMENT_HORS_PERIODE',
    `Le placement doit démarrer pendant la période d'exécution du marché (du ${marche.dateDebut} au ${marche.dateFin}).`,
    { dateDebut: command.dateDebut, periode: { du: marche.dateDebut, au: marche.dateFin } },
  );
  const eligibiliteAvant = state.eligibilites.some((e) => e.dateValidation <= command.dateDebut);
  rule(
    eligibiliteAvant,
    'ELIGIBILITE_NON_VALIDEE',
    `Aucune éligibilité validée au plus tard le ${command.dateDebut} : validez l'éligibilité de la personne avant le début du placement.`,
    { dateDebut: command.dateDebut },
  );
  if (!command.entreprise) {
    throw new DomainError('ENTREPRISE_INCONNUE', 'Aucune entreprise ne porte cet identifiant : corrigez entrepriseId.', {
      entrepriseId: command.entrepriseId,
    });
  }
  const utilisatrice = command.entrepriseUtilisatriceId ?? null;
  verifierModaliteEtContrat(modalite, typeContrat, command.entreprise.type, command.entrepriseId);
  const attributaire = marche.attributaires.includes(command.entrepriseId);
  const miseADispositionValide =
    modalite === 'mise_a_disposition' &&
    TYPES_MISE_A_DISPOSITION.includes(command.entreprise.type) &&
    utilisatrice !== null &&
    marche.attributaires.includes(utilisatrice);
  rule(
    attributaire || miseADispositionValide,
    'ENTREPRISE_NON_ATTRIBUTAIRE',
    "L'entreprise employeuse doit être attributaire du marché, ou une ETTI, AI ou GEIQ qui met la personne à disposition d'un attributaire (entrepriseUtilisatriceId).",
    { entrepriseId: command.entrepriseId, entrepriseUtilisatriceId: utilisatrice },
  );
  const enCours = Object.values(state.placements).find(
    (p) => p.marcheId === command.marcheId && p.entrepriseId === command.entrepriseId && p.fin === null,
  );
  rule(!enCours, 'PLACEMENT_DEJA_EN_COURS', 'Cette personne a déjà un placement en cours sur ce marché avec cette entreprise : terminez-le ou déclarez les heures dessus.', {
    placementId: enCours?.placementId,
  });
  return [
    {
      type: 'PlacementDemarre',
      data: {
        salarieId: state.salarieId,
        placementId: command.placementId,
        marcheId: command.marcheId,
        entrepriseId: command.entrepriseId,
        entrepriseUtilisatriceId: modalite === 'mise_a_disposition' ? utilisatrice : null,
        modalite,
        typeContrat,
        dateDebut: command.dateDebut,
      },
    },
  ];
}

function declarer(command: DeclarerHeures, state: SalarieEnregistreState): PlacementEvent[] {
  const placement = placementConnu(state, command.placementId);
  verifierMois(command.mois);
  verifierHeuresDeclarees(command.heures);
  const mois = command.mois;
  rule(mois <= moisDe(jourDe(command.now)), 'MOIS_FUTUR', `On ne déclare pas les heures d'un mois qui n'a pas commencé (${mois}).`, { mois });
  rule(mois >= moisDe(placement.dateDebut), 'MOIS_AVANT_DEBUT_PLACEMENT', `Le placement a démarré le ${placement.dateDebut} : ${mois} est antérieur.`, {
    mois,
    dateDebut: placement.dateDebut,
  });
  rule(
    placement.fin === null || mois <= moisDe(placement.fin.dateFin),
    'PLACEMENT_TERMINE',
    `Le placement s'est terminé le ${placement.fin?.dateFin} : on ne déclare plus d'heures après sa fin.`,
    { mois, dateFin: placement.fin?.dateFin },
  );
  marcheOuvert(command.marche);
  moisDansPeriode(mois, command.marche);
  const existante = placement.declarations.find((d) => d.mois === mois);
  if (existante) {
    throw new DomainError(
      'DECLARATION_EXISTANTE',
      `Les heures de ${mois} sont déjà déclarées sur ce placement : corrigez la déclaration existante.`,
      { declarationId: existante.declarationId, mois },
      'conflit',
    );
  }
  plafondMensuel(state, mois, enCentiemes(command.heures));
  return [
    {
      type: 'HeuresDeclarees',
      data: {
        salarieId: state.salarieId,
        placementId: placement.placementId,
        marcheId: placement.marcheId,
        declarationId: command.declarationId,
        mois,
        heures: command.heures,
      },
    },
  ];
}

function corriger(command: CorrigerDeclaration, state: SalarieEnregistreState): PlacementEvent[] {
  const found = trouverDeclaration(state, command.declarationId);
  if (!found) notFound('DECLARATION_INTROUVABLE', 'Aucune déclaration ne porte cet identifiant : vérifiez l’URL.');
  const { placement, declaration } = found;
  verifierVolumeHeures(command.heures, 'heures', HEURES_MOIS_PLAFOND);
  const motif = texteRequis(command.motif, 'motif');
  rule(command.heures !== declaration.heures, 'CORRECTION_SANS_EFFET', `La déclaration porte déjà ${declaration.heures} heures.`, {
    heures: declaration.heures,
  });
  rule(
    placement.fin === null || declaration.mois <= moisDe(placement.fin.dateFin) || command.heures === 0,
    'PLACEMENT_TERMINE',
    `Le placement s'est terminé le ${placement.fin?.dateFin} : ${declaration.mois} est postérieur, ses heures ne peuvent être corrigées qu'à 0.`,
    { mois: declaration.mois, dateFin: placement.fin?.dateFin },
  );
  // A closed marché takes no more hours, but its wrong declarations may still be lowered
  // (e.g. hours that slipped in after the closing, see ADR 0001).
  if (command.heures > declaration.heures) marcheOuvert(command.marche);
  plafondMensuel(state, declaration.mois, enCentiemes(command.heures) - enCentiemes(declaration.heures));
  return [
    {
      type: 'HeuresCorrigees',
      data: {
        salarieId: state.salarieId,
        placementId: placement.placementId,
        marcheId: placement.marcheId,
        declarationId: declaration.declarationId,
        correctionId: command.correctionId,
        mois: declaration.mois,
        heures: command.heures,
        heuresPrecedentes: declaration.heures,
        motif,
      },
    },
  ];
}

function terminer(command: TerminerPlacement, state: SalarieEnregistreState): PlacementEvent[] {
  const placement = placementConnu(state, command.placementId);
  rule(placement.fin === null, 'PLACEMENT_DEJA_TERMINE', `Ce placement est déjà terminé depuis le ${placement.fin?.dateFin}.`);
  verifierDate(command.dateFin, 'dateFin');
  const sortie = valeurParmi(command.sortie, SORTIES, 'sortie');
  rule(command.dateFin >= placement.dateDebut, 'DATE_FIN_AVANT_DEBUT', `La fin du placement ne peut pas précéder son début (${placement.dateDebut}).`, {
    dateDebut: placement.dateDebut,
    dateFin: command.dateFin,
  });
  rule(command.dateFin <= jourDe(command.now), 'DATE_FUTURE', 'La date de fin ne peut pas être dans le futur.', { dateFin: command.dateFin });
  const apres = placement.declarations.filter((d) => d.mois > moisDe(command.dateFin) && d.heures > 0);
  rule(apres.length === 0, 'DECLARATIONS_APRES_FIN', 'Des heures sont déclarées après cette date de fin : corrigez-les (à 0) ou choisissez une date de fin plus tardive.', {
    mois: apres.map((d) => d.mois),
  });
  return [
    {
      type: 'PlacementTermine',
      data: {
        salarieId: state.salarieId,
        placementId: placement.placementId,
        marcheId: placement.marcheId,
        dateFin: command.dateFin,
        sortie,
        sortiePositive: estSortiePositive(sortie),
        categorieSortie: categorieDeSortie(sortie),
      },
    },
  ];
}

function placementConnu(state: SalarieEnregistreState, placementId: string): PlacementState {
  const placement = state.placements[placementId];
  if (!placement) notFound('PLACEMENT_INTROUVABLE', 'Aucun placement ne porte cet identifiant : vérifiez l’URL.');
  return placement;
}

function marcheOuvert(marche: MarcheVu): void {
  rule(marche.dateCloture === null, 'MARCHE_CLOTURE', `Le marché est clôturé depuis le ${marche.dateCloture} : il ne prend plus d'heures.`, {
    marcheId: marche.marcheId,
    dateCloture: marche.dateCloture,
  });
}

function moisDansPeriode(mois: Mois, marche: MarcheVu): void {
  rule(
    mois >= moisDe(marche.dateDebut) && mois <= moisDe(marche.dateFin),
    'MOIS_HORS_PERIODE_MARCHE',
    `${mois} est hors de la période d'exécution du marché (du ${marche.dateDebut} au ${marche.dateFin}).`,
    { mois, periode: { du: marche.dateDebut, au: marche.dateFin } },
  );
}

/** At most 220 h per person and month across all placements. */
function plafondMensuel(state: SalarieEnregistreState, mois: Mois, ajoutCentiemes: number): void {
  const deja = state.centiemesParMois[mois] ?? 0;
  const maximum = enCentiemes(HEURES_MAX_PAR_MOIS);
  if (deja + ajoutCentiemes > maximum) {
    throw new DomainError(
      'HEURES_MAX_MOIS_DEPASSEES',
      `Cette personne dépasserait ${HEURES_MAX_PAR_MOIS} heures en ${mois} tous placements confondus (déjà ${depuisCentiemes(deja)} h déclarées).`,
      { mois, dejaDeclarees: depuisCentiemes(deja), maximum: HEURES_MAX_PAR_MOIS },
    );
  }
}

function ajouter(parMois: Record<Mois, number>, mois: Mois, centiemes: number): Record<Mois, number> {
  return { ...parMois, [mois]: (parMois[mois] ?? 0) + centiemes };
}
