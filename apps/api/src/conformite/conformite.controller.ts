import { Controller, Get, Headers, Param, Query, Res, type StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DateDto } from '../read-side/read-query.dto';
import { uuidPipe } from '../validation/uuid.pipe';
import { ListeMarchesDto, ReleveDto } from './conformite.dto';
import { EXPORT_MARCHES_MAX } from '../exports-xlsx/taille-export';
import { marchesEnXlsx } from './marches.xlsx';
import { groupesReleve, LireReleve, nomFichierReleve, releveEnCsv, releveEnXlsx, type ReleveVue } from './releve';
import { fichierXlsx, formatDemande, MIME_XLSX } from '../exports-xlsx/classeur';
import { ProjectionReader } from '../read-side/projection-reader';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import { ApiSecretStatistique, secretStatistique } from '../secret-statistique/secret-statistique.decorator';
import { LireConformite, ListerMarches, type ConformiteVue, type ListeMarchesVue } from './conformite.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';

const DEFINITION = `heuresAttendues = heuresPrevues (après avenants) × jours écoulés depuis dateDebut (bornes incluses) / durée de la période.
Statut d'un marché en cours : en_avance au-delà de heuresAttendues × (1 + tolérance), en_retard en deçà de heuresAttendues × (1 − tolérance), conforme entre les deux (tolérance CONFORMITE_TOLERANCE, 10 % par défaut).
Marché clôturé à la date : atteint si heuresRealisees ≥ heuresPrevues, sinon non_atteint ; heuresManquantes = heuresPrevues − heuresRealisees (base des pénalités). En cours : heuresManquantes = heuresAttendues − heuresRealisees, jamais négatif.
heuresRealisees compte les mois jusqu'à celui de la date et, pour un marché clôturé, jusqu'au mois de la clôture : les heures des mois suivants (déclarées en concurrence avec la clôture, ou clôture datée après coup) sont données à part dans heuresApresCloture ; elles restent comptées dans /indicateurs et /bilans, où les heures travaillées sont comptées.
heuresPrevues et dateFin sont les termes en vigueur à la date : un avenant s'applique à partir du jour où il est conclu (Europe/Paris) ; une date antérieure garde les termes d'avant.
La même définition (conformiteALaDate) sert /marches/{id}/conformite, /marches, /coordination-regionale et /bilans.`;

@ApiTags('conformité')
@Controller('marches')
export class ConformiteController {
  constructor(
    private readonly queries: QueryBus,
    private readonly reader: ProjectionReader,
  ) {}

  @Get()
  @Autorise('lireMarches')
  @ApiOperation({
    summary: 'Les marchés avec leur conformité, filtrés, triés et paginés',
    description: `${DEFINITION}\nAvec ?format=xlsx (ou Accept: ${MIME_XLSX}) : la liste entière (mêmes filtres, portée et tri ; page et taillePage ignorées) en une feuille « Marchés » d'un classeur XLSX, au plus ${EXPORT_MARCHES_MAX} lignes (au-delà : 422 EXPORT_TROP_VOLUMINEUX).`,
  })
  @ApiProduces('application/json', MIME_XLSX)
  @ApiOkResponse({ schema: { example: { items: [{ id: '…', numero: '2025-BTP-017', statut: 'conforme', tauxRealisation: 0.52 }], total: 1, page: 1, taillePage: 50 } } })
  async lister(
    @Query() dto: ListeMarchesDto,
    @PorteeDeLAppelant() portee: Portee,
    @Headers('accept') accept: string | undefined,
  ): Promise<ListeMarchesVue | StreamableFile> {
    const { format, ...criteres } = dto;
    if (formatDemande(format, accept, false) !== 'xlsx') return this.queries.execute(new ListerMarches(criteres, portee));
    const liste = await this.queries.execute(new ListerMarches(criteres, portee, true));
    return fichierXlsx(`marches-${liste.date}.xlsx`, await marchesEnXlsx(liste, this.reader.dataSource.manager));
  }

  @Get(':id/releve')
  @Autorise('lireMarches')
  @ApiOperation({
    summary: "Le relevé mensuel d'un marché : ses heures déclarées (après corrections) par mois, et par personne et par mois pour qui voit les identités",
    description: `JSON par défaut ; ?format=csv (ou Accept: text/csv) : CSV français (UTF-8 avec BOM, ;, virgule décimale, mois MM/AAAA, CRLF), le tableau par mois puis, pour qui voit les identités, après une ligne vide, le tableau par personne ; ?format=xlsx (ou Accept: ${MIME_XLSX}) : classeur XLSX, feuilles « Par mois » et, pour qui voit les identités, « Par personne ». Le nombre de salariés d'un mois est un effectif de personnes (secret statistique) ; les heures n'en sont pas. Un marché d'un autre donneur d'ordre répond 404 comme un identifiant inconnu.`,
  })
  @ApiProduces('application/json', 'text/csv', MIME_XLSX)
  @ApiSecretStatistique(['mois[0].salaries'])
  @ApiOkResponse({
    schema: {
      example: { marcheId: '…', numero: '2025-BTP-017', heuresTotal: 360.5, mois: [{ mois: '2025-03', heures: 220.5, salaries: 2 }], parPersonne: [{ salarieId: '…', nom: 'Durand', prenom: 'Alex', efface: false, mois: '2025-03', heures: 120.5 }] },
    },
  })
  async releve(
    @Param('id', uuidPipe) id: string,
    @Query() dto: ReleveDto,
    @PorteeDeLAppelant() portee: Portee,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AvecSecret<ReleveVue> | string | StreamableFile> {
    const releve = secretStatistique(await this.queries.execute(new LireReleve(id, dto.apres, portee)), groupesReleve, portee);
    const format = formatDemande(dto.format, accept, true);
    if (format === 'xlsx') return fichierXlsx(nomFichierReleve(releve, 'xlsx'), await releveEnXlsx(releve));
    if (format === 'csv') {
      response.type('text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="${nomFichierReleve(releve, 'csv')}"`);
      return releveEnCsv(releve);
    }
    return releve;
  }

  @Get(':id/conformite')
  @Autorise('lireMarches')
  @ApiOperation({ summary: "La conformité d'un marché à une date (aujourd'hui par défaut)", description: DEFINITION })
  @ApiOkResponse({
    schema: {
      example: { marcheId: '…', heuresPrevues: 3425, heuresRealisees: 1800, tauxRealisation: 0.5255, heuresAttendues: 1712.5, statut: 'conforme', heuresManquantes: 0 },
    },
  })
  conformite(@Param('id', uuidPipe) id: string, @Query() dto: DateDto, @PorteeDeLAppelant() portee: Portee): Promise<ConformiteVue> {
    return this.queries.execute(new LireConformite(id, dto, portee));
  }
}
