import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { CorrigerDeclarationDto } from './declarations.dto';
import { CorrigerDeclarationCommand } from './declarations.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { ManquantesDto, ManquantesVue } from '../placements/placements.dto';
import { PlacementsLus } from '../placements/placements.queries';

@ApiTags('déclarations')
@Controller('declarations')
export class DeclarationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly lus: PlacementsLus,
  ) {}

  @Get('manquantes')
  @Autorise('lirePersonnes')
  @ApiOperation({
    summary: "Les déclarations manquantes d'un mois : les placements en cours ce mois-là sans déclaration pour lui",
    description:
      "Un placement compte s'il a commencé au plus tard le dernier jour du mois et n'a pas fini avant son premier jour. Nom et prénom pour qui voit les identités, null sinon.",
  })
  @ApiOkResponse({ type: ManquantesVue })
  manquantes(@Query() dto: ManquantesDto, @PorteeDeLAppelant() portee: Portee): Promise<ManquantesVue> {
    return this.lus.manquantes(dto, portee);
  }

  @Post(':id/corrections')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Corriger une déclaration : ses heures sont remplacées, avec un motif ; la réponse porte l’identifiant de la correction' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  corriger(@Param('id', uuidPipe) id: string, @Body() dto: CorrigerDeclarationDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new CorrigerDeclarationCommand(id, dto, context));
  }
}
