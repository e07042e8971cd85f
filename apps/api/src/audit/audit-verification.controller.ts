import { Controller, Get, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Autorise } from '../acces/acces.decorators';
import { ErreurApi } from '../errors/api-error';
import { VerificationVue } from './audit-verification.dto';
import { AuditVerification } from './audit-verification.service';

const CHEMIN = '/api/audit/verification';

/**
 * The auditor's check that every read model is what the log says. Reading never starts one: a GET
 * stays cheap and safe to poll, and replaying the whole log is a deliberate act (POST), refused
 * while one runs.
 */
@ApiTags('audit')
@Controller('audit')
export class AuditVerificationController {
  constructor(private readonly verification: AuditVerification) {}

  @Get('verification')
  @Autorise('auditer')
  @ApiOperation({
    summary: 'La vérification des modèles de lecture en cours ou la dernière : état, progression, résultat (tables et lignes qui diffèrent du rejeu du journal)',
  })
  @ApiOkResponse({ type: VerificationVue })
  lire(): VerificationVue {
    return this.verification.lire();
  }

  @Post('verification')
  @Autorise('auditer')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Lancer une vérification : chaque projection est rejouée depuis le journal dans un schéma à part puis comparée ligne à ligne au modèle de lecture en service, en arrière-plan (suivre avec GET)',
  })
  @ApiAcceptedResponse({ type: VerificationVue, description: 'Vérification lancée ; l’en-tête Location donne où la suivre.' })
  @ApiConflictResponse({ type: ErreurApi, description: 'VERIFICATION_EN_COURS : une vérification est déjà en cours.' })
  async demarrer(@Res({ passthrough: true }) response: Response): Promise<VerificationVue> {
    const vue = await this.verification.demarrer();
    response.setHeader('Location', CHEMIN);
    return vue;
  }
}
