import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';

/** The largest timesheet taken: 50,000 rows of CSV are about 4 MB, of XLSX about 2 MB. */
export const TAILLE_MAX_FICHIER = 20 * 1024 * 1024;
export const CHAMP_FICHIER = 'fichier';

/**
 * Receives the one file of a multipart upload into the system's temporary folder (never whole in
 * memory), with every refusal in the API's error shape: multer's own errors carry no code of ours.
 */
export class Televersement implements NestInterceptor {
  private readonly upload = multer({
    storage: multer.diskStorage({ destination: tmpdir() }),
    limits: { fileSize: TAILLE_MAX_FICHIER, files: 1, fields: 10, parts: 12 },
  }).single(CHAMP_FICHIER);

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    if (!request.is('multipart/form-data')) {
      throw new UnsupportedMediaTypeException({
        code: 'TYPE_DE_CONTENU_NON_SUPPORTE',
        message: `Envoyez le fichier en multipart/form-data, dans le champ « ${CHAMP_FICHIER} ».`,
      });
    }
    await new Promise<void>((resolve, reject) => this.upload(request, response, (error: unknown) => (error ? reject(refus(error)) : resolve())));
    const fichier = request.file;
    if (!fichier) {
      throw new BadRequestException({
        code: 'FICHIER_MANQUANT',
        message: `Joignez le fichier d'heures (CSV ou XLSX) dans le champ « ${CHAMP_FICHIER} » du formulaire.`,
      });
    }
    // The route that takes the file over (`remettre`) deletes it once done; a request refused before
    // (a bad query parameter) must not leave it in the temporary folder.
    response.on('close', () => {
      if (!(fichier as Partial<FichierRemis>).remis) void rm(fichier.path, { force: true });
    });
    return next.handle();
  }
}

interface FichierRemis {
  remis: true;
}

/** The uploaded file, now the caller's to delete. */
export function remettre(fichier: Express.Multer.File): Express.Multer.File {
  (fichier as Express.Multer.File & FichierRemis).remis = true;
  return fichier;
}

function refus(error: unknown): Error {
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') {
      return new PayloadTooLargeException({
        code: 'FICHIER_TROP_VOLUMINEUX',
        message: `Le fichier dépasse ${TAILLE_MAX_FICHIER / 1024 / 1024} Mo : découpez-le (par exemple par employeur ou par mois) et importez chaque partie.`,
        details: { tailleMax: TAILLE_MAX_FICHIER },
      });
    }
    return new BadRequestException({
      code: 'FORMULAIRE_INVALIDE',
      message: `Le formulaire doit contenir un seul fichier, dans le champ « ${CHAMP_FICHIER} » (${error.code}).`,
    });
  }
  return new BadRequestException({ code: 'FORMULAIRE_INVALIDE', message: "Le formulaire envoyé est incomplet ou mal formé : renvoyez le fichier." });
}
