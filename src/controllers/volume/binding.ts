// Pure rules of the PersistentVolume controller (upstream pkg/controller/volume/persistentvolume: pv_controller.go,
// index.go findBestMatchForClaim; storage/util helpers; the external-provisioner's PV shape), reduced to one
// machine: claims bind to a matching PV, else kctl's provisioner makes a Docker volume and a PV `pvc-<uid>` for them.
import type { KubeObject } from '../../api/types.js';
import type { PersistentVolumeClaimSpec, PersistentVolumeSpec, Pod } from 'kubernetes-types/core/v1.js';
import { quantityNumber, tryParseQuantity } from '../../api/quantity.js';

// the annotations live in api/meta.ts; re-exported under the same names for the PV controller
import { ANN_BETA_DEFAULT_STORAGE_CLASS, ANN_BETA_STORAGE_CLASS, ANN_DEFAULT_STORAGE_CLASS, ANN_DYNAMICALLY_PROVISIONED } from '../../api/meta.js';
export { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_STORAGE_PROVISIONER, ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_DEFAULT_STORAGE_CLASS, ANN_BETA_DEFAULT_STORAGE_CLASS, ANN_BETA_STORAGE_CLASS } from '../../api/meta.js';

// finalizers, with upstream's names
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** kctl's provisioner: one Docker volume per claim */
export const LOCAL_PROVISIONER = 'kctl.io/local';
export const DEFAULT_STORAGE_CLASS_NAME = 'local';

