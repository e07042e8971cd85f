import { BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@suivi/config';
import { jourDe } from '@suivi/domain';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { attendrePosition, fraicheurDe, type OptionsIndicateurs } from '@suivi/projections';
import type { Fraicheur } from './freshness';

/**
 * What every read of a projection does first: honour `?apres=<position>` (read your own
 * write: wait, bounded, for the projection to reach it, else 503), and say how fresh it is.
 */
@Injectable()
export class ProjectionReader {
  constructor(
    readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  get tolerance(): number {
    return this.config.get('CONFORMITE_TOLERANCE', { infer: true });
  }

  /** The settings every indicator is computed with (PERSONNES_EN_EMPLOI_CATEGORIES, HEURES_PAR_ETP), the same in every view. */
  get optionsIndicateurs(): OptionsIndicateurs {
    return { categoriesPersonnesEnEmploi: this.config.get('PERSONNES_EN_EMPLOI_CATEGORIES', { infer: true }), heuresParEtp: this.heuresParEtp };
  }

  /** Hours of one full-time equivalent (HEURES_PAR_ETP): the divisor of every ETP figure. */
  get heuresParEtp(): number {
    return this.config.get('HEURES_PAR_ETP', { infer: true });
  }

  /**
   * A page of a list and the list's total, read in one snapshot (REPEATABLE READ): `total` always
   * counts the rows the pages hold, even while the projection writes. `items` takes the filter's
   * parameters, then LIMIT and OFFSET as the two next ones.
   */
  async page<T>(sql: { total: string; items: string }, params: unknown[], page: number, taillePage: number): Promise<{ items: T[]; total: number }> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const [{ total }] = await tx.query(sql.total, params);
      const items: T[] = await tx.query(sql.items, [...params, taillePage, (page - 1) * taillePage]);
      return { items, total: Number(total) };
    });
  }

  today(): string {
    return jourDe(new Date());
  }

  async prepare(projection: string, apres: number | undefined): Promise<Fraicheur> {
    if (apres !== undefined) {
      const head = await this.store.headPosition();
      if (apres > head) {
        throw new BadRequestException({
          code: 'POSITION_INCONNUE',
          message: `La position ${apres} n'existe pas encore dans le journal (dernière position : ${head}) : passez la position rendue par votre écriture.`,
          details: { apres, derniere: head },
        });
      }
      const waitMs = this.config.get('LECTURE_ATTENTE_MS', { infer: true });
      const attente = await attendrePosition(projection, apres, this.dataSource, waitMs);
      if (!attente.atteinte && attente.erreur) {
        throw new ServiceUnavailableException({
          code: 'PROJECTION_EN_ERREUR',
          message: `Les chiffres sont arrêtés avant la position ${apres} : un événement du journal (position ${attente.erreur.position}) ne peut pas y être intégré. L'équipe technique est prévenue ; les chiffres reprendront une fois la correction déployée.`,
          details: { position: attente.erreur.position, type: attente.erreur.eventType },
        });
      }
      if (!attente.atteinte) {
        throw new ServiceUnavailableException({
          code: 'LECTURE_EN_RETARD',
          message: `Les chiffres n'intègrent pas encore la position ${apres} après ${waitMs / 1000} s d'attente : réessayez dans un instant.`,
          details: await fraicheurDe(projection, this.store, this.dataSource),
        });
      }
    }
    return fraicheurDe(projection, this.store, this.dataSource);
  }
}
