import { Controller, Get, Headers, Query, Res, type StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFINITIONS_INDICATEURS } from '../indicateurs/indicateurs.controller';
import { PerimetreBilanDto } from '../read-side/read-query.dto';
import { AnneeDuChemin } from '../validation/annee-du-chemin';
import { bilanEnCsv } from './bilan.csv';
import { bilanEnXlsx } from './bilan.xlsx';
import { fichierXlsx, formatDemande, MIME_XLSX } from '../exports-xlsx/classeur';
import { FormatFichier } from '../exports-xlsx/format.dto';
import { LireBilan, type BilanVue } from './bilans.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { groupesBilan } from '../secret-statistique/groupes';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import { ApiSecretStatistique, secretStatistique } from '../secret-statistique/secret-statistique.decorator';

export class BilanDto extends PerimetreBilanDto {
  @FormatFichier(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';
}

@ApiTags('bilans')
@Controller('bilans')
export class BilansController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':annee')
  @Autorise('lireIndicateurs')
  @ApiParam({ name: 'annee', type: Number, example: 2025, description: 'Année civile, de 2000 à 2100.' })
  @ApiOperation({
    summary: "Le bilan annuel : tous les indicateurs de l'année, les objectifs du financeur et leur atteinte, la conformité des marchés",
    description: `${DEFINITIONS_INDICATEURS}\nAvec Accept: text/csv, le même bilan pour un tableur français : libellés et valeurs en mots, séparateur ;, virgule décimale, pourcentages « 26,0 % », dates JJ/MM/AAAA, UTF-8 avec BOM, fins de ligne CRLF ; les chiffres de l'année (libellé, valeur) par rubriques, puis une ligne par marché, puis une ligne par opération.\nAvec Accept: ${MIME_XLSX} ou ?format=xlsx, un classeur XLSX : feuilles Synthèse, Publics, Entreprises (libellé, valeur par rubriques), Marchés, Opérations ; en-têtes en français, ligne d'en-tête figée, nombres et dates typés (formats # ##0, # ##0,00, 0,0 %, jj/mm/aaaa) ; une case masquée par le secret statistique porte le texte « <5 ».`,
  })
  @ApiProduces('application/json', 'text/csv', MIME_XLSX)
  @ApiSecretStatistique(['indicateurs.femmes', 'indicateurs.partFemmes', 'operations[0].salaries'])
  @ApiOkResponse({ description: 'JSON par défaut ; CSV avec Accept: text/csv ou ?format=csv ; XLSX avec Accept: ' + MIME_XLSX + ' ou ?format=xlsx.' })
  async lire(
    @AnneeDuChemin() annee: number,
    @Query() dto: BilanDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
    @PorteeDeLAppelant() portee: Portee,
  ): Promise<AvecSecret<BilanVue> | string | StreamableFile> {
    const { format, ...perimetre } = dto;
    const bilan = secretStatistique(await this.queries.execute(new LireBilan(annee, perimetre, portee)), groupesBilan, portee);
    const demande = formatDemande(format, accept, true);
    if (demande === 'xlsx') return fichierXlsx(`bilan-${annee}.xlsx`, await bilanEnXlsx(bilan));
    if (demande === 'csv') {
      response.type('text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="bilan-${annee}.csv"`);
      return bilanEnCsv(bilan);
    }
    return bilan;
  }
}
