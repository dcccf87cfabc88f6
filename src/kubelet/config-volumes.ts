// The kubelet's side of configMap, secret, projected and downwardAPI volumes: looks the referenced objects up,
// computes the files (projection.ts) and hands them to the VolumeHost's AtomicWriter. Called before containers
// start (a failure is the FailedMount that keeps the pod in ContainerCreating) and on every pass over a running
// pod (the kubelet's watch on ConfigMaps/Secrets and on the pod enqueues it), so mounted files follow changes.
// Secret-bearing volumes (secret, projected, downwardAPI) sit under <secretDir> (0700, tmpfs): only the
// volume directory itself is opened to the container (0755), its parents stay closed to other host users.
import { posix } from 'node:path';
import type { ConfigMap, KubeObject, Pod, Secret } from '../api/types.js';
import type { Store } from '../store/store.js';
import { projectedKind, volumeObjectRefs, volumePayload, type ProjectionSources } from './projection.js';
import type { PodVolume, VolumeHost } from './volumes.js';

export interface ConfigVolumesOptions {
  store: Store;
  host: VolumeHost;
  /** root of secret/projected/downwardAPI volumes (podVolumes' secretDir); undefined: under the data dir */
  secretDir?: string;
  nodeAllocatable: () => Promise<{ cpu: number; memory: number }>;
}

export class ConfigVolumes {
  private readonly opts: ConfigVolumesOptions;
  /** the last refresh failure shown per pod uid and volume (a FailedMount event once per change) */
  private readonly shown = new Map<string, string>();

  constructor(opts: ConfigVolumesOptions) {
    this.opts = opts;
  }

  /**
   * Writes the files of the pod's configMap/secret/projected/downwardAPI volumes. Resolves to the names of the
   * volumes whose files changed. Throws MountError (the FailedMount message) at the first volume that cannot
   * be set up: a missing object or key that is not optional.
   */
  async sync(pod: Pod, vols: PodVolume[]): Promise<string[]> {
    const mine = vols.filter((v) => v.hostPath !== undefined && projectedKind(v.volume) !== undefined);
    if (!mine.length) return [];
    const ns = pod.metadata?.namespace ?? 'default';
    const uid = pod.metadata?.uid ?? '';
    const src: ProjectionSources = { configMaps: {}, secrets: {}, nodeAllocatable: { cpu: 0, memory: 0 } };
    const needsAlloc = mine.some((v) =>
      [...(v.volume.downwardAPI?.items ?? []), ...(v.volume.projected?.sources ?? []).flatMap((s) => s.downwardAPI?.items ?? [])].some((i) => i.resourceFieldRef),
    );
    if (needsAlloc) src.nodeAllocatable = await this.opts.nodeAllocatable();
    const changed: string[] = [];
    for (const v of mine) {
      const refs = volumeObjectRefs(v.volume);
      for (const n of refs.configMaps)
        if (!(n in src.configMaps)) src.configMaps[n] = (await this.opts.store.tryGet<KubeObject>({ resource: 'configmaps', namespace: ns, name: n })) as ConfigMap | undefined;
      for (const n of refs.secrets)
        if (!(n in src.secrets)) src.secrets[n] = (await this.opts.store.tryGet<KubeObject>({ resource: 'secrets', namespace: ns, name: n })) as Secret | undefined;
      const files = volumePayload(pod, v.volume, src);
      const dir = v.hostPath!;
      const root = this.opts.secretDir;
      if (root !== undefined && dir.startsWith(`${root}/`)) {
        await this.opts.host.ensureDir(root, 0o700);
        await this.opts.host.ensureDir(posix.join(root, uid), 0o700);
      }
      await this.opts.host.ensureDir(dir, 0o755);
      if (await this.opts.host.writePayload(dir, files)) changed.push(v.name);
    }
    return changed;
  }

  /** Whether a refresh failure is new for this pod and volume (then it gets its FailedMount event). */
  firstShow(uid: string, message: string): boolean {
    if (this.shown.get(uid) === message) return false;
    this.shown.set(uid, message);
    return true;
  }

  /** A refresh went through: the next failure is shown again. */
  clearShown(uid: string): void {
    this.shown.delete(uid);
  }

  /** The pod's directory under secretDir (removed with the pod). */
  podSecretDir(uid: string): string | undefined {
    return this.opts.secretDir === undefined ? undefined : posix.join(this.opts.secretDir, uid);
  }
}
