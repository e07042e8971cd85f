import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import { salarieDecider, salarieStream, type SalarieState } from '@suivi/domain';
import { PersonalKeys } from '@suivi/personal-data';
import type { Portee } from '../acces/portee';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { EffacerSalarieDto, EnregistrerSalarieDto, SalarieVue, ValiderEligibiliteDto } from './salaries.dto';

export class EnregistrerSalarieCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: EnregistrerSalarieDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(EnregistrerSalarieCommand)
export class EnregistrerSalarieHandler implements ICommandHandler<EnregistrerSalarieCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: EnregistrerSalarieCommand): Promise<ResultatEcriture> {
    const id = dto.id ?? newId(context.idempotencySeed, 'salarie');
    const { id: _id, ...fields } = dto;
    const result = await this.executor.execute({
      streamId: salarieStream(id),
      decider: salarieDecider,
      context,
      command: () => ({ type: 'EnregistrerSalarie' as const, salarieId: id, ...fields, now: context.now }),
    });
    return resultat(id, result);
  }
}

export class ValiderEligibiliteCommand extends Command<ResultatEcriture> {
  constructor(readonly salarieId: string, readonly dto: ValiderEligibiliteDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(ValiderEligibiliteCommand)
export class ValiderEligibiliteHandler implements ICommandHandler<ValiderEligibiliteCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ salarieId, dto, context }: ValiderEligibiliteCommand): Promise<ResultatEcriture> {
    const result = await this.executor.execute({
      streamId: salarieStream(salarieId),
      decider: salarieDecider,
      context,
      command: () => ({ type: 'ValiderEligibilite' as const, ...dto, validePar: context.userId, now: context.now }),
    });
    return resultat(salarieId, result);
  }
}

export class EffacerSalarieCommand extends Command<ResultatEcriture> {
  constructor(readonly salarieId: string, readonly dto: EffacerSalarieDto, readonly context: CommandContext) {
    super();
  }
}

/**
 * The erasure is recorded first (SalarieEfface: from then on every read shows the identity as
 * null), then the key is destroyed. A crash in between leaves the event without the destruction:
 * the identity already reads null, and retrying the request (which records nothing the second
 * time) destroys the key.
 */
@CommandHandler(EffacerSalarieCommand)
export class EffacerSalarieHandler implements ICommandHandler<EffacerSalarieCommand, ResultatEcriture> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly keys: PersonalKeys,
  ) {}

  async execute({ salarieId, dto, context }: EffacerSalarieCommand): Promise<ResultatEcriture> {
    const result = await this.executor.execute({
      streamId: salarieStream(salarieId),
      decider: salarieDecider,
      context,
      command: () => ({ type: 'EffacerSalarie' as const, motif: dto.motif }),
    });
    await this.keys.destroy(salarieId);
    return resultat(salarieId, result);
  }
}

export class LireSalarie extends Query<SalarieVue> {
  constructor(readonly id: string, readonly portee: Portee) {
    super();
  }
}

@QueryHandler(LireSalarie)
export class LireSalarieHandler implements IQueryHandler<LireSalarie, SalarieVue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, portee }: LireSalarie): Promise<SalarieVue> {
    const { state, revision, position } = await lireOu404<SalarieState, any>(
      this.executor,
      salarieDecider,
      salarieStream(id),
      'SALARIE_INTROUVABLE',
      "Aucun salarié ne porte cet identifiant : vérifiez l'URL.",
    );
    // Identity only for those who see it (Portee.voitIdentites); the others read what statistics need.
    const identite = portee.voitIdentites;
    return {
      id,
      identiteVisible: identite,
      efface: state.efface,
      nom: identite ? state.nom : null,
      prenom: identite ? state.prenom : null,
      sexe: state.sexe,
      dateNaissance: identite ? state.dateNaissance : null,
      adresse: identite ? state.adresse : null,
      commune: state.commune,
      trancheAge: state.trancheAge,
      quartierQpv: state.quartierQpv,
      niveauFormation: state.niveauFormation,
      // A free-text precision may name or describe the person: it goes with the identity.
      eligibilites: identite ? state.eligibilites : state.eligibilites.map((e) => ({ ...e, precision: null })),
      placements: Object.keys(state.placements),
      revision: revision!,
      fraicheur: fraicheurDuFlux(position),
    };
  }
}
