import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { CATEGORIES_PERSONNES_EN_EMPLOI_PAR_DEFAUT, CATEGORIES_SORTIE, HEURES_PAR_ETP, type CategorieSortie } from '@suivi/domain';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (['true', '1', 'yes'].includes(value.toLowerCase()) ? true : ['false', '0', 'no'].includes(value.toLowerCase()) ? false : value) : value;

/** An integer setting from min to max, `fallback` when unset; the message names the variable. */
function EntierEntre(min: number, max: number, fallback: number) {
  const message = `$property must be an integer from ${min} to ${max}`;
  return applyDecorators(Transform(({ value }) => Number(value ?? fallback)), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

const MESSAGE_HEURES_PAR_ETP = 'HEURES_PAR_ETP must be an integer number of hours from 1000 to 2500 (hours of one full-time equivalent a year, 1607 by default)';

const MESSAGE_CATEGORIES = `PERSONNES_EN_EMPLOI_CATEGORIES must be a comma-separated list of distinct exit categories among ${CATEGORIES_SORTIE.join(', ')}`;

/**
 * Every environment variable the service reads, with its default. Validated at start:
 * a wrong value stops the process with a message naming the variable.
 */
export class AppConfig {
  @Transform(({ value }) => Number(value ?? 3000))
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_PG_DATA_DIR: string = './.data/postgres';

  /** Where the service keeps what it generates for itself outside production (the token signing secret). */
  @IsString()
  DATA_DIR: string = './.data';

  /**
   * Unset (undefined): 54329, or a free port when another server holds it (the embedded server's
   * folder remembers it). Set: exactly this port, or a clear error when it is taken.
   */
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT?: number;

  @IsIn(['postgres', 'eventstoredb'], { message: 'EVENT_STORE must be postgres or eventstoredb' })
  EVENT_STORE: 'postgres' | 'eventstoredb' = 'postgres';

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'eventstoredb')
  // Only the schemes @eventstore/db-client 6 parses: a kurrentdb:// URL would pass here and fail at connection.
  @Matches(/^esdb(\+discover)?:\/\/.+/, {
    message: 'EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string when EVENT_STORE=eventstoredb',
  })
  EVENTSTORE_URL?: string;

  @Transform(toBoolean)
  @IsBoolean({ message: 'PROJECTORS_IN_PROCESS must be true or false' })
  PROJECTORS_IN_PROCESS: boolean = true;

  @Transform(({ value }) => Number(value ?? 500))
  @IsInt()
  @Min(1)
  @Max(10_000)
  PROJECTION_BATCH_SIZE: number = 500;

  /** Tolerance of the compliance status (0.1: within ±10 % of the expected hours is `conforme`). */
  @Transform(({ value }) => Number(value ?? 0.1))
  @IsNumber({}, { message: 'CONFORMITE_TOLERANCE must be a number between 0 and 1' })
  @Min(0, { message: 'CONFORMITE_TOLERANCE must be a number between 0 and 1' })
  @Max(1, { message: 'CONFORMITE_TOLERANCE must be a number between 0 and 1' })
  CONFORMITE_TOLERANCE: number = 0.1;

  /**
   * The exit categories counted as "personnes en emploi" (indicators and the funder's objective
   * in the yearly report), comma-separated: `emploi_durable` by default.
   */
  @Transform(({ value }) =>
    typeof value === 'string' ? value.split(',').map((c) => c.trim()) : (value ?? [...CATEGORIES_PERSONNES_EN_EMPLOI_PAR_DEFAUT]),
  )
  @IsArray({ message: MESSAGE_CATEGORIES })
  @ArrayNotEmpty({ message: MESSAGE_CATEGORIES })
  @ArrayUnique({ message: MESSAGE_CATEGORIES })
  @IsIn(CATEGORIES_SORTIE, { each: true, message: MESSAGE_CATEGORIES })
  PERSONNES_EN_EMPLOI_CATEGORIES: CategorieSortie[] = [...CATEGORIES_PERSONNES_EN_EMPLOI_PAR_DEFAUT];

  /**
   * Hours of one full-time equivalent over a year: every ETP figure (/indicateurs, the coordination's,
   * the yearly report, the series) is hours / HEURES_PAR_ETP, 1607 by default.
   */
  @Transform(({ value }) => (value === undefined ? HEURES_PAR_ETP : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value))
  @IsInt({ message: MESSAGE_HEURES_PAR_ETP })
  @Min(1000, { message: MESSAGE_HEURES_PAR_ETP })
  @Max(2500, { message: MESSAGE_HEURES_PAR_ETP })
  HEURES_PAR_ETP: number = HEURES_PAR_ETP;

  /** How long a read with `?apres=<position>` waits for the projection before answering 503. */
  @Transform(({ value }) => Number(value ?? 2000))
  @IsInt()
  @Min(0)
  @Max(60_000)
  LECTURE_ATTENTE_MS: number = 2000;

  /** Projections this process runs (comma-separated names), all by default. */
  @IsOptional()
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'PROJECTIONS must be a comma-separated list of projection names' })
  PROJECTIONS?: string;

  /** `production` makes a missing or weak AUTH_SECRET stop the service at start. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /**
   * Signs the sign-in tokens (HS256). Unset outside production: generated once and kept in the
   * data folder (next to the embedded PostgreSQL's), so that tokens survive a restart.
   */
  @IsOptional()
  @IsString()
  AUTH_SECRET?: string;

  /**
   * The master key (32 bytes, base64) that wraps each salarié's own key. Unset outside
   * production: generated once into DATA_DIR. Losing it makes every identity unreadable; keep it
   * apart from the database backups.
   */
  @IsOptional()
  @IsString()
  PERSONAL_DATA_KEY?: string;

  /** How long a sign-in token lasts, in seconds (1 hour by default). */
  @EntierEntre(60, 86_400, 3600)
  AUTH_TOKEN_TTL_SECONDS: number = 3600;

  /** Whether admins see salariés' identities (facilitatrices always do, other roles never). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'ADMIN_SEES_IDENTITIES must be true or false' })
  ADMIN_SEES_IDENTITIES: boolean = false;

  /** Counts of people under this threshold are masked for callers who do not see identities. */
  @EntierEntre(2, 100, 5)
  SMALL_GROUP_THRESHOLD: number = 5;

  /** Origins allowed to call the API from a browser (comma-separated); none by default (CORS closed). */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((o) => o.trim()).filter((o) => o !== '') : (value ?? [])))
  @IsArray()
  @Matches(/^https?:\/\/[^/\s]+$/, { each: true, message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://suivi.example.fr' })
  CORS_ORIGINS: string[] = [];

  /** Sign-in attempts allowed per client address and identifiant each minute (brute force). */
  @EntierEntre(1, 10_000, 10)
  RATE_LIMIT_SIGNIN_PER_MINUTE: number = 10;

  /** Sign-in attempts allowed per client address each minute, whatever the identifiant (each costs a slow hash). */
  @EntierEntre(1, 100_000, 60)
  RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: number = 60;

  /**
   * How many reverse proxies stand in front of the api (0: none). The client address (rate limits,
   * refusal logs) is then read from X-Forwarded-For, that many hops back; never trust more hops
   * than there are proxies, or any client could choose its address.
   */
  @EntierEntre(0, 10, 0)
  TRUST_PROXY_HOPS: number = 0;

  /** Writes allowed per user each second (a script or an import at normal pace never reaches it). */
  @EntierEntre(1, 100_000, 100)
  RATE_LIMIT_WRITES_PER_SECOND: number = 100;

  /** Reads allowed per user each second. */
  @EntierEntre(1, 100_000, 200)
  RATE_LIMIT_READS_PER_SECOND: number = 200;

  /**
   * How long `POST /api/imports/heures` waits for its import to finish before answering 202 with
   * the job to follow (`GET /api/imports/{id}`): most monthly files take a second or two.
   */
  @EntierEntre(0, 600, 20)
  IMPORT_WAIT_SECONDS: number = 20;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL: string = 'info';
}

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Builds the config from an environment (empty strings count as unset). */
export function validateConfig(env: Record<string, unknown>): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidConfigError(
      errors.map((e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  return config;
}
