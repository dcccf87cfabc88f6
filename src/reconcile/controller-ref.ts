// ControllerRef helpers (upstream metav1.GetControllerOf / NewControllerRef and pkg/controller
// controller_ref_manager.go ClaimObject), shared by the workload controllers (claim.ts runs ClaimObjects with them). Pure.
import type { KubeObject, OwnerReference } from '../api/types.js';

/** The ownerReference with controller: true, if any (upstream GetControllerOf). */
export function getControllerOf(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** upstream NewControllerRef: {apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true}. */
export function newControllerRef(owner: Pick<KubeObject, 'metadata'>, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * What ClaimObject does with one candidate:
 * - `owned`: controlled by us and the selector matches (kept even while we are being deleted);
 * - `release`: controlled by us, the selector no longer matches, we are not being deleted → remove our ownerRef;
 * - `adopt`: an orphan that matches, neither side being deleted, same namespace → add our controllerRef;
 * - `ignore`: anything else (controlled by someone else, or not ours to take).
 */
export type ClaimAction = 'owned' | 'release' | 'adopt' | 'ignore';

export function claimAction(
  controller: Pick<KubeObject, 'metadata'>,
  obj: Pick<KubeObject, 'metadata'>,
  selectorMatches: boolean,
): ClaimAction {
  const ref = getControllerOf(obj);
  const controllerDeleting = !!controller.metadata.deletionTimestamp;
  if (ref) {
    if (ref.uid !== controller.metadata.uid) return 'ignore';
    if (selectorMatches) return 'owned';
    return controllerDeleting ? 'ignore' : 'release';
  }
  if (controllerDeleting || !selectorMatches) return 'ignore';
  if (obj.metadata.deletionTimestamp) return 'ignore';
  if ((controller.metadata.namespace ?? '') !== (obj.metadata.namespace ?? '')) return 'ignore';
  return 'adopt';
}

/** A copy of obj's ownerReferences with `ref` added as the controller (adoption). */
export function withControllerRef(obj: Pick<KubeObject, 'metadata'>, ref: OwnerReference): OwnerReference[] {
  return [...(obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid), ref];
}

/** A copy of obj's ownerReferences without the ones pointing at `uid` (release / orphaning). */
export function withoutOwner(obj: Pick<KubeObject, 'metadata'>, uid: string): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
}
