// The API server's field manager (k8s.io/apimachinery pkg/util/managedfields/internal, NewDefaultFieldManager),
// as pure functions over kctl's JSON objects:
//   serverSideApply   PATCH application/apply-patch+yaml: merge the configuration, own its fields, prune what
//                     the manager stopped applying, 409 on other managers' fields unless force
//   updateManagedFields   every other write (create, update, patch, status...): the writer's Update entry takes
//                     the fields it changed
// with the layers upstream stacks around them: version check, last-applied annotation kept in sync for manager
// "kubectl" and its allowed conflicts (the CSA -> SSA hand-over), before-first-apply, the 10 Update managers cap,
// manager identifiers, times, and stripping apiVersion/kind/metadata.name... from every set.
import { applyDefaults } from '../../api/defaults.js';
import { LAST_APPLIED } from '../../api/meta.js';
import type { KubeObject } from '../../api/types.js';
import { KctlError } from '../../util/errors.js';
import { goJson } from '../json.js';
import { FieldSet, pathToString } from './field-set.js';
import { goShape, zeroObject } from './go-shape.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  type ManagedFieldsEntry,
  type ManagerSet,
  type Managers,
} from './managed-fields.js';
import { typeOfKind, type TypeRef } from './schema.js';
import { compare, deepEqual, toFieldSet } from './typed.js';
import { apply, ConflictsError, update, type Conflict, type FieldFilter } from './updater.js';

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** kubectl's field managers (kubectl 1.32 defaults). */
export const FIELD_MANAGERS = {
  clientSideApply: 'kubectl-client-side-apply',
  serverSideApply: 'kubectl',
  lastAppliedAnnotation: 'kubectl-last-applied',
  create: 'kubectl-create',
  edit: 'kubectl-edit',
  patch: 'kubectl-patch',
  replace: 'kubectl-replace',
  scale: 'kubectl-scale',
  label: 'kubectl-label',
  annotate: 'kubectl-annotate',
  set: 'kubectl-set',
  rollout: 'kubectl-rollout',
  expose: 'kubectl-expose',
  run: 'kubectl-run',
  autoscale: 'kubectl-autoscale',
  taint: 'kubectl-taint',
} as const;

/** Go's metav1.Time form: RFC 3339 in UTC, whole seconds. */
export const managedFieldsTime = (t: Date | string): string => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/** A 409 from apply: other managers own fields the configuration changes. `message` is upstream's. */
export class ApplyConflictError extends KctlError {
  readonly causes: { type: 'FieldManagerConflict'; message: string; field: string }[];
  constructor(conflicts: Conflict[], managers: Managers) {
    super('Conflict', conflictMessage(conflicts, managers));
    this.causes = conflicts.map((c) => ({
      type: 'FieldManagerConflict',
      message: `conflict with ${printManager(c.managerId, managers)}`,
      field: pathToString(c.path),
    }));
  }
  /** The Status the API server answers with. */
  status(): Obj {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: 'Conflict',
      details: { causes: this.causes },
      code: 409,
    };
  }
}

/** A 400 from apply (a patch of another version or kind, managedFields in the patch). */
export class ApplyBadRequestError extends KctlError {
  readonly httpStatus = 400;
  readonly reason = 'BadRequest';
  constructor(message: string) {
    super('Invalid', message);
  }
}

