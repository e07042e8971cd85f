import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { anneePipe } from '../validation/annee.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { FixerObjectifsDto } from './objectifs.dto';
import { FixerObjectifsCommand } from './objectifs.handlers';

@ApiTags('objectifs')
@Controller('objectifs')
export class ObjectifsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':annee')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Fixer les objectifs du financeur pour une année (les fixer de nouveau remplace les précédents) ; l'id rendu est l'année" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  fixer(@Param('annee', anneePipe) annee: number, @Body() dto: FixerObjectifsDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new FixerObjectifsCommand(annee, dto, context));
  }
}
