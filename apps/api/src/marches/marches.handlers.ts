import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandExecutor, newId, type CommandContext } from '@suivi/commands';
import {
  calibrationDecider,
  calibrationStream,
  donneurOrdreDecider,
  donneurOrdreStream,
  entrepriseDecider,
  entrepriseStream,
  jourDe,
  marcheDecider,
  marcheStream,
  operationDecider,
  operationStream,
  statutMarche,
  type MarcheCommand,
  type MarcheState,
} from '@suivi/domain';
import { dansLaPortee, type Portee } from '../acces/portee';
import { lireOu404 } from '../read-side/aggregate-read';
import { fraicheurDuFlux } from '../read-side/freshness';
import { resultat, type ResultatEcriture } from '../write-side/write-result';
import type {
  AttribuerMarcheDto,
  CloturerMarcheDto,
  ConclureAvenantDto,
  EnregistrerMarcheDto,
  MarcheVue,
  SuiviRegionalDto,
} from './marches.dto';

export class EnregistrerMarcheCommand extends Command<ResultatEcriture> {
  constructor(readonly dto: EnregistrerMarcheDto, readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(EnregistrerMarcheCommand)
export class EnregistrerMarcheHandler implements ICommandHandler<EnregistrerMarcheCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ dto, context }: EnregistrerMarcheCommand): Promise<ResultatEcriture> {
    const id = dto.id ?? newId(context.idempotencySeed, 'marche');
    const result = await this.executor.execute({
      streamId: marcheStream(id),
      decider: marcheDecider,
      context,
      command: async () => {
        const [donneurOrdre, operation, calibration] = await Promise.all([
          this.executor.load(donneurOrdreDecider, donneurOrdreStream(dto.donneurOrdreId)),
          this.executor.load(operationDecider, operationStream(dto.operationId)),
          dto.calibrationId == null ? null : this.executor.load(calibrationDecider, calibrationStream(dto.calibrationId)),
        ]);
        // A null calibrationId is no calibration.
        const { id: _id, calibrationId, ...fields } = dto;
        return {
          type: 'EnregistrerMarche' as const,
          marcheId: id,
          ...fields,
          donneurOrdreExiste: donneurOrdre.state.existe,
          operation: operation.state.existe ? { donneurOrdreId: operation.state.donneurOrdreId } : null,
          ...(calibration ? { calibrationId: calibrationId!, calibrationExiste: calibration.state.existe } : {}),
        };
      },
    });
    return resultat(id, result);
  }
}

/** A change to an existing marché: award, amendment, regional follow-up, closing. */
export class ModifierMarcheCommand extends Command<ResultatEcriture> {
  constructor(
    readonly marcheId: string,
    readonly change:
      | { type: 'attribution'; dto: AttribuerMarcheDto }
      | { type: 'avenant'; dto: ConclureAvenantDto }
      | { type: 'suivi'; dto: SuiviRegionalDto }
      | { type: 'cloture'; dto: CloturerMarcheDto },
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ModifierMarcheCommand)
export class ModifierMarcheHandler implements ICommandHandler<ModifierMarcheCommand, ResultatEcriture> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ marcheId, change, context }: ModifierMarcheCommand): Promise<ResultatEcriture> {
    const result = await this.executor.execute({
      streamId: marcheStream(marcheId),
      decider: marcheDecider,
      context,
      command: () => this.command(change, context),
    });
    return resultat(marcheId, result);
  }

  private async command(change: ModifierMarcheCommand['change'], context: CommandContext): Promise<MarcheCommand> {
    switch (change.type) {
      case 'attribution': {
        const entreprise = await this.executor.load(entrepriseDecider, entrepriseStream(change.dto.entrepriseId));
        return {
          type: 'AttribuerMarche',
          entrepriseId: change.dto.entrepriseId,
          role: change.dto.role,
          entreprise: entreprise.state.existe ? { raisonSociale: entreprise.state.raisonSociale, type: entreprise.state.type } : null,
        };
      }
      case 'avenant':
        return { type: 'ConclureAvenant', ...change.dto };
      case 'suivi':
        return { type: 'ChangerSuiviRegional', suivi: change.dto.suivi };
      case 'cloture':
        return { type: 'CloturerMarche', date: change.dto.date ?? jourDe(context.now), now: context.now };
    }
  }
}

export class LireMarche extends Query<MarcheVue> {
  constructor(readonly id: string, readonly portee: Portee) {
    super();
  }
}

@QueryHandler(LireMarche)
export class LireMarcheHandler implements IQueryHandler<LireMarche, MarcheVue> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ id, portee }: LireMarche): Promise<MarcheVue> {
    const { state, revision, position } = await lireOu404<MarcheState, any>(
      this.executor,
      marcheDecider,
      marcheStream(id),
      'MARCHE_INTROUVABLE',
      "Aucun marché ne porte cet identifiant : vérifiez l'URL.",
      (marche) => dansLaPortee(portee, marche.donneurOrdreId),
    );
    const { existe: _e, marcheId: _m, attributaires, ...fields } = state;
    // Who the attributaires are, for those who may read the marché but not the entreprises (an acheteur).
    const avecNoms = await Promise.all(
      attributaires.map(async (a) => {
        const { state: entreprise } = await this.executor.load(entrepriseDecider, entrepriseStream(a.entrepriseId));
        return { ...a, raisonSociale: entreprise.existe ? entreprise.raisonSociale : null, siret: entreprise.existe ? entreprise.siret : null };
      }),
    );
    return { id, ...fields, attributaires: avecNoms, statut: statutMarche(state), revision: revision!, fraicheur: fraicheurDuFlux(position) };
  }
}
