import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DateDto } from '../read-side/read-query.dto';
import { uuidPipe } from '../validation/uuid.pipe';
import { ListeMarchesDto } from './conformite.dto';
import { LireConformite, ListerMarches, type ConformiteVue, type ListeMarchesVue } from './conformite.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';

const DEFINITION = `heuresAttendues = heuresPrevues (après avenants) × jours écoulés depuis dateDebut (bornes incluses) / durée de la période.
Statut d'un marché en cours : en_avance au-delà de heuresAttendues × (1 + tolérance), en_retard en deçà de heuresAttendues × (1 − tolérance), conforme entre les deux (tolérance CONFORMITE_TOLERANCE, 10 % par défaut).
Marché clôturé à la date : atteint si heuresRealisees ≥ heuresPrevues, sinon non_atteint ; heuresManquantes = heuresPrevues − heuresRealisees (base des pénalités). En cours : heuresManquantes = heuresAttendues − heuresRealisees, jamais négatif.
heuresRealisees compte les mois jusqu'à celui de la date et, pour un marché clôturé, jusqu'au mois de la clôture : les heures des mois suivants (déclarées en concurrence avec la clôture, ou clôture datée après coup) sont données à part dans heuresApresCloture ; elles restent comptées dans /indicateurs et /bilans, où les heures travaillées sont comptées.
heuresPrevues et dateFin sont les termes en vigueur à la date : un avenant s'applique à partir du jour où il est conclu (Europe/Paris) ; une date antérieure garde les termes d'avant.
La même définition (conformiteALaDate) sert /marches/{id}/conformite, /marches, /coordination-regionale et /bilans.`;

@ApiTags('conformité')
@Controller('marches')
export class ConformiteController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Autorise('lireMarches')
  @ApiOperation({ summary: 'Les marchés avec leur conformité, filtrés, triés et paginés', description: DEFINITION })
  @ApiOkResponse({ schema: { example: { items: [{ id: '…', numero: '2025-BTP-017', statut: 'conforme', tauxRealisation: 0.52 }], total: 1, page: 1, taillePage: 50 } } })
  lister(@Query() dto: ListeMarchesDto, @PorteeDeLAppelant() portee: Portee): Promise<ListeMarchesVue> {
    return this.queries.execute(new ListerMarches(dto, portee));
  }

  @Get(':id/conformite')
  @Autorise('lireMarches')
  @ApiOperation({ summary: "La conformité d'un marché à une date (aujourd'hui par défaut)", description: DEFINITION })
  @ApiOkResponse({
    schema: {
      example: { marcheId: '…', heuresPrevues: 3425, heuresRealisees: 1800, tauxRealisation: 0.5255, heuresAttendues: 1712.5, statut: 'conforme', heuresManquantes: 0 },
    },
  })
  conformite(@Param('id', uuidPipe) id: string, @Query() dto: DateDto, @PorteeDeLAppelant() portee: Portee): Promise<ConformiteVue> {
    return this.queries.execute(new LireConformite(id, dto, portee));
  }
}
