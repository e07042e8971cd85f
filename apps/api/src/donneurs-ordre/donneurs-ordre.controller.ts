import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { ResultatEcriture } from '../write-side/write-result';
import { DonneurOrdreVue, EnregistrerDonneurOrdreDto } from './donneurs-ordre.dto';
import { EnregistrerDonneurOrdreCommand, LireDonneurOrdre } from './donneurs-ordre.handlers';
import { uuidPipe } from '../validation/uuid.pipe';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';

@ApiTags("donneurs d'ordre")
@Controller('donneurs-ordre')
export class DonneursOrdreController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Enregistrer un donneur d'ordre (acheteur)" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  enregistrer(@Body() dto: EnregistrerDonneurOrdreDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new EnregistrerDonneurOrdreCommand(dto, context));
  }

  @Get(':id')
  @Autorise('lireMarches')
  @ApiOperation({ summary: "Un donneur d'ordre, reconstruit depuis son flux" })
  @ApiOkResponse({ type: DonneurOrdreVue })
  lire(@Param('id', uuidPipe) id: string, @PorteeDeLAppelant() portee: Portee): Promise<DonneurOrdreVue> {
    return this.queries.execute(new LireDonneurOrdre(id, portee));
  }
}
