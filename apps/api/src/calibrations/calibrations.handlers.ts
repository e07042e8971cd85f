import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import {
  calibrationDecider,
  calibrationMetiersStream,
  calibrationStream,
  fold,
  metiersDecider,
  type CalibrationState,
  type MetiersCommand,
  type MetiersEvent,
} from '@suivi/domain';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { CalculerCalibrationDto, CalibrationCalculeeReponse, CalibrationLue, CalibrationVue, TableMetiersVue } from './calibrations.dto';

export class CalculerCalibrationCommand extends Command<CalibrationCalculeeReponse> {
  constructor(readonly dto: CalculerCalibrationDto, readonly context: CommandContext) {
    super();
  }
}

function vue(id: string, state: Extract<CalibrationState, { existe: true }>): CalibrationVue {
  const { montantHT, partMainOeuvre, metier, libelleMetier, tauxInsertion, coutHoraire, coutHoraireParDefaut, heures, formule } = state;
  return { id, heures, formule, montantHT, partMainOeuvre, metier, libelleMetier, tauxInsertion, coutHoraire, coutHoraireParDefaut };
}

/** Reads the table as it is now (retried on a conflict, so always the latest), computes, records. */
@CommandHandler(CalculerCalibrationCommand)
export class CalculerCalibrationHandler implements ICommandHandler<CalculerCalibrationCommand, CalibrationCalculeeReponse> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: CalculerCalibrationCommand): Promise<CalibrationCalculeeReponse> {
    const id = dto.id ?? newId(context.idempotencySeed, 'calibration');
    const result = await this.executor.execute({
      streamId: calibrationStream(id),
      decider: calibrationDecider,
      context,
      command: async () => {
        const table = await this.executor.load(metiersDecider, calibrationMetiersStream);
        return {
          type: 'CalculerCalibration' as const,
          calibrationId: id,
          montantHT: dto.montantHT,
          // null is "not given", as for every optional field.
          partMainOeuvre: dto.partMainOeuvre ?? undefined,
          metier: dto.metier ?? undefined,
          tauxInsertion: dto.tauxInsertion,
          coutHoraire: dto.coutHoraire ?? undefined,
          table: table.state,
        };
      },
    });
    const ecriture = resultat(id, result);
    if (!result.state.existe) throw new Error('calibration absente après son écriture');
    return { ...vue(id, result.state), revision: ecriture.revision, position: ecriture.position };
  }
}

/** A change of the sizing table by the facilitation team; `id` is the trade's code, or `cout-horaire`. */
export class ModifierTableMetiersCommand extends Command<ResultatEcriture> {
  constructor(readonly id: string, readonly command: MetiersCommand, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(ModifierTableMetiersCommand)
export class ModifierTableMetiersHandler implements ICommandHandler<ModifierTableMetiersCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, command, context }: ModifierTableMetiersCommand): Promise<ResultatEcriture> {
    const result = await this.executor.execute({ streamId: calibrationMetiersStream, decider: metiersDecider, context, command: () => command });
    return resultat(id, result);
  }
}

export class LireTableMetiers extends Query<TableMetiersVue> {}

/** The table with, for each value the team set, who set it last and when (the events' metadata). */
@QueryHandler(LireTableMetiers)
export class LireTableMetiersHandler implements IQueryHandler<LireTableMetiers, TableMetiersVue> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<TableMetiersVue> {
    const recorded = await this.store.readStream(calibrationMetiersStream);
    const events = recorded.map((e) => ({ type: e.type, data: e.data }) as MetiersEvent);
    const state = fold(metiersDecider, events);
    const modifie = new Map<string, { par: string; le: string }>();
    let cout: { par: string; le: string } | null = null;
    recorded.forEach((e, i) => {
      const qui = { par: e.metadata.userId, le: e.metadata.occurredAt };
      const event = events[i];
      if (event.type === 'TauxMainOeuvreFixe') modifie.set(event.data.metier, qui);
      else cout = qui;
    });
    const last = recorded[recorded.length - 1];
    const coutModifie = cout as { par: string; le: string } | null;
    return {
      metiers: [...state.metiers].map(([metier, m]) => ({
        metier,
        libelle: m.libelle,
        partMainOeuvre: m.partMainOeuvre,
        source: m.fixeParEquipe ? 'equipe' : 'defaut',
        modifiePar: modifie.get(metier)?.par ?? null,
        modifieLe: modifie.get(metier)?.le ?? null,
      })),
      coutHoraire: state.coutHoraire,
      coutHoraireSource: state.coutHoraireFixeParEquipe ? 'equipe' : 'defaut',
      coutHoraireModifiePar: coutModifie?.par ?? null,
      coutHoraireModifieLe: coutModifie?.le ?? null,
      revision: last ? last.revision : null,
      fraicheur: fraicheurDuFlux(last ? last.position : null),
    };
  }
}

export class LireCalibration extends Query<CalibrationLue> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(LireCalibration)
export class LireCalibrationHandler implements IQueryHandler<LireCalibration, CalibrationLue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id }: LireCalibration): Promise<CalibrationLue> {
    const { state, revision, position } = await lireOu404<CalibrationState, any>(
      this.executor,
      calibrationDecider,
      calibrationStream(id),
      'CALIBRATION_INTROUVABLE',
      "Aucune calibration ne porte cet identifiant : vérifiez l'URL.",
    );
    return { ...vue(id, state), revision: revision!, fraicheur: fraicheurDuFlux(position) };
  }
}
