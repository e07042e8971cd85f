import { HttpException, type INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import type { CommandContext } from '@suivi/commands';
import { type AppConfig, validateConfig } from '@suivi/config';
import { openDatabase, runMigrations, type DatabaseConnection } from '@suivi/database';
import { DomainError, HEURES_PAR_ETP, UPCASTERS_DU_DOMAINE, jourDe } from '@suivi/domain';
import { EVENT_STORE, WrongExpectedRevisionError, createEventStore, type EventStore } from '@suivi/event-store';
import { PersonalKeys } from '@suivi/personal-data';
import { PROJECTIONS, projectionStatuses, type Projection } from '@suivi/projections';
import { createApiApp } from '../../../api/src/api-app';
import { CalculerCalibrationCommand } from '../../../api/src/calibrations/calibrations.handlers';
import { CorrigerDeclarationCommand } from '../../../api/src/declarations/declarations.handlers';
import { EnregistrerDonneurOrdreCommand } from '../../../api/src/donneurs-ordre/donneurs-ordre.handlers';
import { EnregistrerEntrepriseCommand } from '../../../api/src/entreprises/entreprises.handlers';
import { EnregistrerMarcheCommand, ModifierMarcheCommand } from '../../../api/src/marches/marches.handlers';
import { OuvrirOperationCommand } from '../../../api/src/operations/operations.handlers';
import { DeclarerHeuresCommand, DemarrerPlacementCommand, TerminerPlacementCommand } from '../../../api/src/placements/placements.handlers';
import { EnregistrerSalarieCommand, ValiderEligibiliteCommand } from '../../../api/src/salaries/salaries.handlers';
import type { ResultatEcriture } from '../../../api/src/write-side/write-result';
import { JournalEnMemoire, garderLesCles } from './journal-en-memoire';
import { verifierPlan, type Refus } from './plan-check';
import { ANNEE, DEFAULT_SEED, correlationIdOf, genererPlan, idempotencySeedOf, resumerPlan, type Plan, type PlannedCommand, type ResumePlan } from './plan';

interface SeedDemoOptions {
  seed: number;
  concurrency: number;
}

/** How long to wait, at most, for in-process projectors to catch up before closing. */
const PROJECTION_WAIT_MS = 120_000;
/** How long the app may take to close (projectors stop at a batch boundary) before we go on without it. */
const CLOSE_TIMEOUT_MS = 30_000;

export function registerSeedDemoCommand(program: Command): void {
  program
    .command('seed:demo')
    .description(`fill an empty event store with a demo year (${ANNEE}) shaped like the 2023 figures, through the command side`)
    .option('--seed <n>', 'seed of the generator (same seed, same data)', integer, DEFAULT_SEED)
    .option('--concurrency <n>', 'independent commands in flight (their appends go to the store together)', positiveInt, 256)
    .action((options: SeedDemoOptions) => seedDemo(options));
}

async function seedDemo(options: SeedDemoOptions): Promise<void> {
  const started = Date.now();
  // Quiet by default: the Nest and projector logs would tear the progress bar (LOG_LEVEL still wins).
  const config = validateConfig({ LOG_LEVEL: 'warn', ...process.env });

  info(`seed:demo : génération du plan (graine ${options.seed}, année ${ANNEE})`);
  const plan = genererPlan(options.seed);
  // The people are registered today: their age band is the one of today (as the decider records it).
  const resume = resumerPlan(plan, jourDe(new Date()));
  // The plan goes through the real deciders in memory first: a broken rule stops us before any write.
  const verification = verifierPlan(plan, new Date());
  if (verification.refus.length > 0) {
    afficherRefus(verification.refus);
    throw new Error(`Le plan de démonstration enfreint ${verification.refus.length} règle(s) du domaine : c'est un défaut du générateur, rien n'a été écrit.`);
  }
  info(`plan : ${fr(resume.commandes)} commandes, ${fr(verification.evenements)} événements attendus (vérifié en mémoire par les deciders)`);

  const database = await openDatabase(config, (m) => info(m));
  let app: INestApplication | null = null;
  try {
    await runMigrations(database.url);
    // Checked before the api (and its projectors) boots: nothing to start and stop when we refuse.
    const head = await headPosition(config, database.url);
    if (head > 0) {
      throw new Error(
        `Le journal d'événements n'est pas vide (position ${head}) : seed:demo ne remplit qu'une base vide, pour ne pas mêler ` +
          'les données de démonstration à de vraies données. Utilisez une base neuve (EMBEDDED_PG_DATA_DIR ou DATABASE_URL).',
      );
    }
    app = await createApiApp({ config, databaseUrl: database.url });
    await app.init();
    const store = app.get<EventStore>(EVENT_STORE);

    // The log was empty and this command is its only writer: its streams are read from memory (journal-en-memoire.ts).
    const { retirer } = JournalEnMemoire.installer(store);
    const rendreLesCles = garderLesCles(app.get(PersonalKeys));
    let run: Execution;
    try {
      run = await executer(plan, app.get(CommandBus), options.concurrency);
    } finally {
      retirer();
      rendreLesCles();
    }
    const evenements = await compterEvenements(store, head);
    const projections = config.PROJECTORS_IN_PROCESS ? await attendreProjections(app, store) : null;
    afficherResume(resume, run, evenements, verification.evenements, projections, (Date.now() - started) / 1000, options, database);
    if (run.refus.length > 0) {
      afficherRefus(run.refus);
      throw new Error(`${run.refus.length} commande(s) refusée(s) : c'est un défaut du générateur de démonstration.`);
    }
    if (evenements !== verification.evenements) {
      throw new Error(`${evenements} événements écrits pour ${verification.evenements} attendus : le résultat ne correspond pas au plan.`);
    }
  } finally {
    if (app) await fermer(app);
    await database.stop();
  }
}

async function headPosition(config: AppConfig, databaseUrl: string): Promise<number> {
  const store = createEventStore({ kind: config.EVENT_STORE, databaseUrl, eventStoreUrl: config.EVENTSTORE_URL , upcasters: UPCASTERS_DU_DOMAINE });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

/** Closes the app, without hanging the command if a projector does not stop. */
async function fermer(app: INestApplication): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const delai = new Promise<'delai'>((resolve) => (timer = setTimeout(() => resolve('delai'), CLOSE_TIMEOUT_MS)));
  const issue = await Promise.race([app.close().then(() => 'ferme' as const, () => 'ferme' as const), delai]);
  clearTimeout(timer);
  if (issue === 'delai') info(`avertissement : l'application ne s'est pas fermée en ${CLOSE_TIMEOUT_MS / 1000} s (projecteurs) ; arrêt forcé.`);
}

// ---------------------------------------------------------------------------------------------
// Execution: phases in order, chains of a phase with bounded concurrency
// ---------------------------------------------------------------------------------------------

interface Execution {
  commandes: number;
  secondes: number;
  refus: Refus[];
  ignorees: number;
}

async function executer(plan: Plan, bus: CommandBus, concurrency: number): Promise<Execution> {
  const total = plan.phases.reduce((sum, phase) => sum + phase.chains.reduce((s, chain) => s + chain.length, 0), 0);
  const result: Execution = { commandes: 0, secondes: 0, refus: [], ignorees: 0 };
  const started = Date.now();
  const bar = new SingleBar(
    {
      format: '{phase} [{bar}] {percentage}% | {value}/{total} commandes | {vitesse} commandes/s | refus : {refus}',
      hideCursor: true,
      etaBuffer: 200,
    },
    Presets.shades_classic,
  );
  const largeur = Math.max(...plan.phases.map((phase) => phase.nom.length));
  bar.start(total, 0, { phase: plan.phases[0].nom.padEnd(largeur), vitesse: 0, refus: 0 });
  const tick = () =>
    bar.update(result.commandes, { vitesse: Math.round(result.commandes / Math.max(0.001, (Date.now() - started) / 1000)), refus: result.refus.length });

  for (const phase of plan.phases) {
    bar.update({ phase: phase.nom.padEnd(largeur) });
    const phaseStarted = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < phase.chains.length) {
        const chain = phase.chains[next++];
        for (let k = 0; k < chain.length; k++) {
          const refus = await executerUne(plan.seed, chain[k], bus);
          result.commandes++;
          tick();
          if (refus) {
            result.refus.push(refus);
            // The rest of the chain depends on this command: not tried, counted.
            result.ignorees += chain.length - k - 1;
            result.commandes += chain.length - k - 1;
            tick();
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, phase.chains.length) }, worker));
    if (!process.stderr.isTTY) {
      const n = phase.chains.reduce((s, chain) => s + chain.length, 0);
      info(`  ${phase.nom} : ${fr(n)} commandes en ${fr((Date.now() - phaseStarted) / 1000, 1)} s`);
    }
  }
  bar.stop();
  result.commandes -= result.ignorees;
  result.secondes = (Date.now() - started) / 1000;
  return result;
}

