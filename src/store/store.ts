// The Store port: a narrow, revisioned object store with API-server semantics (kine's shape).
import type { KubeObject } from '../api/types.js';
import { KINDS, type KindInfo } from '../api/kinds.js';
import { KctlError } from '../util/errors.js';

/** Identifies one object: resource is the lower-case plural ("deployments"). */
export interface ObjectRef {
  resource: string;
  namespace?: string;
  name: string;
}

/** `<plural>/<namespace>/<name>` (cluster-scoped: `<plural>/<name>`). The only place keys are built. */
export function objectKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.resource}/${ref.namespace}/${ref.name}` : `${ref.resource}/${ref.name}`;
}

export function parseObjectKey(key: string): ObjectRef {
  const parts = key.split('/');
  if (parts.length === 3) return { resource: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  if (parts.length === 2) return { resource: parts[0]!, name: parts[1]! };
  throw new Error(`bad object key ${key}`);
}

export function kindOfResource(resource: string): KindInfo {
  const ki = KINDS.find((x) => x.plural === resource);
  if (!ki) throw new Error(`unknown resource ${resource}`);
  return ki;
}

export function refOf(obj: KubeObject): ObjectRef {
  const ki = KINDS.find((x) => x.kind === obj.kind);
  if (!ki) throw new Error(`unknown kind ${obj.kind}`);
  return ki.namespaced
    ? { resource: ki.plural, namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name }
    : { resource: ki.plural, name: obj.metadata.name };
}

export interface ListOptions {
  /** restrict to one namespace; omit for all namespaces */
  namespace?: string;
}

export interface ListResult<T> {
  items: T[];
  /** store revision the list was read at: watch from here to see every later change */
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  /** the object after the change (for DELETED: its last state) */
  object: T;
  /** store revision of this change */
  revision: number;
}

export interface WatchOptions {
  /** only this resource (plural); omit for all */
  resource?: string;
  namespace?: string;
  /** deliver changes with revision > fromRevision; omit to start at the current revision */
  fromRevision?: number;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  /** precondition: fail with Conflict unless the stored resourceVersion equals this */
  resourceVersion?: string;
  /** precondition: fail with Conflict unless the stored uid equals this */
  uid?: string;
  /**
   * Graceful deletion (pods bound to a node): when > 0 (default: the pod's terminationGracePeriodSeconds),
   * the pod is only marked (deletionTimestamp + deletionGracePeriodSeconds) and the kubelet deletes it once
   * its containers are gone. 0 deletes at once (force). Other kinds ignore it.
   */
  gracePeriodSeconds?: number;
  /** ownerReference garbage collection of dependents (kubectl --cascade); default Background */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface Store {
  /** Throws NotFoundError. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T>;
  tryGet<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  list<T extends KubeObject = KubeObject>(resource: string, opts?: ListOptions): Promise<ListResult<T>>;
  /**
   * Sets uid, creationTimestamp, resourceVersion, generation (1); drops status for kinds with a status
   * subresource. Throws AlreadyExistsError, NotFoundError for a missing namespace (`namespaces "x" not found`),
   * ValidationError for a bad name.
   */
  create<T extends KubeObject = KubeObject>(obj: T): Promise<T>;
  /**
   * Replaces everything but status (the status subresource keeps the stored one). `metadata.resourceVersion`
   * is a precondition when set: a stale one throws ConflictError. generation is bumped only when spec
   * (everything but metadata and status) changed. Removing the last finalizer of an object being deleted
   * deletes it.
   */
  update<T extends KubeObject = KubeObject>(obj: T): Promise<T>;
  /** Replaces only status (resourceVersion precondition as update). */
  updateStatus<T extends KubeObject = KubeObject>(obj: T): Promise<T>;
  /**
   * Deletes, or marks deletionTimestamp (and deletionGracePeriodSeconds) when finalizers remain.
   * Returns the deleted (or marked) object. Throws NotFoundError.
   */
  delete<T extends KubeObject = KubeObject>(ref: ObjectRef, opts?: DeleteOptions): Promise<T>;
  /** Current store revision (monotonic across all objects). */
  revision(): Promise<number>;
  /**
   * Changes after opts.fromRevision, in revision order, until the signal aborts (or the consumer breaks out,
   * or the store closes). When opts.fromRevision is older than the history the store keeps (the change log
   * was compacted past it, or a slow watcher fell behind), iteration throws TooOldError (Kubernetes: 410 Gone,
   * "too old resource version"): relist, then watch from the list's resourceVersion.
   */
  watch<T extends KubeObject = KubeObject>(opts?: WatchOptions): AsyncIterable<WatchEvent<T>>;
  close(): Promise<void>;
}

/**
 * The watch's starting revision is older than the history the store keeps (Kubernetes answers 410 Gone with
 * reason Expired). The caller relists and watches again from the list's resourceVersion.
 */
export class TooOldError extends KctlError {
  readonly reason = 'Expired';
  /** the revision the watch asked to start after */
  readonly requested: number;
  /** the newest revision no longer in the history: a watch must start at or after it */
  readonly compacted: number;
  constructor(requested: number, compacted: number) {
    super('Expired', `too old resource version: ${requested} (${compacted})`);
    this.requested = requested;
    this.compacted = compacted;
  }
}

export const isTooOld = (e: unknown): e is TooOldError => e instanceof TooOldError;

/**
 * The request is refused whatever its content (Kubernetes 403 Forbidden), e.g.
 * `pods "p" is forbidden: unable to create new content in namespace x because it is being terminated`.
 */
export class ForbiddenError extends KctlError {
  readonly reason = 'Forbidden';
  constructor(resource: string, name: string, detail: string) {
    super('Forbidden', `${resource} "${name}" is forbidden: ${detail}`);
  }
}

export const isForbidden = (e: unknown): e is ForbiddenError => e instanceof ForbiddenError;
