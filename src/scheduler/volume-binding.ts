// The VolumeBinding plugin's PreFilter (upstream pkg/scheduler/framework/plugins/volumebinding), reduced: a pod
// whose claims are missing, being deleted, or not bound (Immediate binding) is unschedulable and unresolvable
// until the PV controller binds them. WaitForFirstConsumer claims do not block: the controller provisions
// them for their first pod and the kubelet waits for the binding.
import type { Pod } from '../api/types.js';
import type { KubeObject } from '../api/types.js';

export interface ClaimView {
  metadata: { name: string; deletionTimestamp?: string };
  spec?: { volumeName?: string; storageClassName?: string };
  status?: { phase?: string };
}
export interface ClassView {
  volumeBindingMode?: string;
}

/** upstream ErrReasonBindConflict's sibling for immediate claims */
export const ERR_UNBOUND_IMMEDIATE_PVC = 'pod has unbound immediate PersistentVolumeClaims';

/**
 * The PreFilter message for the pod's claims, or undefined when they allow scheduling. `claims` and `classes`
 * by name (the pod's namespace).
 */
export function volumeBindingPreFilter(
  pod: Pod,
  claims: ReadonlyMap<string, ClaimView>,
  classes: ReadonlyMap<string, ClassView>,
): string | undefined {
  let unboundImmediate = false;
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = claims.get(name);
    if (!pvc) return `persistentvolumeclaim "${name}" not found`;
    if (pvc.status?.phase === 'Lost') return `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"`;
    if (pvc.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    if (pvc.spec?.volumeName) continue;
    const cls = pvc.spec?.storageClassName ? classes.get(pvc.spec.storageClassName) : undefined;
    if (cls?.volumeBindingMode !== 'WaitForFirstConsumer') unboundImmediate = true;
  }
  return unboundImmediate ? ERR_UNBOUND_IMMEDIATE_PVC : undefined;
}

/**
 * upstream FitError.Error() when a PreFilter plugin rejected the pod: the PreFilter message, then the
 * DefaultPreemption PostFilter's (preemption cannot help an unresolvable rejection).
 */
export function preFilterFitError(numNodes: number, msg: string): string {
  return `0/${numNodes} nodes are available: ${msg}. preemption: 0/${numNodes} nodes are available: ${numNodes} Preemption is not helpful for scheduling.`;
}

export const claimNamesOf = (pod: Pod & KubeObject): string[] =>
  (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));
