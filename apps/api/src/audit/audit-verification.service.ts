import { type BeforeApplicationShutdown, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@suivi/config';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import {
  beginVerification,
  PROJECTIONS,
  type Projection,
  VerificationAlreadyRunningError,
  VerificationCancelledError,
  type VerificationResult,
} from '@suivi/projections';
import type { ResultatVerification, VerificationVue } from './audit-verification.dto';

/**
 * The verification of the read models against the log (`verifyProjections`, the same as
 * `audit:verify`), run in the background for the auditor: POST starts one, GET answers the
 * current or last one. One at a time: in this process (the state below) and across processes
 * (the verification's advisory lock, shared with the CLI). The state lives in this process's
 * memory: another api instance, or a restart, answers `jamais`.
 */
@Injectable()
export class AuditVerification implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditVerification');
  private vue: VerificationVue = { etat: 'jamais', demarreeLe: null, termineeLe: null, position: null, progression: null, resultat: null, erreur: null };
  /** Set before anything is awaited, so that two requests at once cannot both start one. */
  private occupee = false;
  private enCours: Promise<void> | null = null;
  private readonly arret = new AbortController();

  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  lire(): VerificationVue {
    return this.vue;
  }

  async demarrer(): Promise<VerificationVue> {
    if (this.occupee) throw dejaEnCours();
    this.occupee = true;
    let demarree: Awaited<ReturnType<typeof beginVerification>>;
    try {
      demarree = await beginVerification(this.projections, this.store, this.dataSource, this.connectionString(), {
        batchSize: this.config.get('PROJECTION_BATCH_SIZE', { infer: true }),
        signal: this.arret.signal,
        onProgress: ({ projection, position, target }) => {
          this.vue = { ...this.vue, progression: { projection, position, cible: target } };
        },
      });
    } catch (error) {
      this.occupee = false;
      if (error instanceof VerificationAlreadyRunningError) throw dejaEnCours();
      throw error;
    }
    this.vue = { etat: 'en_cours', demarreeLe: new Date().toISOString(), termineeLe: null, position: demarree.head, progression: null, resultat: null, erreur: null };
    this.logger.log({ msg: 'verification of the read models started', head: demarree.head });
    this.enCours = demarree.done
      .then(
        (resultat) => {
          this.vue = { ...this.vue, etat: 'terminee', termineeLe: new Date().toISOString(), resultat: resultatDe(resultat) };
          const differences = this.vue.resultat!.differences.map((d) => d.table);
          if (resultat.conforming) this.logger.log({ msg: 'verification of the read models: identical to the replay', seconds: resultat.seconds });
          else this.logger.warn({ msg: 'verification of the read models: differences found', tables: differences, seconds: resultat.seconds });
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          const erreur =
            error instanceof VerificationCancelledError
              ? 'La vérification a été interrompue par l’arrêt du service : relancez-la.'
              : `La vérification n’a pas pu aboutir : ${message}`;
          this.vue = { ...this.vue, etat: 'echec', termineeLe: new Date().toISOString(), erreur };
          this.logger.error({ msg: 'verification of the read models failed', error: message });
        },
      )
      .finally(() => {
        this.occupee = false;
        this.enCours = null;
      });
    return this.vue;
  }

  /** A running verification stops at its next batch and drops its scratch schema while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.arret.abort();
    await this.enCours;
  }

  /** The read side's own connection string (embedded or external): the verification's lock takes a session of its own. */
  private connectionString(): string {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('the read side has no connection URL');
    return url;
  }
}

function dejaEnCours(): ConflictException {
  return new ConflictException({
    code: 'VERIFICATION_EN_COURS',
    message:
      'Une vérification des modèles de lecture est déjà en cours (par ce service ou par la commande audit:verify) : suivez-la avec GET /api/audit/verification, puis relancez-la si besoin.',
  });
}

/**
 * The result in the API's words. Rows are named by their key and the columns that differ, never
 * by their values: the read models hold people's data, which the CLI prints to those who run it.
 */
function resultatDe(r: VerificationResult): ResultatVerification {
  return {
    conforme: r.conforming,
    projections: r.projections.map((p) => ({
      projection: p.projection,
      position: p.position,
      evenements: p.events,
      secondesRejeu: p.replaySeconds,
      secondesComparaison: p.compareSeconds,
      tables: p.tables.length,
      lignes: p.tables.reduce((n, t) => n + t.liveRows, 0),
      conforme: p.conforming,
    })),
    differences: r.projections.flatMap((p) =>
      p.tables
        .filter((t) => t.onlyInLive > 0 || t.onlyInReplay > 0)
        .map((t) => ({
          projection: p.projection,
          table: t.table,
          colonnesCle: t.keyColumns,
          lignesEnDirect: t.liveRows,
          lignesRejouees: t.replayedRows,
          seulementEnDirect: t.onlyInLive,
          seulementRejouees: t.onlyInReplay,
          exemples: t.samples.map((s) => ({ cle: s.key, enDirect: s.live !== null, rejouee: s.replayed !== null, colonnes: s.columns })),
        })),
    ),
  };
}
