// kctl's local provisioner (`kctl.io/local`): the contract between the PV controller, which makes a Docker volume
// per claim and a PV naming it, and the kubelet, which mounts it. Pure.
import type { PersistentVolumeSpec } from 'kubernetes-types/core/v1.js';

export const LOCAL_PROVISIONER = 'kctl.io/local';

/** The Docker volume kctl's provisioner makes for a claim. */
export const claimVolumeName = (pvcUid: string): string => `kctl-pvc-${pvcUid}`;

/** The engine volume a PV's data lives in, when kctl's provisioner made it (or a static PV names one). */
export function engineVolumeOf(pv: { spec?: PersistentVolumeSpec }): string | undefined {
  const csi = pv.spec?.csi;
  return csi?.driver === LOCAL_PROVISIONER && csi.volumeHandle ? csi.volumeHandle : undefined;
}
