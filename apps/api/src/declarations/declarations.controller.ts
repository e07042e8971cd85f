import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { CorrigerDeclarationDto } from './declarations.dto';
import { CorrigerDeclarationCommand } from './declarations.handlers';
import { Autorise } from '../acces/acces.decorators';

@ApiTags('déclarations')
@Controller('declarations')
export class DeclarationsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/corrections')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Corriger une déclaration : ses heures sont remplacées, avec un motif ; la réponse porte l’identifiant de la correction' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  corriger(@Param('id', uuidPipe) id: string, @Body() dto: CorrigerDeclarationDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new CorrigerDeclarationCommand(id, dto, context));
  }
}