/** Runs one planned command through the CommandBus; answers its refusal, if any. */
async function executerUne(seed: number, c: PlannedCommand, bus: CommandBus): Promise<Refus | null> {
  const context: CommandContext = {
    userId: c.userId,
    correlationId: correlationIdOf(seed, c.key),
    causationId: null,
    now: new Date(),
    idempotencySeed: idempotencySeedOf(seed, c.key),
  };
  try {
    const result: ResultatEcriture = await bus.execute(commande(c, context));
    if (c.kind === 'declaration' && result.id !== c.declarationId) {
      return { key: c.key, kind: c.kind, code: 'IDENTIFIANT_INATTENDU', message: `déclaration ${result.id} au lieu de ${c.declarationId}` };
    }
    return null;
  } catch (error) {
    return { key: c.key, kind: c.kind, ...codeDe(error) };
  }
}

function commande(c: PlannedCommand, context: CommandContext) {
  switch (c.kind) {
    case 'donneurOrdre':
      return new EnregistrerDonneurOrdreCommand(c.dto, context);
    case 'operation':
      return new OuvrirOperationCommand(c.dto, context);
    case 'entreprise':
      return new EnregistrerEntrepriseCommand(c.dto, context);
    case 'calibration':
      return new CalculerCalibrationCommand(c.dto, context);
    case 'marche':
      return new EnregistrerMarcheCommand(c.dto, context);
    case 'attribution':
      return new ModifierMarcheCommand(c.marcheId, { type: 'attribution', dto: c.dto }, context);
    case 'avenant':
      return new ModifierMarcheCommand(c.marcheId, { type: 'avenant', dto: c.dto }, context);
    case 'suivi':
      return new ModifierMarcheCommand(c.marcheId, { type: 'suivi', dto: c.dto }, context);
    case 'cloture':
      return new ModifierMarcheCommand(c.marcheId, { type: 'cloture', dto: c.dto }, context);
    case 'salarie':
      return new EnregistrerSalarieCommand(c.dto, context);
    case 'eligibilite':
      return new ValiderEligibiliteCommand(c.salarieId, c.dto, context);
    case 'placement':
      return new DemarrerPlacementCommand(c.dto, context);
    case 'declaration':
      return new DeclarerHeuresCommand(c.placementId, c.dto, context);
    case 'correction':
      return new CorrigerDeclarationCommand(c.declarationId, c.dto, context);
    case 'fin':
      return new TerminerPlacementCommand(c.placementId, c.dto, context);
  }
}

