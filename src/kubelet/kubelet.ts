// The kubelet of one node: runs the pods bound to it (spec.nodeName) on the container runtime.
// Each pass over a pod (reconcile) is: observe the runtime → computePodActions (pure) → execute the plan →
// observe again → generatePodStatus (pure) → write metadata/status only when they changed.
//
// Long operations never block a pass: stopping a container (up to its grace period) and pulling an image
// run in the background and enqueue the pod when they end. Everything the kubelet makes in the engine
// carries ownership labels and deterministic names (runtime/names.ts), so a new Kubelet adopts what runs
// and a second create of the same container is a RuntimeConflict, never a duplicate.
import type { KubeObject, Pod } from '../api/types.js';
import type { Logger } from '../reconcile/logger.js';
import type { Reconciler, Result } from '../reconcile/reconciler.js';
import { DONE } from '../reconcile/reconciler.js';
import { isEngineUnreachable, isRuntimeNotFound, type ContainerSummary, type RuntimeEvent, type SandboxStatus } from '../runtime/runtime.js';
import { ATTEMPT, CONTAINER_NAME, POD_NAME, POD_NAMESPACE, SANDBOX_CONTAINER_NAME, podRefFromLabels } from '../runtime/names.js';
import { parseObjectKey, type Store, type WatchEvent } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { isNotFound } from '../util/errors.js';
import { recordSafely } from './events.js';
import type { EventSink, EventType } from '../reconcile/events.js';
import { CONTAINER_HASH_LABEL, GRACE_LABEL, MIN_GRACE_SECONDS, PORTS_ANNOTATION, allContainers, podKeyOf } from './helpers.js';
import {
  computePodActions,
  type ContainerToStart,
  type ObservedContainer,
  type ObservedPod,
  type ObservedSandbox,
  type PodActions,
  type Waiting,
} from './pod-actions.js';
import { currentSandbox } from './pod-status.js';
import { HostProbeTransport, type ProbeTransport } from './probe-transport.js';
import { ProberManager, type ProbeTarget } from './probes.js';
import { NodeHostPaths, NodeVolumeHost } from './volume-host.js';
import type { HostPathOps } from './storage-volumes.js';
import { MountError, type VolumeHost } from './volumes.js';
import { defaultSecretVolumeDir } from './atomic-writer.js';
import { ReferenceIndex, podSpecReferences } from '../api/pod-refs.js';
import { DEFAULT_KUBELET_CONFIG, POLL_MS, type KubeletConfig, type KubeletContext, type KubeletRuntime, type PodNetworking, type PodObject } from './context.js';
import { PodRecords } from './pod-record.js';
import { ImagePuller } from './image-puller.js';
import { ContainerKiller } from './container-kill.js';
import { ContainerStarter, ownStartKey, type StartResult } from './container-start.js';
import { writePodStatus } from './status-writer.js';
import { PodStorage } from './pod-storage.js';

export { DEFAULT_KUBELET_CONFIG, type KubeletConfig, type KubeletRuntime, type PodNetworking } from './context.js';
export { sandboxPorts } from './container-start.js';

export interface KubeletOptions {
  store: Store;
  runtime: KubeletRuntime;
  clock: Clock;
  events: EventSink;
  nodeName: string;
  /** asks the controller runner to reconcile a pod key soon (probe results, finished stops and pulls) */
  enqueue?: (key: string) => void;
  /** kctl settings; a ClusterConfig does: its `home` is the data directory unless `dataDir` is given */
  config?: Partial<KubeletConfig> & { home?: string };
  /** file-system side of volumes (default NodeVolumeHost) */
  volumeHost?: VolumeHost;
  /** hostPath type checks (default NodeHostPaths; null: none) */
  hostPaths?: HostPathOps | null;
  /** host side of httpGet/tcpSocket probes (default HostProbeTransport: 127.0.0.1 only) */
  probeTransport?: ProbeTransport;
  /** diagnostics (never given secret values): a Logger or a function */
  log?: Logger | ((message: string) => void);
  /** Services seen from pods (default: every pod on config.network, no names, no drain) */
  networking?: PodNetworking;
}

