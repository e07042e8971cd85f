import { BadRequestException, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';

const parseUuid = new ParseUUIDPipe({
  exceptionFactory: () =>
    new BadRequestException({
      code: 'IDENTIFIANT_INVALIDE',
      message: "L'identifiant dans l'URL doit être un uuid (par exemple 3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11).",
    }),
});

/** Path ids are uuids (anything else is a 400, not a 404), in lower case: they name streams and rows. */
export const uuidPipe: PipeTransform<string, Promise<string>> = {
  transform: async (value, metadata) => (await parseUuid.transform(value, metadata)).toLowerCase(),
};
