import { Controller, Get, Headers, Query, type StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PeriodeEtDateDto } from '../read-side/read-query.dto';
import {
  CalculerIndicateursCoordination,
  ListerMarchesSuivis,
  MarchesSuivisDto,
  type IndicateursCoordinationVue,
  type MarchesSuivisVue,
} from './coordination-regionale.handlers';
import { marchesSuivisEnXlsx } from './marches-suivis.xlsx';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { EXPORT_MARCHES_MAX } from '../exports-xlsx/taille-export';
import { fichierXlsx, formatDemande, MIME_XLSX } from '../exports-xlsx/classeur';
import { FormatFichier } from '../exports-xlsx/format.dto';
import { groupesCoordination } from '../secret-statistique/groupes';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import { ApiSecretStatistique, SecretStatistique, secretStatistique } from '../secret-statistique/secret-statistique.decorator';

/** `GET /coordination-regionale/marches`: the list's query, and the file asked instead of JSON. */
export class MarchesSuivisFormatDto extends MarchesSuivisDto {
  @FormatFichier(['xlsx'])
  format?: 'xlsx';
}

/** The regional coordination's view: its own projection, only the marchés it follows now, no person. */
@ApiTags('coordination régionale')
@Controller('coordination-regionale')
export class CoordinationRegionaleController {
  constructor(private readonly queries: QueryBus) {}

  @Get('marches')
  @Autorise('lireCoordination')
  @ApiOperation({
    summary: 'Les marchés suivis par la coordination régionale, avec leur avancement et leur statut à la date',
    description: `Avec ?format=xlsx (ou Accept: ${MIME_XLSX}) : la liste entière (même date ; page et taillePage ignorées) en une feuille « Marchés suivis » d'un classeur XLSX, en-têtes en français, ligne d'en-tête figée, nombres et dates typés ; une case masquée par le secret statistique porte le texte « <5 » ; au plus ${EXPORT_MARCHES_MAX} lignes (au-delà : 422 EXPORT_TROP_VOLUMINEUX).`,
  })
  @ApiProduces('application/json', MIME_XLSX)
  // The statistical secrecy is applied here rather than by @SecretStatistique's interceptor: the file is built from the masked answer.
  @ApiSecretStatistique([])
  @ApiOkResponse({ schema: { example: { items: [{ id: '…', donneurOrdreNom: 'Région Bourgogne-Franche-Comté', statut: 'conforme' }], total: 23 } } })
  async marches(
    @Query() dto: MarchesSuivisFormatDto,
    @PorteeDeLAppelant() portee: Portee,
    @Headers('accept') accept: string | undefined,
  ): Promise<AvecSecret<MarchesSuivisVue> | StreamableFile> {
    const { format, ...criteres } = dto;
    const fichier = formatDemande(format, accept, false) === 'xlsx';
    const liste = secretStatistique(await this.queries.execute(new ListerMarchesSuivis(criteres, fichier)), groupesCoordination, portee);
    if (!fichier) return liste;
    return fichierXlsx(`marches-suivis-${liste.date}.xlsx`, await marchesSuivisEnXlsx(liste));
  }

  @Get('indicateurs')
  @Autorise('lireCoordination')
  @ApiOperation({ summary: 'Les totaux de la coordination : heures de la période (annee ou du/au) et statuts à la date, sur ses marchés suivis' })
  @SecretStatistique(groupesCoordination, [])
  indicateurs(@Query() dto: PeriodeEtDateDto): Promise<IndicateursCoordinationVue> {
    return this.queries.execute(new CalculerIndicateursCoordination(dto));
  }
}
