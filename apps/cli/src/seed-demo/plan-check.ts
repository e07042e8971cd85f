/**
 * Runs a plan through the real deciders in memory, building each domain command the way the
 * api's handlers do: any rule the plan breaks shows up here, before a database is touched.
 */
import {
  calibrationDecider,
  DomainError,
  donneurOrdreDecider,
  entrepriseDecider,
  marcheDecider,
  metiersParDefaut,
  operationDecider,
  salarieDecider,
  siretDecider,
  verifierSiret,
  type CalibrationState,
  type Decider,
  type DomainEvent,
  type DonneurOrdreState,
  type EntrepriseState,
  type MarcheState,
  type MarcheVu,
  type OperationState,
  type SalarieState,
  type SiretState,
} from '@suivi/domain';
import { declarationIdDe, marcheVuDe, newId } from '@suivi/commands';
import { idempotencySeedOf, type Plan, type PlannedCommand } from './plan';

export interface Refus {
  key: string;
  kind: PlannedCommand['kind'];
  code: string;
  message: string;
}

export interface VerificationPlan {
  commandes: number;
  evenements: number;
  refus: Refus[];
  /** Commands not tried because an earlier command of their chain was refused. */
  ignorees: number;
}

export function verifierPlan(plan: Plan, now: Date): VerificationPlan {
  const donneurs = new Map<string, DonneurOrdreState>();
  const operations = new Map<string, OperationState>();
  const marches = new Map<string, MarcheState>();
  const entreprises = new Map<string, EntrepriseState>();
  const sirets = new Map<string, SiretState>();
  const salaries = new Map<string, SalarieState>();
  const calibrations = new Map<string, CalibrationState>();
  const placementDe = new Map<string, string>();
  const declarationDe = new Map<string, { salarieId: string; placementId: string }>();
  const result: VerificationPlan = { commandes: 0, evenements: 0, refus: [], ignorees: 0 };

  const run = <C, E extends DomainEvent, S>(decider: Decider<C, E, S>, states: Map<string, S>, streamId: string, command: C): E[] => {
    const state = states.get(streamId) ?? decider.initialState;
    const events = decider.decide(command, state);
    states.set(streamId, events.reduce(decider.evolve, state));
    result.evenements += events.length;
    return events;
  };
  const marcheVu = (marcheId: string): MarcheVu | null => marcheVuDe(marcheId, marches.get(marcheId));
  const introuvable = (code: string) => new DomainError(code, 'introuvable', {}, 'introuvable');
  const marcheDuPlacement = (salarieId: string, placementId: string): MarcheVu => {
    const state = salaries.get(salarieId);
    const placement = state?.existe ? state.placements[placementId] : undefined;
    if (!placement) throw introuvable('PLACEMENT_INTROUVABLE');
    return marcheVu(placement.marcheId)!;
  };

  const apply = (c: PlannedCommand): void => {
    const seed = idempotencySeedOf(plan.seed, c.key);
    switch (c.kind) {
      case 'donneurOrdre':
        run(donneurOrdreDecider, donneurs, c.dto.id!, { type: 'EnregistrerDonneurOrdre', donneurOrdreId: c.dto.id!, nom: c.dto.nom, typeDonneurOrdre: c.dto.type, region: c.dto.region });
        return;
      case 'operation':
        run(operationDecider, operations, c.dto.id!, {
          type: 'OuvrirOperation',
          operationId: c.dto.id!,
          donneurOrdreId: c.dto.donneurOrdreId,
          nom: c.dto.nom,
          commune: c.dto.commune,
          donneurOrdreExiste: donneurs.get(c.dto.donneurOrdreId)?.existe ?? false,
        });
        return;
      case 'entreprise': {
        const id = c.dto.id!;
        const entreprise = entreprises.get(id) ?? entrepriseDecider.initialState;
        entrepriseDecider.decide({ type: 'EnregistrerEntreprise', entrepriseId: id, siret: c.dto.siret, raisonSociale: c.dto.raisonSociale, typeEntreprise: c.dto.type }, entreprise);
        const siret = verifierSiret(c.dto.siret);
        run(siretDecider, sirets, siret, { type: 'ReserverSiret', siret, entrepriseId: id, reservationActive: true });
        run(entrepriseDecider, entreprises, id, { type: 'EnregistrerEntreprise', entrepriseId: id, siret: c.dto.siret, raisonSociale: c.dto.raisonSociale, typeEntreprise: c.dto.type });
        return;
      }
      case 'calibration': {
        const id = c.dto.id!;
        // seed:demo fills an empty store: the trades table is the default one.
        run(calibrationDecider, calibrations, id, {
          type: 'CalculerCalibration',
          calibrationId: id,
          montantHT: c.dto.montantHT,
          partMainOeuvre: c.dto.partMainOeuvre ?? undefined,
          metier: c.dto.metier ?? undefined,
          tauxInsertion: c.dto.tauxInsertion,
          coutHoraire: c.dto.coutHoraire ?? undefined,
          table: metiersParDefaut,
        });
        return;
      }
      case 'marche': {
        const { id, calibrationId, ...fields } = c.dto;
        const operation = operations.get(c.dto.operationId);
        run(marcheDecider, marches, id!, {
          type: 'EnregistrerMarche',
          marcheId: id!,
          ...fields,
          donneurOrdreExiste: donneurs.get(c.dto.donneurOrdreId)?.existe ?? false,
          operation: operation?.existe ? { donneurOrdreId: operation.donneurOrdreId } : null,
          ...(calibrationId != null ? { calibrationId, calibrationExiste: calibrations.get(calibrationId)?.existe ?? false } : {}),
        });
        return;
      }
      case 'attribution': {
        const entreprise = entreprises.get(c.dto.entrepriseId);
        run(marcheDecider, marches, c.marcheId, {
          type: 'AttribuerMarche',
          entrepriseId: c.dto.entrepriseId,
          role: c.dto.role,
          entreprise: entreprise?.existe ? { raisonSociale: entreprise.raisonSociale, type: entreprise.type } : null,
        });
        return;
      }
      case 'avenant':
        run(marcheDecider, marches, c.marcheId, { type: 'ConclureAvenant', ...c.dto });
        return;
      case 'suivi':
        run(marcheDecider, marches, c.marcheId, { type: 'ChangerSuiviRegional', suivi: c.dto.suivi });
        return;
      case 'cloture':
        run(marcheDecider, marches, c.marcheId, { type: 'CloturerMarche', date: c.dto.date!, now });
        return;
      case 'salarie': {
        const { id, ...fields } = c.dto;
        run(salarieDecider, salaries, id!, { type: 'EnregistrerSalarie', salarieId: id!, ...fields, now });
        return;
      }
      case 'eligibilite':
        run(salarieDecider, salaries, c.salarieId, { type: 'ValiderEligibilite', ...c.dto, validePar: c.userId, now });
        return;
      case 'placement': {
        if (!salaries.get(c.dto.salarieId)?.existe) throw new DomainError('SALARIE_INCONNU', 'inconnu');
        const entreprise = entreprises.get(c.dto.entrepriseId);
        run(salarieDecider, salaries, c.dto.salarieId, {
          type: 'DemarrerPlacement',
          placementId: c.dto.id!,
          marcheId: c.dto.marcheId,
          entrepriseId: c.dto.entrepriseId,
          entrepriseUtilisatriceId: c.dto.entrepriseUtilisatriceId,
          modalite: c.dto.modalite,
          typeContrat: c.dto.typeContrat,
          dateDebut: c.dto.dateDebut,
          now,
          marche: marcheVu(c.dto.marcheId),
          entreprise: entreprise?.existe ? { type: entreprise.type } : null,
        });
        placementDe.set(c.dto.id!, c.dto.salarieId);
        result.evenements++; // the placement's locator stream
        return;
      }
      case 'declaration': {
        const salarieId = placementDe.get(c.placementId);
        if (!salarieId) throw introuvable('PLACEMENT_INTROUVABLE');
        const declarationId = declarationIdDe(c.placementId, c.dto.mois);
        if (declarationId !== c.declarationId) throw new Error(`declaration id of ${c.key} differs from the handler's`);
        run(salarieDecider, salaries, salarieId, {
          type: 'DeclarerHeures',
          placementId: c.placementId,
          declarationId,
          mois: c.dto.mois,
          heures: c.dto.heures,
          now,
          marche: marcheDuPlacement(salarieId, c.placementId),
        });
        declarationDe.set(declarationId, { salarieId, placementId: c.placementId });
        result.evenements++; // the declaration's locator stream
        return;
      }
      case 'correction': {
        const found = declarationDe.get(c.declarationId);
        if (!found) throw introuvable('DECLARATION_INTROUVABLE');
        run(salarieDecider, salaries, found.salarieId, {
          type: 'CorrigerDeclaration',
          declarationId: c.declarationId,
          correctionId: newId(seed, 'correction'),
          heures: c.dto.heures,
          motif: c.dto.motif,
          marche: marcheDuPlacement(found.salarieId, found.placementId),
        });
        return;
      }
      case 'fin': {
        const salarieId = placementDe.get(c.placementId);
        if (!salarieId) throw introuvable('PLACEMENT_INTROUVABLE');
        run(salarieDecider, salaries, salarieId, { type: 'TerminerPlacement', placementId: c.placementId, dateFin: c.dto.dateFin, sortie: c.dto.sortie, now });
        return;
      }
    }
  };

  for (const phase of plan.phases) {
    for (const chain of phase.chains) {
      for (let k = 0; k < chain.length; k++) {
        result.commandes++;
        try {
          apply(chain[k]);
        } catch (error) {
          result.refus.push({
            key: chain[k].key,
            kind: chain[k].kind,
            code: error instanceof DomainError ? error.code : 'ERREUR_INATTENDUE',
            message: error instanceof Error ? error.message : String(error),
          });
          result.ignorees += chain.length - k - 1;
          break;
        }
      }
    }
  }
  return result;
}
