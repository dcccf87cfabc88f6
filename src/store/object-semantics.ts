// API-server semantics shared by MemoryStore and FileStore, as pure functions: what a create/update/
// updateStatus/delete turns a stored object into. The stores only read the current state, call these, and
// commit the resulting Mutation at ctx.revision (the store's revision + 1). Nothing here does I/O.
import { applyDefaults } from '../api/defaults.js';
import { generateJobSelector } from '../api/job-selector.js';
import { stampTemplateGeneration } from '../api/template-generation.js';
import { randomUUID, randomInt } from '../util/ids.js';
import type { KubeObject } from '../api/types.js';
import { KINDS, apiVersionOf, qualifiedResource, type KindInfo } from '../api/kinds.js';
import { isSafeName, nameErrors } from '../api/names.js';
import { ConflictError, KctlError, NotFoundError, AlreadyExistsError, ValidationError, type FieldError } from '../util/errors.js';
import { ForbiddenError, type DeleteOptions, type ObjectRef, type WatchEventType } from './store.js';

/** Namespaces that exist from the start (the API server's system namespaces controller keeps them). */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** Namespaces that may not be deleted (upstream NamespaceLifecycle admission). */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export interface WriteContext {
  now: Date;
  /** the revision the write gets if it changes anything: the store's current revision + 1 */
  revision: number;
  uid: () => string;
  /** random suffix for metadata.generateName (upstream: 5 chars) */
  nameSuffix?: () => string;
}

/** What a write does to the store. `none`: nothing changed, no revision is used, `object` is the stored one. */
export type Mutation =
  | { op: 'put'; type: Extract<WatchEventType, 'ADDED' | 'MODIFIED'>; ref: ObjectRef; object: KubeObject }
  | { op: 'delete'; type: 'DELETED'; ref: ObjectRef; object: KubeObject }
  | { op: 'none'; ref: ObjectRef; object: KubeObject };

/** An incoming object resolved to its kind and ref (a private deep copy: safe to modify). */
export interface Target {
  ki: KindInfo;
  ref: ObjectRef;
  object: KubeObject;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** kubernetes-types marks the system-owned metadata readonly; the API server is what sets it. */
type Meta = Mutable<KubeObject['metadata']>;
const meta = (o: KubeObject): Meta => o.metadata as Meta;

export const defaultUid = (): string => randomUUID();

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // upstream utilrand: no vowels, no confusables
export const defaultNameSuffix = (): string => Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');

/** RFC 3339 in UTC without fractional seconds, as metav1.Time serializes: "2026-01-01T00:00:00Z". */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A JSON-only deep copy: what a store holds is exactly what JSON can carry (undefined fields vanish). */
export function jsonClone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export { deepEqual } from '../util/deep-equal.js';
import { deepEqual } from '../util/deep-equal.js';

/** The kind of a resource (plural); unknown resources are kubectl's "doesn't have a resource type". */
export function kindInfoOfResource(resource: string): KindInfo {
  const ki = KINDS.find((x) => x.plural === resource);
  if (!ki) throw new KctlError('NotFound', `the server doesn't have a resource type "${resource}"`);
  return ki;
}

function kindInfoOfObject(obj: KubeObject): KindInfo {
  const ki = KINDS.find((x) => x.kind === obj?.kind);
  if (!ki || (obj.apiVersion && obj.apiVersion !== apiVersionOf(ki)))
    throw new KctlError('NotFound', `no matches for kind "${String(obj?.kind)}" in version "${String(obj?.apiVersion)}"`);
  return ki;
}

/** True when every name in the ref is a safe, valid store path component (a ref that can exist). */
export function isValidRef(ref: ObjectRef): boolean {
  const ki = KINDS.find((x) => x.plural === ref.resource);
  if (!ki || !isSafeName(ref.name) || nameErrors(ki.kind, ref.name).length) return false;
  if (ki.namespaced) return typeof ref.namespace === 'string' && nameErrors('Namespace', ref.namespace).length === 0;
  return ref.namespace === undefined || ref.namespace === '';
}

/** Normalizes a ref (cluster-scoped: no namespace; namespaced: "default" when omitted). */
export function normalizeRef(ref: ObjectRef): ObjectRef {
  const ki = kindInfoOfResource(ref.resource);
  return ki.namespaced
    ? { resource: ref.resource, namespace: ref.namespace || 'default', name: ref.name }
    : { resource: ref.resource, name: ref.name };
}

const notFound = (ki: KindInfo, name: string): NotFoundError => new NotFoundError(qualifiedResource(ki), name);

/** `deployments.apps "web" not found` for a ref. */
export const notFoundError = (ref: ObjectRef): NotFoundError => notFound(kindInfoOfResource(ref.resource), ref.name);

/** Orders top-level keys as the API server prints them: apiVersion, kind, metadata, then the rest. */
function ordered(o: KubeObject): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = o;
  return { apiVersion, kind, metadata, ...rest };
}

