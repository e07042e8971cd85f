import { Controller, Get, HttpStatus, Param, Post, Query, Req, Res, ServiceUnavailableException, StreamableFile, UnprocessableEntityException, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { modeleCsv, modeleXlsx } from '@suivi/imports';
import { Autorise } from '../acces/acces.decorators';
import type { RequeteAuthentifiee } from '../acces/appelant';
import { ErreurApi } from '../errors/api-error';
import { callerOf } from '../request-context/request-context';
import { uuidPipe } from '../validation/uuid.pipe';
import { ImportHeuresDto, ImportVue, ListeErreursImport, ListeImports, PageDto, type ImportVue as Vue } from './imports.dto';
import { ImportsService } from './imports.service';
import { CHAMP_FICHIER, remettre, TAILLE_MAX_FICHIER, Televersement } from './televersement';

export const CHEMIN_IMPORT_HEURES = '/api/imports/heures';

const TYPE_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('heures')
  @Autorise('ecrire')
  @UseInterceptors(Televersement)
  @ApiOperation({
    summary:
      "Importer les heures du mois d'un tableur (CSV français ou XLSX, colonnes du modèle) : tout est vérifié avant d'enregistrer quoi que ce soit ; avec ?simulation=true, rien n'est enregistré",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: [CHAMP_FICHIER], properties: { [CHAMP_FICHIER]: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: ImportVue, description: 'Simulation terminée : les erreurs par ligne et colonne, et ce qui serait enregistré.' })
  @ApiCreatedResponse({ type: ImportVue, description: 'Import enregistré (ou enregistré partiellement : voir etat).' })
  @ApiAcceptedResponse({ type: ImportVue, description: "Gros fichier : l'import continue ; l'en-tête Location donne où le suivre." })
  @ApiUnprocessableEntityResponse({
    type: ErreurApi,
    description: `IMPORT_REFUSE : des lignes sont en erreur (details : le rapport, erreurs par ligne et colonne), rien n'est enregistré ; FICHIER_ILLISIBLE, FICHIER_VIDE, FICHIER_COLONNES_MANQUANTES, FICHIER_COLONNE_EN_DOUBLE, FICHIER_TROP_DE_LIGNES : le fichier entier. 413 FICHIER_TROP_VOLUMINEUX au-delà de ${TAILLE_MAX_FICHIER / 1024 / 1024} Mo.`,
  })
  async importer(@Req() request: RequeteAuthentifiee, @Query() dto: ImportHeuresDto, @Res({ passthrough: true }) response: Response): Promise<Vue> {
    const fichier = remettre(request.file!);
    const vue = await this.imports.importer({ chemin: fichier.path, nom: nomDuFichier(fichier.originalname) }, dto.simulation === 'true', callerOf(request));
    // Not the file's fault: the service failed before recording anything; the same file may be sent again.
    if (vue.etat === 'interrompu') throw new ServiceUnavailableException({ code: 'IMPORT_INTERROMPU', message: vue.probleme?.message ?? '', details: vue });
    if (vue.probleme) throw new UnprocessableEntityException({ code: vue.probleme.code, message: vue.probleme.message, details: vue });
    if (vue.progression) {
      response.status(HttpStatus.ACCEPTED).setHeader('Location', `/api/imports/${vue.id}`);
      return vue;
    }
    if (vue.simulation) {
      response.status(HttpStatus.OK);
      return vue;
    }
    if (vue.etat === 'refuse') {
      throw new UnprocessableEntityException({
        code: 'IMPORT_REFUSE',
        message: `Le fichier contient ${vue.erreursTotal} erreur(s) : rien n'a été enregistré. Corrigez les lignes indiquées, puis importez le fichier à nouveau.`,
        details: vue,
      });
    }
    response.status(HttpStatus.CREATED);
    return vue;
  }

  @Get('heures/modele.csv')
  @Autorise('ecrire')
  @ApiOperation({ summary: "Le modèle CSV du fichier d'heures (UTF-8, point-virgule), avec une ligne d'exemple par façon d'identifier un placement" })
  @ApiProduces('text/csv')
  modeleCsv(): StreamableFile {
    return new StreamableFile(modeleCsv(), { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="modele-heures.csv"' });
  }

  @Get('heures/modele.xlsx')
  @Autorise('ecrire')
  @ApiOperation({ summary: "Le modèle XLSX du fichier d'heures, avec son mode d'emploi colonne par colonne" })
  @ApiProduces(TYPE_XLSX)
  async modeleXlsx(): Promise<StreamableFile> {
    return new StreamableFile(await modeleXlsx(), { type: TYPE_XLSX, disposition: 'attachment; filename="modele-heures.xlsx"' });
  }

  @Get()
  @Autorise('ecrire')
  @ApiOperation({ summary: 'Les imports, du plus récent au plus ancien' })
  @ApiOkResponse({ type: ListeImports })
  lister(@Query() dto: PageDto): Promise<ListeImports> {
    return this.imports.lister(dto.page ?? 1, dto.taillePage ?? 50);
  }

  @Get(':id')
  @Autorise('ecrire')
  @ApiOperation({ summary: "Un import : son état, sa progression, ses compteurs et ses erreurs (les 1 000 premières)" })
  @ApiOkResponse({ type: ImportVue })
  lire(@Param('id', uuidPipe) id: string): Promise<Vue> {
    return this.imports.vue(id);
  }

  @Get(':id/erreurs')
  @Autorise('ecrire')
  @ApiOperation({ summary: "Toutes les erreurs d'un import, par ligne et colonne, page par page" })
  @ApiOkResponse({ type: ListeErreursImport })
  erreurs(@Param('id', uuidPipe) id: string, @Query() dto: PageDto): Promise<ListeErreursImport> {
    return this.imports.erreurs(id, dto.page ?? 1, dto.taillePage ?? 50);
  }
}

/** Multipart file names arrive decoded as Latin-1 (busboy's default): give UTF-8 names their accents back. */
function nomDuFichier(nom: string): string {
  const utf8 = Buffer.from(nom, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? nom : utf8;
}
