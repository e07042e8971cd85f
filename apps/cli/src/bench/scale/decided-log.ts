/**
 * Turns planned commands (the seed:demo shape) into the events the real deciders decide, with
 * the streams, ids and metadata the command side would give them (CommandExecutor, rattacher):
 * the same rules as through the api, without its per-command round trips to the database.
 *
 * Only the state later commands need is kept: folded aggregates of live streams (the generator
 * forgets them when they are done) and small facts of write-once streams (a donneur d'ordre
 * exists, an operation's donneur d'ordre, an entreprise's type).
 */
import { declarationIdDe, eventToAppend, marcheVuDe, newId, uuidV5, type CommandContext } from '@suivi/commands';
import {
  calibrationDecider,
  calibrationStream,
  declarationStream,
  DomainError,
  donneurOrdreDecider,
  donneurOrdreStream,
  entrepriseDecider,
  entrepriseStream,
  marcheDecider,
  marcheStream,
  metiersParDefaut,
  operationDecider,
  operationStream,
  placementStream,
  rattachementDecider,
  salarieDecider,
  salarieStream,
  siretDecider,
  siretStream,
  verifierSiret,
  type Decider,
  type DomainEvent,
  type MarcheState,
  type MarcheVu,
  type SalarieState,
  type TypeEntreprise,
} from '@suivi/domain';
import type { EventToAppend, StreamAppend } from '@suivi/event-store';
import type { PlannedCommand } from '../../seed-demo/plan';
import type { Refus } from '../../seed-demo/plan-check';


interface Live<S> {
  state: S;
  /** Revision of the stream's last event (what the next append expects). */
  revision: number;
}

/** Fixed clock of the deciders: the run is a pure function of its seed (and every business date is before it). */
export const MAINTENANT = new Date('2026-06-30T12:00:00.000Z');

export class DecidedLog {
  private readonly marches = new Map<string, Live<MarcheState>>();
  private readonly salaries = new Map<string, Live<SalarieState>>();
  private readonly donneurs = new Set<string>();
  private readonly operations = new Map<string, string>();
  private readonly entreprises = new Map<string, { raisonSociale: string; type: TypeEntreprise }>();
  private readonly calibrations = new Set<string>();
  /** Placement → its salarié, while the salarié's stream is live. */
  private readonly placementDe = new Map<string, string>();
  /** Declaration → [its placement, its salarié], while the salarié's stream is live. */
  private readonly declarationDe = new Map<string, [string, string]>();

  /** Appends of the current phase, one per stream, in first-touched order. */
  private pending = new Map<string, StreamAppend>();
  private pendingEvents = 0;

  readonly countsByType = new Map<string, number>();
  readonly firstEventIds: string[] = [];
  readonly refus: Refus[] = [];
  events = 0;
  commands = 0;

  constructor(
    /** Prefix of idempotency seeds: the event ids are a function of it and the command's key. */
    private readonly origin: string,
    private readonly now: Date = MAINTENANT,
  ) {}