/** An own start's engine event arriving later than this after the start is not skipped. */
const OWN_START_TTL_MS = 30_000;

/** What of a pod, besides its status, the kubelet acts on (the ports annotation is its own). */
function podSignature(pod: PodObject): string {
  const m = pod.metadata;
  const { [PORTS_ANNOTATION]: _own, ...annotations } = m.annotations ?? {};
  return JSON.stringify([m.uid, m.generation, m.deletionTimestamp, m.deletionGracePeriodSeconds, m.labels, annotations, m.finalizers, pod.spec]);
}

/** Pod passes running at once. */
export const KUBELET_CONCURRENCY = 10;

function pickConfig(c: (Partial<KubeletConfig> & { home?: string }) | undefined): KubeletConfig {
  const out: KubeletConfig = { ...DEFAULT_KUBELET_CONFIG };
  if (!c) return out;
  for (const k of Object.keys(DEFAULT_KUBELET_CONFIG) as (keyof KubeletConfig)[]) if (c[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = c[k];
  const dataDir = c.dataDir ?? c.home;
  if (dataDir !== undefined) out.dataDir = dataDir;
  if (c.secretVolumeDir !== undefined) out.secretVolumeDir = c.secretVolumeDir;
  if (c.nodeAllocatable) out.nodeAllocatable = c.nodeAllocatable;
  return out;
}

interface Observation {
  observed: ObservedPod;
  sandboxes: SandboxStatus[];
}
interface Observation {
  observed: ObservedPod;
  sandboxes: SandboxStatus[];
}

export class Kubelet implements Reconciler {
  readonly name = 'kubelet';
  /** ConfigMaps and Secrets too: a change re-syncs the pods that reference them (volumes, or a start waiting) */
  readonly watches: readonly string[] = ['pods', 'configmaps', 'secrets'];
  /**
   * Pods synced at once (upstream: one worker per pod). Each pass waits mostly on the engine, so a burst of pods
   * starts in parallel instead of two at a time; one pod is never synced twice at once (the queue's rule).
   */
  readonly concurrency = KUBELET_CONCURRENCY;
  readonly config: KubeletConfig;
  readonly nodeName: string;
  readonly prober: ProberManager;

  private readonly store: Store;
  private readonly runtime: KubeletRuntime;
  private readonly clock: Clock;
  private readonly events: EventSink;
  private readonly log: (m: string) => void;
  /** events being recorded */
  private readonly pendingEvents = new Set<Promise<void>>();
  /** podSignature() of the last watch event of each pod key */
  private readonly seenPods = new Map<string, string>();
  private enqueueFn: (key: string) => void;
  /** whether background completions can enqueue (else reconcile polls while something is pending) */
  private wired: boolean;
  /** Services seen from pods */
  private readonly networking: PodNetworking | undefined;
  private allocatable?: { cpu: number; memory: number };
  /** pod keys by the ConfigMaps/Secrets they reference */
  private readonly podRefs = new ReferenceIndex();

  /** what the kubelet remembers of each pod, by uid */
  private readonly records = new PodRecords();
  private readonly puller: ImagePuller;
  private readonly killer: ContainerKiller;
  private readonly starter: ContainerStarter;
  private readonly storage: PodStorage;

  constructor(opts: KubeletOptions) {
    this.store = opts.store;
    this.runtime = opts.runtime;
    this.clock = opts.clock;
    this.events = opts.events;
    this.nodeName = opts.nodeName;
    this.networking = opts.networking;
    this.config = pickConfig(opts.config);
    const volumeHost = opts.volumeHost ?? new NodeVolumeHost();
    const hostPaths = opts.hostPaths === null ? undefined : (opts.hostPaths ?? new NodeHostPaths());
    // tmpfs for secret volumes on the real file system; an injected host (tests) keeps them under dataDir
    if (this.config.secretVolumeDir === undefined && this.config.dataDir !== undefined && !opts.volumeHost) {
      const d = defaultSecretVolumeDir(this.config.dataDir);
      if (d !== undefined) this.config.secretVolumeDir = d;
    }
    const log = opts.log;
    this.log = typeof log === 'function' ? log : log ? (m) => log.warn(m) : () => undefined;
    const info = typeof log === 'function' ? log : log ? (m: string) => log.info(m) : () => undefined;
    const transport = opts.probeTransport ?? new HostProbeTransport();
    this.wired = opts.enqueue !== undefined;
    this.enqueueFn = opts.enqueue ?? (() => undefined);
    this.prober = new ProberManager({
      runtime: this.runtime,
      clock: this.clock,
      transport,
      events: this.events,
      enqueue: (k) => this.enqueueFn(k),
    });
    const ctx: KubeletContext = {
      store: this.store,
      runtime: this.runtime,
      clock: this.clock,
      config: this.config,
      networking: this.networking,
      records: this.records,
      hooks: { runtime: this.runtime, transport, clock: this.clock },
      log: this.log,
      info,
      event: (pod, type, reason, message, container) => this.event(pod, type, reason, message, container),
      enqueue: (key) => this.enqueue(key),
      nodeAllocatable: () => this.nodeAllocatable(),
    };
    this.storage = new PodStorage(ctx, volumeHost, hostPaths);
    this.puller = new ImagePuller(ctx);
    this.killer = new ContainerKiller(ctx);
    this.starter = new ContainerStarter(ctx, this.puller, this.killer);
  }

  /** Sets where background completions enqueue pod keys (the runner may be made after the kubelet). */
  onEnqueue(fn: (key: string) => void): void {
    this.enqueueFn = fn;
    this.wired = true;
  }

  private enqueue(key: string): void {
    try {
      this.enqueueFn(key);
    } catch (e) {
      this.log(`kubelet: enqueue ${key}: ${(e as Error).message}`);
    }
  }

  /**
   * Records an event in the background, as upstream's event broadcaster does: an Event is a store write (fsync'd
   * on the file store), and the pod's pass must not wait for it. The recorder keeps the events of one object in
   * order; whenIdle() waits for those still being written.
   */
  private event(pod: Pod, type: EventType, reason: string, message: string, container?: string): Promise<void> {
    const p: Promise<void> = recordSafely(this.events, pod, type, reason, message, container).finally(() => this.pendingEvents.delete(p));
    this.pendingEvents.add(p);
    return Promise.resolve();
  }

  private async nodeAllocatable(): Promise<{ cpu: number; memory: number }> {
    if (this.config.nodeAllocatable) return this.config.nodeAllocatable;
    if (!this.allocatable) {
      const i = await this.runtime.info();
      this.allocatable = { cpu: i.cpus, memory: i.memoryBytes };
    }
    return this.allocatable;
  }

  // ------------------------------------------------------------------------------------------------
  // Reconciler

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    // a ConfigMap/Secret change: the pods whose volumes follow it, or whose start waits for it
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') return this.podRefs.keysFor(o.kind, o.metadata.namespace ?? 'default', o.metadata.name);
    if (o.kind !== 'Pod') return [];
    const pod = o as PodObject;
    const key = podKeyOf(pod.metadata.namespace ?? 'default', pod.metadata.name);
    if (ev.type === 'DELETED') this.seenPods.delete(key);
    if (ev.type === 'DELETED' || pod.spec?.nodeName !== this.nodeName) this.podRefs.delete(key);
    else this.podRefs.set(key, pod.metadata.namespace ?? 'default', podSpecReferences(pod.spec));
    if (pod.spec?.nodeName !== this.nodeName) return [];
    if (ev.type === 'DELETED') return [key];
    // A write of the status alone (the kubelet's own, mostly) needs no pass: as upstream's pod config, react to
    // what the kubelet acts on (spec, deletion, labels, annotations), not to status writes.
    const sig = podSignature(pod);
    if (ev.type === 'MODIFIED' && this.seenPods.get(key) === sig) return [];
    this.seenPods.set(key, sig);
    return [key];
  }

  async resyncKeys(): Promise<string[]> {
    const pods = (await this.store.list<PodObject>('pods')).items;
    const keys = new Set<string>();
    const uids = new Set<string>();
    for (const p of pods) {
      if (p.spec?.nodeName !== this.nodeName) continue;
      keys.add(podKeyOf(p.metadata.namespace ?? 'default', p.metadata.name));
      if (p.metadata.uid) uids.add(p.metadata.uid);
    }
    const [sandboxes, containers] = await Promise.all([this.runtime.listPodSandboxes(), this.runtime.listContainers()]);
    const inEngine = new Set<string>();
    for (const x of [...sandboxes, ...containers]) {
      const ref = podRefFromLabels(x.labels) ?? x.pod;
      inEngine.add(ref.uid);
      if (ref.namespace && ref.name && !uids.has(ref.uid)) keys.add(podKeyOf(ref.namespace, ref.name));
    }
    // In-memory records of pods that are gone from the store and the engine.
    for (const u of this.records.uids()) if (!uids.has(u) && !inEngine.has(u)) this.forget(u);
    await this.storage.sweep(new Set([...pods.map((p) => p.metadata.uid ?? ''), ...inEngine]));
    return [...keys];
  }

  /** The pod keys a runtime event concerns (from the container's labels). */
  handleRuntimeEvent(ev: RuntimeEvent): string[] {
    const ref = podRefFromLabels(ev.labels);
    if (!ref) return [];
    if (ev.type === 'start') {
      const starts = this.records.get(ref.uid)?.ownStarts;
      const k = ownStartKey(ev.labels[CONTAINER_NAME] ?? '', ev.labels[ATTEMPT] ?? '');
      const at = starts?.get(k);
      if (at !== undefined) {
        starts!.delete(k);
        if (this.clock.now().getTime() - at < OWN_START_TTL_MS) return [];
      }
    }
    return [podKeyOf(ref.namespace, ref.name)];
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'pods' || !ref.namespace) return DONE;
    const ns = ref.namespace;
    let pod = await this.store.tryGet<PodObject>({ resource: 'pods', namespace: ns, name: ref.name });
    const mine = pod && pod.spec?.nodeName === this.nodeName ? pod : undefined;
    const uid = mine?.metadata.uid;

    // What the engine runs under this namespace/name: this pod's, and leftovers of a former pod.
    const labels = { [POD_NAMESPACE]: ns, [POD_NAME]: ref.name };
    const [engineSandboxes, engineContainers] = await Promise.all([
      this.runtime.listPodSandboxes({ labels }),
      this.runtime.listContainers({ labels }),
    ]);
    const orphanPending = await this.cleanupOrphans(
      key,
      engineSandboxes.filter((s) => s.pod.uid !== uid),
      engineContainers.filter((c) => c.pod.uid !== uid),
    );
    if (!mine) return orphanPending ? { requeueAfterMs: 1000 } : DONE;
    pod = mine;

    let obs = await this.observe(
      pod,
      engineSandboxes.filter((s) => s.pod.uid === uid),
      engineContainers.filter((c) => c.pod.uid === uid),
    );
    // the pod's back-off entries are its record's (keyed as the planner keys them)
    const backoff = this.records.ensure(uid!).backoff;
    const plan = computePodActions(pod, obs.observed, this.clock.now().getTime(), backoff, this.config);
    for (const [k, v] of Object.entries(plan.backoffUpdates)) {
      if (v === null) backoff.delete(k);
      else backoff.set(k, v);
    }
    const exec = await this.execute(key, pod, plan, obs);
    if (plan.finalize) {
      await this.finalize(pod);
      return DONE;
    }
    if (exec.changed) obs = await this.observe(pod);
    await this.storage.refresh(pod, obs.observed);

    // Probes follow the running app containers.
    const sb = currentSandbox(obs.observed);
    const targets: ProbeTarget[] = [];
    for (const c of pod.spec?.containers ?? []) {
      const run = obs.observed.containers.find((x) => x.name === c.name && x.state === 'running');
      if (run && !pod.metadata.deletionTimestamp) {
        const t: ProbeTarget = { containerId: run.id, container: c };
        if (run.startedAt) t.startedAt = run.startedAt;
        targets.push(t);
      }
    }
    this.prober.sync(pod, key, targets, sb?.ports ?? []);
    obs.observed.probes = this.probeResults(obs.observed);

    // Waiting reasons: the last start failures, then what the plan says, except that a pull that just failed
    // shows ErrImagePull once before ImagePullBackOff (as the kubelet's next sync would).
    const rec = this.records.ensure(uid!);
    const failures = rec.lastFailures;
    const waiting: Record<string, Waiting> = { ...Object.fromEntries(failures), ...plan.waiting };
    let showFailure = false;
    for (const { container } of allContainers(pod)) {
      const f = failures.get(container.name);
      if (rec.freshPullFailures.has(container.image ?? '') && f?.reason === 'ErrImagePull') {
        waiting[container.name] = f;
        showFailure = true;
      }
    }
    rec.freshPullFailures.clear();
    await writePodStatus({ store: this.store, clock: this.clock, config: this.config }, pod, obs.observed, waiting);
    const requeue = [plan.requeueAfterMs, exec.requeueAfterMs].filter((x): x is number => x !== undefined);
    if (showFailure) requeue.push(Math.min(POLL_MS, this.config.backoffBaseMs));
    if (!this.wired) {
      // Nobody hears background completions: look again soon while something is pending for this pod.
      const pending = obs.observed.containers.some((c) => this.killer.isKilling(c.id)) || this.puller.isPulling(uid!);
      if (pending) requeue.push(POLL_MS);
      if (targets.some((t) => t.container.readinessProbe || t.container.livenessProbe || t.container.startupProbe)) requeue.push(POLL_MS);
    }
    return requeue.length ? { requeueAfterMs: Math.min(...requeue) } : DONE;
  }

  /** Resolves when no stop, pull or probe runs in the background (tests). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const pending = [...this.killer.pending(), ...this.puller.pending(), ...this.starter.pending(), ...this.pendingEvents];
      await this.prober.whenIdle();
      if (!pending.length) return;
      await Promise.allSettled(pending);
    }
  }

  /** Stops the probe timers. */
  stop(): void {
    this.prober.stop();
  }

  // ------------------------------------------------------------------------------------------------
  // Observation

  private probeResults(o: ObservedPod): ObservedPod['probes'] {
    const out: NonNullable<ObservedPod['probes']> = {};
    for (const c of o.containers) if (c.state === 'running') out[c.id] = this.prober.results(c.id);
    return out;
  }

  private async observe(pod: PodObject, sandboxes?: SandboxStatus[], summaries?: ContainerSummary[]): Promise<Observation> {
    const uid = pod.metadata.uid!;
    const [sbs, cs] = await Promise.all([
      sandboxes ?? this.runtime.listPodSandboxes({ podUid: uid }),
      summaries ?? this.runtime.listContainers({ podUid: uid }),
    ]);
    // Full state of the newest two instances of each container; older ones are only garbage.
    const byName = new Map<string, ContainerSummary[]>();
    for (const c of cs) byName.set(c.containerName, [...(byName.get(c.containerName) ?? []), c]);
    const detailed = new Set<string>();
    for (const list of byName.values()) for (const c of list.sort((a, b) => b.attempt - a.attempt).slice(0, 2)) detailed.add(c.id);
    const containers = (
      await Promise.all(
        cs.map(async (s): Promise<ObservedContainer | undefined> => {
          const base: ObservedContainer = {
            id: s.id,
            name: s.containerName,
            attempt: s.attempt,
            sandboxId: s.sandboxId,
            state: s.state,
            image: s.image,
            createdAt: s.createdAt,
          };
          const hash = s.labels[CONTAINER_HASH_LABEL];
          if (hash) base.hash = hash;
          if (!detailed.has(s.id)) return base;
          try {
            const i = await this.runtime.inspectContainer(s.id);
            const o: ObservedContainer = { ...base, state: i.state };
            if (i.imageId) o.imageId = i.imageId;
            if (i.startedAt) o.startedAt = i.startedAt;
            if (i.finishedAt) o.finishedAt = i.finishedAt;
            if (i.exitCode !== undefined) o.exitCode = i.exitCode;
            if (i.reason) o.reason = i.reason;
            if (i.message) o.message = i.message;
            return o;
          } catch (e) {
            if (isRuntimeNotFound(e)) return undefined; // removed meanwhile
            throw e;
          }
        }),
      )
    ).filter((c): c is ObservedContainer => c !== undefined);
    const images: Record<string, boolean> = {};
    if (!pod.metadata.deletionTimestamp) {
      const refs = [...new Set(allContainers(pod).map((x) => x.container.image ?? ''))].filter(Boolean);
      await Promise.all(refs.map(async (r) => (images[r] = await this.runtime.imageExists(r))));
    }
    const observedSandboxes: ObservedSandbox[] = sbs.map((s) => {
      const o: ObservedSandbox = { id: s.id, attempt: s.attempt, state: s.state, createdAt: s.createdAt, ports: s.ports };
      if (s.podIP) o.podIP = s.podIP;
      if (s.network) o.network = s.network;
      return o;
    });
    const ids = new Set(containers.map((c) => c.id));
    const observed: ObservedPod = {
      sandboxes: observedSandboxes,
      containers,
      images,
      killing: this.killer.killingIds().filter((id) => ids.has(id)),
      restartRequested: this.killer.restartRequestedIds().filter((id) => ids.has(id)),
    };
    if (this.networking) observed.network = this.networking.network(pod.metadata.namespace ?? 'default');
    observed.probes = this.probeResults(observed);
    return { observed, sandboxes: sbs };
  }

  // ------------------------------------------------------------------------------------------------
  // Execution

  private async execute(podKey: string, pod: PodObject, plan: PodActions, obs: Observation): Promise<{ changed: boolean; requeueAfterMs?: number }> {
    const rec = this.records.ensure(pod.metadata.uid!);
    let changed = false;
    let requeueAfterMs: number | undefined;
    const retryLater = (): void => {
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, this.config.backoffBaseMs);
    };

    // Events the planner asks for: once per waiting state of a container.
    for (const name of new Set(plan.events.map((e) => e.container).filter((c): c is string => !!c))) {
      const w = plan.waiting[name];
      const sig = w ? `${w.reason}|${w.message}` : '';
      if (rec.shownWaiting.get(name) === sig) continue;
      rec.shownWaiting.set(name, sig);
      for (const e of plan.events) if (e.container === name) await this.event(pod, e.type, e.reason, e.message, name);
    }
    if (plan.containersToKill.length)
      for (const e of plan.events) if (!e.container) await this.event(pod, e.type, e.reason, e.message);

    const ports = obs.sandboxes.find((s) => s.state === 'ready')?.ports ?? [];
    for (const k of plan.containersToKill) {
      this.killer.startKill(podKey, pod, k, ports);
      changed = true;
    }
    for (const id of plan.containersToRemove) {
      await this.runtime.removeContainer(id);
      this.killer.clearRestart(id);
      changed = true;
    }
    for (const id of plan.sandboxesToStop) {
      await this.runtime.stopPodSandbox(id);
      changed = true;
    }
    for (const id of plan.sandboxesToRemove) {
      await this.runtime.removePodSandbox(id);
      changed = true;
    }

    const starts = [...(plan.initContainerToStart ? [plan.initContainerToStart] : []), ...plan.containersToStart];
    if (!plan.createSandbox && !starts.length) return { changed, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };

    const vols = this.storage.volumes(pod);
    let sandbox: SandboxStatus | undefined;
    if (plan.createSandbox) {
      const own = ownStartKey(SANDBOX_CONTAINER_NAME, plan.attempt);
      rec.ownStarts.set(own, this.clock.now().getTime());
      try {
        sandbox = await this.starter.runSandbox(pod, plan.attempt, vols);
        changed = true;
      } catch (e) {
        rec.ownStarts.delete(own);
        if (isEngineUnreachable(e)) throw e;
        await this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
        retryLater();
        return { changed, requeueAfterMs: requeueAfterMs! };
      }
    } else sandbox = obs.sandboxes.find((s) => s.id === plan.sandboxId);
    if (!sandbox || !starts.length) return { changed, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };

    let mountError: string | undefined;
    try {
      await this.storage.setUp(pod, vols);
    } catch (e) {
      if (!(e instanceof MountError)) throw e;
      mountError = e.message;
    }
    if (mountError) {
      await this.event(pod, 'Warning', 'FailedMount', mountError);
      retryLater();
      return { changed, requeueAfterMs: requeueAfterMs! };
    }

    const settle = (s: ContainerToStart, r: StartResult): void => {
      if (r === 'started') {
        changed = true;
        for (const c of obs.observed.containers) if (c.name === s.name) this.killer.clearRestart(c.id);
      } else if (r === 'failed') retryLater();
      else if (r === 'conflict') requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, POLL_MS);
    };
    // An init container runs alone; the app containers start side by side (each waits mostly on the engine).
    if (starts[0]?.init) settle(starts[0], await this.starter.startContainer(podKey, pod, sandbox, starts[0], vols));
    else {
      const results = await Promise.allSettled(starts.map((s) => this.starter.startContainer(podKey, pod, sandbox, s, vols)));
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') settle(starts[i]!, r.value);
      });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return { changed, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
  }

  // ------------------------------------------------------------------------------------------------
  // Deletion and orphans

  private async finalize(pod: PodObject): Promise<void> {
    const uid = pod.metadata.uid!;
    await this.storage.tearDown(uid);
    this.forget(uid);
    // The delete that marked the pod gave it a grace period; its containers are gone now: delete for real
    // (grace 0). Other finalizers, if any, still hold it.
    try {
      await this.store.delete(
        { resource: 'pods', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name },
        { uid, gracePeriodSeconds: 0 },
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /**
   * Stops and removes engine objects of pods that are gone (or replaced by a pod of the same name).
   * Returns true while stops are still running.
   */
  private async cleanupOrphans(podKey: string, sandboxes: SandboxStatus[], containers: ContainerSummary[]): Promise<boolean> {
    if (!sandboxes.length && !containers.length) return false;
    const running = containers.filter((c) => c.state === 'running');
    for (const c of running) {
      const g = Number(c.labels[GRACE_LABEL]);
      const grace = Number.isFinite(g) && c.labels[GRACE_LABEL] !== undefined ? Math.max(MIN_GRACE_SECONDS, g) : 30;
      this.killer.startKill(podKey, undefined, { id: c.id, name: c.containerName, graceSeconds: grace, message: '' });
    }
    if (running.length) return true;
    for (const c of containers) await this.runtime.removeContainer(c.id);
    for (const s of sandboxes) await this.runtime.removePodSandbox(s.id);
    for (const uid of new Set([...sandboxes, ...containers].map((x) => x.pod.uid))) {
      if (!uid) continue;
      await this.storage.tearDown(uid);
      this.forget(uid);
    }
    return false;
  }

  /** Drops every in-memory record of a pod. */
  private forget(uid: string): void {
    this.prober.removePod(uid);
    this.storage.forget(uid);
    this.records.forget(uid);
  }
}
