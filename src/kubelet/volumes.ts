// Pod volumes on one machine: host directories under <dataDir>/pods/<uid>/volumes/<name>, bind-mounted by
// the runtime (upstream kubelet volume manager, reduced to what kctl supports):
// - emptyDir: an empty directory shared by the pod's containers for the pod's lifetime (0777, as upstream).
//   medium: Memory is accepted and backed by disk too (TODO: tmpfs mount).
// - configMap / secret: the keys (or `items`) written as files (defaultMode / mode), mounted read-only.
//   They are written when a container starts, not kept in sync afterwards (TODO: resync on change).
// - hostPath: the host path as given (it is the user's own machine).
// Everything else makes a container that mounts it wait with CreateContainerConfigError.
import { posix } from 'node:path';
import type { ConfigMap, Container, Pod, Secret } from '../api/types.js';
import type { Volume } from 'kubernetes-types/core/v1.js';

/** The file system side effects of volumes (NodeVolumeHost in volume-host.ts; a fake in tests). */
export interface VolumeHost {
  /** mkdir -p with this mode (applied even under a umask) */
  ensureDir(path: string, mode: number): Promise<void>;
  /** atomic write (temp file + rename) */
  writeFile(path: string, data: Uint8Array, mode: number): Promise<void>;
  /** rm -rf; no error when absent */
  removeAll(path: string): Promise<void>;
}

export type VolumeKind = 'emptyDir' | 'configMap' | 'secret' | 'hostPath' | 'unsupported';

export interface PodVolume {
  name: string;
  kind: VolumeKind;
  /** host directory (or file for hostPath) */
  hostPath?: string;
  /** why it is unsupported */
  reason?: string;
  volume: Volume;
}

/** <dataDir>/pods/<uid> */
export const podDir = (dataDir: string, uid: string): string => posix.join(dataDir, 'pods', uid);
/** <dataDir>/pods/<uid>/volumes/<name> */
export const volumeDir = (dataDir: string, uid: string, name: string): string => posix.join(podDir(dataDir, uid), 'volumes', name);

const KNOWN_SOURCES = [
  'persistentVolumeClaim',
  'projected',
  'downwardAPI',
  'nfs',
  'csi',
  'ephemeral',
  'image',
  'iscsi',
  'gitRepo',
];

/** How each volume of the pod is backed on this machine. `dataDir` undefined: only hostPath works. */
export function podVolumes(pod: Pod, dataDir: string | undefined): PodVolume[] {
  const uid = pod.metadata?.uid ?? '';
  return (pod.spec?.volumes ?? []).map((v): PodVolume => {
    const dir = dataDir === undefined ? undefined : volumeDir(dataDir, uid, v.name);
    const need = (kind: VolumeKind): PodVolume =>
      dir === undefined
        ? { name: v.name, kind: 'unsupported', reason: `${kind} volumes need a kctl data directory`, volume: v }
        : { name: v.name, kind, hostPath: dir, volume: v };
    if (v.emptyDir) return need('emptyDir');
    if (v.configMap) return need('configMap');
    if (v.secret) return need('secret');
    if (v.hostPath) return { name: v.name, kind: 'hostPath', hostPath: v.hostPath.path, volume: v };
    const type = KNOWN_SOURCES.find((k) => (v as unknown as Record<string, unknown>)[k] !== undefined) ?? 'this type of';
    return { name: v.name, kind: 'unsupported', reason: `${type} volumes are not supported by kctl`, volume: v };
  });
}

/**
 * The host paths for a container's mounts, and the container with configMap/secret mounts forced
 * read-only. Throws MountError (a CreateContainerConfigError message) for a mount of an unsupported volume.
 */
export function containerMounts(c: Container, vols: PodVolume[]): { volumes: Record<string, string>; container: Container } {
  const volumes: Record<string, string> = {};
  let changed = false;
  const mounts = (c.volumeMounts ?? []).map((m) => {
    const v = vols.find((x) => x.name === m.name);
    if (!v) return m; // the runtime reports `cannot find volume`
    if (v.kind === 'unsupported' || v.hostPath === undefined) throw new MountError(`volume "${m.name}": ${v.reason ?? 'not supported'}`);
    volumes[m.name] = v.hostPath;
    if ((v.kind === 'configMap' || v.kind === 'secret') && !m.readOnly) {
      changed = true;
      return { ...m, readOnly: true };
    }
    return m;
  });
  return { volumes, container: changed ? { ...c, volumeMounts: mounts } : c };
}

export class MountError extends Error {}

/** Files of a configMap/secret volume: relative path → content and mode. Throws a FailedMount message. */
export function projectedFiles(
  v: PodVolume,
  src: { configMap?: ConfigMap | null; secret?: Secret | null },
): { files: { path: string; data: Uint8Array; mode: number }[]; optionalMissing: boolean } {
  const spec = v.volume.configMap ?? v.volume.secret;
  const isCm = v.kind === 'configMap';
  const name = (isCm ? v.volume.configMap?.name : v.volume.secret?.secretName) ?? '';
  const obj = isCm ? src.configMap : src.secret;
  const defaultMode = spec?.defaultMode ?? 0o644;
  if (!obj) {
    if (spec?.optional) return { files: [], optionalMissing: true };
    throw new MountError(`MountVolume.SetUp failed for volume "${v.name}" : ${isCm ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const data = new Map<string, Uint8Array>();
  if (isCm) {
    const cm = obj as ConfigMap;
    for (const [k, val] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(val, 'utf8'));
    for (const [k, val] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(val, 'base64'));
  } else {
    const s = obj as Secret & { stringData?: Record<string, string> };
    for (const [k, val] of Object.entries(s.data ?? {})) data.set(k, Buffer.from(val, 'base64'));
    for (const [k, val] of Object.entries(s.stringData ?? {})) data.set(k, Buffer.from(val, 'utf8'));
  }
  const files: { path: string; data: Uint8Array; mode: number }[] = [];
  const items = spec?.items;
  if (items?.length) {
    for (const it of items) {
      const d = data.get(it.key);
      if (d === undefined) {
        if (spec?.optional) continue;
        throw new MountError(
          `MountVolume.SetUp failed for volume "${v.name}" : configmap references non-existent config key: ${it.key}`.replace(
            'configmap',
            isCm ? 'configmap' : 'secret',
          ),
        );
      }
      files.push({ path: safeRel(v.name, it.path), data: d, mode: it.mode ?? defaultMode });
    }
  } else for (const [k, d] of data) files.push({ path: safeRel(v.name, k), data: d, mode: defaultMode });
  return { files, optionalMissing: false };
}

function safeRel(vol: string, p: string): string {
  const n = posix.normalize(p);
  if (posix.isAbsolute(p) || n === '..' || n.startsWith('../'))
    throw new MountError(`MountVolume.SetUp failed for volume "${vol}" : invalid path ${JSON.stringify(p)}: must be relative and may not contain '..'`);
  return n;
}
