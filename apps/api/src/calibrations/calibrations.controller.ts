import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import {
  CalculerCalibrationDto,
  CalibrationCalculeeReponse,
  CalibrationLue,
  FixerCoutHoraireDto,
  FixerTauxMainOeuvreDto,
  TableMetiersVue,
} from './calibrations.dto';
import { CalculerCalibrationCommand, LireCalibration, LireTableMetiers, ModifierTableMetiersCommand } from './calibrations.handlers';
import { MetierDuChemin } from './metier-du-chemin';
import { Autorise } from '../acces/acces.decorators';

@ApiTags('calibrations')
@Controller('calibrations')
export class CalibrationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({
    summary: "Calculer les heures d'insertion à exiger d'un marché ou d'un lot",
    description:
      "heures = montantHT × partMainOeuvre × tauxInsertion ÷ coutHoraire, arrondi à l'heure la plus proche (une demi-heure monte), calculé exactement " +
      "(centimes et dix-millièmes entiers). La part vient de partMainOeuvre ou du métier donné (table GET /calibrations/metiers) ; le coût horaire, " +
      "de la demande ou de la table. La calibration est enregistrée avec tous ses facteurs : son id peut être repris dans POST /marches (calibrationId).",
  })
  @ApiCreatedResponse({ type: CalibrationCalculeeReponse })
  calculer(@Body() dto: CalculerCalibrationDto, @Contexte() context: CommandContext): Promise<CalibrationCalculeeReponse> {
    return this.commands.execute(new CalculerCalibrationCommand(dto, context));
  }

  // Declared before ':id': 'metiers' is not a uuid.
  @Get('metiers')
  @Autorise('lireReferentiel')
  @ApiOperation({
    summary: "La table des métiers : part de main-d'œuvre de chaque métier et coût horaire par défaut",
    description: "Valeurs de départ tant que l'équipe de facilitation ne les a pas changées (source defaut), sinon la dernière valeur fixée, par qui et quand.",
  })
  @ApiOkResponse({ type: TableMetiersVue })
  metiers(): Promise<TableMetiersVue> {
    return this.queries.execute(new LireTableMetiers());
  }

  @Put('metiers/:metier')
  @Autorise('ecrire')
  @HttpCode(HttpStatus.OK)
  @EcritureDocumentee()
  @ApiParam({ name: 'metier', example: 'peinture_interieure', description: 'Code du métier (minuscules sans accent, chiffres, _ ou -), nouveau ou existant.' })
  @ApiOperation({
    summary: "Fixer le libellé et la part de main-d'œuvre d'un métier (l'ajoute s'il n'existe pas) ; l'id rendu est le code du métier",
    description: 'Les calibrations suivantes utilisent la nouvelle part ; les calibrations déjà calculées gardent la leur. If-Match porte sur la révision de la table.',
  })
  @ApiOkResponse({ type: ResultatEcriture })
  fixerMetier(@MetierDuChemin() metier: string, @Body() dto: FixerTauxMainOeuvreDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(
      new ModifierTableMetiersCommand(metier, { type: 'FixerTauxMainOeuvre', metier, libelle: dto.libelle, partMainOeuvre: dto.partMainOeuvre }, context),
    );
  }

  @Put('cout-horaire')
  @Autorise('ecrire')
  @HttpCode(HttpStatus.OK)
  @EcritureDocumentee()
  @ApiOperation({ summary: "Fixer le coût horaire moyen de la main-d'œuvre appliqué par défaut ; l'id rendu est cout-horaire" })
  @ApiOkResponse({ type: ResultatEcriture })
  fixerCoutHoraire(@Body() dto: FixerCoutHoraireDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new ModifierTableMetiersCommand('cout-horaire', { type: 'FixerCoutHoraire', coutHoraire: dto.coutHoraire }, context));
  }

  @Get(':id')
  @Autorise('lireReferentiel')
  @ApiOperation({ summary: 'Une calibration, reconstruite depuis son flux' })
  @ApiOkResponse({ type: CalibrationLue })
  lire(@Param('id', uuidPipe) id: string): Promise<CalibrationLue> {
    return this.queries.execute(new LireCalibration(id));
  }
}