  /** Runs one command through its decider; a refusal is recorded (and nothing appended) instead of thrown. */
  apply(c: PlannedCommand): boolean {
    this.commands++;
    try {
      this.decide(c);
      return true;
    } catch (error) {
      this.refus.push({
        key: c.key,
        kind: c.kind,
        code: error instanceof DomainError ? error.code : 'ERREUR_INATTENDUE',
        message: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  /** The phase's appends (one per stream), and a fresh phase. */
  flush(): StreamAppend[] {
    const appends = [...this.pending.values()];
    this.pending = new Map();
    this.pendingEvents = 0;
    return appends;
  }

  get pendingEventCount(): number {
    return this.pendingEvents;
  }

  /** Drops a stream's folded state: the generator will not write to it again. */
  forgetMarche(marcheId: string): void {
    this.marches.delete(marcheStream(marcheId));
  }

  forgetSalarie(salarieId: string): void {
    const live = this.salaries.get(salarieStream(salarieId));
    this.salaries.delete(salarieStream(salarieId));
    if (!live?.state.existe) return;
    for (const placement of Object.values(live.state.placements)) {
      this.placementDe.delete(placement.placementId);
      for (const d of placement.declarations) this.declarationDe.delete(d.declarationId);
    }
  }

  /** Streams whose state is held right now (the generator's memory, for the report). */
  get liveStreams(): number {
    return this.marches.size + this.salaries.size;
  }

  // -------------------------------------------------------------------------------------------

  private decide(c: PlannedCommand): void {
    const seed = `${this.origin}|${c.key}`;
    const context: CommandContext = { userId: c.userId, correlationId: uuidV5(`${seed}|correlation`), causationId: null, now: this.now, idempotencySeed: seed };
    const now = this.now;
    switch (c.kind) {
      case 'donneurOrdre': {
        const id = c.dto.id!;
        this.once(donneurOrdreDecider, donneurOrdreStream(id), context, { type: 'EnregistrerDonneurOrdre', donneurOrdreId: id, nom: c.dto.nom, typeDonneurOrdre: c.dto.type, region: c.dto.region });
        this.donneurs.add(id);
        return;
      }
      case 'operation': {
        const id = c.dto.id!;
        this.once(operationDecider, operationStream(id), context, {
          type: 'OuvrirOperation',
          operationId: id,
          donneurOrdreId: c.dto.donneurOrdreId,
          nom: c.dto.nom,
          commune: c.dto.commune,
          donneurOrdreExiste: this.donneurs.has(c.dto.donneurOrdreId),
        });
        this.operations.set(id, c.dto.donneurOrdreId);
        return;
      }
      case 'entreprise': {
        const id = c.dto.id!;
        const command = { type: 'EnregistrerEntreprise' as const, entrepriseId: id, siret: c.dto.siret, raisonSociale: c.dto.raisonSociale, typeEntreprise: c.dto.type };
        // Decided first, as the handler does, so that an invalid entreprise reserves no SIRET.
        const events = entrepriseDecider.decide(command, entrepriseDecider.initialState);
        const siret = verifierSiret(c.dto.siret);
        this.once(siretDecider, siretStream(siret), { ...context }, { type: 'ReserverSiret', siret, entrepriseId: id, reservationActive: true }, 'siret');
        this.append(entrepriseStream(id), events, 'no_stream', context);
        const data = events[0].data as { raisonSociale: string; type: TypeEntreprise };
        this.entreprises.set(id, { raisonSociale: data.raisonSociale, type: data.type });
        return;
      }
      case 'calibration': {
        const id = c.dto.id!;
        this.once(calibrationDecider, calibrationStream(id), context, {
          type: 'CalculerCalibration',
          calibrationId: id,
          montantHT: c.dto.montantHT,
          partMainOeuvre: c.dto.partMainOeuvre ?? undefined,
          metier: c.dto.metier ?? undefined,
          tauxInsertion: c.dto.tauxInsertion,
          coutHoraire: c.dto.coutHoraire ?? undefined,
          table: metiersParDefaut,
        });
        this.calibrations.add(id);
        return;
      }
      case 'marche': {
        const { id, calibrationId, ...fields } = c.dto;
        const donneurOrdreId = this.operations.get(c.dto.operationId);
        this.live(marcheDecider, this.marches, marcheStream(id!), context, {
          type: 'EnregistrerMarche',
          marcheId: id!,
          ...fields,
          donneurOrdreExiste: this.donneurs.has(c.dto.donneurOrdreId),
          operation: donneurOrdreId ? { donneurOrdreId } : null,
          ...(calibrationId != null ? { calibrationId, calibrationExiste: this.calibrations.has(calibrationId) } : {}),
        });
        return;
      }
      case 'attribution':
        this.live(marcheDecider, this.marches, marcheStream(c.marcheId), context, {
          type: 'AttribuerMarche',
          entrepriseId: c.dto.entrepriseId,
          role: c.dto.role,
          entreprise: this.entreprises.get(c.dto.entrepriseId) ?? null,
        });
        return;
      case 'avenant':
        this.live(marcheDecider, this.marches, marcheStream(c.marcheId), context, { type: 'ConclureAvenant', ...c.dto });
        return;
      case 'suivi':
        this.live(marcheDecider, this.marches, marcheStream(c.marcheId), context, { type: 'ChangerSuiviRegional', suivi: c.dto.suivi });
        return;
      case 'cloture':
        this.live(marcheDecider, this.marches, marcheStream(c.marcheId), context, { type: 'CloturerMarche', date: c.dto.date!, now });
        return;
      case 'salarie': {
        const { id, ...fields } = c.dto;
        this.live(salarieDecider, this.salaries, salarieStream(id!), context, { type: 'EnregistrerSalarie', salarieId: id!, ...fields, now });
        return;
      }
      case 'eligibilite':
        this.live(salarieDecider, this.salaries, salarieStream(c.salarieId), context, { type: 'ValiderEligibilite', ...c.dto, validePar: c.userId, now });
        return;
      case 'placement': {
        const salarieId = c.dto.salarieId;
        if (!this.salaries.get(salarieStream(salarieId))?.state.existe) throw new DomainError('SALARIE_INCONNU', 'inconnu');
        const placementId = c.dto.id!;
        const command = {
          type: 'DemarrerPlacement' as const,
          placementId,
          marcheId: c.dto.marcheId,
          entrepriseId: c.dto.entrepriseId,
          entrepriseUtilisatriceId: c.dto.entrepriseUtilisatriceId,
          modalite: c.dto.modalite,
          typeContrat: c.dto.typeContrat,
          dateDebut: c.dto.dateDebut,
          now,
          marche: this.marcheVu(c.dto.marcheId),
          entreprise: this.entreprises.get(c.dto.entrepriseId) ?? null,
        };
        // The locator goes first (rattacher), but only once the salarié's command is known to be accepted.
        this.live(salarieDecider, this.salaries, salarieStream(salarieId), context, command, undefined, () =>
          this.locator(placementStream(placementId), { type: 'PlacementRattache', data: { placementId, salarieId } }, context),
        );
        this.placementDe.set(placementId, salarieId);
        return;
      }
      case 'declaration': {
        const salarieId = this.salarieDuPlacement(c.placementId);
        const declarationId = declarationIdDe(c.placementId, c.dto.mois);
        this.live(
          salarieDecider,
          this.salaries,
          salarieStream(salarieId),
          context,
          { type: 'DeclarerHeures', placementId: c.placementId, declarationId, mois: c.dto.mois, heures: c.dto.heures, now, marche: this.marcheDuPlacement(salarieId, c.placementId) },
          undefined,
          () => this.locator(declarationStream(declarationId), { type: 'DeclarationRattachee', data: { declarationId, placementId: c.placementId, salarieId } }, context),
        );
        this.declarationDe.set(declarationId, [c.placementId, salarieId]);
        return;
      }
      case 'correction': {
        const found = this.declarationDe.get(c.declarationId);
        if (!found) throw new DomainError('DECLARATION_INTROUVABLE', 'introuvable');
        const [placementId, salarieId] = found;
        this.live(salarieDecider, this.salaries, salarieStream(salarieId), context, {
          type: 'CorrigerDeclaration',
          declarationId: c.declarationId,
          correctionId: newId(seed, 'correction'),
          heures: c.dto.heures,
          motif: c.dto.motif,
          marche: this.marcheDuPlacement(salarieId, placementId),
        });
        return;
      }
      case 'fin': {
        const salarieId = this.salarieDuPlacement(c.placementId);
        this.live(salarieDecider, this.salaries, salarieStream(salarieId), context, {
          type: 'TerminerPlacement',
          placementId: c.placementId,
          dateFin: c.dto.dateFin,
          sortie: c.dto.sortie,
          now,
        });
        return;
      }
    }
  }

  private salarieDuPlacement(placementId: string): string {
    const salarieId = this.placementDe.get(placementId);
    if (!salarieId) throw new DomainError('PLACEMENT_INTROUVABLE', 'introuvable');
    return salarieId;
  }

  private marcheVu(marcheId: string): MarcheVu | null {
    return marcheVuDe(marcheId, this.marches.get(marcheStream(marcheId))?.state);
  }

  private marcheDuPlacement(salarieId: string, placementId: string): MarcheVu {
    const state = this.salaries.get(salarieStream(salarieId))?.state;
    const placement = state?.existe ? state.placements[placementId] : undefined;
    if (!placement) throw new DomainError('PLACEMENT_INTROUVABLE', 'introuvable');
    const marche = this.marcheVu(placement.marcheId);
    if (!marche) throw new Error(`marché ${placement.marcheId} forgotten while a placement still uses it`);
    return marche;
  }

  /** A locator's event ids are its own (rattacher runs without the request's idempotency seed), derived here for determinism. */
  private locator(streamId: string, event: DomainEvent, context: CommandContext): void {
    const events = rattachementDecider.decide({ type: 'Rattacher', event: event as never }, rattachementDecider.initialState);
    this.append(streamId, events, 'no_stream', { ...context, idempotencySeed: `${context.idempotencySeed}|locator` });
  }

  /** A stream written once (a registration): decided on the initial state, nothing kept. */
  private once<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, context: CommandContext, command: C, step?: string): void {
    this.append(streamId, decider.decide(command, decider.initialState), 'no_stream', context, step);
  }

  /** A stream written again later: decided on its folded state, which is kept. */
  private live<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    states: Map<string, Live<S>>,
    streamId: string,
    context: CommandContext,
    command: C,
    step?: string,
    before?: () => void,
  ): void {
    const current = states.get(streamId);
    const state = current?.state ?? decider.initialState;
    const events = decider.decide(command, state);
    if (events.length === 0) return;
    before?.();
    this.append(streamId, events, current ? current.revision : 'no_stream', context, step);
    states.set(streamId, { state: events.reduce(decider.evolve, state), revision: (current?.revision ?? -1) + events.length });
  }

  private append(streamId: string, events: DomainEvent[], expected: number | 'no_stream', context: CommandContext, step?: string): void {
    // As CommandExecutor: the request's seed, the stream, the step, the index make the id.
    const toAppend: EventToAppend[] = events.map((event, index) => eventToAppend(event, index, { context, streamId, step }));
    for (const e of toAppend) {
      this.countsByType.set(e.type, (this.countsByType.get(e.type) ?? 0) + 1);
      if (this.firstEventIds.length < 20) this.firstEventIds.push(e.eventId);
    }
    this.events += toAppend.length;
    this.pendingEvents += toAppend.length;
    const pending = this.pending.get(streamId);
    // Several commands on one stream in a phase: one append, expecting the revision before the first.
    if (pending) pending.events.push(...toAppend);
    else this.pending.set(streamId, { streamId, events: toAppend, expectedRevision: expected });
  }
}
