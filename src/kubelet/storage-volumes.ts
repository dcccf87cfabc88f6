// The storage side of pod volumes (upstream pkg/volume/hostpath, emptydir's medium Memory, and the volume
// manager's PVC → PV resolution), next to volumes.ts:
// - hostPath: the `type` checks and the DirectoryOrCreate/FileOrCreate creation, worded as upstream checkType;
// - persistentVolumeClaim: the bound PV's data: kctl's provisioned Docker volume, or a hostPath/local PV's path.
// A failure is a MountError: a FailedMount event, the pod waits in ContainerCreating and is retried.
import type { PersistentVolumeClaim, PersistentVolumeSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject, Pod } from '../api/types.js';
import type { Store } from '../store/store.js';
import { engineVolumeOf } from '../api/local-volumes.js';
import { MountError, type PodVolume } from './volumes.js';

export type HostFileType = 'Directory' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice' | 'Unknown';

/** The host side of hostPath checks (NodeHostPaths in volume-host.ts; a fake in tests). */
export interface HostPathOps {
  /** undefined when nothing exists at the path */
  fileType(path: string): Promise<HostFileType | undefined>;
  /** mkdir -p, mode 0755 */
  makeDir(path: string): Promise<void>;
  /** creates an empty file (mode 0644) when absent; the parent must exist */
  makeFile(path: string): Promise<void>;
}

const DESCRIPTIONS: Record<string, [HostFileType, string]> = {
  Directory: ['Directory', 'directory'],
  DirectoryOrCreate: ['Directory', 'directory'],
  File: ['File', 'file'],
  FileOrCreate: ['File', 'file'],
  Socket: ['Socket', 'socket file'],
  CharDevice: ['CharDevice', 'character device'],
  BlockDevice: ['BlockDevice', 'block device'],
};

/** upstream hostpath checkType (v1.32 wording). Resolves when the path fits; throws MountError otherwise. */
export async function checkHostPathType(volume: string, path: string, type: string | undefined, ops: HostPathOps): Promise<void> {
  if (!type) return; // "": no checks
  const fail = (msg: string): never => {
    throw new MountError(`MountVolume.SetUp failed for volume "${volume}" : ${msg}`);
  };
  const want = DESCRIPTIONS[type];
  if (!want) return fail(`${type} is an invalid volume type`);
  const actual = await ops.fileType(path);
  try {
    if (actual === undefined && type === 'DirectoryOrCreate') {
      await ops.makeDir(path);
      return;
    }
    if (actual === undefined && type === 'FileOrCreate') {
      await ops.makeFile(path);
      return;
    }
  } catch (e) {
    return fail((e as Error).message);
  }
  if (actual !== want[0]) fail(`hostPath type check failed: ${path} is not a ${want[1]}`);
}

interface PVObj extends KubeObject {
  spec?: PersistentVolumeSpec;
}

/**
 * Resolves the pod's persistentVolumeClaim volumes to what backs them (v.engine or v.hostPath) and checks the
 * hostPath volumes. Throws MountError with the first failure.
 */
export async function setUpStorageVolumes(store: Store, pod: Pod & KubeObject, vols: PodVolume[], ops: HostPathOps | undefined): Promise<void> {
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of vols) {
    if (v.kind === 'hostPath' && ops && v.hostPath !== undefined) await checkHostPathType(v.name, v.hostPath, v.volume.hostPath?.type, ops);
    if (v.kind !== 'persistentVolumeClaim') continue;
    const claim = v.volume.persistentVolumeClaim?.claimName ?? '';
    const fail = (msg: string): never => {
      throw new MountError(`Unable to attach or mount volumes: unmounted volumes=[${v.name}]: error processing PVC ${ns}/${claim}: ${msg}`);
    };
    const pvc = await store.tryGet<PersistentVolumeClaim & KubeObject>({ resource: 'persistentvolumeclaims', namespace: ns, name: claim });
    if (!pvc) return fail(`failed to fetch PVC from API server: persistentvolumeclaims "${claim}" not found`);
    if (pvc.metadata.deletionTimestamp) return fail('PVC is being deleted');
    const pvName = pvc.spec?.volumeName ?? '';
    if (pvc.status?.phase !== 'Bound' || !pvName)
      return fail(`PVC ${ns}/${claim} has non-bound phase ("${pvc.status?.phase ?? ''}") or empty pvc.Spec.VolumeName ("${pvName}")`);
    const pv = await store.tryGet<PVObj>({ resource: 'persistentvolumes', name: pvName });
    if (!pv) return fail(`failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
    const engine = engineVolumeOf(pv);
    if (engine) v.engine = { type: 'volume', name: engine };
    else if (pv.spec?.hostPath) {
      if (ops) await checkHostPathType(v.name, pv.spec.hostPath.path, pv.spec.hostPath.type, ops);
      v.hostPath = pv.spec.hostPath.path;
    } else if (pv.spec?.local?.path) v.hostPath = pv.spec.local.path;
    else fail(`PersistentVolume ${pvName} has a volume source kctl cannot mount (only kctl.io/local CSI, hostPath and local)`);
  }
}