/** conflict.go printManager: `"kubectl-client-side-apply" using apps/v1`, `"kubectl"` for appliers. */
function printManager(id: string, managers: Managers): string {
  let m: Pick<ManagerSet, 'manager' | 'operation' | 'apiVersion' | 'subresource'> | undefined = managers.get(id);
  if (!m) {
    try {
      m = JSON.parse(id) as ManagerSet;
    } catch {
      return JSON.stringify(id);
    }
  }
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

function conflictMessage(conflicts: Conflict[], managers: Managers): string {
  if (conflicts.length === 1)
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.managerId, managers)}: ${pathToString(conflicts[0]!.path)}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.managerId, [...(byManager.get(c.managerId) ?? []), pathToString(c.path)]);
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(id, managers)}:`);
    for (const p of byManager.get(id)!) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** stripMetaManager: fields no manager ever owns. */
const STRIP = new FieldSet().insert([{ f: 'apiVersion' }]).insert([{ f: 'kind' }]).insert([{ f: 'metadata' }]);
for (const f of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'])
  STRIP.insert([{ f: 'metadata' }, { f }]);

function stripMeta(managers: Managers, id: string): void {
  const m = managers.get(id);
  if (!m) return;
  const set = m.set.difference(STRIP);
  if (set.empty()) managers.delete(id);
  else managers.set(id, { ...m, set });
}

/**
 * The strategy's reset fields: writes to the main resource never own `status`, writes to the status
 * subresource never own `spec` (their changes there are dropped by the strategies anyway).
 */
function resetFilter(subresource: string | undefined): FieldFilter {
  const drop = subresource === 'status' ? 'spec' : subresource ? undefined : 'status';
  if (!drop) return (s) => s;
  const excluded = new FieldSet().insert([{ f: drop }]);
  return (s) => {
    const kids = s.child({ f: drop });
    let out = s.difference(excluded);
    if (kids) for (const p of kids.paths()) out = out.difference(new FieldSet().insert([{ f: drop }, ...p]));
    return out;
  };
}

const withoutManagedFields = (o: KubeObject | undefined): Obj | undefined => {
  if (!o) return undefined;
  const { managedFields: _m, ...metadata } = (o.metadata ?? {}) as unknown as Obj;
  return { ...o, metadata };
};

function withManagedFields<T extends KubeObject>(o: T, entries: ManagedFieldsEntry[] | undefined): T {
  const { managedFields: _m, ...metadata } = (o.metadata ?? {}) as unknown as Obj;
  return { ...o, metadata: entries ? { ...metadata, managedFields: entries } : metadata } as T;
}

const managedOf = (o: KubeObject | undefined): ManagedFieldsEntry[] | undefined =>
  (o?.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields;

function decodeOrEmpty(entries: ManagedFieldsEntry[] | undefined): Managers {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/** isResetManagedFields: `managedFields: []` or `[{}]` in a write clears the tracking. */
const isReset = (entries: unknown): boolean =>
  Array.isArray(entries) && (entries.length === 0 || (entries.length === 1 && isMap(entries[0]) && Object.keys(entries[0]).length === 0));

export interface UpdateManagedFieldsOptions {
  /** the stored object before the write; undefined for a create */
  old: KubeObject | undefined;
  /** the object about to be stored (its metadata.managedFields, when set by the writer, replace the old ones) */
  new: KubeObject;
  /** the field manager (`fieldManager` or the user agent's prefix); '' is recorded as "unknown" */
  manager: string;
  /** 'status', 'scale'... for writes to a subresource */
  subresource?: string;
  time: Date | string;
  /** the request's version, when not the object's apiVersion */
  apiVersion?: string;
}

/**
 * FieldManager.UpdateNoErrors: `new` with the metadata.managedFields of this write recorded. Objects that exist
 * without managedFields stay untracked (skipNonAppliedManager); invalid managedFields keep the old ones.
 */
export function updateManagedFields<T extends KubeObject>(o: UpdateManagedFieldsOptions & { new: T }): T {
  const next = o.new;
  const sent = managedOf(next);
  let managers: Managers;
  if (o.subresource) managers = decodeOrEmpty(managedOf(o.old));
  else if (isReset(sent)) managers = new Map();
  else {
    managers = sent ? decodeOrEmpty(sent) : new Map();
    if (managers.size === 0) managers = decodeOrEmpty(managedOf(o.old));
  }
  // skipNonAppliedManager: an existing object nobody tracked yet is not tracked by updates
  if (managers.size === 0 && o.old && o.old.metadata?.uid) return withManagedFields(next, isReset(sent) ? undefined : managedOf(o.old));
  const ref = typeOfKind(next.apiVersion, next.kind);
  const apiVersion = o.apiVersion ?? next.apiVersion;
  const entry: Omit<ManagerSet, 'set'> = {
    manager: o.manager || 'unknown',
    operation: 'Update',
    apiVersion,
    ...(o.subresource ? { subresource: o.subresource } : {}),
  };
  const id = managerIdentifier(entry);
  const live = o.old ? goShape(withoutManagedFields(o.old), ref) : zeroObject(ref);
  const r = update(live, goShape(defaulted(withoutManagedFields(next)!), ref), ref, managers, id, entry, resetFilter(o.subresource));
  managers = r.managers;
  if (r.touched && managers.has(id)) managers.set(id, { ...managers.get(id)!, time: managedFieldsTime(o.time) });
  stripMeta(managers, id);
  return withManagedFields(next, encodeManagedFields(capUpdateManagers(managers)));
}

export interface ServerSideApplyOptions {
  /** the stored object; undefined when the apply creates it */
  live: KubeObject | undefined;
  /** the apply configuration, as decoded from the YAML body */
  applied: KubeObject;
  /** the fieldManager query parameter (required for apply: check it before) */
  manager: string;
  force?: boolean;
  subresource?: string;
  time: Date | string;
  /** the version and kind of the endpoint (default: the live object's, or the configuration's) */
  apiVersion?: string;
  kind?: string;
}

export interface ServerSideApplyResult {
  /** the object to store (not yet defaulted or validated), metadata.managedFields set */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[] | undefined;
  /** false when neither the object nor its managedFields changed (nothing to write) */
  changed: boolean;
}

/**
 * FieldManager.Apply. Throws ApplyConflictError (409) or ApplyBadRequestError (400); an object that does not
 * fit its schema as SMD sees it throws TypedValueError (upstream answers 500 with that message).
 */
export function serverSideApply(o: ServerSideApplyOptions): ServerSideApplyResult {
  const { applied } = o;
  const apiVersion = o.apiVersion ?? o.live?.apiVersion ?? applied.apiVersion;
  const kind = o.kind ?? o.live?.kind ?? applied.kind;
  if (applied.apiVersion !== apiVersion || applied.kind !== kind)
    throw new ApplyBadRequestError(`invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  if (applied.metadata && 'managedFields' in applied.metadata && applied.metadata.managedFields != null)
    throw new ApplyBadRequestError('metadata.managedFields must be nil');
  const ref = typeOfKind(apiVersion, kind);
  const filter = resetFilter(o.subresource);
  const entry: Omit<ManagerSet, 'set'> = {
    manager: o.manager || 'unknown',
    operation: 'Apply',
    apiVersion,
    ...(o.subresource ? { subresource: o.subresource } : {}),
  };
  const id = managerIdentifier(entry);
  const live: Obj = withoutManagedFields(o.live) ?? {};
  let managers = decodeManagedFields(managedOf(o.live));
  // skipNonAppliedManager: fields of an untracked object belong to "before-first-apply"
  if (managers.size === 0 && o.live) {
    const before: Omit<ManagerSet, 'set'> = { manager: 'before-first-apply', operation: 'Update', apiVersion };
    const beforeId = managerIdentifier(before);
    managers = update(zeroObject(ref), goShape(live, ref), ref, managers, beforeId, before, filter).managers;
    if (managers.has(beforeId)) managers.set(beforeId, { ...managers.get(beforeId)!, time: managedFieldsTime(o.time) });
    stripMeta(managers, beforeId);
  }
  const config = withoutManagedFields(applied)!;
  let result: ReturnType<typeof apply>;
  try {
    result = apply(live, config, ref, managers, id, entry, o.force ?? false, filter);
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e;
    // lastAppliedManager: `kubectl apply --server-side` after client-side apply may take the fields its
    // last-applied configuration set, as long as nobody changed them since
    const allowed = o.manager === 'kubectl' ? allowedConflictsFromLastApplied(live, apiVersion, ref) : undefined;
    const remaining = allowed ? e.conflicts.filter((c) => !allowed.has(c.path)) : e.conflicts;
    if (remaining.length > 0) throw new ApplyConflictError(remaining, managers);
    result = apply(live, config, ref, managers, id, entry, true, filter);
  }
  managers = result.managers;
  let object: Obj = result.object === undefined ? live : (result.object as Obj);
  if (result.object !== undefined) managers.set(id, { ...managers.get(id)!, time: managedFieldsTime(o.time) });
  stripMeta(managers, id);
  // lastAppliedUpdater: keep the client-side apply annotation in step, so that `kubectl apply` can follow
  if (o.manager === 'kubectl' && hasLastApplied(object)) {
    const meta = object.metadata as Obj;
    object = { ...object, metadata: { ...meta, annotations: { ...(meta.annotations as Obj), [LAST_APPLIED]: buildLastApplied(config) } } };
  }
  const managedFields = encodeManagedFields(managers);
  const out = withManagedFields(object as KubeObject, managedFields);
  return { object: out, managedFields, changed: !o.live || !deepEqual(o.live, out) };
}

