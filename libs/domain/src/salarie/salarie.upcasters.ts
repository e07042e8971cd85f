import { ageAu, jourDe, type DateIso } from '../values/dates';
import { trancheAgeDe } from './salarie.events';

/**
 * Old shapes of the salarié's events read as the current ones. Plain objects of the event
 * store's Upcaster shape (the domain does not import the store): wired in by the apps.
 */
export const UPCASTERS_DU_DOMAINE = [
  {
    eventType: 'SalarieEnregistre',
    fromVersion: 1,
    /** Version 1 had no age band: it is the age on the day the event occurred, from the birth date it still carries in clear. */
    upcast(data: { dateNaissance: DateIso }, event: { metadata: { occurredAt: string } }) {
      return { data: { ...data, trancheAge: trancheAgeDe(ageAu(data.dateNaissance, jourDe(new Date(event.metadata.occurredAt)))) } };
    },
  },
];
