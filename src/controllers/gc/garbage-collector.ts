// The garbage collector (upstream pkg/controller/garbagecollector, without the in-memory graph: every pass reads
// the store). Keys are those of any object that has ownerReferences or is being deleted with a GC finalizer.
//
// - a dependent whose owners are all gone (no object with that name and uid) is deleted — Background unless its
//   own finalizers say otherwise; a dependent with a live owner only loses its references to gone owners;
// - an owner being deleted with the `foregroundDeletion` finalizer (kubectl --cascade=foreground) gets its
//   dependents deleted (Foreground again for those with dependents of their own); once no dependent with
//   blockOwnerDeletion is left, the finalizer is removed and the store deletes the owner;
// - an owner being deleted with the `orphan` finalizer (--cascade=orphan) has its references removed from every
//   dependent, then the finalizer removed.
// Pods are deleted with the store's graceful semantics: a bound pod is only marked; the kubelet removes it.
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { KINDS } from '../../api/kinds.js';
import { isConflict, isNotFound } from '../../util/errors.js';
import { objectKey, parseObjectKey, refOf, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import {
  FINALIZER_FOREGROUND,
  FINALIZER_ORPHAN,
  blocksOwnerDeletion,
  classifyOwner,
  classifyReferences,
  dependentAction,
  hasFinalizer,
  ownerRefLocation,
  type OwnerState,
} from './owners.js';

/**
 * The namespaced resources whose objects the collector follows (dependents and owners): the ones kctl's own
 * controllers write and watch anyway (each watched resource costs the runner a watch of the store). A cluster
 * wanting more (jobs, configmaps ...) passes `resources`.
 */
export const GC_RESOURCES: readonly string[] = [
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'controllerrevisions',
  'jobs',
  'cronjobs',
  'persistentvolumeclaims',
  'pods',
  'services',
  'endpoints',
].filter((r) => KINDS.some((k) => k.plural === r));

export interface GarbageCollectorOptions {
  store: Store;
  log?: Logger;
  /** resources to follow (default GC_RESOURCES) */
  resources?: readonly string[];
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const keyOf = (o: KubeObject): string => objectKey(refOf(o));
const refsSignature = (o: KubeObject): string => `${o.metadata.uid ?? ''}|${JSON.stringify(o.metadata.ownerReferences ?? [])}`;

export class GarbageCollector implements Reconciler {
  readonly name = 'garbagecollector';
  readonly watches: readonly string[];
  private readonly store: Store;
  private readonly log: Logger;
  /** owner uid → keys of the dependents seen referencing it */
  private readonly dependents = new Map<string, Set<string>>();
  /** dependent key → its owner uids and references signature, as last seen */
  private readonly seen = new Map<string, { owners: string[]; sig: string }>();

  constructor(opts: GarbageCollectorOptions) {
    this.store = opts.store;
    this.log = opts.log ?? NOP_LOGGER;
    this.watches = opts.resources ?? GC_RESOURCES;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    let key: string;
    try {
      key = keyOf(o);
    } catch {
      return [];
    }
    const keys: string[] = [];
    const refs = o.metadata.ownerReferences ?? [];
    if (ev.type === 'DELETED') {
      this.forget(key);
      // its dependents may now be dangling; owners waiting for it (foreground) may be done
      keys.push(...(this.dependents.get(o.metadata.uid ?? '') ?? []));
      this.dependents.delete(o.metadata.uid ?? '');
      for (const r of refs) {
        const loc = ownerRefLocation(o, r);
        if (loc) keys.push(objectKey(loc));
      }
      return keys;
    }
    const sig = refsSignature(o);
    const before = this.seen.get(key);
    if (refs.length || before) this.remember(key, o, sig);
    if (refs.length && before?.sig !== sig) keys.push(key);
    if (o.metadata.deletionTimestamp && (hasFinalizer(o, FINALIZER_FOREGROUND) || hasFinalizer(o, FINALIZER_ORPHAN))) keys.push(key);
    return keys;
  }

  private remember(key: string, o: KubeObject, sig: string): void {
    this.forget(key);
    const owners = (o.metadata.ownerReferences ?? []).map((r) => r.uid);
    if (!owners.length) return;
    this.seen.set(key, { owners, sig });
    for (const uid of owners) {
      const set = this.dependents.get(uid) ?? new Set<string>();
      set.add(key);
      this.dependents.set(uid, set);
    }
  }

  private forget(key: string): void {
    const before = this.seen.get(key);
    if (!before) return;
    this.seen.delete(key);
    for (const uid of before.owners) {
      const set = this.dependents.get(uid);
      set?.delete(key);
      if (set && set.size === 0) this.dependents.delete(uid);
    }
  }

  async resyncKeys(): Promise<string[]> {
    const keys: string[] = [];
    for (const resource of this.watches) {
      const { items } = await this.store.list<KubeObject>(resource);
      for (const o of items) {
        const gcFinalizing = !!o.metadata.deletionTimestamp && (hasFinalizer(o, FINALIZER_FOREGROUND) || hasFinalizer(o, FINALIZER_ORPHAN));
        if (o.metadata.ownerReferences?.length || gcFinalizing) keys.push(keyOf(o));
      }
    }
    return keys;
  }

  async reconcile(key: string): Promise<Result> {
    let ref;
    try {
      ref = parseObjectKey(key);
    } catch {
      return DONE;
    }
    const obj = await this.store.tryGet<KubeObject>(ref);
    if (!obj) return DONE;
    if (obj.metadata.deletionTimestamp) {
      if (hasFinalizer(obj, FINALIZER_ORPHAN)) {
        await this.orphanDependents(obj);
        await this.removeFinalizer(obj, FINALIZER_ORPHAN);
      } else if (hasFinalizer(obj, FINALIZER_FOREGROUND)) {
        await this.processDeletingDependents(obj);
      }
      // any other object being deleted finishes on its own (a pod: the kubelet)
      return DONE;
    }
    if (obj.metadata.ownerReferences?.length) await this.attemptToDeleteItem(obj);
    return DONE;
  }

  /** Every object (of the followed resources) with a reference to the owner's uid. */
  private async findDependents(owner: KubeObject): Promise<KubeObject[]> {
    const uid = owner.metadata.uid;
    if (!uid) return [];
    const namespace = owner.metadata.namespace;
    const out: KubeObject[] = [];
    for (const resource of this.watches) {
      const { items } = await this.store.list<KubeObject>(resource, namespace ? { namespace } : {});
      for (const o of items) if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push(o);
    }
    return out;
  }

  private async ownerStates(obj: KubeObject): Promise<{ ref: OwnerReference; state: OwnerState }[]> {
    const out: { ref: OwnerReference; state: OwnerState }[] = [];
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const loc = ownerRefLocation(obj, ref);
      // a kind kctl does not know cannot be looked up: treat the reference as holding
      if (!loc) out.push({ ref, state: 'solid' });
      else out.push({ ref, state: classifyOwner(ref, await this.store.tryGet<KubeObject>(loc)) });
    }
    return out;
  }

  /** upstream attemptToDeleteItem for an object that is not being deleted. */
  private async attemptToDeleteItem(obj: KubeObject): Promise<void> {
    const classified = classifyReferences(await this.ownerStates(obj));
    const needsDependents = classified.solid.length === 0 && classified.waitingForDependentsDeletion.length > 0;
    const hasDependents = needsDependents ? (await this.findDependents(obj)).length > 0 : false;
    const act = dependentAction(obj, classified, hasDependents);
    const ref = refOf(obj);
    if (act.action === 'dropRefs') {
      const changed = await this.mutate(obj, (o) => {
        const refs = (o.metadata.ownerReferences ?? []).filter((r) => !act.uids.includes(r.uid));
        if (refs.length === (o.metadata.ownerReferences ?? []).length) return false;
        if (refs.length) o.metadata.ownerReferences = refs;
        else delete o.metadata.ownerReferences;
        return true;
      });
      if (changed) this.log.info(`garbagecollector: removed references to gone owners from ${objectKey(ref)}`);
    } else if (act.action === 'delete') {
      try {
        await this.store.delete(ref, { uid: obj.metadata.uid, propagationPolicy: act.propagationPolicy });
        this.log.info(`garbagecollector: deleting ${objectKey(ref)} (owner gone; ${act.propagationPolicy.toLowerCase()})`);
      } catch (e) {
        if (isNotFound(e)) return;
        if (isConflict(e)) return; // another object has the name now: nothing of ours to delete
        throw e;
      }
    }
  }

  /** upstream processDeletingDependentsItem: delete the dependents; drop the finalizer once no blocking one is left. */
  private async processDeletingDependents(owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const dep of await this.findDependents(owner)) {
      if (dep.metadata.deletionTimestamp) continue;
      await this.attemptToDeleteItem(dep);
    }
    const blocking = (await this.findDependents(owner)).filter((d) => blocksOwnerDeletion(d, uid));
    if (blocking.length === 0) await this.removeFinalizer(owner, FINALIZER_FOREGROUND);
  }

  /** upstream orphanDependents: remove the references to the owner from every dependent. */
  private async orphanDependents(owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const dep of await this.findDependents(owner)) {
      await this.mutate(dep, (o) => {
        const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (refs.length === (o.metadata.ownerReferences ?? []).length) return false;
        if (refs.length) o.metadata.ownerReferences = refs;
        else delete o.metadata.ownerReferences;
        return true;
      });
    }
    this.log.info(`garbagecollector: orphaned the dependents of ${keyOf(owner)}`);
  }

  private async removeFinalizer(obj: KubeObject, finalizer: string): Promise<void> {
    await this.mutate(obj, (o) => {
      if (!hasFinalizer(o, finalizer)) return false;
      const rest = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      if (rest.length) o.metadata.finalizers = rest;
      else delete o.metadata.finalizers;
      return true;
    });
  }

  /**
   * Read-modify-write with a few retries on conflict (the object is re-read: a pod's status changes often).
   * `change` edits the copy and says whether there is anything to write. A vanished object is fine.
   * Returns whether it wrote.
   */
  private async mutate(obj: KubeObject, change: (o: KubeObject) => boolean): Promise<boolean> {
    let cur: KubeObject | undefined = obj;
    for (let attempt = 0; ; attempt++) {
      if (!cur || cur.metadata.uid !== obj.metadata.uid) return false;
      const next = structuredClone(cur);
      if (!change(next)) return false;
      try {
        await this.store.update(next);
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        if (!isConflict(e) || attempt >= 4) {
          this.log.debug(`garbagecollector: update of ${keyOf(obj)} failed: ${errMessage(e)}`);
          throw e;
        }
        cur = await this.store.tryGet<KubeObject>(refOf(obj));
      }
    }
  }
}
