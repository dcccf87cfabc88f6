// Flag parsing shared by several verbs (kubectl's flag names and error wording).
import { UsageError } from '../util/errors.js';
import type { ValidateMode } from '../api/validate.js';

export type DryRun = 'none' | 'client' | 'server';

/** --dry-run[=none|client|server]; a bare --dry-run means client, as kubectl's deprecated boolean form. */
export function parseDryRun(v: string | boolean | undefined): DryRun {
  if (v === undefined || v === false || v === 'none' || v === 'false') return 'none';
  if (v === true || v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  throw new UsageError(`Invalid dry-run value (${String(v)}). Must be "none", "server", or "client".`);
}

/** --validate=strict|warn|ignore (true = strict, false = ignore), as kubectl 1.25+. */
export function parseValidate(v: string | boolean | undefined): ValidateMode {
  if (v === undefined || v === true || v === 'true' || v === 'strict') return 'strict';
  if (v === 'warn') return 'warn';
  if (v === false || v === 'false' || v === 'ignore') return 'ignore';
  throw new UsageError(`invalid - validate option "${String(v)}"; must be one of: strict (or true), warn, ignore (or false)`);
}

/** Collects a repeatable option (`-f a -f b`, `-f a,b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}

export function dryRunSuffix(d: DryRun): string {
  return d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '';
}

/**
 * Go-style durations as kubectl flags take them: 30s, 1m30s, 2h, 500ms, 1.5h, -1s; a bare number is seconds.
 * Throws UsageError(`invalid duration "x"`).
 */
export function parseDurationMs(s: string): number {
  if (/^[+-]?\d+$/.test(s)) return Number(s) * 1000;
  const m = /^([+-]?)(.*)$/.exec(s)!;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (let x = re.exec(body); x; x = re.exec(body)) {
    total += Number(x[1]) * unit[x[2]!]!;
    consumed = re.lastIndex;
  }
  if (body === '' || consumed !== body.length) throw new UsageError(`invalid duration "${s}"`);
  return sign * total;
}

/** pflag's wording for a bad flag value: `invalid argument "x" for "--timeout" flag: ...`. */
const badFlag = (flag: string, v: string, why: string): UsageError => new UsageError(`invalid argument "${v}" for "${flag}" flag: ${why}`);

/** A duration flag (`--timeout=30s`); `dflt` when absent. `flag` is how pflag names it ("--timeout"). */
export function parseDurationFlag(flag: string, v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  try {
    return parseDurationMs(String(v));
  } catch {
    throw badFlag(flag, String(v), `time: invalid duration "${String(v)}"`);
  }
}

/** An integer flag (`--replicas=3`); `dflt` when absent. */
export function parseIntFlag(flag: string, v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const s = String(v);
  if (!/^[+-]?\d+$/.test(s)) throw badFlag(flag, s, `strconv.ParseInt: parsing "${s}": invalid syntax`);
  return Number(s);
}

/** A boolean flag that may carry a value (`--watch=false`); `dflt` when absent, true when bare. */
export function parseBoolFlag(flag: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (v === true || v === false) return v;
  const s = String(v);
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw badFlag(flag, s, `strconv.ParseBool: parsing "${s}": invalid syntax`);
}
