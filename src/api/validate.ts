// STUB (owned by the schemas/validation work): validates one object against its kind's JSON schema (compiled at
// build time by ajv standalone) plus the semantic checks Kubernetes makes. Signature is the contract.
import type { FieldError } from '../util/errors.js';

export type ValidateMode = 'strict' | 'warn' | 'ignore';

export interface ValidateOptions {
  /** kubectl --validate: strict (unknown fields are errors), warn (warnings), ignore (dropped silently) */
  mode?: ValidateMode;
}

/**
 * Returns every problem found: severity 'error' fails the object, 'warning' is reported and applied.
 * With mode 'ignore' unknown fields are removed from obj (mutates) instead of being reported.
 */
export function validateObject(obj: unknown, opts: ValidateOptions = {}): FieldError[] {
  void obj;
  void opts;
  return [];
}
