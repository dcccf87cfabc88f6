// Pod volumes on one machine: host directories under <dataDir>/pods/<uid>/volumes/<name>, bind-mounted by
// the runtime (upstream kubelet volume manager, reduced to what kctl supports):
// - emptyDir: an empty directory shared by the pod's containers for the pod's lifetime (0777, as upstream).
//   medium: Memory is an engine volume on tmpfs (sizeLimit its size) that the pod's containers share and its
//   sandbox holds mounted, so it outlives container restarts; removed with the pod.
// - configMap / secret / projected / downwardAPI: their files (projection.ts) written by the AtomicWriter
//   (atomic-writer.ts: a timestamped dir, `..data` swapped atomically, `key -> ..data/key`), mounted read-only
//   and re-synced while the pod runs (a ConfigMap/Secret change or a label/annotation change shows within
//   about a second; subPath mounts keep what they saw, as upstream). Secret, projected and downwardAPI volumes
//   live on tmpfs under a 0700 directory, <secretDir>/<uid>/<name> (/dev/shm/kctl-<home hash>), else under
//   <dataDir>, and go with the pod.
// - hostPath: the host path as given (it is the user's own machine), `type` checked as upstream.
// - persistentVolumeClaim: the bound PV's Docker volume (or hostPath/local path); storage-volumes.ts.
// Everything else makes a container that mounts it wait with CreateContainerConfigError.
import { posix } from 'node:path';
import type { Container, Pod } from '../api/types.js';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { quantityValue, tryParseQuantity } from '../api/quantity.js';
import type { EngineVolume } from '../runtime/runtime.js';

/** The file system side effects of volumes (NodeVolumeHost in volume-host.ts; a fake in tests). */
export interface VolumeHost {
  /** mkdir -p with this mode (applied even under a umask) */
  ensureDir(path: string, mode: number): Promise<void>;
  /** atomic write (temp file + rename) */
  writeFile(path: string, data: Uint8Array, mode: number): Promise<void>;
  /** rm -rf; no error when absent */
  removeAll(path: string): Promise<void>;
  /** names in a folder; [] when absent (the resync's sweep of per-pod folders) */
  list?(path: string): Promise<string[]>;
  /** makes the existing dir hold exactly these files, atomically (AtomicWriter); false when it already did */
  writePayload(dir: string, files: { path: string; data: Uint8Array; mode: number }[]): Promise<boolean>;
}

export type VolumeKind = 'emptyDir' | 'configMap' | 'secret' | 'projected' | 'downwardAPI' | 'hostPath' | 'persistentVolumeClaim' | 'unsupported';

export interface PodVolume {
  name: string;
  kind: VolumeKind;
  /** host directory (or file for hostPath) */
  hostPath?: string;
  /** why it is unsupported */
  reason?: string;
  /** backed by the engine instead (emptyDir medium Memory; a claim's Docker volume, set by storage-volumes.ts) */
  engine?: EngineVolume;
  /** emptyDir medium Memory: the tmpfs size (sizeLimit); absent: the engine's default */
  tmpfsSizeBytes?: number;
  volume: Volume;
}

/** The engine volume of a pod's medium: Memory emptyDir (labelled with the pod uid; removed with the pod). */
export const memoryVolumeName = (uid: string, name: string): string => `kctl-mem-${uid}-${name}`;

/** <dataDir>/pods/<uid> */
export const podDir = (dataDir: string, uid: string): string => posix.join(dataDir, 'pods', uid);
/** <dataDir>/pods/<uid>/volumes/<name> */
export const volumeDir = (dataDir: string, uid: string, name: string): string => posix.join(podDir(dataDir, uid), 'volumes', name);

const KNOWN_SOURCES = [
  'nfs',
  'csi',
  'ephemeral',
  'image',
  'iscsi',
  'gitRepo',
];

/**
 * How each volume of the pod is backed on this machine. `dataDir` undefined: only hostPath works. `secretDir`:
 * where secret/projected/downwardAPI volumes go (<secretDir>/<uid>/<name>), default under dataDir.
 */
export function podVolumes(pod: Pod, dataDir: string | undefined, secretDir?: string): PodVolume[] {
  const uid = pod.metadata?.uid ?? '';
  return (pod.spec?.volumes ?? []).map((v): PodVolume => {
    const dir = dataDir === undefined ? undefined : volumeDir(dataDir, uid, v.name);
    const need = (kind: VolumeKind): PodVolume =>
      dir === undefined
        ? { name: v.name, kind: 'unsupported', reason: `${kind} volumes need a kctl data directory`, volume: v }
        : { name: v.name, kind, hostPath: dir, volume: v };
    if (v.emptyDir?.medium === 'Memory') {
      // an engine tmpfs volume the pod's containers share and its sandbox holds; sizeLimit is its size
      const size = tryParseQuantity(v.emptyDir.sizeLimit);
      const pv: PodVolume = { name: v.name, kind: 'emptyDir', engine: { type: 'tmpfs', name: memoryVolumeName(uid, v.name) }, volume: v };
      if (size && size.nano !== 0n) pv.tmpfsSizeBytes = Number(quantityValue(size));
      return pv;
    }
    if (v.emptyDir) return need('emptyDir');
    if (v.persistentVolumeClaim) return { name: v.name, kind: 'persistentVolumeClaim', volume: v }; // resolved by storage-volumes.ts
    if (v.configMap) return need('configMap');
    if (v.secret || v.projected || v.downwardAPI) {
      const kind = v.secret ? 'secret' : v.projected ? 'projected' : 'downwardAPI';
      const out = need(kind);
      if (secretDir !== undefined && out.hostPath !== undefined) out.hostPath = posix.join(secretDir, uid, v.name);
      return out;
    }
    if (v.hostPath) return { name: v.name, kind: 'hostPath', hostPath: v.hostPath.path, volume: v };
    const type = KNOWN_SOURCES.find((k) => (v as unknown as Record<string, unknown>)[k] !== undefined) ?? 'this type of';
    return { name: v.name, kind: 'unsupported', reason: `${type} volumes are not supported by kctl`, volume: v };
  });
}

/**
 * The host paths for a container's mounts, and the container with configMap/secret mounts forced
 * read-only. Throws MountError (a CreateContainerConfigError message) for a mount of an unsupported volume.
 */
export function containerMounts(
  c: Container,
  vols: PodVolume[],
): { volumes: Record<string, string>; engineVolumes?: Record<string, EngineVolume>; container: Container } {
  const volumes: Record<string, string> = {};
  let engineVolumes: Record<string, EngineVolume> | undefined;
  let changed = false;
  const mounts = (c.volumeMounts ?? []).map((m) => {
    const v = vols.find((x) => x.name === m.name);
    if (!v) return m; // the runtime reports `cannot find volume`
    if (v.engine) (engineVolumes ??= {})[m.name] = v.engine;
    else if (v.kind === 'unsupported' || v.hostPath === undefined) throw new MountError(`volume "${m.name}": ${v.reason ?? 'not supported'}`);
    else volumes[m.name] = v.hostPath;
    if (v.kind === 'persistentVolumeClaim' && v.volume.persistentVolumeClaim?.readOnly && !m.readOnly) {
      changed = true;
      return { ...m, readOnly: true };
    }
    if ((v.kind === 'configMap' || v.kind === 'secret' || v.kind === 'projected' || v.kind === 'downwardAPI') && !m.readOnly) {
      changed = true;
      return { ...m, readOnly: true };
    }
    return m;
  });
  return { volumes, ...(engineVolumes ? { engineVolumes } : {}), container: changed ? { ...c, volumeMounts: mounts } : c };
}

export class MountError extends Error {}
