import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../acces/acces.decorators';
import { GetReadiness, type Readiness } from './readiness.query';

@ApiTags('santé')
@Controller()
export class HealthController {
  constructor(private readonly queries: QueryBus) {}

  @Get('health')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Vivacité : le processus répond.' })
  @ApiOkResponse({ schema: { example: { statut: 'ok' } } })
  health(): { statut: 'ok' } {
    return { statut: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary:
      "Disponibilité : base de données et magasin d'événements joignables, aucune projection arrêtée en erreur ; retard de chaque projection.",
  })
  @ApiOkResponse({
    schema: {
      example: {
        pret: true,
        baseDeDonnees: 'ok',
        magasinEvenements: 'ok',
        projections: [{ name: 'stream-type-counts', statut: 'ok', position: 1200, lag: 0, running: true, erreur: null }],
      },
    },
  })
  @ApiServiceUnavailableResponse({
    description:
      "La base de données ou le magasin d'événements ne répond pas (`indisponible`), ou une projection est arrêtée sur un événement qu'elle ne sait pas appliquer (`en_erreur`).",
    schema: {
      example: {
        pret: false,
        baseDeDonnees: 'ok',
        magasinEvenements: 'ok',
        projections: [
          {
            name: 'indicateurs',
            statut: 'en_erreur',
            position: 41,
            lag: 8,
            running: true,
            erreur: {
              position: 42,
              type: 'ObjectifsFixes',
              evenementId: '6f1c0d1e-8a4b-4e43-9a55-0d6c2b1f3a10',
              message: 'value "100000000000000000000" is out of range for type integer',
              depuis: '2025-11-24T09:12:03.120Z',
              dernierEssai: '2025-11-24T09:14:03.410Z',
              essais: 3,
            },
          },
        ],
      },
    },
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = await this.queries.execute(new GetReadiness());
    if (!readiness.pret) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }
}