function resolve(input: KubeObject): { ki: KindInfo; object: KubeObject } {
  if (!input || typeof input !== 'object' || typeof input.metadata !== 'object' || input.metadata === null)
    throw new KctlError('Invalid', 'Object has no metadata');
  const ki = kindInfoOfObject(input);
  const object = jsonClone(input);
  object.apiVersion = apiVersionOf(ki);
  if (ki.namespaced) object.metadata.namespace = object.metadata.namespace || 'default';
  else delete object.metadata.namespace;
  return { ki, object };
}

/** Resolves an object for create: kind, generateName, namespace defaulting, name validation. */
export function createTarget(input: KubeObject, ctx: Pick<WriteContext, 'nameSuffix'>): Target {
  const { ki, object } = resolve(input);
  const meta = object.metadata;
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${(ctx.nameSuffix ?? defaultNameSuffix)()}`;
  const errs: FieldError[] = nameErrors(ki.kind, meta.name).map((m) => ({
    path: 'metadata.name',
    message: meta.name ? `Invalid value: ${JSON.stringify(meta.name)}: ${m}` : `Required value: ${m}`,
  }));
  if (ki.namespaced)
    for (const m of nameErrors('Namespace', meta.namespace))
      errs.push({ path: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(meta.namespace)}: ${m}` });
  if (errs.length) throw new ValidationError(ki.kind, typeof meta.name === 'string' ? meta.name : '', errs);
  const ref: ObjectRef = ki.namespaced
    ? { resource: ki.plural, namespace: meta.namespace!, name: meta.name }
    : { resource: ki.plural, name: meta.name };
  return { ki, ref, object };
}

/** Resolves an object for update/updateStatus. An invalid name cannot exist: NotFound. */
export function updateTarget(input: KubeObject): Target {
  const { ki, object } = resolve(input);
  const meta = object.metadata;
  const ref: ObjectRef = ki.namespaced
    ? { resource: ki.plural, namespace: meta.namespace!, name: meta.name }
    : { resource: ki.plural, name: meta.name };
  if (!isValidRef(ref)) throw notFound(ki, String(meta.name));
  return { ki, ref, object };
}

/** The namespace ref a namespaced object lives in. */
export function namespaceRefOf(ref: ObjectRef): ObjectRef | undefined {
  return ref.namespace ? { resource: 'namespaces', name: ref.namespace } : undefined;
}

/**
 * A create: sets uid, creationTimestamp, generation 1, resourceVersion; drops status for kinds with a status
 * subresource (a Namespace starts Active, a Pod Pending, as their upstream strategies do).
 * `current.namespace` is the object's namespace as stored (undefined when missing), for namespaced kinds.
 */
export function prepareCreate(
  t: Target,
  current: { existing: KubeObject | undefined; namespace: KubeObject | undefined },
  ctx: WriteContext,
): Mutation {
  const { ki, ref } = t;
  if (ki.namespaced) {
    const ns = current.namespace;
    if (!ns) throw new NotFoundError('namespaces', ref.namespace!);
    if (ns.metadata.deletionTimestamp && ki.kind !== 'Event')
      throw new ForbiddenError(
        qualifiedResource(ki),
        ref.name,
        `unable to create new content in namespace ${ref.namespace} because it is being terminated`,
      );
  }
  if (current.existing) throw new AlreadyExistsError(qualifiedResource(ki), ref.name);
  const o = t.object;
  const m = meta(o);
  for (const f of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const)
    delete m[f];
  const { name, generateName, namespace, ...rest } = m;
  const metadata = {
    name,
    ...(generateName ? { generateName } : {}),
    ...(ki.namespaced ? { namespace } : {}),
    uid: ctx.uid(),
    resourceVersion: String(ctx.revision),
    generation: 1,
    creationTimestamp: rfc3339(ctx.now),
    ...rest,
  };
  const object: KubeObject = applyDefaults(ordered({ ...o, metadata }));
  if (ki.kind === 'Job' && ki.group === 'batch') generateJobSelector(object as KubeObject & { spec?: unknown });
  if (ki.kind === 'DaemonSet' && ki.group === 'apps') stampTemplateGeneration(object, undefined);
  if (ki.hasStatus) delete object.status;
  if (ki.kind === 'Namespace') object.status = { phase: 'Active' };
  if (ki.kind === 'Pod') object.status = { phase: 'Pending' };
  return { op: 'put', type: 'ADDED', ref, object };
}

