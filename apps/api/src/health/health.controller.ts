import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetReadiness, type Readiness } from './readiness.query';

@ApiTags('santé')
@Controller()
export class HealthController {
  constructor(private readonly queries: QueryBus) {}

  @Get('health')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Vivacité : le processus répond.' })
  @ApiOkResponse({ schema: { example: { statut: 'ok' } } })
  health(): { statut: 'ok' } {
    return { statut: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: "Disponibilité : base de données et magasin d'événements joignables, retard de chaque projection.",
  })
  @ApiOkResponse({
    schema: {
      example: {
        pret: true,
        baseDeDonnees: 'ok',
        magasinEvenements: 'ok',
        projections: [{ name: 'stream-type-counts', position: 1200, lag: 0, running: true }],
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'La base de données ou le magasin d’événements ne répond pas.' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = await this.queries.execute(new GetReadiness());
    if (!readiness.pret) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }
}
