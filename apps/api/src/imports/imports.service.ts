import { Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { rm } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { CommandExecutor } from '@suivi/commands';
import { isResourceExhaustion, isUnavailability } from '@suivi/event-store';
import { ImportsHeures, TropDImports, type Travail } from '@suivi/imports';
import { fraicheurDuFlux } from '../read-side/freshness';
import { ERREURS_DANS_LA_VUE, vueDe, type ImportVue } from './imports.dto';

/** The api's side of the timesheet imports: starts jobs, waits a while for them, shows them. */
@Injectable()
export class ImportsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Imports');
  private readonly imports: ImportsHeures;
  /** Jobs this process runs, so that shutting down waits for them instead of cutting them off. */
  private readonly enCours = new Set<Promise<unknown>>();

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    executor: CommandExecutor,
    private readonly config: ConfigService,
  ) {
    this.imports = new ImportsHeures(dataSource, executor);
  }

  /** A job a stopped process left half-recorded is finished now, in the background. */
  onApplicationBootstrap(): void {
    const reprise = this.imports.reprendre().then(
      (ids) => ids.length > 0 && this.logger.log(`finished ${ids.length} import(s) left by a stopped process: ${ids.join(', ')}`),
      (error) => this.logger.error(`resuming imports failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.suivre(reprise);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.enCours]);
  }

  /** Starts the import of an uploaded file; answers once it is finished or after IMPORT_WAIT_SECONDS. */
  async importer(fichier: { chemin: string; nom: string }, simulation: boolean, utilisateurId: string): Promise<ImportVue> {
    let lance: { id: string; fin: Promise<Travail> };
    try {
      lance = await this.imports.lancer({ chemin: fichier.chemin, nomFichier: fichier.nom, simulation, utilisateurId });
    } catch (error) {
      await rm(fichier.chemin, { force: true });
      if (error instanceof TropDImports) {
        throw new ServiceUnavailableException({
          code: 'IMPORTS_EN_ATTENTE',
          message: "Trop d'imports sont en cours sur le service : renvoyez le fichier dans quelques instants.",
        });
      }
      throw error;
    }
    const fin = lance.fin.finally(() => rm(fichier.chemin, { force: true }));
    this.suivre(fin.catch((error) => this.logger.error(`import ${lance.id} failed: ${error instanceof Error ? error.stack : String(error)}`)));
    const attente = this.config.get<number>('IMPORT_WAIT_SECONDS', 20) * 1000;
    let minuteur: NodeJS.Timeout | undefined;
    const issue = await Promise.race([
      fin.then(
        () => null,
        (error: unknown) => error,
      ),
      new Promise<null>((resolve) => (minuteur = setTimeout(() => resolve(null), attente))),
    ]);
    clearTimeout(minuteur);
    // The database went away or ran out of room: 503, as for any request (the job says where it stopped).
    if (isUnavailability(issue) || isResourceExhaustion(issue)) throw issue;
    return this.vue(lance.id);
  }

  async vue(id: string): Promise<ImportVue> {
    const travail = await this.imports.travaux.lire(id);
    if (!travail) throw new NotFoundException({ code: 'IMPORT_INTROUVABLE', message: "Aucun import ne porte cet identifiant : vérifiez l'URL." });
    const erreurs = await this.imports.travaux.erreurs(id, ERREURS_DANS_LA_VUE);
    const total = travail.termineLe ? travail.erreursTotal : await this.imports.travaux.nombreErreurs(id);
    return vueDe(travail, erreurs, total);
  }

  async lister(page: number, taillePage: number) {
    const { travaux, total } = await this.imports.travaux.lister(taillePage, (page - 1) * taillePage);
    const items = await Promise.all(travaux.map(async (t) => vueDe(t, await this.imports.travaux.erreurs(t.id, 20), t.erreursTotal)));
    return { items, total, page, taillePage, fraicheur: fraicheurDuFlux(Math.max(0, ...travaux.map((t) => t.position ?? 0))) };
  }

  async erreurs(id: string, page: number, taillePage: number) {
    const vue = await this.vue(id);
    return { items: await this.imports.travaux.erreurs(id, taillePage, (page - 1) * taillePage), total: vue.erreursTotal, page, taillePage, fraicheur: vue.fraicheur };
  }

  private suivre(promesse: Promise<unknown>): void {
    this.enCours.add(promesse);
    void promesse.finally(() => this.enCours.delete(promesse));
  }
}