function codeDe(error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (error instanceof WrongExpectedRevisionError) return { code: 'CONFLIT_DE_REVISION', message: error.message };
  if (error instanceof HttpException) {
    const body = error.getResponse();
    const code = typeof body === 'object' && body !== null && 'code' in body ? String((body as { code: unknown }).code) : `HTTP_${error.getStatus()}`;
    return { code, message: error.message };
  }
  return { code: 'ERREUR_INATTENDUE', message: error instanceof Error ? error.message : String(error) };
}

/** Events appended since `after`, read from the log (positions need not be contiguous on every store). */
async function compterEvenements(store: EventStore, after: number): Promise<number> {
  let count = 0;
  let position = after;
  for (;;) {
    const page = await store.readAll({ after: position, maxCount: 5_000 });
    if (page.length === 0) return count;
    count += page.length;
    position = page[page.length - 1].position;
  }
}

interface EtatProjections {
  aJour: boolean;
  secondes: number;
  retardMax: number;
}

/** The in-process projectors read what was just written: wait (bounded) so the read side is ready. */
async function attendreProjections(app: INestApplication, store: EventStore): Promise<EtatProjections> {
  const started = Date.now();
  const projections = app.get<Projection[]>(PROJECTIONS);
  const dataSource = app.get(DataSource);
  for (;;) {
    const statuses = await projectionStatuses(projections, store, dataSource);
    const retardMax = Math.max(0, ...statuses.map((s) => s.lag));
    const secondes = (Date.now() - started) / 1000;
    if (retardMax === 0 || Date.now() - started > PROJECTION_WAIT_MS) return { aJour: retardMax === 0, secondes, retardMax };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---------------------------------------------------------------------------------------------
// Report (French: read by the facilitation team's demo users)
// ---------------------------------------------------------------------------------------------

function afficherResume(
  r: ResumePlan,
  run: Execution,
  evenements: number,
  attendus: number,
  projections: EtatProjections | null,
  secondes: number,
  options: SeedDemoOptions,
  database: DatabaseConnection,
): void {
  const pct = (x: number) => `${fr(x * 100, 1)} %`;
  const t = r.entreprisesParType;
  const m = r.placementsParModalite;
  const lignes = [
    '',
    `Données de démonstration ${ANNEE} (graine ${options.seed}), écrites par le côté commande${database.embedded ? ' dans le PostgreSQL embarqué' : ''}`,
    `  donneurs d'ordre ............ ${fr(r.donneursOrdre)}`,
    `  opérations .................. ${fr(r.operations)}`,
    `  marchés ..................... ${fr(r.marches)} (BTP ${fr(r.marchesParSecteur.btp)}, services ${fr(r.marchesParSecteur.services)}, prestations intellectuelles ${fr(r.marchesParSecteur.prestations_intellectuelles)})`,
    `    attributions .............. ${fr(r.commandesParType.attribution ?? 0)}`,
    `    avenants .................. ${fr(r.avenants)}`,
    `    suivis par la coordination  ${fr(r.suivis)} (dont ${fr(r.suivisDAcheteursRegionaux)} d'acheteurs régionaux)`,
    `    clôturés .................. ${fr(r.clotures)}`,
    `    dimensionnés par calibration ${fr(r.marchesCalibres)} (${fr(r.calibrations)} calibrations, POST /calibrations)`,
    `    visés fin ${ANNEE} ............ ${Object.entries(r.statutsVises).map(([k, v]) => `${k} ${fr(v)}`).join(', ')}`,
    `  entreprises ................. ${fr(r.entreprises)} (classiques : bâtiment ${fr(t['classique (batiment)'] ?? 0)}, travaux publics ${fr(t['classique (tp)'] ?? 0)}, ` +
      `services ${fr((t['classique (services)'] ?? 0) + (t['classique (ingenierie)'] ?? 0))} ; EI/AI/ACI ${fr((t.ei ?? 0) + (t.ai ?? 0) + (t.aci ?? 0))}, ` +
      `ESAT ${fr(t.esat ?? 0)}, EA ${fr(t.ea ?? 0)}, ETTI ${fr(t.etti ?? 0)}, GEIQ ${fr(t.geiq ?? 0)})`,
    `    employant ou accueillant quelqu'un en ${ANNEE} : ${fr(r.entreprisesAccueillantes)} (par type : ${liste(r.entreprisesParTypeAccueillantes)} ; ` +
      `classiques par métier : ${liste(r.entreprisesParMetier)})`,
    `  salariés .................... ${fr(r.salaries)} (${fr(r.personnesAvecHeures)} avec des heures en ${ANNEE})`,
    `    femmes .................... ${pct(r.partFemmes)}`,
    `    résidents QPV ............. ${pct(r.partQpvPersonnes)} des personnes, ${pct(r.partQpvHeures)} des heures`,
    `    moins de 26 ans ........... ${pct(r.partMoins26)} ; 50 ans et plus : ${pct(r.partPlus50)} (âge à l'enregistrement, aujourd'hui)`,
    `  éligibilités validées ....... ${fr(r.commandesParType.eligibilite ?? 0)}`,
    `  placements .................. ${fr(r.placements)} (mise à disposition ${fr(m.mise_a_disposition ?? 0)}, embauche directe ${fr(m.embauche_directe ?? 0)}, ` +
      `sous-traitance SIAE ${fr(m.sous_traitance_siae ?? 0)}, formation ${fr(m.formation ?? 0)})`,
    `    embauches en ${ANNEE} ......... ${fr(r.embauches)} personnes embauchées directement en CDI, CDD, contrat de professionnalisation ou apprentissage ` +
      `(${fr(r.placementsEmbauche)} placements)`,
    `    sorties en ${ANNEE} ........... ${fr(r.sorties)}, dont positives ${fr(r.sortiesPositives)} (${pct(r.sortiesPositives / Math.max(1, r.sorties))})`,
    `  déclarations ................ ${fr(r.declarations)}, corrections ${fr(r.corrections)}`,
    `  heures ${ANNEE} ................. ${fr(r.heures, 2)} h = ${fr(r.heures / HEURES_PAR_ETP, 1)} ETP (BTP ${pct(r.heuresParSecteur.btp / r.heures)}, ` +
      `services ${pct(r.heuresParSecteur.services / r.heures)}, prestations intellectuelles ${pct(r.heuresParSecteur.prestations_intellectuelles / r.heures)})`,
    `    par modalité : ${liste(r.heuresParModalite)}`,
    `    par type d'employeur : ${liste(r.heuresParTypeEmployeur)}`,
    `    maximum d'une personne sur un mois : ${fr(r.maxHeuresPersonneMois, 2)} h (plafond 220 h)`,
    '',
    'Écriture',
    `  commandes exécutées ......... ${fr(run.commandes)} en ${fr(run.secondes, 1)} s, soit ${fr(run.commandes / Math.max(0.001, run.secondes))} commandes/s (${options.concurrency} en vol)`,
    `  événements ajoutés .......... ${fr(evenements)}${evenements === attendus ? '' : ` (attendus : ${fr(attendus)})`}`,
    `  refus ....................... ${fr(run.refus.length)}${run.ignorees ? ` (${fr(run.ignorees)} commandes suivantes non tentées)` : ''}`,
    projections
      ? `  projections ................. ${projections.aJour ? `à jour (${fr(projections.secondes, 1)} s d'attente)` : `encore ${fr(projections.retardMax)} événements de retard`}`
      : '  projections ................. exécutées par apps/projector (PROJECTORS_IN_PROCESS=false)',
    `  durée totale ................ ${fr(secondes, 1)} s`,
    '',
  ];
  console.log(lignes.join('\n'));
}

function afficherRefus(refus: Refus[]): void {
  console.error(`\n${refus.length} refus ; les premiers :`);
  for (const r of refus.slice(0, 10)) console.error(`  ${r.code}  ${r.kind}  ${r.key}\n      ${r.message}`);
}

function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

function liste(valeurs: Record<string, number>): string {
  return Object.entries(valeurs)
    .map(([cle, n]) => `${cle} ${fr(n)}`)
    .join(', ');
}

function fr(x: number, decimals = 0): string {
  return x.toLocaleString('fr-FR', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}
