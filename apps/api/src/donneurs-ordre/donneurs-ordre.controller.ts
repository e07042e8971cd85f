import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { ResultatEcriture } from '../write-side/write-result';
import { DonneurOrdreVue, EnregistrerDonneurOrdreDto, ListeDonneursOrdreDto, ListeDonneursOrdreVue } from './donneurs-ordre.dto';
import { EnregistrerDonneurOrdreCommand, LireDonneurOrdre, ListerDonneursOrdre } from './donneurs-ordre.handlers';
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

  @Get()
  @Autorise('lireMarches')
  @ApiOperation({
    summary: "Les donneurs d'ordre (nom cherché sans accents ni casse), filtrés, triés et paginés, avec leurs nombres d'opérations et de marchés ; un acheteur : le sien seulement",
  })
  @ApiOkResponse({ type: ListeDonneursOrdreVue })
  lister(@Query() dto: ListeDonneursOrdreDto, @PorteeDeLAppelant() portee: Portee): Promise<ListeDonneursOrdreVue> {
    return this.queries.execute(new ListerDonneursOrdre(dto, portee));
  }

  @Get(':id')
  @Autorise('lireMarches')
  @ApiOperation({ summary: "Un donneur d'ordre, reconstruit depuis son flux" })
  @ApiOkResponse({ type: DonneurOrdreVue })
  lire(@Param('id', uuidPipe) id: string, @PorteeDeLAppelant() portee: Portee): Promise<DonneurOrdreVue> {
    return this.queries.execute(new LireDonneurOrdre(id, portee));
  }
}
