import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../core/errors.ts';

/**
 * Parsers for numeric command-line options, shared by every command so that one option means the
 * same everywhere. The commander parsers (`.option(flag, text, positiveInt)`) make a bad value a
 * usage error: exit 2 with the command's help.
 */

const isPositiveInt = (n: number) => Number.isInteger(n) && n > 0;

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!isPositiveInt(n)) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/**
 * The same check for an option read after commander (as `glance analyze` does): a ConfigError that
 * names the option (exit 2, no help).
 */
export function positiveIntOption(value: string, option: string): number {
  const n = Number(value);
  if (!isPositiveInt(n)) throw new ConfigError(`${option} must be a positive integer, got "${value}"`);
  return n;
}
