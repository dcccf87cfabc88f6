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
