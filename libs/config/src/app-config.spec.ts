import { InvalidConfigError, validateConfig } from './app-config';

describe('validateConfig', () => {
  it('applies defaults to an empty environment', () => {
    const config = validateConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      EVENT_STORE: 'postgres',
      PROJECTORS_IN_PROCESS: true,
      EMBEDDED_PG_DATA_DIR: './.data/postgres',
      PROJECTION_BATCH_SIZE: 500,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads typed values', () => {
    const config = validateConfig({ PORT: '8080', PROJECTORS_IN_PROCESS: 'false', DATABASE_URL: 'postgres://u@h/db' });
    expect(config.PORT).toBe(8080);
    expect(config.PROJECTORS_IN_PROCESS).toBe(false);
    expect(config.DATABASE_URL).toBe('postgres://u@h/db');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'kafka' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_URL'],
    [{ PROJECTORS_IN_PROCESS: 'maybe' }, 'PROJECTORS_IN_PROCESS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PERSONNES_EN_EMPLOI_CATEGORIES: 'emploi_durable,cdi' }, 'PERSONNES_EN_EMPLOI_CATEGORIES'],
    [{ PERSONNES_EN_EMPLOI_CATEGORIES: ' , ' }, 'PERSONNES_EN_EMPLOI_CATEGORIES'],
    [{ PERSONNES_EN_EMPLOI_CATEGORIES: 'emploi_durable,emploi_durable' }, 'PERSONNES_EN_EMPLOI_CATEGORIES'],
    [{ HEURES_PAR_ETP: '999' }, 'HEURES_PAR_ETP'],
    [{ HEURES_PAR_ETP: '2501' }, 'HEURES_PAR_ETP'],
    [{ HEURES_PAR_ETP: '1607.5' }, 'HEURES_PAR_ETP'],
    [{ HEURES_PAR_ETP: '1,607' }, 'HEURES_PAR_ETP'],
    [{ HEURES_PAR_ETP: 'abc' }, 'HEURES_PAR_ETP'],
  ])('refuses %j and names %s', (env, variable) => {
    const error = (() => {
      try {
        validateConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toContain(variable);
  });

  it('reads the categories counted as people into employment: emploi_durable by default, or a comma-separated list', () => {
    expect(validateConfig({}).PERSONNES_EN_EMPLOI_CATEGORIES).toEqual(['emploi_durable']);
    expect(validateConfig({ PERSONNES_EN_EMPLOI_CATEGORIES: '' }).PERSONNES_EN_EMPLOI_CATEGORIES).toEqual(['emploi_durable']);
    expect(validateConfig({ PERSONNES_EN_EMPLOI_CATEGORIES: 'emploi_durable, emploi_transition' }).PERSONNES_EN_EMPLOI_CATEGORIES).toEqual([
      'emploi_durable',
      'emploi_transition',
    ]);
  });

  it('reads the hours of one ETP: 1607 by default, an integer from 1000 to 2500', () => {
    expect(validateConfig({}).HEURES_PAR_ETP).toBe(1607);
    expect(validateConfig({ HEURES_PAR_ETP: '' }).HEURES_PAR_ETP).toBe(1607);
    expect(validateConfig({ HEURES_PAR_ETP: '1600' }).HEURES_PAR_ETP).toBe(1600);
    expect(validateConfig({ HEURES_PAR_ETP: '1000' }).HEURES_PAR_ETP).toBe(1000);
    expect(validateConfig({ HEURES_PAR_ETP: '2500' }).HEURES_PAR_ETP).toBe(2500);
  });

  it('accepts an EventStoreDB connection string', () => {
    const config = validateConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' });
    expect(config.EVENTSTORE_URL).toBe('esdb://localhost:2113?tls=false');
  });

  it('accepts a cluster connection string and refuses a scheme the client cannot parse', () => {
    const cluster = 'esdb+discover://esdb-cluster:2113?tls=false&nodePreference=leader';
    expect(validateConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: cluster }).EVENTSTORE_URL).toBe(cluster);
    expect(() => validateConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'kurrentdb://localhost:2113' })).toThrow(/EVENTSTORE_URL/);
  });
});
