// A pod's storage on the node (upstream volume manager, for what kctl keeps): its volumes set up before its
// containers start (emptyDir folders, hostPath/claim checks, configMap/secret/projected/downwardAPI files),
// those files kept in sync while it runs, and everything torn down when it is gone (the pod folder, its
// secret folder, its engine tmpfs volumes), also for pods gone while no kubelet ran.
import { POD_UID } from '../runtime/names.js';
import { isEngineUnreachable } from '../runtime/runtime.js';
import { ConfigVolumes } from './config-volumes.js';
import type { KubeletContext, PodObject } from './context.js';
import type { ObservedPod } from './pod-actions.js';
import { setUpStorageVolumes, type HostPathOps } from './storage-volumes.js';
import { MountError, podDir, podVolumes, type PodVolume, type VolumeHost } from './volumes.js';

export class PodStorage {
  /** configMap/secret/projected/downwardAPI volumes (written atomically, kept in sync) */
  private readonly configVolumes: ConfigVolumes;

  constructor(
    private readonly ctx: KubeletContext,
    private readonly volumeHost: VolumeHost,
    private readonly hostPaths: HostPathOps | undefined,
  ) {
    this.configVolumes = new ConfigVolumes({
      store: ctx.store,
      host: volumeHost,
      ...(ctx.config.secretVolumeDir !== undefined ? { secretDir: ctx.config.secretVolumeDir } : {}),
      nodeAllocatable: () => ctx.nodeAllocatable(),
    });
  }

  /** The pod's volumes, where they live on this node. */
  volumes(pod: PodObject): PodVolume[] {
    return podVolumes(pod, this.ctx.config.dataDir, this.ctx.config.secretVolumeDir);
  }

  /** Before the pod's containers start; a MountError says why they cannot. */
  async setUp(pod: PodObject, vols: PodVolume[]): Promise<void> {
    for (const v of vols) {
      if (v.kind === 'emptyDir' && !v.engine) await this.volumeHost.ensureDir(v.hostPath!, 0o777);
    }
    await setUpStorageVolumes(this.ctx.store, pod, vols, this.hostPaths);
    await this.configVolumes.sync(pod, vols);
  }

  /**
   * A running pod's configMap/secret/projected/downwardAPI volumes follow their sources (upstream: the volume
   * manager's remount on every pod sync). A failure keeps the last files and shows one FailedMount event.
   */
  async refresh(pod: PodObject, observed: ObservedPod): Promise<void> {
    const { ctx } = this;
    if (pod.metadata.deletionTimestamp || !observed.containers.some((c) => c.state === 'running')) return;
    const uid = pod.metadata.uid!;
    try {
      const changed = await this.configVolumes.sync(pod, this.volumes(pod));
      this.configVolumes.clearShown(uid);
      if (changed.length) ctx.info(`kubelet: pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}: updated volumes ${changed.join(', ')}`);
    } catch (e) {
      // a file-system failure (EACCES, ENOSPC...) is reported like a mount failure: the running pod's
      // status keeps being written, and the last good files stay
      const msg = e instanceof MountError ? e.message : `MountVolume.SetUp failed: ${(e as Error).message}`;
      if (this.configVolumes.firstShow(uid, msg)) await ctx.event(pod, 'Warning', 'FailedMount', msg);
    }
  }

  /** Drops what is remembered of the pod's volume failures. */
  forget(uid: string): void {
    this.configVolumes.clearShown(uid);
  }

  /** Removes the pod's engine volumes and folders (failures are logged; an unreachable engine throws). */
  async tearDown(uid: string): Promise<void> {
    const { ctx } = this;
    try {
      for (const v of await ctx.runtime.listVolumes({ [POD_UID]: uid })) await ctx.runtime.removeVolume(v.name);
    } catch (e) {
      if (isEngineUnreachable(e)) throw e;
      ctx.log(`kubelet: remove engine volumes of pod ${uid}: ${(e as Error).message}`);
    }
    if (ctx.config.dataDir === undefined) return;
    try {
      const secrets = this.configVolumes.podSecretDir(uid);
      if (secrets !== undefined) await this.volumeHost.removeAll(secrets);
      await this.volumeHost.removeAll(podDir(ctx.config.dataDir, uid));
    } catch (e) {
      ctx.log(`kubelet: remove volumes of pod ${uid}: ${(e as Error).message}`);
    }
  }

  /**
   * Per-pod storage whose pod is gone from the store and the engine alike (force-deleted while no controller
   * ran, and its containers pruned by hand): folders under the data and secret directories, tmpfs volumes.
   */
  async sweep(known: ReadonlySet<string>): Promise<void> {
    const { ctx } = this;
    const list = this.volumeHost.list?.bind(this.volumeHost);
    const gone = new Set<string>();
    try {
      if (list && ctx.config.dataDir !== undefined) for (const u of await list(podDir(ctx.config.dataDir, ''))) if (!known.has(u)) gone.add(u);
      if (list && ctx.config.secretVolumeDir !== undefined) for (const u of await list(ctx.config.secretVolumeDir)) if (!known.has(u)) gone.add(u);
      for (const v of await ctx.runtime.listVolumes()) {
        const u = v.labels[POD_UID];
        if (u && !known.has(u)) gone.add(u);
      }
    } catch (e) {
      if (isEngineUnreachable(e)) throw e;
      ctx.log(`kubelet: sweep of pod storage: ${(e as Error).message}`);
      return;
    }
    for (const u of gone) {
      ctx.info(`kubelet: removing the storage of pod ${u}, which is gone`);
      await this.tearDown(u);
    }
  }
}
