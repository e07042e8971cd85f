import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PersonalDataProtection, PersonalKeys } from '@suivi/personal-data';
import { CommandExecutor, marcheVu, rattacher, type CommandContext } from '@suivi/commands';
import {
  cleDeLuhn,
  placementStream,
  salarieDecider,
  salarieStream,
  type Decider,
  type MarcheVu,
  type SalarieCommand,
  type SalarieEvent,
  type SalarieState,
} from '@suivi/domain';
import { enParallele } from '@suivi/imports';
import { EnregistrerDonneurOrdreCommand, EnregistrerDonneurOrdreHandler } from '../../../api/src/donneurs-ordre/donneurs-ordre.handlers';
import { EnregistrerEntrepriseCommand, EnregistrerEntrepriseHandler } from '../../../api/src/entreprises/entreprises.handlers';
import { EnregistrerMarcheCommand, EnregistrerMarcheHandler, ModifierMarcheCommand, ModifierMarcheHandler } from '../../../api/src/marches/marches.handlers';
import { OuvrirOperationCommand, OuvrirOperationHandler } from '../../../api/src/operations/operations.handlers';

/**
 * The seed of bench:http and bench:import: marchés of 2025 awarded to entreprises, and people each
 * with an eligibility and a placement from January 2025. Written through the real deciders and the
 * CommandExecutor (the API's handlers for the referential), so that the log is what the api writes.
 */

export interface BenchMarche {
  marcheId: string;
  numero: string;
  entrepriseId: string;
  siret: string;
  vu: MarcheVu;
}

export interface BenchPerson {
  index: number;
  salarieId: string;
  placementId: string;
  nom: string;
  prenom: string;
  /** AAAA-MM-JJ. */
  dateNaissance: string;
  marche: BenchMarche;
}

/** Who a person is: what differs between the benches (unique names where the import searches them). */
export interface BenchIdentity {
  nom: string;
  prenom: string;
  dateNaissance: string;
  quartierQpv: string | null;
}

/** The months a seeded placement can be declared in: its marché runs over 2025. */
export const MOIS_2025 = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);

/** The command side of a bench's app context, with the personal data protected by `masterKey` (base64), as the api does. */
export function benchExecutor(app: INestApplicationContext, masterKey: string): CommandExecutor {
  return new CommandExecutor(app.get<EventStore>(EVENT_STORE), new PersonalDataProtection(new PersonalKeys(app.get(DataSource), Buffer.from(masterKey, 'base64'))));
}

export function benchContext(userId: string): CommandContext {
  return { userId, correlationId: randomUUID(), causationId: null, now: new Date() };
}

/** A SIRET whose Luhn key is right. */
export function siretValide(n: number): string {
  const base = String(100000000000 + n).padStart(13, '0').slice(-13);
  return base + cleDeLuhn(base);
}

export interface ReferentielOptions {
  marches: number;
  entreprises: number;
  concurrency: number;
  /** The commands' userId. */
  userId: string;
  /** The entreprises' SIRETs are siretValide(siretFrom + e). */
  siretFrom: number;
  raisonSociale: (e: number) => string;
  /** The marché's number, unique. */
  numero: (m: number) => string;
}

/** Entreprises, then one donneur d'ordre, opération and marché each, awarded to an entreprise: through the API's handlers. */
export async function seedReferentiel(executor: CommandExecutor, o: ReferentielOptions): Promise<BenchMarche[]> {
  const contexte = () => benchContext(o.userId);
  const entrepriseHandler = new EnregistrerEntrepriseHandler(executor);
  const entreprises = await enParallele(
    Array.from({ length: o.entreprises }, (_, e) => e),
    o.concurrency,
    async (e) => {
      const siret = siretValide(o.siretFrom + e);
      const { id } = await entrepriseHandler.execute(
        new EnregistrerEntrepriseCommand({ siret, raisonSociale: o.raisonSociale(e), type: 'classique' }, contexte()),
      );
      return { entrepriseId: id, siret };
    },
  );
  const donneurHandler = new EnregistrerDonneurOrdreHandler(executor);
  const operationHandler = new OuvrirOperationHandler(executor);
  const marcheHandler = new EnregistrerMarcheHandler(executor);
  const modifierHandler = new ModifierMarcheHandler(executor);
  return enParallele(
    Array.from({ length: o.marches }, (_, m) => m),
    o.concurrency,
    async (m) => {
      const { id: donneurOrdreId } = await donneurHandler.execute(
        new EnregistrerDonneurOrdreCommand({ nom: `Commune ${m}`, type: 'collectivite', region: 'Bourgogne-Franche-Comté' }, contexte()),
      );
      const { id: operationId } = await operationHandler.execute(
        new OuvrirOperationCommand({ donneurOrdreId, nom: `Opération ${m}`, commune: 'Dijon' }, contexte()),
      );
      const numero = o.numero(m);
      const { id: marcheId } = await marcheHandler.execute(
        new EnregistrerMarcheCommand(
          {
            donneurOrdreId,
            operationId,
            numero,
            objet: `Réhabilitation ${m}`,
            secteur: 'btp',
            sousSecteur: 'batiment',
            baseJuridique: 'L2112-2',
            heuresPrevues: 100_000,
            dateDebut: '2025-01-01',
            dateFin: '2025-12-31',
          },
          contexte(),
        ),
      );
      const { entrepriseId, siret } = entreprises[m % o.entreprises];
      await modifierHandler.execute(new ModifierMarcheCommand(marcheId, { type: 'attribution', dto: { entrepriseId, role: 'titulaire' } }, contexte()));
      const vu = await marcheVu(executor, marcheId);
      if (!vu) throw new Error(`marché ${marcheId} not found after its registration`);
      return { marcheId, numero, entrepriseId, siret, vu };
    },
  );
}

