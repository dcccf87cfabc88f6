// Owner routing for every loop: which keys a watch event of an *owned* object enqueues.
//
// - `OwnerIndex.keysForOwned(ev)` is controller-runtime's EnqueueRequestForOwner{OnlyControllerOwner} plus
//   upstream's orphan lookups (getReplicaSetsForPod, getPodStatefulSets, getDeploymentsForReplicaSet): an object
//   with a controllerRef of the owner kind routes to that owner's key; an orphan routes to every owner of its
//   namespace seen so far whose selector could adopt it (none once it is deleted or terminating: ClaimObjects never
//   adopts those). The index learns owners from their own watch events (`observeOwner`) and from reconcile passes
//   (`setOwner` / `forgetOwner`), so handlers stay O(owners in the namespace) and never read the store.
// - `RefIndex` is the reverse lookup for owners that *name* other objects (a Service's endpoint pods, a
//   Deployment's ReplicaSets): owner key → the keys it names, so an event of a named object routes back to every
//   owner naming it.
import type { KubeObject } from '../api/types.js';
import { matches, selectorFromLabelSelector, type Selector } from '../api/labels.js';
import { objectKey, type WatchEvent } from '../store/store.js';
import { getControllerOf } from './controller-ref.js';

/** The owner kind an index routes to: its controllerRef identity and its store resource. */
export interface OwnerKind {
  apiVersion: string;
  kind: string;
  /** store plural, for its keys: `replicasets` */
  resource: string;
}

export interface OwnerIndexOptions {
  owner: OwnerKind;
  /** an orphan's adoption test beyond the selector (StatefulSet: the pod is named `<set>-<ordinal>`) */
  canAdopt?(owner: { namespace: string; name: string }, obj: KubeObject): boolean;
}

interface KnownOwner {
  namespace: string;
  name: string;
  /** undefined: an invalid selector, which adopts nothing */
  selector: Selector | undefined;
}

const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';

/** The parsed selector of `spec.selector`, or undefined when it does not parse. */
function specSelector(o: KubeObject): Selector | undefined {
  try {
    return selectorFromLabelSelector((o as { spec?: { selector?: Parameters<typeof selectorFromLabelSelector>[0] } }).spec?.selector);
  } catch {
    return undefined;
  }
}

export class OwnerIndex {
  private readonly owner: OwnerKind;
  private readonly canAdopt: OwnerIndexOptions['canAdopt'];
  private readonly owners = new Map<string, KnownOwner>();

  constructor(opts: OwnerIndexOptions) {
    this.owner = opts.owner;
    this.canAdopt = opts.canAdopt;
  }

  /** The store key of the owner `namespace/name`. */
  ownerKey(namespace: string, name: string): string {
    return objectKey({ resource: this.owner.resource, namespace, name });
  }

  /** An event of an owner-kind object: remembers its `spec.selector` (forgets it on DELETED); returns its key. */
  observeOwner(ev: WatchEvent<KubeObject>): string {
    const o = ev.object;
    const key = this.ownerKey(nsOf(o), o.metadata.name);
    if (ev.type === 'DELETED') this.owners.delete(key);
    else this.owners.set(key, { namespace: nsOf(o), name: o.metadata.name, selector: specSelector(o) });
    return key;
  }

  /** What a reconcile pass read: the owner `key` exists with this (parsed) selector. */
  setOwner(key: string, namespace: string, name: string, selector: Selector | undefined): void {
    this.owners.set(key, { namespace, name, selector });
  }

  /** The owner `key` is gone. */
  forgetOwner(key: string): void {
    this.owners.delete(key);
  }

  /**
   * The owner keys an event of an owned object concerns: its controller owner's (when that is of our kind;
   * another kind's object concerns nobody here), or for an orphan every known owner that could adopt it.
   */
  keysForOwned(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    const ns = nsOf(o);
    const ref = getControllerOf(o);
    if (ref) return ref.kind === this.owner.kind && ref.apiVersion === this.owner.apiVersion ? [this.ownerKey(ns, ref.name)] : [];
    if (ev.type === 'DELETED' || o.metadata.deletionTimestamp) return [];
    const keys: string[] = [];
    for (const [key, c] of this.owners)
      if (c.namespace === ns && c.selector && matches(c.selector, o.metadata.labels) && (this.canAdopt?.(c, o) ?? true)) keys.push(key);
    return keys;
  }
}

/** owner key → the keys it names, and back. */
export class RefIndex {
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly byRef = new Map<string, Set<string>>();

  /** The owner names exactly these keys now (an empty list forgets it). */
  set(owner: string, refs: Iterable<string>): void {
    this.delete(owner);
    const set = new Set(refs);
    if (!set.size) return;
    this.byOwner.set(owner, set);
    for (const r of set) {
      let owners = this.byRef.get(r);
      if (!owners) this.byRef.set(r, (owners = new Set()));
      owners.add(owner);
    }
  }

  delete(owner: string): void {
    const had = this.byOwner.get(owner);
    if (!had) return;
    this.byOwner.delete(owner);
    for (const r of had) {
      const owners = this.byRef.get(r);
      owners?.delete(owner);
      if (owners && !owners.size) this.byRef.delete(r);
    }
  }

  /** The owners naming `ref`. */
  ownersOf(ref: string): string[] {
    return [...(this.byRef.get(ref) ?? [])];
  }
}
