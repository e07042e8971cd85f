export * from './embedded-postgres';
export * from './database-connection';
export * from './migrations';
