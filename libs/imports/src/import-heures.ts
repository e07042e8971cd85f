import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  declarationIdDe,
  marcheVu,
  rattacher,
  uuidV5,
  type CommandContext,
  type CommandExecutor,
} from '@suivi/commands';
import {
  declarationStream,
  DomainError,
  rattachementDecider,
  type DeclarationRattachee,
  type SalarieEvent,
  examinerImportHeures,
  salarieDecider,
  salarieStream,
  type ImporterHeures,
  type MarcheVu,
  type SalarieState,
} from '@suivi/domain';
import { WrongExpectedRevisionError } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import type { ColonneImport } from './lecture/colonnes';
import { FichierImportInvalide } from './lecture/fichier-invalide';
import { lireFichier, type FichierLu } from './lecture/lire-fichier';
import { lireLigneHeures, type ErreurLigne } from './lecture/ligne-heures';
import { enParallele } from './en-parallele';
import { ResolutionPlacements } from './resolution-placements';
import { VerrouImport } from './travaux/verrou-import';
import { TravauxImport, type Compteurs, type EtatImport, type LigneRattachee, type Travail } from './travaux/travaux-import';

/** A file larger than this is split by the facilitatrice: a year of a large team is ~15,000 rows. */
export const LIGNES_MAX = 200_000;
/** Rows staged and errors written per statement; progress is saved as often. */
const LOT = 1_000;
/** People checked or recorded at once: appends to different streams do not wait for each other. */
const PERSONNES_EN_PARALLELE = 4;
/** Rows tied to their placement at once (each a cached lookup, a few reads the first time). */
const RESOLUTIONS_EN_PARALLELE = 8;
/** Imports one process runs at once; others wait their turn (each holds a connection for its lock)... */
const IMPORTS_EN_PARALLELE = 2;
/** ...up to this many: more are refused until one ends. */
const IMPORTS_EN_ATTENTE = 8;

/** Too many imports are running or waiting in this process: the caller tries again shortly. */
export class TropDImports extends Error {
  constructor() {
    super('too many imports running or waiting in this process');
  }
}

export interface DemandeImport {
  /** The uploaded file on disk; the caller deletes it once `fin` settles. */
  chemin: string;
  nomFichier: string;
  simulation: boolean;
  utilisateurId: string;
}

export interface Avancement {
  etat: EtatImport;
  lignesTraitees: number;
  /** Unknown while the file is being read (it is streamed). */
  lignesTotal: number | null;
}

/**
 * The import of a month's timesheets, as a job in three phases:
 * 1. read the file as a stream, turn each row into a typed one and tie it to its placement,
 *    staging the rows in the job's table (memory holds one batch, whatever the file's size);
 * 2. check every row against every rule, one person at a time on that person's current state,
 *    writing every error found: a file with any error, or a dry run, stops here with nothing recorded;
 * 3. record: one append per person holding all their rows (declarations, corrections).
 * Entering phase 3 is saved first: from then on the import is decided, and a crash is finished by
 * `reprendre` at the next start (each person's append carries ids derived from the job, so one
 * already made is found and not made twice). Re-importing a file finds its months already there
 * with the same hours: they count as unchanged and nothing is recorded twice.
 */
export class ImportsHeures {
  readonly travaux: TravauxImport;
  private actifs = 0;
  private readonly enAttente: Array<() => void> = [];

  constructor(
    private readonly db: DataSource,
    private readonly executor: CommandExecutor,
  ) {
    this.travaux = new TravauxImport(db);
  }

  /** Starts a job; `fin` settles when it is finished (or refused). Throws TropDImports when too many wait. */
  async lancer(demande: DemandeImport, suivi?: (a: Avancement) => void): Promise<{ id: string; fin: Promise<Travail> }> {
    if (this.actifs + this.enAttente.length >= IMPORTS_EN_PARALLELE + IMPORTS_EN_ATTENTE) throw new TropDImports();
    const id = randomUUID();
    // Locked before the job exists: a process starting meanwhile never takes it for an orphan.
    const verrou = (await VerrouImport.prendre(this.db, id))!;
    try {
      await this.travaux.creer({ id, utilisateurId: demande.utilisateurId, nomFichier: demande.nomFichier.slice(0, 200), empreinte: await empreinte(demande.chemin), simulation: demande.simulation });
    } catch (error) {
      await verrou.rendre();
      throw error;
    }
    const fin = this.aSonTour(() => this.executer(id, demande, suivi))
      .finally(() => verrou.rendre())
      .then(async () => (await this.travaux.lire(id))!);
    return { id, fin };
  }

