import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { AnneeDuChemin } from '../validation/annee-du-chemin';
import { ResultatEcriture } from '../write-side/write-result';
import { FixerObjectifsDto } from './objectifs.dto';
import { FixerObjectifsCommand } from './objectifs.handlers';
import { Autorise } from '../acces/acces.decorators';

@ApiTags('objectifs')
@Controller('objectifs')
export class ObjectifsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':annee')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiParam({ name: 'annee', type: Number, example: 2025, description: 'Année civile, de 2000 à 2100.' })
  @ApiOperation({ summary: "Fixer les objectifs du financeur pour une année (les fixer de nouveau remplace les précédents) ; l'id rendu est l'année" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  fixer(@AnneeDuChemin() annee: number, @Body() dto: FixerObjectifsDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new FixerObjectifsCommand(annee, dto, context));
  }
}
