import { CATALOGUE_EVENEMENTS, type EntreeCatalogue } from '@suivi/domain';
import type { EventToAppend, RecordedEvent } from '@suivi/event-store';
import { open, seal } from './aes-gcm';
import type { PersonalKeys } from './personal-keys';

/** What replaces the personal fields in a stored event: their JSON, encrypted with the person's key. */
export interface ChampsChiffres {
  v: 1;
  iv: string;
  tag: string;
  donnees: string;
}

type Donnees = Record<string, unknown> & { salarieId?: string; chiffre?: ChampsChiffres };

const PERSONNELS: Record<string, string[]> = Object.fromEntries(
  Object.entries(CATALOGUE_EVENEMENTS as Record<string, EntreeCatalogue>)
    .filter(([, entree]) => entree.personnels)
    .map(([type, entree]) => [type, entree.personnels!]),
);

/** The authenticated context of a ciphertext: the event's type and the person it belongs to. */
const contexte = (type: string, salarieId: string) => `${type}|${salarieId}`;

/**
 * The personal fields of events (the catalogue's `personnels`) are encrypted before they reach
 * the log and decrypted when read by those who need them: the write side's fold, a salarié's page,
 * the audit, and the `annuaire` projection (the name search). The other projections read the log
 * as stored: they need no identity.
 */
export class PersonalDataProtection {
  constructor(private readonly keys: PersonalKeys) {}

  static hasPersonalFields(type: string): boolean {
    return type in PERSONNELS;
  }

  async protect(events: EventToAppend[]): Promise<EventToAppend[]> {
    const protegees: EventToAppend[] = [];
    for (const event of events) {
      const champs = PERSONNELS[event.type];
      const data = event.data as Donnees;
      if (!champs || typeof data.salarieId !== 'string') {
        protegees.push(event);
        continue;
      }
      const cle = await this.keys.keyFor(data.salarieId);
      if (cle.etat !== 'active') throw new Error(`no usable key for salarié ${data.salarieId} (${cle.etat}): refusing to store their identity in clear`);
      const enClair = Object.fromEntries(champs.map((c) => [c, data[c] ?? null]));
      const { iv, tag, donnees } = seal(cle.cle, Buffer.from(JSON.stringify(enClair), 'utf8'), contexte(event.type, data.salarieId));
      const reste = Object.fromEntries(Object.entries(data).filter(([c]) => !champs.includes(c)));
      const chiffre: ChampsChiffres = { v: 1, iv: iv.toString('base64'), tag: tag.toString('base64'), donnees: donnees.toString('base64') };
      protegees.push({ ...event, data: { ...reste, chiffre } });
    }
    return protegees;
  }

  /**
   * The events with their personal fields back, or null where the key is destroyed (erased) or
   * missing. Events stored before encryption (clear fields, no `chiffre`) keep them, unless the
   * person was erased since: then they read null too.
   */
  async reveal(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const ids = events.filter((e) => PERSONNELS[e.type] && typeof (e.data as Donnees).salarieId === 'string').map((e) => (e.data as Donnees).salarieId as string);
    if (ids.length === 0) return events;
    const keys = await this.keys.keysOf(ids);
    return events.map((event) => {
      const champs = PERSONNELS[event.type];
      const data = event.data as Donnees;
      if (!champs || typeof data.salarieId !== 'string') return event;
      const cle = keys.get(data.salarieId);
      if (!data.chiffre) return cle?.etat === 'detruite' ? PersonalDataProtection.mask(event) : event;
      if (cle?.etat !== 'active') return PersonalDataProtection.mask(event);
      const { chiffre, ...reste } = data;
      const enClair = JSON.parse(
        open(
          cle.cle,
          { iv: Buffer.from(chiffre.iv, 'base64'), tag: Buffer.from(chiffre.tag, 'base64'), donnees: Buffer.from(chiffre.donnees, 'base64') },
          contexte(event.type, data.salarieId),
        ).toString('utf8'),
      ) as Record<string, unknown>;
      return { ...event, data: { ...reste, ...enClair } };
    });
  }

  /** The events as read by someone who may not see identities (see `mask`): no key is read. */
  conceal(events: RecordedEvent[]): RecordedEvent[] {
    return events.map((event) => PersonalDataProtection.mask(event));
  }

  /** The event as read by someone who may not see identities: personal fields null, no ciphertext. */
  static mask(event: RecordedEvent): RecordedEvent {
    const champs = PERSONNELS[event.type];
    if (!champs) return event;
    const { chiffre: _chiffre, ...reste } = event.data as Donnees;
    return { ...event, data: { ...reste, ...Object.fromEntries(champs.map((c) => [c, null])) } };
  }
}
