import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext, type Reservation } from '@suivi/commands';
import { entrepriseDecider, entrepriseStream, siretDecider, siretStream, verifierSiret } from '@suivi/domain';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { EnregistrerEntrepriseDto, EntrepriseVue } from './entreprises.dto';

/** Longer than any request takes: a younger reservation may belong to a registration in flight. */
const RESERVATION_EN_COURS_MS = 10 * 60_000;

export class EnregistrerEntrepriseCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: EnregistrerEntrepriseDto, readonly context: CommandContext) {
    super();
  }
}

/**
 * The entreprise is decided first (all its rules), then its SIRET is reserved in the
 * `siret-<siret>` stream (the uniqueness guard), then the entreprise is appended. A registration
 * refused in the end (a concurrent one took the id) gives the SIRET back.
 */
@CommandHandler(EnregistrerEntrepriseCommand)
export class EnregistrerEntrepriseHandler implements ICommandHandler<EnregistrerEntrepriseCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: EnregistrerEntrepriseCommand): Promise<ResultatEcriture> {
    const id = dto.id ?? newId(context.idempotencySeed, 'entreprise');
    const result = await this.executor.execute({
      streamId: entrepriseStream(id),
      decider: entrepriseDecider,
      context,
      command: () => ({ type: 'EnregistrerEntreprise', entrepriseId: id, siret: dto.siret, raisonSociale: dto.raisonSociale, typeEntreprise: dto.type }),
      reserve: () => this.reserverSiret(verifierSiret(dto.siret), id, context),
    });
    return resultat(id, result);
  }

  private async reserverSiret(siret: string, entrepriseId: string, context: CommandContext): Promise<Reservation | null> {
    const perimee = await this.reservationPerimee(siret, entrepriseId, context.now);
    // Ids of their own: the decider makes the reservation idempotent (see `rattacher`).
    const siretContext = { ...context, expectedRevision: undefined, idempotencySeed: undefined };
    const { events } = await this.executor.execute({
      streamId: siretStream(siret),
      decider: siretDecider,
      context: siretContext,
      command: (state) => ({
        type: 'ReserverSiret' as const,
        siret,
        entrepriseId,
        reservationActive: !(perimee && state.reservePar === perimee),
      }),
    });
    if (events.length === 0) return null;
    return {
      release: async () => {
        // A concurrent registration of the same id and SIRET landed: the reservation is its.
        if (await this.porteLeSiret(entrepriseId, siret)) return;
        await this.executor.execute({
          streamId: siretStream(siret),
          decider: siretDecider,
          context: siretContext,
          command: () => ({ type: 'LibererSiret' as const, siret, entrepriseId }),
        });
      },
    };
  }

  /**
   * The holder of a stale reservation of this SIRET, or null: an entreprise that never got
   * registered with it (its request crashed between the two appends), reserved long enough ago
   * that no request of it can still be in flight.
   */
  private async reservationPerimee(siret: string, entrepriseId: string, now: Date): Promise<string | null> {
    const reservation = await this.executor.load(siretDecider, siretStream(siret));
    const holder = reservation.state.reservePar;
    if (holder === null || holder === entrepriseId) return null;
    if (now.getTime() - Date.parse(reservation.recordedAt!) < RESERVATION_EN_COURS_MS) return null;
    return (await this.porteLeSiret(holder, siret)) ? null : holder;
  }

  private async porteLeSiret(entrepriseId: string, siret: string): Promise<boolean> {
    const { state } = await this.executor.load(entrepriseDecider, entrepriseStream(entrepriseId));
    return state.existe && state.siret === siret;
  }
}

export class LireEntreprise extends Query<EntrepriseVue> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(LireEntreprise)
export class LireEntrepriseHandler implements IQueryHandler<LireEntreprise, EntrepriseVue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id }: LireEntreprise): Promise<EntrepriseVue> {
    const { state, revision, position } = await lireOu404(
      this.executor,
      entrepriseDecider,
      entrepriseStream(id),
      'ENTREPRISE_INTROUVABLE',
      "Aucune entreprise ne porte cet identifiant : vérifiez l'URL.",
    );
    return {
      id,
      siret: state.siret,
      siren: state.siren,
      raisonSociale: state.raisonSociale,
      type: state.type,
      revision: revision!,
      fraicheur: fraicheurDuFlux(position),
    };
  }
}
