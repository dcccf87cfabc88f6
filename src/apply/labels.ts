// `kctl label` / `kctl annotate`: argument parsing, --overwrite rules and the apiserver's label/annotation
// validation, worded as kubectl (pkg/cmd/label, pkg/cmd/annotate, cmdutil.ParsePairs) and
// k8s.io/apimachinery/pkg/util/validation word them.
import { kindByKind, qualifiedResource } from '../api/kinds.js';
import { CHANGE_CAUSE } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import { ConflictError, KctlError, MultiError, ValidationError, type FieldError } from '../util/errors.js';
import { clone, deepEqual, goJson } from './json.js';

/** Ordered changes: keys to set (insertion order = argument order) and keys to remove. */
export interface PairChanges {
  set: Record<string, string>;
  remove: string[];
}

const fail = (message: string): KctlError => new KctlError('Invalid', message);

/**
 * cmdutil.GetResourcesAndPairs: `kctl label deploy web app=x tier-` → resources [deploy, web], pairs
 * [app=x, tier-]. A pair is an argument containing '=' (not first) or ending in '-' (not just "-").
 */
export function splitResourcesAndPairs(args: readonly string[], pairType: 'label' | 'annotation'): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const isPair = (s.includes('=') && !s.startsWith('=')) || (s.endsWith('-') && s !== '-');
    if (isPair) pairs.push(s);
    else if (pairs.length > 0) throw fail(`all resources must be specified before ${pairType} changes: ${s}`);
    else resources.push(s);
  }
  return { resources, pairs };
}

/** kubectl label's parseLabels: `key=value` sets, `key-` removes; the value is validated here, the key by the server. */
export function parseLabelArgs(args: readonly string[]): PairChanges {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const spec of args) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (parts.length !== 2) throw fail(`invalid label spec: ${spec}`);
      const [key, value] = parts as [string, string];
      const errs = labelValueErrors(value);
      if (errs.length > 0) throw fail(`invalid label value: ${JSON.stringify(spec)}: ${errs.join(';')}`);
      set[key] = value;
    } else if (spec.endsWith('-')) {
      remove.push(spec.slice(0, -1));
    } else {
      throw fail(`unknown label spec: ${spec}`);
    }
  }
  if (remove.some((k) => Object.prototype.hasOwnProperty.call(set, k))) {
    throw fail('can not both modify and remove a label in the same command');
  }
  return { set, remove };
}

/** kubectl annotate's cmdutil.ParsePairs(args, "annotation", true) + validateAnnotations. */
export function parseAnnotationArgs(args: readonly string[]): PairChanges {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const arg of args) {
    if (arg.includes('=') && !arg.startsWith('=')) {
      const i = arg.indexOf('=');
      set[arg.slice(0, i)] = arg.slice(i + 1);
    } else if (arg.endsWith('-') && arg !== '-') {
      remove.push(arg.slice(0, -1));
    } else {
      invalid.push(arg);
    }
  }
  if (invalid.length > 0) throw fail(`invalid annotation format: ${invalid.join(', ')}`);
  const both = remove.filter((k) => Object.prototype.hasOwnProperty.call(set, k));
  if (both.length > 0) {
    throw fail(`can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`);
  }
  return { set, remove };
}

// ---- k8s.io/apimachinery/pkg/util/validation (one implementation, in api/labels.ts) ----

export { isQualifiedName as qualifiedNameErrors, isValidLabelValue as labelValueErrors } from '../api/labels.js';
import { isQualifiedName as qualifiedNameErrors, isValidLabelValue as labelValueErrors } from '../api/labels.js';

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

const invalidValue = (path: string, value: string, msg: string): FieldError => ({
  path,
  message: `Invalid value: ${JSON.stringify(value)}: ${msg}`,
});

/** The apiserver's ValidateLabels: `metadata.labels: Invalid value: "bad key": name part must ...`. */
export function validateLabels(labels: Record<string, string> | undefined, path = 'metadata.labels'): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of qualifiedNameErrors(k)) out.push(invalidValue(path, k, msg));
    for (const msg of labelValueErrors(String(v))) out.push(invalidValue(path, String(v), msg));
  }
  return out;
}

export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10);

