import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { PerimetreDto } from '../read-side/read-query.dto';
import { CalculerIndicateurs, type IndicateursVue } from './indicateurs.handlers';

export const DEFINITIONS_INDICATEURS = `Définitions (auditables) :
- heuresRealisees : heures déclarées après corrections, des mois qui chevauchent la période, sur les marchés du périmètre ; etp = heures / 1 607.
- salaries : personnes distinctes ayant des heures (> 0) dans la période ; partFemmes et partQpvPersonnes en part de ces personnes, partFemmesHeures et partQpvHeures en part des heures ; QPV = résidence en QPV à l'enregistrement ; âge (moins26Ans, plus50Ans) au premier jour du premier mois travaillé dans la période.
- criteres : critères d'éligibilité validés (au plus tard à la fin de la période) des personnes comptées ; niveauxFormation : leurs niveaux.
- entreprises : celles qui emploient ou accueillent (mise à disposition) une personne ayant des heures dans la période ; operations, donneursOrdre, marches : ceux qui ont des heures dans la période.
- placementsParContrat, placementsParModalite : placements démarrés dans la période.
- embauches : personnes distinctes embauchées directement (modalité embauche_directe) par une entreprise en CDI, CDD, contrat de professionnalisation ou apprentissage, par un placement démarré dans la période ; placementsEmbauche : ces placements.
- Sorties, comptées en personnes : les sorties d'une personne dans la période sont les fins (dateFin dans la période) de ses placements du périmètre. Une personne qui en a plusieurs compte une fois dans sorties ; une fois dans sortiesPositives si l'une au moins est positive ; une fois dans chaque catégorie de sortiesParCategorie (emploi_durable, emploi_transition, sortie_positive_formation, autre) où l'une au moins se range (elle peut donc compter dans deux catégories) ; une fois dans personnesEnEmploi si l'une au moins est d'une des catégories de categoriesPersonnesEnEmploi (réglage PERSONNES_EN_EMPLOI_CATEGORIES, emploi_durable par défaut ; c'est aussi le réalisé de l'objectif personnesEnEmploi du bilan).
- placementsTermines, placementsSortiePositive, placementsTerminesParCategorie : les mêmes sorties comptées en placements.
- entreprisesParType : les entreprises comptées dans entreprises (l'employeur, et l'entreprise utilisatrice d'une mise à disposition), une fois chacune, par type (classique, ei, ai, aci, etti, geiq, esat, ea) ; leur somme est entreprises. Une ETTI qui met à disposition compte comme ETTI, l'entreprise qui accueille selon son propre type.
- entreprisesParMetier : les entreprises classiques de entreprisesParType, une fois chacune, dans le métier des marchés où elles ont employé ou accueilli quelqu'un dans la période, celui qui totalise le plus de leurs heures de la période : batiment ou travaux_publics (sousSecteur du marché btp), services (marchés de services et de prestations intellectuelles), non_precise (marché btp enregistré avant que sousSecteur soit demandé) ; à égalité, le premier dans cet ordre ; leur somme est entreprisesParType.classique.
- heuresParModalite : les heures de heuresRealisees selon la modalité du placement (embauche_directe, mise_a_disposition, sous_traitance_siae, formation) ; heuresParTypeEmployeur : selon le type de l'employeur du placement (l'ETTI, l'AI ou le GEIQ pour une mise à disposition, pas l'entreprise qui accueille) ; chacune a pour somme heuresRealisees.
- Bilan, operations : les opérations ayant un marché du périmètre dont la période d'exécution (après avenants) chevauche l'année, ou des heures dans l'année ; pour chacune, sur ces marchés : marches, heuresPrevues (leurs heures prévues après avenants, toute la clause), heuresRealisees (heures de l'année), heuresRealiseesCumulees (heures de tous les mois jusqu'à la fin de l'année, à comparer à heuresPrevues), salaries (personnes distinctes ayant des heures dans l'année) ; triées par nom.
Les parts sont des nombres entre 0 et 1.`;

@ApiTags('indicateurs')
@Controller('indicateurs')
export class IndicateursController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Indicateurs du périmètre (heures, publics, contrats et sorties)', description: DEFINITIONS_INDICATEURS })
  @ApiOkResponse({
    schema: {
      example: {
        heuresRealisees: 464855,
        etp: 289.27,
        heuresParSecteur: { btp: 278913, services: 185942, prestations_intellectuelles: 0 },
        entreprisesParType: { classique: 151, ei: 6, ai: 3, aci: 2, etti: 8, geiq: 1, esat: 7, ea: 1 },
        entreprisesParMetier: { batiment: 117, travaux_publics: 11, services: 23, non_precise: 0 },
        salaries: 1239,
        partFemmes: 0.26,
        partQpvPersonnes: 0.2,
        partQpvHeures: 0.25,
        fraicheur: { position: 51234, retard: 0 },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    description:
      'LECTURE_EN_RETARD : la position demandée par apres n’est pas encore intégrée ; PROJECTION_EN_ERREUR : les chiffres sont arrêtés avant elle, sur un événement qu’ils ne peuvent pas intégrer.',
  })
  lire(@Query() dto: PerimetreDto): Promise<IndicateursVue> {
    return this.queries.execute(new CalculerIndicateurs(dto));
  }
}
