export * from './command-context';
export * from './command-executor';
export * from './deterministic-id';
export * from './idempotency/idempotency-store';
export { IdempotencyKeys1763900000003 } from './idempotency/idempotency.migration';
export * from './placement-streams';
