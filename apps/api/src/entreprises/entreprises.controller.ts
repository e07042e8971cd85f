import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { EnregistrerEntrepriseDto, EntrepriseVue, ListeEntreprisesDto, ListeEntreprisesVue } from './entreprises.dto';
import { EnregistrerEntrepriseCommand, LireEntreprise, ListerEntreprises } from './entreprises.handlers';
import { Autorise } from '../acces/acces.decorators';

@ApiTags('entreprises')
@Controller('entreprises')
export class EntreprisesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Enregistrer une entreprise ou une structure d'insertion (SIRET unique et vérifié)" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  enregistrer(@Body() dto: EnregistrerEntrepriseDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new EnregistrerEntrepriseCommand(dto, context));
  }

  @Get()
  @Autorise('lireReferentiel')
  @ApiOperation({
    summary: 'Les entreprises, cherchées (raison sociale sans accents ni casse, ou début de SIRET/SIREN), filtrées, triées et paginées',
  })
  @ApiOkResponse({ type: ListeEntreprisesVue })
  lister(@Query() dto: ListeEntreprisesDto): Promise<ListeEntreprisesVue> {
    return this.queries.execute(new ListerEntreprises(dto));
  }

  @Get(':id')
  @Autorise('lireReferentiel')
  @ApiOperation({ summary: 'Une entreprise, reconstruite depuis son flux' })
  @ApiOkResponse({ type: EntrepriseVue })
  lire(@Param('id', uuidPipe) id: string): Promise<EntrepriseVue> {
    return this.queries.execute(new LireEntreprise(id));
  }
}
