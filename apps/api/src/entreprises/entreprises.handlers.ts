import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext, type Reservation } from '@suivi/commands';
import { entrepriseDecider, entrepriseStream, sirenDe, siretDecider, siretStream, verifierSiret, type TypeEntreprise } from '@suivi/domain';
import { contientLesMots, motsRecherches, sansAccents } from '@suivi/projections/indicateurs/recherche';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { ProjectionReader } from '../read-side/projection-reader';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { EnregistrerEntrepriseDto, EntrepriseVue, ListeEntreprisesDto, ListeEntreprisesVue, TRIS_ENTREPRISES } from './entreprises.dto';

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

export class ListerEntreprises extends Query<ListeEntreprisesVue> {
  constructor(readonly dto: ListeEntreprisesDto) {
    super();
  }
}

const COLONNES_TRI: Record<(typeof TRIS_ENTREPRISES)[number], string> = { raisonSociale: sansAccents('raison_sociale'), siret: 'siret' };

/**
 * The entreprises of the indicators' read model, searched, filtered, sorted and paged. `q` matches the raison
 * sociale (every word, accents and case forgiven) or, when it is only digits once blanks and dots are
 * removed, the start of the SIRET (a SIREN is its first 9 digits).
 */
@QueryHandler(ListerEntreprises)
export class ListerEntreprisesHandler implements IQueryHandler<ListerEntreprises, ListeEntreprisesVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto }: ListerEntreprises): Promise<ListeEntreprisesVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const mots = motsRecherches(dto.q);
    const chiffres = (dto.q ?? '').replace(/[\s.]/gu, '');
    const siretPrefixe = /^\d{1,14}$/.test(chiffres) ? chiffres : null;
    const where = `
      WHERE ($1::text IS NULL OR type = $1)
        AND (cardinality($2::text[]) = 0 OR ${contientLesMots(['raison_sociale'], '$2')} OR ($3::text IS NOT NULL AND siret LIKE $3 || '%'))`;
    const params = [dto.type ?? null, mots, siretPrefixe];
    const sens = dto.ordre === 'desc' ? 'DESC' : 'ASC';
    const { items: lignes, total } = await this.reader.page<{ id: string; siret: string; raison_sociale: string; type: TypeEntreprise }>(
      {
        total: `SELECT count(*)::int AS total FROM indicateurs.entreprises ${where}`,
        items: `SELECT id, siret, raison_sociale, type FROM indicateurs.entreprises ${where}
         ORDER BY ${COLONNES_TRI[dto.tri ?? 'raisonSociale']} ${sens}, raison_sociale ${sens}, id ${sens}
         LIMIT $4 OFFSET $5`,
      },
      params,
      page,
      taillePage,
    );
    const items = lignes.map((l) => ({ id: l.id, siret: l.siret, siren: sirenDe(l.siret), raisonSociale: l.raison_sociale, type: l.type }));
    return { items, total, page, taillePage, fraicheur };
  }
}
