import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { ListeOperationsDto, ListeOperationsVue, OperationVue, OuvrirOperationDto } from './operations.dto';
import { LireOperation, ListerOperations, OuvrirOperationCommand } from './operations.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';

@ApiTags('opérations')
@Controller('operations')
export class OperationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Ouvrir une opération (projet regroupant des marchés) pour un donneur d'ordre" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  ouvrir(@Body() dto: OuvrirOperationDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new OuvrirOperationCommand(dto, context));
  }

  @Get()
  @Autorise('lireMarches')
  @ApiOperation({
    summary: "Les opérations (nom et commune cherchés sans accents ni casse), d'un donneur d'ordre ou de tous, paginées, avec leur nombre de marchés ; un acheteur : celles de son donneur d'ordre seulement",
  })
  @ApiOkResponse({ type: ListeOperationsVue })
  lister(@Query() dto: ListeOperationsDto, @PorteeDeLAppelant() portee: Portee): Promise<ListeOperationsVue> {
    return this.queries.execute(new ListerOperations(dto, portee));
  }

  @Get(':id')
  @Autorise('lireMarches')
  @ApiOperation({ summary: 'Une opération, reconstruite depuis son flux' })
  @ApiOkResponse({ type: OperationVue })
  lire(@Param('id', uuidPipe) id: string, @PorteeDeLAppelant() portee: Portee): Promise<OperationVue> {
    return this.queries.execute(new LireOperation(id, portee));
  }
}
