// Checks that a patched/applied object is still the same object: kubectl and the apiserver refuse changes to
// apiVersion, kind, name, namespace and uid through apply/patch/edit.
import type { KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import { ConflictError, KctlError } from '../util/errors.js';
import { clone, isMap } from './json.js';

const metaOf = (o: unknown): Record<string, unknown> =>
  isMap(o) && isMap(o.metadata) ? (o.metadata as Record<string, unknown>) : {};

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/**
 * Throws when `after` is not the same object as `before`. Messages follow the apiserver's:
 *   the name of the object (new) does not match the name on the URL (web)
 *   the namespace of the provided object does not match the namespace sent on the request
 *   Precondition failed: UID in precondition: <old>, UID in object meta: <new>
 * and for kind/apiVersion: `<Kind> "web" is invalid: kind: Invalid value: "Pod": field is immutable`.
 */
export function assertSameObject(before: KubeObject, after: unknown): void {
  if (!isMap(after)) throw new KctlError('Invalid', 'the patched object is not a JSON object');
  const b = metaOf(before);
  const a = metaOf(after);
  const name = str(b.name);
  for (const field of ['apiVersion', 'kind'] as const) {
    if (str(after[field]) !== str(before[field])) {
      throw new KctlError(
        'Invalid',
        `${before.kind} "${name}" is invalid: ${field}: Invalid value: ${JSON.stringify(str(after[field]))}: field is immutable`,
      );
    }
  }
  if (str(a.name) !== name) {
    throw new KctlError('Invalid', `the name of the object (${str(a.name)}) does not match the name on the URL (${name})`);
  }
  if (str(a.namespace) !== str(b.namespace)) {
    throw new KctlError('Invalid', 'the namespace of the provided object does not match the namespace sent on the request');
  }
  if (b.uid !== undefined && str(a.uid) !== str(b.uid)) {
    throw new KctlError('Conflict', `Precondition failed: UID in precondition: ${str(b.uid)}, UID in object meta: ${str(a.uid)}`);
  }
}

/** metadata fields the apiserver owns: an update or patch cannot set or clear them. */
const SERVER_FIELDS = [
  'uid',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

/**
 * Restores the server-owned metadata of `current` into `result` (mutates and returns `result`), as the apiserver
 * does on update: a manifest's `creationTimestamp: null` or a patch clearing `generation` changes nothing.
 * A resourceVersion set by the user that differs from the live one is a stale write: ConflictError, as kubectl
 * reports it. A uid that differs is left for assertSameObject to refuse.
 */
export function restoreServerFields(current: KubeObject, result: KubeObject, resource: string): KubeObject {
  const cur = metaOf(current);
  if (!isMap(result.metadata)) result.metadata = { name: current.metadata.name };
  const res = result.metadata as unknown as Record<string, unknown>;
  for (const f of SERVER_FIELDS) {
    if (f === 'uid' && res.uid !== undefined && res.uid !== null && res.uid !== cur.uid) continue;
    if (cur[f] === undefined) delete res[f];
    else res[f] = cur[f];
  }
  const rv = res.resourceVersion;
  if (typeof rv === 'string' && rv !== '' && cur.resourceVersion !== undefined && rv !== cur.resourceVersion) {
    throw new ConflictError(resource, current.metadata.name);
  }
  if (cur.resourceVersion === undefined) delete res.resourceVersion;
  else res.resourceVersion = cur.resourceVersion;
  return result;
}

/**
 * The apiserver ignores status in writes to the main resource of kinds with a status subresource (and clears
 * it on create): `into.status` becomes `from.status` (deleted when `from` is undefined or has none).
 */
export function keepStatus(ki: KindInfo | undefined, from: KubeObject | undefined, into: KubeObject): void {
  if (!ki?.hasStatus) return;
  if (from && from.status !== undefined) into.status = clone(from.status);
  else delete into.status;
}

/**
 * ObjectMeta's lists and maps are `omitempty`: the apiserver never stores `labels: {}` or `finalizers: []`.
 * Drops such empty fields from `obj.metadata` (mutates and returns obj), except those already empty in `before`
 * (the live object), so that a write never shows as a change by itself.
 */
export function pruneEmptyMetadata(obj: KubeObject, before?: KubeObject): KubeObject {
  const m = obj.metadata as unknown as Record<string, unknown>;
  if (!isMap(m)) return obj;
  const b = metaOf(before);
  const empty = (v: unknown): boolean =>
    v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
  for (const f of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
    if (f in m && empty(m[f]) && !(f in b && empty(b[f]))) delete m[f];
  }
  return obj;
}
