import { InvalidArgumentError } from 'commander';

/** A command-line option that must be a positive integer. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}
