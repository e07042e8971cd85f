import { Controller, Get, HttpException, HttpStatus, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DEFINITIONS_INDICATEURS } from '@suivi/projections';
import { IndicateursDto, SerieDto } from '../read-side/read-query.dto';
import { ErreurApi } from '../errors/api-error';
import { CalculerIndicateurs, LireSerie, type IndicateursVue, type SerieVue } from './indicateurs.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { groupesIndicateurs, groupesSerie } from '../secret-statistique/groupes';
import { SecretStatistique } from '../secret-statistique/secret-statistique.decorator';

/** The definitions, from the one catalogue (libs/projections/src/indicateurs/definitions.ts, also docs/indicateurs.md). */
export { DEFINITIONS_INDICATEURS };

@ApiTags('indicateurs')
@Controller('indicateurs')
export class IndicateursController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Autorise('lireIndicateurs')
  @ApiOperation({ summary: 'Indicateurs du périmètre (heures, publics, contrats et sorties)', description: DEFINITIONS_INDICATEURS })
  @SecretStatistique(groupesIndicateurs)
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
  @ApiAcceptedResponse({
    type: ErreurApi,
    description:
      'CALCUL_EN_COURS (avec connuLe) : les chiffres de cet instant sont en cours de reconstitution (details : connuLe, progression) ; redemandez après Retry-After secondes.',
  })
  async lire(@Query() dto: IndicateursDto, @PorteeDeLAppelant() portee: Portee): Promise<IndicateursVue> {
    const reponse = await this.queries.execute(new CalculerIndicateurs(dto, portee));
    if ('enPreparation' in reponse) {
      const { connuLe, progression } = reponse.enPreparation;
      // Not an error: the answer is not ready yet. It leaves in the error shape, with Retry-After, before any masking.
      throw new HttpException(
        {
          code: 'CALCUL_EN_COURS',
          message: `Les chiffres connus le ${connuLe.instant} sont en cours de reconstitution (position ${progression.position} sur ${progression.cible}) : redemandez dans quelques secondes.`,
          details: { connuLe, progression },
        },
        HttpStatus.ACCEPTED,
      );
    }
    return reponse;
  }

  @Get('series')
  @Autorise('lireIndicateurs')
  @ApiOperation({
    summary: 'Série annuelle : heures, ETP, personnes, entreprises, opérations, donneurs d’ordre et sorties positives, année par année',
    description: `Une ligne par année civile de de à a (au plus 50 années, de 2000 à 2100) ; chaque chiffre est celui de /indicateurs?annee=<annee> avec les mêmes filtres, calculé par les mêmes requêtes.\n\n${DEFINITIONS_INDICATEURS}`,
  })
  @SecretStatistique(groupesSerie, ['items[0].salaries', 'items[0].sortiesPositives'])
  @ApiOkResponse({
    schema: {
      example: {
        items: [
          { annee: 2024, heuresRealisees: 412300.5, etp: 256.57, salaries: 1102, entreprises: 160, operations: 41, donneursOrdre: 12, sortiesPositives: 183 },
          { annee: 2025, heuresRealisees: 464855, etp: 289.27, salaries: 1239, entreprises: 179, operations: 44, donneursOrdre: 13, sortiesPositives: 201 },
        ],
        fraicheur: { position: 51234, retard: 0 },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'REQUETE_INVALIDE : de ou a absent ou hors de 2000 à 2100 ; PERIODE_INVALIDE : de après a, ou plus de 50 années.' })
  @ApiServiceUnavailableResponse({ description: 'LECTURE_EN_RETARD, PROJECTION_EN_ERREUR : comme pour /indicateurs.' })
  serie(@Query() dto: SerieDto, @PorteeDeLAppelant() portee: Portee): Promise<SerieVue> {
    return this.queries.execute(new LireSerie(dto, portee));
  }
}
