import { isResourceExhaustion, isUnavailability } from './unavailability';

/** What PostgreSQL's errors look like through pg, and through TypeORM (driverError). */
const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const typeormError = (code: string) => Object.assign(new Error('QueryFailedError'), { driverError: pgError(code) });

describe('why the database could not serve', () => {
  it('given a disk full, out of memory or a limit reached, when classified, then it is a lack of room, not an unavailability', () => {
    for (const code of ['53100', '53200', '53000', '53400']) {
      expect({ code, room: isResourceExhaustion(pgError(code)), wrapped: isResourceExhaustion(typeormError(code)), down: isUnavailability(pgError(code)) }).toEqual({
        code,
        room: true,
        wrapped: true,
        down: false,
      });
    }
  });

  it('given too many connections or a server going away, when classified, then it is an unavailability', () => {
    for (const code of ['53300', '57P01', '08006']) expect({ code, down: isUnavailability(typeormError(code)), room: isResourceExhaustion(pgError(code)) }).toEqual({ code, down: true, room: false });
  });

  it('given a refused statement (a constraint, a syntax error), when classified, then it is neither', () => {
    for (const code of ['23505', '42601', '22P02']) expect([isUnavailability(pgError(code)), isResourceExhaustion(pgError(code))]).toEqual([false, false]);
  });
});
