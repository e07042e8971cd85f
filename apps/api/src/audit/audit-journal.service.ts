import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  calibrationDecider,
  donneurOrdreDecider,
  entrepriseDecider,
  fold,
  marcheDecider,
  operationDecider,
  salarieDecider,
  utilisateurDecider,
  type Decider,
  type DomainEvent,
} from '@suivi/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@suivi/event-store';
import { PersonalDataProtection } from '@suivi/personal-data';
import type { Portee } from '../acces/portee';
import { ProjectionReader } from '../read-side/projection-reader';
import type { EtatVue, EvenementVue, FluxDto, JournalDto, ListeEvenementsVue } from './audit-journal.dto';
import { instantDe } from '../read-side/instant';

type Repliable = Pick<Decider<unknown, DomainEvent, unknown>, 'initialState' | 'evolve'>;

/** The aggregates whose state at an instant an auditor can ask for, by their streams' prefix. */
const DECIDERS: Record<string, Repliable> = {
  donneurordre: donneurOrdreDecider as Repliable,
  operation: operationDecider as Repliable,
  marche: marcheDecider as Repliable,
  entreprise: entrepriseDecider as Repliable,
  salarie: salarieDecider as Repliable,
  utilisateur: utilisateurDecider as Repliable,
  calibration: calibrationDecider as Repliable,
};

export const TYPES_AGREGATS = Object.keys(DECIDERS);

/** Streams the audit may read: `<kind>-<id>`, or one of the singletons. */
const FLUX = /^[a-z]+-[0-9A-Za-z][0-9A-Za-z._:-]{0,150}$|^calibration-metiers$/;

/** Answers carry no secret even to an auditor: a password hash is not an audit fact. */
function sansSecret(etat: unknown): Record<string, unknown> {
  const { empreinteMotDePasse: _e, ...reste } = etat as Record<string, unknown>;
  return reste;
}

/**
 * The audit's reads of the log itself: a stream or the whole log with their metadata, and an
 * aggregate's state as it was known at an instant (the events recorded up to then, folded).
 */
@Injectable()
export class AuditJournal {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly protection: PersonalDataProtection,
    private readonly reader: ProjectionReader,
  ) {}

  async flux(streamId: string, dto: FluxDto, portee: Portee): Promise<Omit<ListeEvenementsVue, 'fraicheur'> & { streamId: string }> {
    if (!FLUX.test(streamId)) {
      throw new BadRequestException({ code: 'FLUX_INVALIDE', message: "Le flux s'écrit <type>-<identifiant> (par exemple marche-3f0c8a52-…) : vérifiez-le." });
    }
    const revision = await this.store.streamRevision(streamId);
    if (revision === null) throw new NotFoundException({ code: 'FLUX_INTROUVABLE', message: `Aucun événement n'est enregistré dans le flux ${streamId}.` });
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const fromRevision = (page - 1) * taillePage;
    const events = fromRevision > revision ? [] : await this.store.readStream(streamId, { fromRevision, maxCount: taillePage });
    return { streamId, items: await this.vues(events, portee), total: revision + 1, page, taillePage };
  }

  async journal(dto: JournalDto, portee: Portee): Promise<ListeEvenementsVue> {
    const fraicheur = await this.reader.prepare('journal-audit', dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const du = dto.du ? instantDe(dto.du, 'debut') : null;
    const au = dto.au ? instantDe(dto.au, 'fin') : null;
    if (du && au && du > au) throw new BadRequestException({ code: 'PERIODE_INVALIDE', message: 'du doit précéder au : la période demandée est vide.' });
    const filtre = `($1::timestamptz IS NULL OR recorded_at >= $1) AND ($2::timestamptz IS NULL OR recorded_at <= $2) AND ($3::text IS NULL OR user_id = $3)`;
    const params = [du?.toISOString() ?? null, au?.toISOString() ?? null, dto.utilisateur ?? null];
    const [{ total }] = await this.reader.dataSource.query(`SELECT count(*)::bigint AS total FROM journal_audit.evenements WHERE ${filtre}`, params);
    const positions: Array<{ position: string }> = await this.reader.dataSource.query(
      `SELECT position FROM journal_audit.evenements WHERE ${filtre} ORDER BY position LIMIT $4 OFFSET $5`,
      [...params, taillePage, (page - 1) * taillePage],
    );
    return { items: await this.vues(await this.parPositions(positions.map((p) => Number(p.position))), portee), total: Number(total), page, taillePage, fraicheur };
  }

  async etat(type: string, id: string, date: string, portee: Portee): Promise<EtatVue> {
    const decider = DECIDERS[type];
    if (!decider) {
      throw new BadRequestException({ code: 'TYPE_AGREGAT_INVALIDE', message: `Le type doit être l'un de : ${TYPES_AGREGATS.join(', ')}.`, details: { valeursAutorisees: TYPES_AGREGATS } });
    }
    const connuLe = instantDe(date, 'fin');
    const streamId = `${type}-${id}`;
    const tous = await this.store.readStream(streamId);
    if (tous.length === 0) throw new NotFoundException({ code: 'FLUX_INTROUVABLE', message: `Aucun événement n'est enregistré dans le flux ${streamId}.` });
    // Positions commit in recording order (the store's append lock): the events known then are a prefix.
    const connus = tous.filter((e) => Date.parse(e.metadata.recordedAt) <= connuLe.getTime());
    const lus = await this.lisibles(connus, portee);
    const dernier = connus.at(-1);
    return {
      type,
      id,
      connuLe: connuLe.toISOString(),
      revision: dernier?.revision ?? null,
      evenements: connus.length,
      position: dernier?.position ?? null,
      etat: sansSecret(fold(decider, lus.map((e) => ({ type: e.type, data: e.data })))),
    };
  }

  /** Identities decrypted for those who see them; null for the others (and for all once erased). */
  private async lisibles(events: RecordedEvent[], portee: Portee): Promise<RecordedEvent[]> {
    return portee.voitIdentites ? this.protection.reveal(events) : this.protection.conceal(events);
  }

  private async vues(events: RecordedEvent[], portee: Portee): Promise<EvenementVue[]> {
    return (await this.lisibles(events, portee)).map((e) => ({
      position: e.position,
      streamId: e.streamId,
      revision: e.revision,
      eventId: e.eventId,
      type: e.type,
      data: sansSecret(e.data),
      metadata: e.metadata,
    }));
  }

  /** Events by position, read in runs of consecutive positions (one read per run). */
  private async parPositions(positions: number[]): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let i = 0; i < positions.length; ) {
      let j = i;
      while (j + 1 < positions.length && positions[j + 1] === positions[j] + 1) j++;
      events.push(...(await this.store.readAll({ after: positions[i] - 1, maxCount: j - i + 1 })));
      i = j + 1;
    }
    return events;
  }
}
