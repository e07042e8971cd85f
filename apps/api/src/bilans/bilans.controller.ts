import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFINITIONS_INDICATEURS } from '../indicateurs/indicateurs.controller';
import { PerimetreBilanDto } from '../read-side/read-query.dto';
import { AnneeDuChemin } from '../validation/annee-du-chemin';
import { bilanEnCsv } from './bilan.csv';
import { LireBilan, type BilanVue } from './bilans.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { groupesBilan } from '../secret-statistique/groupes';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import { ApiSecretStatistique, secretStatistique } from '../secret-statistique/secret-statistique.decorator';

@ApiTags('bilans')
@Controller('bilans')
export class BilansController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':annee')
  @Autorise('lireBilans')
  @ApiParam({ name: 'annee', type: Number, example: 2025, description: 'Année civile, de 2000 à 2100.' })
  @ApiOperation({
    summary: "Le bilan annuel : tous les indicateurs de l'année, les objectifs du financeur et leur atteinte, la conformité des marchés",
    description: `${DEFINITIONS_INDICATEURS}\nAvec Accept: text/csv, le même bilan pour un tableur français : libellés et valeurs en mots, séparateur ;, virgule décimale, pourcentages « 26,0 % », dates JJ/MM/AAAA, UTF-8 avec BOM, fins de ligne CRLF ; les chiffres de l'année (libellé, valeur) par rubriques, puis une ligne par marché, puis une ligne par opération.`,
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiSecretStatistique(['indicateurs.femmes', 'indicateurs.partFemmes', 'operations[0].salaries'])
  @ApiOkResponse({ description: 'JSON par défaut ; CSV avec Accept: text/csv.' })
  async lire(
    @AnneeDuChemin() annee: number,
    @Query() dto: PerimetreBilanDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
    @PorteeDeLAppelant() portee: Portee,
  ): Promise<AvecSecret<BilanVue> | string> {
    const bilan = secretStatistique(await this.queries.execute(new LireBilan(annee, dto)), groupesBilan, portee);
    if (accept?.includes('text/csv')) {
      response.type('text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="bilan-${annee}.csv"`);
      return bilanEnCsv(bilan);
    }
    return bilan;
  }
}
