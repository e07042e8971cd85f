import { DomainError } from '../domain-error';
import type { Mois } from '../values/dates';
import { enCentiemes, verifierHeuresDeclarees } from '../values/heures';
import { decidePlacement, evolvePlacement, type MarcheVu } from './placement.decider';
import type { SalarieEnregistreState } from '../salarie/salarie.decider';
import type { PlacementEvent } from './placement.events';

/** One row of an imported timesheet, already tied to a placement of this person. */
export interface LigneAImporter {
  /** The row's number in the file, to report where an error is. */
  ligne: number;
  placementId: string;
  mois: Mois;
  heures: number;
  /** The declaration's id if the month is new (derived from placement and month by the caller). */
  declarationId: string;
  /** The correction's id if the month holds other hours (derived from the import and the declaration). */
  correctionId: string;
  /** Why a correction is made, e.g. the file's name and line. */
  motifCorrection: string;
}

/**
 * Records one person's rows of a timesheet file at once: each row is a new month's declaration,
 * a correction when the month already holds other hours, or nothing when it holds the same.
 * `marches` holds, by id, every marché of the rows' placements as read at command time.
 */
export type ImporterHeures = {
  type: 'ImporterHeures';
  lignes: LigneAImporter[];
  marches: Record<string, MarcheVu>;
  now: Date;
};

export type IssueDeLigne =
  | { ligne: number; action: 'declaration' | 'correction' | 'inchangee' }
  | { ligne: number; erreur: DomainError };

export interface ExamenImport {
  /** The events that recording every valid row would append, in the rows' order. */
  events: PlacementEvent[];
  /** One issue per row: what it would record, or the rule it breaks. */
  issues: IssueDeLigne[];
}

/**
 * Checks every row against every rule, in the file's order, each on the state the previous ones
 * left (two rows of one month add up against the monthly maximum). Never throws for a broken
 * rule: the dry run reports all of them at once.
 */
export function examinerImportHeures(command: ImporterHeures, initial: SalarieEnregistreState): ExamenImport {
  let state = initial;
  const events: PlacementEvent[] = [];
  const issues: IssueDeLigne[] = [];
  const vues = new Map<string, { ligne: number; heures: number }>();
  for (const ligne of command.lignes) {
    try {
      if (initial.efface) {
        throw new DomainError('SALARIE_EFFACE', "L'identité de cette personne a été effacée : plus rien ne peut être enregistré pour elle.", {
          salarieId: initial.salarieId,
        });
      }
      // Checked before any comparison: 151.671 is malformed, not "the same as 151.67".
      verifierHeuresDeclarees(ligne.heures);
      const cle = `${ligne.placementId}|${ligne.mois}`;
      const vue = vues.get(cle);
      if (vue) {
        // The same month twice in one file: harmless when equal, otherwise the file contradicts itself.
        if (enCentiemes(vue.heures) !== enCentiemes(ligne.heures)) {
          throw new DomainError(
            'LIGNE_EN_DOUBLE',
            `Le mois ${ligne.mois} de ce placement figure déjà ligne ${vue.ligne} avec ${vue.heures} heures : gardez une seule ligne par placement et par mois.`,
            { mois: ligne.mois, ligneDejaLue: vue.ligne },
          );
        }
        issues.push({ ligne: ligne.ligne, action: 'inchangee' });
        continue;
      }
      const { action, decided } = decideLigne(command, ligne, state);
      for (const event of decided) state = evolvePlacement(state, event);
      events.push(...decided);
      issues.push({ ligne: ligne.ligne, action });
      // Only a row that passed is what later rows of the same month are compared with.
      vues.set(cle, { ligne: ligne.ligne, heures: ligne.heures });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      issues.push({ ligne: ligne.ligne, erreur: error });
    }
  }
  return { events, issues };
}

/** The command's decision: every row's events, or a refusal naming each faulty row (nothing recorded). */
export function decideImportHeures(command: ImporterHeures, state: SalarieEnregistreState): PlacementEvent[] {
  const { events, issues } = examinerImportHeures(command, state);
  const erreurs = issues.flatMap((i) => ('erreur' in i ? [{ ligne: i.ligne, code: i.erreur.code, message: i.erreur.message }] : []));
  if (erreurs.length > 0) {
    throw new DomainError(
      'IMPORT_LIGNES_REFUSEES',
      `${erreurs.length} ligne(s) de cette personne enfreignent une règle : rien n'est enregistré pour elle.`,
      { erreurs },
    );
  }
  return events;
}

function decideLigne(
  command: ImporterHeures,
  ligne: LigneAImporter,
  state: SalarieEnregistreState,
): { action: 'declaration' | 'correction' | 'inchangee'; decided: PlacementEvent[] } {
  const placement = state.placements[ligne.placementId];
  if (!placement) {
    throw new DomainError('PLACEMENT_INTROUVABLE', "Aucun placement de cette personne ne porte cet identifiant : vérifiez la colonne placement.", {
      placementId: ligne.placementId,
    }, 'introuvable');
  }
  const marche = command.marches[placement.marcheId];
  if (!marche) throw new Error(`ImporterHeures without the marché ${placement.marcheId} of placement ${placement.placementId}`);
  const existante = placement.declarations.find((d) => d.mois === ligne.mois);
  if (!existante) {
    const decided = decidePlacement(
      { type: 'DeclarerHeures', placementId: ligne.placementId, declarationId: ligne.declarationId, mois: ligne.mois, heures: ligne.heures, now: command.now, marche },
      state,
    );
    return { action: 'declaration', decided };
  }
  if (enCentiemes(existante.heures) === enCentiemes(ligne.heures)) return { action: 'inchangee', decided: [] };
  const decided = decidePlacement(
    {
      type: 'CorrigerDeclaration',
      declarationId: existante.declarationId,
      correctionId: ligne.correctionId,
      heures: ligne.heures,
      motif: ligne.motifCorrection,
      marche,
    },
    state,
  );
  return { action: 'correction', decided };
}