/**
 * The object as it will be stored: the API server decodes every write with defaults applied before the field
 * manager sees it (so a create owns its defaulted fields, and a PUT without them removes nothing).
 */
export function defaulted(o: Obj): Obj {
  try {
    return applyDefaults(structuredClone(o) as unknown as KubeObject) as unknown as Obj;
  } catch {
    return o;
  }
}

const gvkString = (apiVersion: string | undefined, kind: string | undefined): string => `${apiVersion ?? ''}, Kind=${kind ?? ''}`;

function hasLastApplied(o: Obj): boolean {
  const a = (o.metadata as Obj | undefined)?.annotations as Obj | undefined;
  return typeof a?.[LAST_APPLIED] === 'string' && (a[LAST_APPLIED] as string).length > 0;
}

/** lastappliedupdater.go buildLastApplied: the configuration without the annotation, as Go encodes it. */
function buildLastApplied(config: Obj): string {
  const meta = { ...((config.metadata as Obj | undefined) ?? {}) };
  if (isMap(meta.annotations)) {
    const { [LAST_APPLIED]: _drop, ...rest } = meta.annotations;
    meta.annotations = rest;
  }
  return `${goJson({ ...config, metadata: meta })}\n`;
}

/** lastappliedmanager.go: the fields of the last-applied configuration whose values the live object still has. */
function allowedConflictsFromLastApplied(live: Obj, apiVersion: string, ref: TypeRef): FieldSet | undefined {
  const raw = ((live.metadata as Obj | undefined)?.annotations as Obj | undefined)?.[LAST_APPLIED];
  if (typeof raw !== 'string' || raw === '') return undefined;
  let last: unknown;
  try {
    last = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isMap(last) || last.apiVersion !== apiVersion) return undefined;
  try {
    const c = compare(last, live, ref);
    return toFieldSet(last, ref).difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}
