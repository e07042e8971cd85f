import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, PlacementsConnus, type CommandContext } from '@suivi/commands';
import { declarationStream, salarieDecider, salarieStream } from '@suivi/domain';
import { localiser, marcheDuPlacement } from '../placements/placement-lookup';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type { CorrigerDeclarationDto } from './declarations.dto';

export class CorrigerDeclarationCommand extends Command<ResultatEcriture> {
  constructor(readonly declarationId: string, readonly dto: CorrigerDeclarationDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(CorrigerDeclarationCommand)
export class CorrigerDeclarationHandler implements ICommandHandler<CorrigerDeclarationCommand, ResultatEcriture> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly connus: PlacementsConnus,
  ) {}

  async execute({ declarationId, dto, context }: CorrigerDeclarationCommand): Promise<ResultatEcriture> {
    const { salarieId, placementId } = await localiser(
      this.executor,
      declarationStream(declarationId),
      'DECLARATION_INTROUVABLE',
      "Aucune déclaration ne porte cet identifiant : vérifiez l'URL.",
    );
    const correctionId = newId(context.idempotencySeed, 'correction');
    const result = await this.executor.execute({
      streamId: salarieStream(salarieId),
      decider: salarieDecider,
      context,
      readIdentity: false,
      command: async (state) => ({
        type: 'CorrigerDeclaration' as const,
        declarationId,
        correctionId,
        heures: dto.heures,
        motif: dto.motif,
        marche: await marcheDuPlacement(this.executor, state, placementId!, { connus: this.connus }),
      }),
    });
    const corrigee = result.events.find((e) => e.type === 'HeuresCorrigees');
    return resultat(corrigee && 'correctionId' in corrigee.data ? corrigee.data.correctionId : correctionId, result);
  }
}
