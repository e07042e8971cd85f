import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import { entrepriseDecider, entrepriseStream, siretDecider, siretStream, verifierSiret } from '@suivi/domain';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { EnregistrerEntrepriseDto, EntrepriseVue } from './entreprises.dto';

export class EnregistrerEntrepriseCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: EnregistrerEntrepriseDto, readonly context: CommandContext) {
    super();
  }
}

/**
 * The entreprise is decided first (all its rules), then its SIRET is reserved in the
 * `siret-<siret>` stream (the uniqueness guard), then the entreprise is appended.
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
      beforeAppend: async () => {
        const siret = verifierSiret(dto.siret);
        await this.executor.execute({
          streamId: siretStream(siret),
          decider: siretDecider,
          context: { ...context, expectedRevision: undefined },
          command: () => ({ type: 'ReserverSiret', siret, entrepriseId: id }),
        });
      },
    });
    return resultat(id, result);
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
