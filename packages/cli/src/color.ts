/**
 * One place decides colour, in this order: `--color` / `--no-color`, then `NO_COLOR` (any
 * non-empty value disables colour), then `FORCE_COLOR` (enables it unless `0`/`false`), then
 * whether the output stream is a terminal. chalk does not read NO_COLOR by itself, so runlog
 * hands chalk an explicit level.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorInputs {
  /** `true` for --color, `false` for --no-color, undefined when neither was given. */
  flag: boolean | undefined;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

export function decideColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return isTTY;
}

export function chalkFor(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