/** upstream event messages */
export const MSG_NO_CLASS = 'no persistent volumes available for this claim and no storage class is set';
export const externalProvisioningMessage = (provisioner: string): string =>
  `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;

export interface PVCObj extends KubeObject {
  spec?: PersistentVolumeClaimSpec;
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
}
export interface PVObj extends KubeObject {
  spec?: PersistentVolumeSpec;
  status?: { phase?: string; message?: string; reason?: string };
}
export interface StorageClassObj extends KubeObject {
  provisioner: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
  parameters?: Record<string, string>;
}

/** The StorageClass a cluster starts with. */
export function defaultStorageClass(): StorageClassObj {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS_NAME, annotations: { [ANN_DEFAULT_STORAGE_CLASS]: 'true' } },
    provisioner: LOCAL_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

export const isDefaultClass = (sc: KubeObject): boolean =>
  sc.metadata.annotations?.[ANN_DEFAULT_STORAGE_CLASS] === 'true' || sc.metadata.annotations?.[ANN_BETA_DEFAULT_STORAGE_CLASS] === 'true';

/**
 * upstream GetDefaultClass: among the classes marked default, the newest (ties: by name); undefined when none.
 */
export function pickDefaultClass(classes: readonly StorageClassObj[]): StorageClassObj | undefined {
  const defaults = classes.filter((c) => isDefaultClass(c) && !c.metadata.deletionTimestamp);
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return a.metadata.name < b.metadata.name ? -1 : 1;
  });
  return defaults[0];
}

/** upstream GetPersistentVolumeClaimClass: the beta annotation wins; undefined = no class asked for (nil). */
export function claimClass(pvc: PVCObj): string | undefined {
  const ann = pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return pvc.spec?.storageClassName ?? undefined;
}

export function volumeClass(pv: PVObj): string {
  return pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? pv.spec?.storageClassName ?? '';
}

/** Bytes a claim asks for (resources.requests.storage); 0 when absent. */
export function requestedBytes(pvc: PVCObj): number {
  return bytes(pvc.spec?.resources?.requests?.storage);
}

const bytes = (v: unknown): number => {
  const q = tryParseQuantity(v);
  return q ? quantityNumber(q) : 0;
};
const capacityBytes = (pv: PVObj): number => bytes(pv.spec?.capacity?.storage);

/** upstream CheckAccessModes: every mode the claim asks for is offered by the volume. */
export function accessModesSatisfied(pvc: PVCObj, pv: PVObj): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (pvc.spec?.accessModes ?? []).every((m) => offered.has(m));
}

const volumeMode = (m: string | undefined): string => m ?? 'Filesystem';

/** The claim the PV's claimRef names (namespace/name, and uid when set). */
export function claimRefMatches(pv: PVObj, pvc: PVCObj): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || (ref.namespace ?? 'default') !== (pvc.metadata.namespace ?? 'default')) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

/** Whether a scheduled pod uses the claim (upstream pvc-protection podUsesPVC: scheduled pods only). */
export function podUsesClaim(pod: Pod & KubeObject, pvc: PVCObj): boolean {
  if (!pod.spec?.nodeName || (pod.metadata.namespace ?? 'default') !== (pvc.metadata.namespace ?? 'default')) return false;
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
}

/** Names of the claims a pod's volumes reference. */
export const claimsOfPod = (pod: Pod): string[] =>
  (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));

/**
 * upstream findBestMatchForClaim, reduced: a volume pre-bound to this claim first; otherwise the smallest
 * Available volume, not being deleted, of the claim's class and volume mode, with room for the request, the
 * access modes asked for and labels matching the claim's selector (matchLabels only).
 */
export function findMatchingVolume(pvc: PVCObj, pvs: readonly PVObj[]): PVObj | undefined {
  const cls = claimClass(pvc) ?? '';
  const want = requestedBytes(pvc);
  let best: PVObj | undefined;
  for (const pv of pvs) {
    if (pv.metadata.deletionTimestamp) continue;
    if (volumeMode(pv.spec?.volumeMode) !== volumeMode(pvc.spec?.volumeMode)) continue;
    const preBound = claimRefMatches(pv, pvc);
    if (pv.spec?.claimRef && !preBound) continue;
    if (preBound) {
      // upstream: a volume pre-bound to the claim wins if it fits at all
      if (capacityBytes(pv) >= want && accessModesSatisfied(pvc, pv)) return pv;
      continue;
    }
    if ((pv.status?.phase ?? 'Available') !== 'Available' && pv.status?.phase !== 'Pending') continue;
    if (volumeClass(pv) !== cls) continue;
    if (capacityBytes(pv) < want || !accessModesSatisfied(pvc, pv)) continue;
    const sel = pvc.spec?.selector;
    if (sel?.matchExpressions?.length) continue; // not supported: never matches
    if (sel?.matchLabels && !Object.entries(sel.matchLabels).every(([k, v]) => pv.metadata.labels?.[k] === v)) continue;
    if (!best || capacityBytes(pv) < capacityBytes(best)) best = pv;
  }
  return best;
}

/** The Docker volume kctl's provisioner makes for a claim. */
export const claimVolumeName = (pvcUid: string): string => `kctl-pvc-${pvcUid}`;
/** upstream's PV name for a provisioned claim */
export const provisionedVolumeName = (pvcUid: string): string => `pvc-${pvcUid}`;

/** The PV the provisioner makes for a claim (upstream external-provisioner's shape, a CSI source). */
export function provisionedVolume(pvc: PVCObj, sc: StorageClassObj): PVObj {
  const uid = pvc.metadata.uid ?? '';
  const spec: PersistentVolumeSpec = {
    accessModes: [...(pvc.spec?.accessModes?.length ? pvc.spec.accessModes : ['ReadWriteOnce'])],
    capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '0' },
    claimRef: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: pvc.metadata.name,
      namespace: pvc.metadata.namespace ?? 'default',
      uid,
    },
    csi: { driver: sc.provisioner, volumeHandle: claimVolumeName(uid) },
    persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    storageClassName: sc.metadata.name,
    volumeMode: volumeMode(pvc.spec?.volumeMode),
  };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: provisionedVolumeName(uid),
      annotations: { [ANN_DYNAMICALLY_PROVISIONED]: sc.provisioner },
      finalizers: [PV_PROTECTION_FINALIZER],
    },
    spec,
  };
}

/** The engine volume a PV's data lives in, when kctl's provisioner made it (or a static PV names one). */
export function engineVolumeOf(pv: PVObj): string | undefined {
  const csi = pv.spec?.csi;
  return csi?.driver === LOCAL_PROVISIONER && csi.volumeHandle ? csi.volumeHandle : undefined;
}

/** The claim's status once bound to the volume (upstream bindClaimToVolume + updateClaimStatus). */
export function boundClaimStatus(pvc: PVCObj, pv: PVObj): NonNullable<PVCObj['status']> {
  return {
    ...(pvc.status ?? {}),
    phase: 'Bound',
    accessModes: [...(pv.spec?.accessModes ?? [])],
    capacity: { ...(pv.spec?.capacity ?? {}) },
  };
}
