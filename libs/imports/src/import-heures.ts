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
  examinerImportHeures,
  salarieDecider,
  salarieStream,
  type ImporterHeures,
  type MarcheVu,
  type SalarieState,
} from '@suivi/domain';
import type { DataSource } from 'typeorm';
import type { ColonneImport } from './lecture/colonnes';
import { FichierImportInvalide } from './lecture/fichier-invalide';
import { lireFichier, type FichierLu } from './lecture/lire-fichier';
import { lireLigneHeures, type ErreurLigne } from './lecture/ligne-heures';
import { ResolutionPlacements } from './resolution-placements';
import { TravauxImport, type Compteurs, type EtatImport, type LigneRattachee, type Travail } from './travaux/travaux-import';

/** A file larger than this is split by the facilitatrice: a year of a large team is ~15,000 rows. */
export const LIGNES_MAX = 200_000;
/** Rows staged and errors written per statement; progress is saved as often. */
const LOT = 1_000;
/** People checked or recorded at once: appends to different streams do not wait for each other. */
const PERSONNES_EN_PARALLELE = 4;
/** Rows tied to their placement at once (each a cached lookup, a few reads the first time). */
const RESOLUTIONS_EN_PARALLELE = 8;

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

  constructor(
    private readonly db: DataSource,
    private readonly executor: CommandExecutor,
  ) {
    this.travaux = new TravauxImport(db);
  }

  /** Starts a job; `fin` settles when it is finished (or refused). */
  async lancer(demande: DemandeImport, suivi?: (a: Avancement) => void): Promise<{ id: string; fin: Promise<Travail> }> {
    const id = randomUUID();
    await this.travaux.creer({ id, utilisateurId: demande.utilisateurId, nomFichier: demande.nomFichier.slice(0, 200), empreinte: await empreinte(demande.chemin), simulation: demande.simulation });
    const fin = this.sousVerrou(id, () => this.executer(id, demande, suivi)).then(async () => (await this.travaux.lire(id))!);
    return { id, fin };
  }

  /**
   * Finishes the jobs a stopped process left: a decided one (phase 3) is recorded to the end; one
   * still being read or checked recorded nothing and is marked interrupted. Jobs another live
   * process is running are left to it (their lock is held).
   */
  async reprendre(): Promise<string[]> {
    const repris: string[] = [];
    for (const { id, etat } of await this.travaux.enCours()) {
      const fait = await this.sousVerrou(id, async () => {
        const travail = await this.travaux.lire(id);
        if (!travail || travail.termineLe) return;
        if (etat === 'enregistrement') await this.enregistrer(travail);
        else {
          await this.travaux.terminer(id, {
            etat: 'interrompu',
            probleme: {
              code: 'IMPORT_INTERROMPU',
              message: "Le service s'est arrêté pendant la vérification du fichier : rien n'a été enregistré, importez-le à nouveau.",
            },
          });
        }
      }).then(
        () => true,
        () => false,
      );
      if (fait) repris.push(id);
    }
    return repris;
  }

  private async executer(id: string, demande: DemandeImport, suivi?: (a: Avancement) => void): Promise<void> {
    try {
      const lecture = await this.lireEtRattacher(id, demande.chemin, suivi);
      if (lecture === 'refuse') return;
      const compteurs = await this.verifier(id, demande.nomFichier, lecture.lignesRattachees, suivi);
      const erreurs = await this.travaux.nombreErreurs(id);
      if (erreurs > 0) return await this.travaux.terminer(id, { etat: 'refuse', compteurs });
      if (demande.simulation) return await this.travaux.terminer(id, { etat: 'simule', compteurs });
      await this.travaux.passerA(id, 'enregistrement');
      await this.enregistrer((await this.travaux.lire(id))!, suivi);
    } catch (error) {
      if (error instanceof FichierImportInvalide) {
        return this.travaux.terminer(id, { etat: 'refuse', probleme: { code: error.code, message: error.message, details: error.details } });
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
                for (const event of events) {
                  if (event.type !== 'HeuresDeclarees') continue;
                  const { declarationId, placementId } = event.data;
                  await rattacher(this.executor, declarationStream(declarationId), { type: 'DeclarationRattachee', data: { declarationId, placementId, salarieId } }, context, null);
                }
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

  /** Runs `fn` holding the job's lock: one process at a time runs a job, and a dead one's lock is freed with its connection. */
  private async sousVerrou(id: string, fn: () => Promise<void>): Promise<void> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ pris }] = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS pris`, [`import:${id}`]);
      if (!pris) throw new Error(`import ${id} is being run by another process`);
      try {
        await fn();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`import:${id}`]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}

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

/** `fn` over `items` with at most `n` running at once; results in the items' order. */
async function enParallele<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
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

