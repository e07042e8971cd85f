import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** Path ids are uuids: anything else is a 400 naming the parameter, not a 404. */
export const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new BadRequestException({
      code: 'IDENTIFIANT_INVALIDE',
      message: "L'identifiant dans l'URL doit être un uuid (par exemple 3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11).",
    }),
});