  private async aSonTour<T>(fn: () => Promise<T>): Promise<T> {
    if (this.actifs >= IMPORTS_EN_PARALLELE) await new Promise<void>((resolve) => this.enAttente.push(resolve));
    this.actifs++;
    try {
      return await fn();
    } finally {
      this.actifs--;
      this.enAttente.shift()?.();
    }
  }

  /**
   * Finishes the jobs a stopped process left: a decided one (phase 3) is recorded to the end; one
   * still being read or checked recorded nothing and is marked interrupted. Jobs another live
   * process is running are left to it (their lock is held); a job's state is read once its lock is taken.
   */
  async reprendre(): Promise<string[]> {
    const repris: string[] = [];
    for (const { id } of await this.travaux.enCours()) {
      const verrou = await VerrouImport.prendre(this.db, id);
      if (!verrou) continue;
      try {
        const travail = await this.travaux.lire(id);
        if (!travail || travail.termineLe) continue;
        if (travail.etat === 'enregistrement') await this.enregistrer(travail);
        else await this.travaux.terminer(id, { etat: 'interrompu', probleme: INTERROMPU });
        repris.push(id);
      } finally {
        await verrou.rendre();
      }
    }
    return repris;
  }

  private async executer(id: string, demande: DemandeImport, suivi?: (a: Avancement) => void): Promise<void> {
    try {
      const lecture = await this.lireEtRattacher(id, demande.chemin, suivi);
      if (lecture === 'refuse') return;
      const compteurs = await this.verifier(id, demande.nomFichier, lecture.lignesRattachees, suivi);
      const erreurs = await this.travaux.nombreErreurs(id);
      // A dry run ends as such, its errors listed; a real import with errors records nothing.
      if (demande.simulation) return await this.travaux.terminer(id, { etat: 'simule', compteurs });
      if (erreurs > 0) return await this.travaux.terminer(id, { etat: 'refuse', compteurs });
      await this.travaux.passerA(id, 'enregistrement');
      await this.enregistrer((await this.travaux.lire(id))!, suivi);
    } catch (error) {
      if (error instanceof FichierImportInvalide) {
        return this.travaux.terminer(id, { etat: 'refuse', probleme: { code: error.code, message: error.message, details: error.details } });
      }
      // Before recording, a failure (database away...) leaves nothing recorded: the job says so. During
      // recording, the job stays decided and is finished by `reprendre` at the next start.
      const travail = await this.travaux.lire(id).catch(() => null);
      if (travail && travail.etat !== 'enregistrement' && !travail.termineLe) {
        await this.travaux.terminer(id, { etat: 'interrompu', probleme: INTERROMPU }).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Phase 1. */
  private async lireEtRattacher(id: string, chemin: string, suivi?: (a: Avancement) => void): Promise<{ lignesRattachees: number } | 'refuse'> {
    const fichier: FichierLu = await lireFichier(chemin);
    await this.travaux.decrireFichier(id, fichier);
    const resolution = new ResolutionPlacements(this.executor, this.db);
    let lignes = 0;
    let lignesRattachees = 0;
    let lot: Array<ReturnType<typeof lireLigneHeures>> = [];
    const vider = async () => {
      const resolues = await enParallele(lot, RESOLUTIONS_EN_PARALLELE, async (lue) => ('erreurs' in lue ? lue.erreurs : await resolution.resoudre(lue.ligne)));
      const erreurs: ErreurLigne[] = [];
      const rattachees: LigneRattachee[] = [];
      resolues.forEach((r, i) => {
        const lue = lot[i];
        if (Array.isArray(r)) erreurs.push(...r);
        else if ('code' in r) erreurs.push(r);
        else if ('ligne' in lue) rattachees.push({ ligne: lue.ligne.ligne, salarieId: r.salarieId, placementId: r.placementId, mois: lue.ligne.mois, heures: lue.ligne.heures });
      });
      await this.travaux.ajouterLignes(id, rattachees);
      await this.travaux.ajouterErreurs(id, erreurs);
      lignesRattachees += rattachees.length;
      lot = [];
      await this.travaux.avancer(id, lignes, { lignes, lignesRattachees });
      suivi?.({ etat: 'lecture', lignesTraitees: lignes, lignesTotal: null });
    };
    for await (const brute of fichier.lignes) {
      lignes++;
      if (lignes > LIGNES_MAX) {
        await this.travaux.terminer(id, {
          etat: 'refuse',
          probleme: {
            code: 'FICHIER_TROP_DE_LIGNES',
            message: `Le fichier dépasse ${LIGNES_MAX.toLocaleString('fr-FR')} lignes : découpez-le (par exemple par employeur ou par mois) et importez chaque partie.`,
            details: { maximum: LIGNES_MAX },
          },
        });
        return 'refuse';
      }
      lot.push(lireLigneHeures(brute));
      if (lot.length >= LOT) await vider();
    }
    await vider();
    if (lignes === 0) {
      throw new FichierImportInvalide('FICHIER_VIDE', "Le fichier ne contient aucune ligne d'heures sous sa ligne d'en-tête : remplissez le modèle puis importez-le.");
    }
    return { lignesRattachees };
  }

  /** Phase 2: every row checked on its person's current state; answers what would be recorded. */
  private async verifier(id: string, nomFichier: string, total: number, suivi?: (a: Avancement) => void): Promise<Compteurs> {
    await this.travaux.passerA(id, 'verification');
    const compteurs: Compteurs = { declarations: 0, corrections: 0, inchangees: 0 };
    const marches = new Marches(this.executor);
    let traitees = 0;
    for await (const page of this.travaux.parPersonne(id)) {
      const erreurs = (
        await enParallele(page, PERSONNES_EN_PARALLELE, async (lignes) => {
          const { state } = await this.executor.load(salarieDecider, salarieStream(lignes[0].salarieId));
          if (!state.existe) return lignes.map((l) => versErreur(l.ligne, new DomainError('SALARIE_INTROUVABLE', "Cette personne n'est plus enregistrée.")));
          const { issues } = examinerImportHeures(await this.commande(id, nomFichier, lignes, state, marches), state);
          return issues.flatMap((issue) => {
            if ('erreur' in issue) return [versErreur(issue.ligne, issue.erreur)];
            compteurs[COMPTEUR_DE[issue.action]]++;
            return [];
          });
        })
      ).flat();
      await this.travaux.ajouterErreurs(id, erreurs);
      traitees += page.reduce((n, lignes) => n + lignes.length, 0);
      await this.travaux.avancer(id, traitees);
      suivi?.({ etat: 'verification', lignesTraitees: traitees, lignesTotal: total });
    }
    return compteurs;
  }

  /** Phase 3 (also the resumption of a decided job): one append per person. */
  private async enregistrer(travail: Travail, suivi?: (a: Avancement) => void): Promise<void> {
    const { id } = travail;
    const compteurs: Compteurs = { declarations: 0, corrections: 0, inchangees: 0 };
    const marches = new Marches(this.executor);
    let position: number | null = null;
    let traitees = 0;
    let refusees = 0;
    for await (const page of this.travaux.parPersonne(id)) {
      const erreurs = (
        await enParallele(page, PERSONNES_EN_PARALLELE, async (lignes): Promise<ErreurLigne[]> => {
          const salarieId = lignes[0].salarieId;
          const context: CommandContext = {
            userId: travail.utilisateurId,
            // The job's id links every event of an import, for the audit.
            correlationId: id,
            causationId: null,
            now: new Date(),
            idempotencySeed: `import|${id}`,
          };
          try {
            const result = await this.executor.execute({
              streamId: salarieStream(salarieId),
              decider: salarieDecider,
              context,
              command: (state: SalarieState) => this.commande(id, travail.nomFichier, lignes, state, marches),
              reserve: async (events) => {
                await this.rattacherDeclarations(salarieId, events, context);
                return null;
              },
            });
            const declarations = result.events.filter((e) => e.type === 'HeuresDeclarees').length;
            const corrections = result.events.filter((e) => e.type === 'HeuresCorrigees').length;
            compteurs.declarations += declarations;
            compteurs.corrections += corrections;
            compteurs.inchangees += lignes.length - declarations - corrections;
            if (result.events.length > 0 && result.position !== null) position = Math.max(position ?? 0, result.position);
            return [];
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            // Checked a moment ago, refused now: someone changed this person's months meanwhile.
            refusees += lignes.length;
            const parLigne = (error.details?.erreurs as Array<{ ligne: number; code: string; message: string }> | undefined) ?? lignes.map((l) => ({ ligne: l.ligne, code: error.code, message: error.message }));
            return parLigne.map((e) => ({ ligne: e.ligne, colonne: colonneDe(e.code), code: e.code, message: e.message }));
          }
        })
      ).flat();
      await this.travaux.ajouterErreurs(id, erreurs);
      traitees += page.reduce((n, lignes) => n + lignes.length, 0);
      await this.travaux.avancer(id, traitees);
      suivi?.({ etat: 'enregistrement', lignesTraitees: traitees, lignesTotal: travail.lignesRattachees });
    }
    await this.travaux.terminer(id, { etat: refusees > 0 ? 'enregistre_partiellement' : 'enregistre', compteurs, position });
  }

  /**
   * The locators of a person's new declarations, written before their declarations (a locator to
   * nothing is invisible, see `rattacher`): all in one append, or one at a time when some exist
   * already (a resumed import, a declaration sent meanwhile), each idempotent by its rule.
   */
  private async rattacherDeclarations(salarieId: string, events: SalarieEvent[], context: CommandContext): Promise<void> {
    const locatorContext = { ...context, expectedRevision: undefined, idempotencySeed: undefined };
    const rattachements: DeclarationRattachee[] = events.flatMap((e) =>
      e.type === 'HeuresDeclarees' ? [{ type: 'DeclarationRattachee' as const, data: { declarationId: e.data.declarationId, placementId: e.data.placementId, salarieId } }] : [],
    );
    try {
      await this.executor.executeOnNewStreams(
        rattachementDecider,
        rattachements.map((event) => ({ streamId: declarationStream(event.data.declarationId), command: { type: 'Rattacher' as const, event } })),
        locatorContext,
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      for (const event of rattachements) await rattacher(this.executor, declarationStream(event.data.declarationId), event, locatorContext, null);
    }
  }

  /** One person's rows as the domain's command, with the marchés their placements are on. */
  private async commande(id: string, nomFichier: string, lignes: LigneRattachee[], state: SalarieState, marches: Marches): Promise<ImporterHeures> {
    const vus: Record<string, MarcheVu> = {};
    for (const ligne of lignes) {
      const placement = state.existe ? state.placements[ligne.placementId] : undefined;
      if (!placement || vus[placement.marcheId]) continue;
      const marche = await marches.vu(placement.marcheId);
      if (marche) vus[placement.marcheId] = marche;
    }
    return {
      type: 'ImporterHeures',
      lignes: lignes.map((l) => {
        const declarationId = declarationIdDe(l.placementId, l.mois);
        return {
          ligne: l.ligne,
          placementId: l.placementId,
          mois: l.mois,
          heures: l.heures,
          declarationId,
          correctionId: uuidV5(`import|${id}|correction|${declarationId}`),
          motifCorrection: `Import du fichier « ${nomFichier.slice(0, 200)} », ligne ${l.ligne}`,
        };
      }),
      marches: vus,
      now: new Date(),
    };
  }

}

const INTERROMPU = {
  code: 'IMPORT_INTERROMPU',
  message: "Le service s'est interrompu pendant la vérification du fichier : rien n'a été enregistré, importez-le à nouveau.",
};

const COMPTEUR_DE = { declaration: 'declarations', correction: 'corrections', inchangee: 'inchangees' } as const;

/** Where a broken rule points in the file, for the error list. */
function colonneDe(code: string): ColonneImport | null {
  if (code.startsWith('MOIS_') || code === 'PLACEMENT_TERMINE' || code === 'LIGNE_EN_DOUBLE') return 'mois';
  if (code.startsWith('HEURES_')) return 'heures';
  if (code.startsWith('PLACEMENT_')) return 'placement';
  return null;
}

function versErreur(ligne: number, erreur: DomainError): ErreurLigne {
  return { ligne, colonne: colonneDe(erreur.code), code: erreur.code, message: erreur.message };
}

/** The marchés as the rules need them, read once per phase. */
class Marches {
  private readonly vus = new Map<string, Promise<MarcheVu | null>>();
  constructor(private readonly executor: CommandExecutor) {}
  vu(marcheId: string): Promise<MarcheVu | null> {
    let vu = this.vus.get(marcheId);
    if (!vu) {
      vu = marcheVu(this.executor, marcheId);
      this.vus.set(marcheId, vu);
    }
    return vu;
  }
}

/** The file's SHA-256, kept with the job so that an auditor can tell which file it was. */
function empreinte(chemin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(chemin)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

