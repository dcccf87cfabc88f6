// Pure decisions of the garbage collector (upstream pkg/controller/garbagecollector garbagecollector.go
// classifyReferences / attemptToDeleteItem): how an object's owner references stand, and what to do with it.
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { kindByKind, type KindInfo } from '../../api/kinds.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from '../../store/object-semantics.js';
import type { ObjectRef } from '../../store/store.js';

export { FINALIZER_FOREGROUND, FINALIZER_ORPHAN };

/**
 * - `solid`: the owner exists (same uid) and is not waiting for its dependents to go;
 * - `dangling`: no object with that name and uid exists (the owner is gone);
 * - `waitingForDependentsDeletion`: the owner is being deleted in the foreground (deletionTimestamp and the
 *   foregroundDeletion finalizer): its dependents are to be deleted first.
 */
export type OwnerState = 'solid' | 'dangling' | 'waitingForDependentsDeletion';

export function hasFinalizer(obj: Pick<KubeObject, 'metadata'>, f: string): boolean {
  return !!obj.metadata.finalizers?.includes(f);
}

/** The kind an owner reference names, when kctl knows it. */
export function ownerKind(ref: OwnerReference): KindInfo | undefined {
  return kindByKind(ref.apiVersion, ref.kind);
}

/**
 * Where the owner of `dependent` named by `ref` lives: namespaced owners in the dependent's namespace,
 * cluster-scoped ones without. Undefined for a kind kctl does not know (such a reference is left alone) or a
 * namespaced owner of a cluster-scoped object (invalid).
 */
export function ownerRefLocation(dependent: Pick<KubeObject, 'metadata'>, ref: OwnerReference): ObjectRef | undefined {
  const ki = ownerKind(ref);
  if (!ki) return undefined;
  if (!ki.namespaced) return { resource: ki.plural, name: ref.name };
  if (!dependent.metadata.namespace) return undefined;
  return { resource: ki.plural, namespace: dependent.metadata.namespace, name: ref.name };
}

/** How one reference stands, given what the store holds at its location (undefined: nothing there). */
export function classifyOwner(ref: OwnerReference, owner: Pick<KubeObject, 'metadata'> | undefined): OwnerState {
  if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
  if (owner.metadata.deletionTimestamp && hasFinalizer(owner, FINALIZER_FOREGROUND)) return 'waitingForDependentsDeletion';
  return 'solid';
}

export interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waitingForDependentsDeletion: OwnerReference[];
}

export function classifyReferences(refs: readonly { ref: OwnerReference; state: OwnerState }[]): Classified {
  const out: Classified = { solid: [], dangling: [], waitingForDependentsDeletion: [] };
  for (const { ref, state } of refs) out[state].push(ref);
  return out;
}

/**
 * What attemptToDeleteItem does with a dependent (not itself being deleted):
 * - `keep`: it has a solid owner and no other reference to drop;
 * - `dropRefs`: it has a solid owner; the references to gone or foreground-deleting owners are removed;
 * - `delete`: no solid owner: delete it — Foreground when an owner waits for it and it has dependents of its own,
 *   else as its own finalizers say (orphan → Orphan, foregroundDeletion → Foreground), else Background.
 */
export type DependentAction =
  | { action: 'keep' }
  | { action: 'dropRefs'; uids: string[] }
  | { action: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' };

export function dependentAction(obj: Pick<KubeObject, 'metadata'>, c: Classified, hasDependents: boolean): DependentAction {
  if (c.solid.length) {
    const drop = [...c.dangling, ...c.waitingForDependentsDeletion].map((r) => r.uid);
    return drop.length ? { action: 'dropRefs', uids: drop } : { action: 'keep' };
  }
  if (c.dangling.length + c.waitingForDependentsDeletion.length === 0) return { action: 'keep' };
  if (c.waitingForDependentsDeletion.length && hasDependents) return { action: 'delete', propagationPolicy: 'Foreground' };
  if (hasFinalizer(obj, FINALIZER_ORPHAN)) return { action: 'delete', propagationPolicy: 'Orphan' };
  if (hasFinalizer(obj, FINALIZER_FOREGROUND)) return { action: 'delete', propagationPolicy: 'Foreground' };
  return { action: 'delete', propagationPolicy: 'Background' };
}

/** Whether a dependent's reference to `ownerUid` blocks the owner's foreground deletion. */
export function blocksOwnerDeletion(dependent: Pick<KubeObject, 'metadata'>, ownerUid: string): boolean {
  return !!dependent.metadata.ownerReferences?.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true);
}
