import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LectureDto } from '../read-side/read-query.dto';
import { AnneeDuChemin } from '../validation/annee-du-chemin';
import { COLONNES_CONSOLIDATION, DEFINITIONS_CONSOLIDATION } from './consolidation.colonnes';
import { consolidationEnCsv } from './consolidation.csv';
import { LireConsolidation, type ConsolidationVue } from './exports.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { groupesConsolidation } from '../secret-statistique/groupes';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import { ApiSecretStatistique, secretStatistique } from '../secret-statistique/secret-statistique.decorator';

const DESCRIPTION = `Les chiffres de l'année de toute l'équipe de facilitation, dans la forme que consolide un réseau national : une liste stable de colonnes { colonne, libelle, unite, valeur }, dans un ordre fixe, zéros compris (version 2 ; docs/consolidation.md).
Avec Accept: text/csv : une ligne par colonne, annee;colonne;libelle;unite;valeur (séparateur ;, virgule décimale, UTF-8 avec BOM), pour empiler les fichiers de plusieurs équipes ; une valeur masquée par le secret statistique y vaut « <5 » (le seuil).
Définitions des colonnes (mêmes définitions que /indicateurs) :
${DEFINITIONS_CONSOLIDATION}`;

@ApiTags('exports')
@Controller('exports')
export class ExportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('consolidation/:annee')
  @Autorise('exporterConsolidation')
  @ApiParam({ name: 'annee', type: Number, example: 2025, description: 'Année civile, de 2000 à 2100.' })
  @ApiOperation({ summary: "L'export annuel pour la consolidation nationale (heures, ETP, contrats, publics, maîtres d'ouvrage, marchés, entreprises, sorties)", description: DESCRIPTION })
  @ApiProduces('application/json', 'text/csv')
  @ApiSecretStatistique(['personnes_femmes', 'personnes_hommes'].map((code) => `colonnes[${COLONNES_CONSOLIDATION.findIndex((c) => c.code === code)}].valeur`))
  @ApiOkResponse({
    description: 'JSON par défaut ; CSV avec Accept: text/csv.',
    schema: {
      example: {
        annee: 2025,
        version: 1,
        colonnes: [
          { colonne: 'heures_insertion', libelle: "Heures d'insertion réalisées", unite: 'heures', valeur: 464855 },
          { colonne: 'etp', libelle: 'Équivalents temps plein', unite: 'etp', valeur: 289.27 },
        ],
        fraicheur: { position: 51234, retard: 0 },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    description:
      'LECTURE_EN_RETARD : la position demandée par apres n’est pas encore intégrée ; PROJECTION_EN_ERREUR : les chiffres sont arrêtés avant elle, sur un événement qu’ils ne peuvent pas intégrer.',
  })
  async lire(
    @AnneeDuChemin() annee: number,
    @Query() dto: LectureDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
    @PorteeDeLAppelant() portee: Portee,
  ): Promise<AvecSecret<ConsolidationVue> | string> {
    const vue = secretStatistique(await this.queries.execute(new LireConsolidation(annee, dto)), groupesConsolidation, portee);
    if (accept?.includes('text/csv')) {
      response.type('text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="consolidation-${annee}.csv"`);
      return consolidationEnCsv(vue);
    }
    return vue;
  }
}
