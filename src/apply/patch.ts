// `kctl patch` (and `kctl edit`'s patch): the three patch types kubectl sends, applied as the apiserver
// applies them, plus the checks it makes on the result.
//   --type strategic (default): strategic merge patch over merge-keys.ts (strategic-merge.ts)
//   --type merge:     RFC 7386 JSON merge patch (json-merge-patch): null removes, lists are replaced
//   --type json:      RFC 6902 JSON patch (fast-json-patch): add/remove/replace/move/copy/test by JSON pointer
import jsonMergePatch from 'json-merge-patch';
import jsonpatch from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { kindByKind, qualifiedResource } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import { KctlError, UsageError } from '../util/errors.js';
import { assertSameObject, keepStatus, pruneEmptyMetadata, restoreServerFields } from './identity.js';
import { clone, deepEqual, isMap } from './json.js';
import { updateLastAppliedIfPresent, withLastApplied } from './last-applied.js';
import { supportsStrategicMerge } from './merge-keys.js';
import { applyStrategicPatch, createTwoWayMergePatch, type StrategicPatch } from './strategic-merge.js';

export type PatchType = 'json' | 'merge' | 'strategic';
export const PATCH_TYPES: readonly PatchType[] = ['json', 'merge', 'strategic'];

/** kubectl patch --type: case-insensitive; default strategic. UsageError as kubectl words it. */
export function toPatchType(value: string | undefined): PatchType {
  if (value === undefined || value === '') return 'strategic';
  const t = value.toLowerCase();
  if ((PATCH_TYPES as readonly string[]).includes(t)) return t as PatchType;
  throw new UsageError(`--type must be one of [${PATCH_TYPES.join(' ')}], not ${JSON.stringify(value)}`);
}

