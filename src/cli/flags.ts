// Flag parsing shared by several verbs (kubectl's flag names and error wording).
import type { Command } from 'commander';
import { UsageError } from '../util/errors.js';
import { KUSTOMIZE_MARK } from '../manifest/kustomize-mark.js';
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

/**
 * `-k, --kustomize DIR` for a verb that takes `-f`: the built kustomization joins the `-f` path (as a marked
 * filename entry), so the verb handles it as it handles files. `-f` and `-k` exclude each other, as in kubectl.
 */
export function kustomizeOption(cmd: Command): Command {
  return cmd
    .option('-k, --kustomize <dir>', "Process the kustomization directory. This flag can't be used together with -f or -R.")
    .hook('preAction', (c) => {
      const dir = c.getOptionValue('kustomize') as string | undefined;
      if (dir === undefined) return;
      const files = c.getOptionValue('filename') as string[] | undefined;
      if (files?.length) throw new UsageError('only one of -f or -k can be specified');
      if (c.getOptionValue('recursive')) throw new UsageError('the -R flag cannot be used with -k');
      c.setOptionValue('filename', [KUSTOMIZE_MARK + dir]);
    });
}

export function dryRunSuffix(d: DryRun): string {
  return d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '';
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds: `300ms`, `5s`, `2m`, `1h30m`, `1.5h`. Throws Go's message. */
export function parseGoDuration(s: string): number {
  const bad = (why = 'invalid duration'): never => {
    throw new Error(`time: ${why} ${JSON.stringify(s)}`);
  };
  let rest = s;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') bad();
  let total = 0;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (m[0] === '' || m[0] === '.') bad();
    rest = rest.slice(m[0].length);
    const u = /^[^\d.]+/.exec(rest)?.[0];
    if (!u) bad('missing unit in duration');
    const unit = UNITS[u!];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(s)}`);
    rest = rest.slice(u!.length);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * unit;
  }
  return sign * total;
}

/** Durations as kctl's flags take them: Go's (`30s`, `1m30s`, `500ms`); a bare integer means seconds. */
export function parseDurationMs(s: string): number {
  if (/^[+-]?\d+$/.test(s)) return Number(s) * 1000;
  try {
    return parseGoDuration(s);
  } catch {
    throw new UsageError(`invalid duration "${s}"`);
  }
}

/** pflag's wording for a bad flag value: `invalid argument "x" for "--timeout" flag: ...`. */
const badFlag = (flag: string, v: string, why: string): UsageError => new UsageError(`invalid argument "${v}" for "${flag}" flag: ${why}`);

/** A duration flag (`--timeout=30s`); `dflt` when absent. `flag` is how pflag names it ("--timeout"). */
export function parseDurationFlag(flag: string, v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  // pflag's Duration is Go's time.ParseDuration: a unit is required (`30s`), errors worded as Go's
  try {
    return parseGoDuration(String(v));
  } catch (e) {
    throw badFlag(flag, String(v), (e as Error).message);
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
