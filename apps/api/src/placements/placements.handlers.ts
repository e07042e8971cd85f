import { UnprocessableEntityException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, declarationIdDe, marcheVu, newId, nouveauRattachement, PlacementsConnus, rattacher, type CommandContext } from '@suivi/commands';
import {
  declarationStream,
  depuisCentiemes,
  enCentiemes,
  entrepriseDecider,
  entrepriseStream,
  placementStream,
  salarieDecider,
  salarieStream,
} from '@suivi/domain';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import { localiser, localiserPlacement, marcheDuPlacement, PLACEMENT_INTROUVABLE, placementIntrouvable } from './placement-lookup';
import type { DeclarerHeuresDto, DemarrerPlacementDto, PlacementVue, TerminerPlacementDto } from './placements.dto';


export class DemarrerPlacementCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: DemarrerPlacementDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(DemarrerPlacementCommand)
export class DemarrerPlacementHandler implements ICommandHandler<DemarrerPlacementCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: DemarrerPlacementCommand): Promise<ResultatEcriture> {
    const id = dto.id ?? newId(context.idempotencySeed, 'placement');
    const result = await this.executor.execute({
      streamId: salarieStream(dto.salarieId),
      decider: salarieDecider,
      context,
      command: async (state) => {
        if (!state.existe) {
          throw new UnprocessableEntityException({
            code: 'SALARIE_INCONNU',
            message: 'Aucun salarié ne porte cet identifiant : enregistrez la personne d’abord ou corrigez salarieId.',
            details: { salarieId: dto.salarieId },
          });
        }
        const [marche, entreprise] = await Promise.all([
          marcheVu(this.executor, dto.marcheId),
          this.executor.load(entrepriseDecider, entrepriseStream(dto.entrepriseId)),
        ]);
        return {
          type: 'DemarrerPlacement' as const,
          placementId: id,
          marcheId: dto.marcheId,
          entrepriseId: dto.entrepriseId,
          entrepriseUtilisatriceId: dto.entrepriseUtilisatriceId,
          modalite: dto.modalite,
          typeContrat: dto.typeContrat,
          dateDebut: dto.dateDebut,
          now: context.now,
          marche,
          entreprise: entreprise.state.existe ? { type: entreprise.state.type } : null,
        };
      },
      reserve: () =>
        rattacher(this.executor, placementStream(id), { type: 'PlacementRattache', data: { placementId: id, salarieId: dto.salarieId } }, context, async () => {
          const { state } = await this.executor.load(salarieDecider, salarieStream(dto.salarieId));
          return state.existe && id in state.placements;
        }),
    });
    return resultat(id, result);
  }
}

export class DeclarerHeuresCommand extends Command<ResultatEcriture> {
  constructor(readonly placementId: string, readonly dto: DeclarerHeuresDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(DeclarerHeuresCommand)
export class DeclarerHeuresHandler implements ICommandHandler<DeclarerHeuresCommand, ResultatEcriture> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly connus: PlacementsConnus,
  ) {}

  async execute({ placementId, dto, context }: DeclarerHeuresCommand): Promise<ResultatEcriture> {
    const { salarieId, marcheEnAvance } = await localiserPlacement(this.executor, this.connus, placementId);
    const declarationId = declarationIdDe(placementId, dto.mois);
    // Read ahead for the first decision only: a decision taken again after a conflict reads the marché again.
    let enAvance = marcheEnAvance;
    const result = await this.executor.execute({
      streamId: salarieStream(salarieId),
      decider: salarieDecider,
      context,
      readIdentity: false,
      command: async (state) => {
        const marche = await marcheDuPlacement(this.executor, state, placementId, { connus: this.connus, enAvance });
        enAvance = null;
        return {
          type: 'DeclarerHeures' as const,
          placementId,
          declarationId,
          mois: dto.mois,
          heures: dto.heures,
          now: context.now,
          marche,
        };
      },
      // The declaration's locator goes in the same append as its event; `reserve` when it exists already.
      alongsideNew: () => [nouveauRattachement(declarationStream(declarationId), { type: 'DeclarationRattachee', data: { declarationId, placementId, salarieId } })],
      reserve: () =>
        rattacher(
          this.executor,
          declarationStream(declarationId),
          { type: 'DeclarationRattachee', data: { declarationId, placementId, salarieId } },
          context,
          null,
        ),
    });
    const declaree = result.events.find((e) => e.type === 'HeuresDeclarees');
    return resultat(declaree && 'declarationId' in declaree.data ? declaree.data.declarationId : declarationId, result);
  }
}

export class TerminerPlacementCommand extends Command<ResultatEcriture> {
  constructor(readonly placementId: string, readonly dto: TerminerPlacementDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(TerminerPlacementCommand)
export class TerminerPlacementHandler implements ICommandHandler<TerminerPlacementCommand, ResultatEcriture> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly connus: PlacementsConnus,
  ) {}

  async execute({ placementId, dto, context }: TerminerPlacementCommand): Promise<ResultatEcriture> {
    const connu = this.connus.get(placementId);
    const { salarieId } = connu ?? (await localiser(this.executor, placementStream(placementId), ...PLACEMENT_INTROUVABLE));
    const result = await this.executor.execute({
      streamId: salarieStream(salarieId),
      decider: salarieDecider,
      context,
      readIdentity: false,
      command: () => ({ type: 'TerminerPlacement' as const, placementId, dateFin: dto.dateFin, sortie: dto.sortie, now: context.now }),
    });
    return resultat(placementId, result);
  }
}

export class LirePlacement extends Query<PlacementVue> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(LirePlacement)
export class LirePlacementHandler implements IQueryHandler<LirePlacement, PlacementVue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id }: LirePlacement): Promise<PlacementVue> {
    const { salarieId } = await localiser(this.executor, placementStream(id), ...PLACEMENT_INTROUVABLE);
    const { state, revision, position } = await this.executor.load(salarieDecider, salarieStream(salarieId));
    const placement = state.existe ? state.placements[id] : undefined;
    if (!placement) throw placementIntrouvable();
    return {
      id,
      salarieId,
      marcheId: placement.marcheId,
      entrepriseId: placement.entrepriseId,
      entrepriseUtilisatriceId: placement.entrepriseUtilisatriceId,
      modalite: placement.modalite,
      typeContrat: placement.typeContrat,
      dateDebut: placement.dateDebut,
      statut: placement.fin ? 'termine' : 'en_cours',
      dateFin: placement.fin?.dateFin ?? null,
      sortie: placement.fin?.sortie ?? null,
      sortiePositive: placement.fin?.sortiePositive ?? null,
      categorieSortie: placement.fin?.categorieSortie ?? null,
      declarations: placement.declarations.map((d) => ({
        id: d.declarationId,
        mois: d.mois,
        heures: d.heures,
        heuresDeclarees: d.heuresDeclarees,
        corrections: d.corrections.map((c) => ({ id: c.correctionId, heures: c.heures, heuresPrecedentes: c.heuresPrecedentes, motif: c.motif })),
      })),
      heuresTotales: depuisCentiemes(placement.declarations.reduce((sum, d) => sum + enCentiemes(d.heures), 0)),
      revision: revision!,
      fraicheur: fraicheurDuFlux(position),
    };
  }
}