/**
 * Several commands of one stream decided in a row, each on the state the previous ones left, and
 * appended at once: a person's registration, eligibility and placement are one append (the
 * rules are the salarié decider's, unchanged).
 */
export const salarieEnSuite: Decider<SalarieCommand[], SalarieEvent, SalarieState> = {
  initialState: salarieDecider.initialState,
  evolve: salarieDecider.evolve,
  decide(commands, state) {
    const events: SalarieEvent[] = [];
    let current = state;
    for (const command of commands) {
      const decided = salarieDecider.decide(command, current);
      current = decided.reduce(salarieDecider.evolve, current);
      events.push(...decided);
    }
    return events;
  },
};

export interface PeopleOptions {
  concurrency: number;
  /** The commands' userId. */
  userId: string;
  identity: (i: number) => BenchIdentity;
}

/** Each person, on marché i % marches: the placement locator first (as DemarrerPlacementHandler), then SalarieEnregistre + EligibiliteValidee + PlacementDemarre. */
export async function seedPeople(executor: CommandExecutor, marches: BenchMarche[], total: number, o: PeopleOptions): Promise<BenchPerson[]> {
  let faits = 0;
  const personnes = await enParallele(
    Array.from({ length: total }, (_, i) => i),
    o.concurrency,
    async (i): Promise<BenchPerson> => {
      const salarieId = randomUUID();
      const placementId = randomUUID();
      const marche = marches[i % marches.length];
      const { nom, prenom, dateNaissance, quartierQpv } = o.identity(i);
      const context = benchContext(o.userId);
      const { now } = context;
      await executor.execute({
        streamId: salarieStream(salarieId),
        decider: salarieEnSuite,
        context,
        command: (): SalarieCommand[] => [
          {
            type: 'EnregistrerSalarie',
            salarieId,
            nom,
            prenom,
            sexe: i % 2 === 0 ? 'F' : 'M',
            dateNaissance,
            adresse: null,
            commune: 'Dijon',
            quartierQpv,
            niveauFormation: 'infra_3',
            now,
          },
          { type: 'ValiderEligibilite', criteres: ['brsa'], dateValidation: '2024-12-15', precision: null, validePar: context.userId, now },
          {
            type: 'DemarrerPlacement',
            placementId,
            marcheId: marche.marcheId,
            entrepriseId: marche.entrepriseId,
            entrepriseUtilisatriceId: null,
            modalite: 'embauche_directe',
            typeContrat: 'cdi',
            dateDebut: '2025-01-02',
            now,
            marche: marche.vu,
            entreprise: { type: 'classique' },
          },
        ],
        reserve: () =>
          rattacher(executor, placementStream(placementId), { type: 'PlacementRattache', data: { placementId, salarieId } }, context, async () => {
            const { state } = await executor.load(salarieDecider, salarieStream(salarieId));
            return state.existe && placementId in state.placements;
          }),
      });
      if (++faits % 500 === 0) process.stderr.write(`\r  ${faits}/${total} people`);
      return { index: i, salarieId, placementId, nom, prenom, dateNaissance, marche };
    },
  );
  process.stderr.write(`\r  ${total}/${total} people\n`);
  return personnes;
}