function checkPreconditions(ki: KindInfo, stored: KubeObject, pre: { resourceVersion?: string; uid?: string }, strictRv: boolean): void {
  const name = stored.metadata.name;
  const rv = stored.metadata.resourceVersion;
  if (pre.uid && pre.uid !== stored.metadata.uid)
    throw new ConflictError(
      qualifiedResource(ki),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${stored.metadata.uid ?? ''}`,
    );
  if (pre.resourceVersion && pre.resourceVersion !== rv)
    throw strictRv
      ? new ConflictError(qualifiedResource(ki), name)
      : new ConflictError(
          qualifiedResource(ki),
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv ?? ''}`,
        );
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/** Turns a candidate next state into a Mutation: none when nothing changed, delete when the last finalizer went. */
function finish(ki: KindInfo, ref: ObjectRef, stored: KubeObject, next: KubeObject, ctx: WriteContext): Mutation {
  meta(next).resourceVersion = stored.metadata.resourceVersion;
  if (deepEqual(next, stored)) return { op: 'none', ref, object: jsonClone(stored) };
  meta(next).resourceVersion = String(ctx.revision);
  // the write that removes the last finalizer of an object being deleted completes the delete; a gracefully
  // deleted pod (no finalizers, waiting for the kubelet) stays until the kubelet deletes it
  // (as upstream's registry: a pod still in its grace period waits for the kubelet's grace-0 delete)
  const removedLastFinalizer = (stored.metadata.finalizers?.length ?? 0) > 0 && !next.metadata.finalizers?.length;
  const podInGrace = ki.kind === 'Pod' && (next.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  if (next.metadata.deletionTimestamp && removedLastFinalizer && !podInGrace) return { op: 'delete', type: 'DELETED', ref, object: next };
  return { op: 'put', type: 'MODIFIED', ref, object: ordered(next) };
}

/**
 * An update (PUT): replaces everything but status (kept from the stored object for kinds with a status
 * subresource) and the system-owned metadata (uid, creationTimestamp, namespace, name, generation,
 * deletionTimestamp, deletionGracePeriodSeconds). metadata.resourceVersion and metadata.uid, when set, are
 * preconditions. generation is bumped only when something outside metadata/status changed. An update that
 * changes nothing is `none` (no new revision). Removing the last finalizer of an object being deleted deletes it.
 */
export function prepareUpdate(t: Target, stored: KubeObject | undefined, ctx: WriteContext): Mutation {
  const { ki, ref } = t;
  if (!stored) throw notFound(ki, ref.name);
  const next = t.object;
  const m = meta(next);
  checkPreconditions(ki, stored, { resourceVersion: m.resourceVersion, uid: m.uid }, true);
  const sm = stored.metadata;
  next.apiVersion = stored.apiVersion;
  next.kind = stored.kind;
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (sm[f] === undefined) delete m[f];
    else (m as Record<string, unknown>)[f] = sm[f];
  }
  delete m.selfLink;
  if (ki.hasStatus) {
    if (stored.status === undefined) delete next.status;
    else next.status = jsonClone(stored.status);
  }
  if (sm.deletionTimestamp) {
    const had = new Set(sm.finalizers ?? []);
    const added = (m.finalizers ?? []).filter((f) => !had.has(f));
    if (added.length)
      throw new ValidationError(ki.kind, ref.name, [
        {
          path: 'metadata.finalizers',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        },
      ]);
  }
  applyDefaults(next);
  if (ki.kind === 'DaemonSet' && ki.group === 'apps') stampTemplateGeneration(next, stored);
  const immutable = immutableFieldErrors(stored, next);
  if (immutable.length) throw new ValidationError(ki.kind, ref.name, immutable);
  if (!deepEqual(specOf(next), specOf(stored))) m.generation = (sm.generation ?? 0) + 1;
  return finish(ki, ref, stored, next, ctx);
}

/**
 * upstream ValidateConfigMapUpdate / ValidateSecretUpdate: an `immutable: true` ConfigMap or Secret keeps its
 * data (and stays immutable); a Secret's type never changes. Compared after defaulting (stringData folded in).
 */
function immutableFieldErrors(stored: KubeObject, next: KubeObject): { path: string; message: string }[] {
  if (stored.kind !== 'ConfigMap' && stored.kind !== 'Secret') return [];
  const o = stored as KubeObject & Record<string, unknown>;
  const n = next as KubeObject & Record<string, unknown>;
  const errs: { path: string; message: string }[] = [];
  if (stored.kind === 'Secret' && (o.type ?? 'Opaque') !== (n.type ?? 'Opaque'))
    errs.push({ path: 'type', message: `Invalid value: ${JSON.stringify(n.type ?? 'Opaque')}: field is immutable` });
  if (o.immutable !== true) return errs;
  const forbidden = 'Forbidden: field is immutable when `immutable` is set';
  if (n.immutable !== true) errs.push({ path: 'immutable', message: forbidden });
  for (const f of stored.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data'])
    if (!deepEqual(o[f] ?? {}, n[f] ?? {})) errs.push({ path: f, message: forbidden });
  return errs;
}

/** An update of the status subresource: only status is replaced (resourceVersion/uid preconditions as update). */
export function prepareUpdateStatus(t: Target, stored: KubeObject | undefined, ctx: WriteContext): Mutation {
  const { ki, ref } = t;
  if (!ki.hasStatus)
    throw new KctlError('NotFound', `the server could not find the requested resource (put ${ki.plural} ${ref.name})`);
  if (!stored) throw notFound(ki, ref.name);
  checkPreconditions(ki, stored, { resourceVersion: t.object.metadata.resourceVersion, uid: t.object.metadata.uid }, true);
  const next = jsonClone(stored);
  if (t.object.status === undefined) delete next.status;
  else next.status = t.object.status;
  return finish(ki, ref, stored, next, ctx);
}

/** Finalizers the API server adds for kubectl --cascade=orphan / foreground; the garbage collector removes them. */
export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/**
 * The grace period a delete gives (upstream pod strategy CheckGracefulDelete): only a Pod bound to a node and
 * not finished gets one: opts.gracePeriodSeconds, else spec.terminationGracePeriodSeconds, else 30. 0 otherwise.
 */
export function deletionGracePeriod(ki: KindInfo, stored: KubeObject, opts: DeleteOptions): number {
  if (ki.kind !== 'Pod') return 0;
  const spec = (stored.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (stored.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return g < 0 ? 1 : g;
}

/**
 * A delete, as the API server's generic registry does it:
 * - propagationPolicy Orphan / Foreground puts the `orphan` / `foregroundDeletion` finalizer on the object
 *   (Background, or no policy on an object without them, adds none) for the garbage collector to act on;
 * - an object with finalizers, or a Pod given a grace period (see deletionGracePeriod), is kept and marked:
 *   deletionTimestamp = now + grace, deletionGracePeriodSeconds = grace, generation + 1 (a Namespace turns
 *   Terminating). Deleting a marked object again only shortens its grace period or switches those
 *   finalizers; otherwise it is `none`;
 * - anything else is removed; the DELETED object carries the deletion's revision, as an etcd watch reports it.
 */
export function prepareDelete(ref: ObjectRef, stored: KubeObject | undefined, opts: DeleteOptions, ctx: WriteContext): Mutation {
  const ki = kindInfoOfResource(ref.resource);
  if (!stored) throw notFound(ki, ref.name);
  checkPreconditions(ki, stored, opts, false);
  if (ki.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(ref.name))
    throw new ForbiddenError('namespaces', ref.name, 'this namespace may not be deleted');
  const next = jsonClone(stored);
  const m = meta(next);
  // upstream deletionFinalizersForGarbageCollection
  const had = m.finalizers ?? [];
  const policy = opts.propagationPolicy;
  const orphan = policy ? policy === 'Orphan' : had.includes(FINALIZER_ORPHAN);
  const foreground = policy ? policy === 'Foreground' : had.includes(FINALIZER_FOREGROUND);
  const finalizers = had.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan) finalizers.push(FINALIZER_ORPHAN);
  if (foreground) finalizers.push(FINALIZER_FOREGROUND);
  if (finalizers.length !== had.length || finalizers.some((f) => !had.includes(f))) m.finalizers = finalizers;
  const grace = deletionGracePeriod(ki, stored, opts);
  if (finalizers.length === 0 && grace === 0) {
    const object = jsonClone(stored);
    meta(object).resourceVersion = String(ctx.revision);
    return { op: 'delete', type: 'DELETED', ref, object };
  }
  const at = rfc3339(new Date(ctx.now.getTime() + grace * 1000));
  if (!m.deletionTimestamp) {
    m.deletionTimestamp = at;
    m.deletionGracePeriodSeconds = grace;
    if (m.generation !== undefined) m.generation += 1;
    if (ki.kind === 'Namespace') next.status = { ...((next.status as object | undefined) ?? {}), phase: 'Terminating' };
  } else if (grace < (m.deletionGracePeriodSeconds ?? 0)) {
    m.deletionTimestamp = at;
    m.deletionGracePeriodSeconds = grace;
  }
  if (deepEqual(next, stored)) return { op: 'none', ref, object: next };
  m.resourceVersion = String(ctx.revision);
  return { op: 'put', type: 'MODIFIED', ref, object: next };
}

/** A create of one of the system namespaces. */
export function systemNamespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** List order, as the API server returns it: by namespace, then name. */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Whether a change to `key` is of interest to a watch with these filters. */
export function watchMatches(opts: { resource?: string; namespace?: string }, ref: ObjectRef): boolean {
  if (opts.resource && opts.resource !== ref.resource) return false;
  if (opts.namespace && opts.namespace !== ref.namespace) return false;
  return true;
}