/** Parses -p/--patch-file text: JSON or YAML, as kubectl's yaml.ToJSON accepts it (YAML 1.1: `yes` is true). */
export function parsePatch(text: string): unknown {
  try {
    const v: unknown = parseYaml(text, { version: '1.1' });
    return v === undefined ? null : v;
  } catch (e) {
    throw new KctlError('Invalid', `unable to parse ${JSON.stringify(text)}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}

export interface PatchObjectOptions {
  type?: PatchType;
  /** `--subresource status`: only status changes are kept (otherwise status changes are ignored). */
  subresource?: 'status';
}

export interface PatchObjectResult {
  result: KubeObject;
  /** false → kubectl prints `deployment.apps/web patched (no change)` */
  changed: boolean;
}

const UNSUPPORTED_MEDIA_TYPE =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, ' +
  'application/merge-patch+json, application/apply-patch+yaml';

const invalid = (detail: string): KctlError => new KctlError('Invalid', `The request is invalid: ${detail}`);

interface FjpError {
  name: string;
  index?: number;
  operation?: { op?: string; path?: string; from?: string };
  message: string;
}

/** evanphx/json-patch's wording (what the apiserver reports) for fast-json-patch's error codes. */
function jsonPatchMessage(e: FjpError): string {
  const op = e.operation?.op ?? '';
  const path = e.operation?.path ?? '';
  const from = e.operation?.from ?? '';
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
      if (op === 'remove') {
        const last = path.slice(path.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
        return `error in remove for path: '${path}': Unable to remove nonexistent key: ${last}: missing value`;
      }
      if (op === 'replace') return `replace operation does not apply: doc is missing key: ${path}: missing value`;
      if (op === 'test') return `testing value ${path} failed: test failed`;
      return `${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing from path: ${from}: missing value`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS': {
      const idx = path.slice(path.lastIndexOf('/') + 1);
      return `Unable to access invalid index: ${idx}: invalid index referenced`;
    }
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op}: unknown object type`;
    case 'OPERATION_NOT_AN_OBJECT':
      return 'json: cannot unmarshal non-object into Go value of type jsonpatch.Operation';
    default:
      return `${op ? `${op} ` : ''}operation ${path ? `at ${path} ` : ''}is invalid: ${e.message.split('\n')[0]}`;
  }
}

/** RFC 6902 patch of a copy of `current`; failures worded as evanphx/json-patch words them (also kustomize's JSON 6902 patches). */
export function applyJsonPatch(current: object, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new KctlError('Invalid', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return jsonpatch.applyPatch(clone(current), patch as never, true, true).newDocument;
  } catch (e) {
    if (e instanceof jsonpatch.JsonPatchError) throw invalid(jsonPatchMessage(e as FjpError));
    throw e;
  }
}

function applyMergePatch(current: KubeObject, patch: unknown): unknown {
  return jsonMergePatch.apply(clone(current), clone(patch));
}

function applyStrategic(current: KubeObject, patch: unknown): unknown {
  if (!supportsStrategicMerge(current.kind)) throw new KctlError('Invalid', UNSUPPORTED_MEDIA_TYPE);
  if (!isMap(patch)) throw new KctlError('Invalid', 'invalid JSON document');
  return applyStrategicPatch(current, patch, { kind: current.kind });
}

/** Applies the patch and the apiserver's rules for a write (status, server-owned metadata, identity). */
function finish(current: KubeObject, patched: unknown, subresource: 'status' | undefined): KubeObject {
  assertSameObject(current, patched);
  const ki = kindByKind(current.apiVersion, current.kind);
  let result = patched as KubeObject;
  if (subresource === 'status') {
    // the status subresource only writes status
    const status = result.status;
    result = clone(current);
    if (status === undefined) delete result.status;
    else result.status = clone(status);
  } else {
    keepStatus(ki, current, result);
  }
  restoreServerFields(current, result, ki ? qualifiedResource(ki) : current.kind.toLowerCase());
  return pruneEmptyMetadata(result, current);
}

/**
 * `kctl patch`: applies `patch` (text from -p, or an already parsed value) of the given type to `current`.
 * Throws KctlError for unparsable or inapplicable patches and for patches that change apiVersion, kind, name,
 * namespace or uid.
 */
export function patchObject(current: KubeObject, patch: string | unknown, opts: PatchObjectOptions = {}): PatchObjectResult {
  const type = opts.type ?? 'strategic';
  const value = typeof patch === 'string' ? parsePatch(patch) : patch;
  let patched: unknown;
  if (type === 'json') patched = applyJsonPatch(current, value);
  else if (type === 'merge') patched = applyMergePatch(current, value);
  else patched = applyStrategic(current, value);
  const result = finish(current, patched, opts.subresource);
  return { result, changed: !deepEqual(result, current) };
}

export interface EditOptions {
  /** kubectl edit --save-config: write the last-applied annotation even when the object has none. */
  saveConfig?: boolean;
}

export interface EditResult {
  result: KubeObject;
  /** false when the edited text equals what was shown: kubectl prints "Edit cancelled, no changes made." */
  changed: boolean;
  patch: StrategicPatch;
}

/**
 * `kctl edit`: `shown` is the object the editor was opened with, `edited` what the user saved, `current` the
 * live object now. As kubectl: refuses apiVersion/kind/name changes, re-stamps an existing last-applied
 * annotation (or creates it with saveConfig), and sends the two-way patch shown → edited (a strategic merge
 * patch for the built-in kinds, a JSON merge patch otherwise), so concurrent changes to other fields survive.
 */
export function applyEdit(current: KubeObject, shown: KubeObject, edited: KubeObject, opts: EditOptions = {}): EditResult {
  if (deepEqual(shown, edited)) return { result: clone(current), changed: false, patch: {} };
  if (
    !isMap(edited) ||
    edited.apiVersion !== shown.apiVersion ||
    edited.kind !== shown.kind ||
    !isMap(edited.metadata) ||
    edited.metadata.name !== shown.metadata.name
  ) {
    throw new KctlError('Invalid', 'At least one of apiVersion, kind and name was changed');
  }
  const annotated = opts.saveConfig ? withLastApplied(edited) : updateLastAppliedIfPresent(edited);
  let patched: unknown;
  let patch: StrategicPatch;
  if (supportsStrategicMerge(current.kind)) {
    patch = createTwoWayMergePatch(shown, annotated, { kind: current.kind });
    patched = applyStrategicPatch(current, patch, { kind: current.kind });
  } else {
    patch = (jsonMergePatch.generate(shown, annotated) ?? {}) as StrategicPatch;
    patched = applyMergePatch(current, patch);
  }
  const result = finish(current, patched, undefined);
  return { result, changed: !deepEqual(result, current), patch };
}