/** The apiserver's ValidateAnnotations: keys are qualified names (case-insensitive); total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path = 'metadata.annotations'): FieldError[] {
  const out: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of qualifiedNameErrors(k.toLowerCase())) out.push(invalidValue(path, k, msg));
    size += utf8Length(k) + utf8Length(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) out.push({ path, message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes` });
  return out;
}

// ---- applying changes ----

export interface KeyValueOptions {
  /** --overwrite (default false) */
  overwrite?: boolean;
  /** --resource-version: the write fails with a conflict unless the object is at this version. */
  resourceVersion?: string;
}

export type LabelMessage = 'labeled' | 'unlabeled' | 'not labeled';

export interface KeyValueResult {
  result: KubeObject;
  changed: boolean;
  /** removals of keys the object does not have: kubectl prints `label "x" not found.` (stdout) for labels */
  notFound: string[];
}

export interface LabelResult extends KeyValueResult {
  /** kubectl's verb: `deployment.apps/web labeled` */
  message: LabelMessage;
}

function checkResourceVersion(obj: KubeObject, rv: string | undefined): void {
  if (!rv || obj.metadata.resourceVersion === undefined || obj.metadata.resourceVersion === rv) return;
  const ki = kindByKind(obj.apiVersion, obj.kind);
  throw new ConflictError(ki ? qualifiedResource(ki) : obj.kind.toLowerCase(), obj.metadata.name);
}

function throwAll(errors: KctlError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new MultiError(errors);
}

function change(
  obj: KubeObject,
  field: 'labels' | 'annotations',
  changes: PairChanges,
): { result: KubeObject; notFound: string[] } {
  const result = clone(obj);
  const current: Record<string, string> = { ...(obj.metadata[field] ?? {}) };
  const notFound = changes.remove.filter((k) => !Object.prototype.hasOwnProperty.call(current, k));
  for (const [k, v] of Object.entries(changes.set)) current[k] = v;
  for (const k of changes.remove) delete current[k];
  if (Object.keys(current).length > 0) result.metadata = { ...result.metadata, [field]: current };
  else delete result.metadata[field];
  return { result, notFound };
}

/**
 * `kctl label`: without --overwrite, any key that already exists fails (even with the same value):
 * `'app' already has a value (web), and --overwrite is false`. Invalid keys fail as the server's validation does.
 */
export function applyLabelChanges(obj: KubeObject, changes: PairChanges, opts: KeyValueOptions = {}): LabelResult {
  const existing = obj.metadata.labels ?? {};
  if (!opts.overwrite) {
    throwAll(
      Object.keys(changes.set)
        .filter((k) => Object.prototype.hasOwnProperty.call(existing, k))
        .map((k) => fail(`'${k}' already has a value (${existing[k]}), and --overwrite is false`)),
    );
  }
  const { result, notFound } = change(obj, 'labels', changes);
  const fields = validateLabels(result.metadata.labels);
  if (fields.length > 0) throw new ValidationError(obj.kind, obj.metadata.name, fields);
  const changed = !deepEqual(result, obj);
  checkResourceVersion(obj, opts.resourceVersion);
  let message: LabelMessage = 'not labeled';
  if (changed) message = !opts.overwrite && goJson(result).length < goJson(obj).length ? 'unlabeled' : 'labeled';
  return { result, changed, notFound, message };
}

/**
 * `kctl annotate`: without --overwrite, existing keys fail (kubernetes.io/change-cause is always overwritable):
 * `--overwrite is false but found the following declared annotation(s): 'a' already has a value (x)`.
 */
export function applyAnnotationChanges(obj: KubeObject, changes: PairChanges, opts: KeyValueOptions = {}): KeyValueResult {
  const existing = obj.metadata.annotations ?? {};
  if (!opts.overwrite) {
    const found = Object.keys(changes.set).filter(
      (k) => k !== CHANGE_CAUSE && Object.prototype.hasOwnProperty.call(existing, k),
    );
    if (found.length > 0) {
      throw fail(
        `--overwrite is false but found the following declared annotation(s): ${found
          .map((k) => `'${k}' already has a value (${existing[k]})`)
          .join('; ')}`,
      );
    }
  }
  const { result, notFound } = change(obj, 'annotations', changes);
  const fields = validateAnnotations(result.metadata.annotations);
  if (fields.length > 0) throw new ValidationError(obj.kind, obj.metadata.name, fields);
  const changed = !deepEqual(result, obj);
  checkResourceVersion(obj, opts.resourceVersion);
  return { result, changed, notFound };
}
