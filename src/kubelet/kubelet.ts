// The kubelet of one node: runs the pods bound to it (spec.nodeName) on the container runtime.
// Each pass over a pod (reconcile) is: observe the runtime → computePodActions (pure) → execute the plan →
// observe again → generatePodStatus (pure) → write metadata/status only when they changed.
//
// Long operations never block a pass: stopping a container (up to its grace period) and pulling an image
// run in the background and enqueue the pod when they end. Everything the kubelet makes in the engine
// carries ownership labels and deterministic names (runtime/names.ts), so a new Kubelet adopts what runs
// and a second create of the same container is a RuntimeConflict, never a duplicate.
import type { Container, KubeObject, Pod } from '../api/types.js';
import type { Logger, Reconciler, Result } from '../controllers/reconciler.js';
import { DONE } from '../controllers/reconciler.js';
import {
  isEngineUnreachable,
  isRuntimeConflict,
  isRuntimeNotFound,
  RuntimeError,
  type ContainerManager,
  type EngineVolumes,
  type ImageManager,
  type PodSandboxManager,
  type RuntimeVersioner,
  type ContainerSummary,
  type EngineVolume,
  type PortMapping,
  type PullProgress,
  type RuntimeEvent,
  type SandboxPort,
  type SandboxStatus,
} from '../runtime/runtime.js';
import { ATTEMPT, CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID, SANDBOX_CONTAINER_NAME, podRefFromLabels, type PodRef } from '../runtime/names.js';
import { parseObjectKey, type Store, type WatchEvent } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { isConflict, isNotFound } from '../util/errors.js';
import type { ConfigMap, Secret } from '../api/types.js';
import { nextBackoff, type BackoffEntry } from './backoff.js';
import { ContainerConfigError, envReferences, makeEnvironmentVariables } from './env.js';
import { recordSafely, type EventSink, type EventType } from './events.js';
import {
  CONTAINER_HASH_LABEL,
  CONTAINER_KIND_LABEL,
  GRACE_LABEL,
  MIN_GRACE_SECONDS,
  PORTS_ANNOTATION,
  allContainers,
  podGraceSeconds,
  podKeyOf,
} from './helpers.js';
import {
  computePodActions,
  pullBackoffKey,
  type ContainerToKill,
  type ContainerToStart,
  type ObservedContainer,
  type ObservedPod,
  type ObservedSandbox,
  type PodActions,
  type Waiting,
} from './pod-actions.js';
import { currentSandbox, generatePodStatus, portsAnnotation, statusChanged } from './pod-status.js';
import { HostProbeTransport, type ProbeTransport } from './probe-transport.js';
import { ProberManager, probePorts, type ProbeTarget } from './probes.js';
import { runLifecycleHandler, type HookDeps } from './lifecycle.js';
import { NodeHostPaths, NodeVolumeHost } from './volume-host.js';
import { setUpStorageVolumes, type HostPathOps } from './storage-volumes.js';
import { MountError, containerMounts, podDir, podVolumes, type PodVolume, type VolumeHost } from './volumes.js';
import { ConfigVolumes } from './config-volumes.js';
import { credentialsFor, pullWithCredentials } from './pull-secrets.js';
import { defaultSecretVolumeDir } from './atomic-writer.js';
import { ReferenceIndex, podSpecReferences } from '../api/pod-refs.js';

/** The runtime slices the kubelet drives: sandboxes, containers, images, the engine info (runtime name) and
 *  engine volumes (tmpfs emptyDirs). */
export type KubeletRuntime = PodSandboxManager & ContainerManager & ImageManager & RuntimeVersioner & EngineVolumes;

export interface KubeletConfig {
  /** CrashLoopBackOff / ImagePullBackOff: first back-off period (Kubernetes: 10 s) */
  backoffBaseMs: number;
  /** cap of the doubling (Kubernetes: 5 min) */
  backoffMaxMs: number;
  /** a container that ran this long before it exited restarts at once (Kubernetes: 10 min) */
  backoffResetMs: number;
  /** permit securityContext.privileged */
  allowPrivileged: boolean;
  /** $KCTL_HOME: emptyDir/configMap/secret volumes live under <dataDir>/pods/<uid>/volumes/<name> */
  dataDir?: string;
  /** secret/projected/downwardAPI volumes: <secretVolumeDir>/<uid>/<name>; default /dev/shm/kctl-<home hash> */
  secretVolumeDir?: string;
  /** engine network of the pods */
  network: string;
  /** status.hostIP (the host reaches pods only through 127.0.0.1) */
  hostIP: string;
  /** `<runtimeName>://<id>` in status containerID */
  runtimeName: string;
  /** for resourceFieldRef of unset limits (cpu in cores, memory in bytes); default: the engine's info() */
  nodeAllocatable?: { cpu: number; memory: number };
}

export const DEFAULT_KUBELET_CONFIG: KubeletConfig = {
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
  backoffResetMs: 600_000,
  allowPrivileged: false,
  network: 'kctl',
  hostIP: '127.0.0.1',
  runtimeName: 'docker',
};

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

/** What the kubelet needs from the Service side (proxy/in-cluster/pod-networking.ts). */
export interface PodNetworking {
  /** the engine network of a namespace's pods */
  network(namespace: string): string;
  /** extra DNS names of the pod on that network (hostname.subdomain...) */
  aliases(pod: Pod): string[];
  /** WEB_SERVICE_HOST, ... for a container starting now */
  serviceEnv(pod: Pod): Promise<Record<string, string>>;
  /** resolves once no proxy sends new connections to the pod and those it proxied there have finished, or at deadlineMs */
  drain(pod: Pod, deadlineMs: number): Promise<void>;
}

type PodObject = Pod & KubeObject;

/** An own start's engine event arriving later than this after the start is not skipped. */
const OWN_START_TTL_MS = 30_000;
const startKey = (uid: string, container: string, attempt: number | string): string => `${uid}/${container}/${attempt}`;

/** What of a pod, besides its status, the kubelet acts on (the ports annotation is its own). */
function podSignature(pod: PodObject): string {
  const m = pod.metadata;
  const { [PORTS_ANNOTATION]: _own, ...annotations } = m.annotations ?? {};
  return JSON.stringify([m.uid, m.generation, m.deletionTimestamp, m.deletionGracePeriodSeconds, m.labels, annotations, m.finalizers, pod.spec]);
}

/** Pod passes running at once. */
export const KUBELET_CONCURRENCY = 10;
/** How often an unwired kubelet (no onEnqueue) looks again at a pod with pending work or probes. */
const POLL_MS = 1000;
/** At most one pull progress log line per image this often. */
const PULL_LOG_MS = 2000;

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

const asKube = (p: Pod): KubeObject => p as unknown as KubeObject;

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

  private readonly store: Store;
  private readonly runtime: KubeletRuntime;
  private readonly clock: Clock;
  private readonly events: EventSink;
  private readonly volumeHost: VolumeHost;
  private readonly hostPaths: HostPathOps | undefined;
  private readonly log: (m: string) => void;
  private readonly info: (m: string) => void;
  private readonly transport: ProbeTransport;
  /** background postStart hooks */
  private readonly hooks = new Set<Promise<void>>();
  /** events being recorded */
  private readonly pendingEvents = new Set<Promise<void>>();
  /**
   * Starts this kubelet is making, by `${uid}/${container}/${attempt}` (sandbox: container "POD"), with when it
   * asked: the engine's `start` event for them brings nothing the starting pass does not already observe, and
   * skipping it saves a pass over the pod per container (a burst of pods starts faster).
   */
  private readonly ownStarts = new Map<string, number>();
  /** podSignature() of the last watch event of each pod key */
  private readonly seenPods = new Map<string, string>();
  private enqueueFn: (key: string) => void;
  /** whether background completions can enqueue (else reconcile polls while something is pending) */
  private wired: boolean;
  readonly prober: ProberManager;

  /** crash and pull back-off entries */
  private readonly backoff = new Map<string, BackoffEntry>();
  /** last failure of a container start, by pod uid then container name (upstream reasonCache) */
  private readonly lastFailures = new Map<string, Map<string, Waiting>>();
  /** waiting state whose events were last emitted, by `${uid}/${container}` */
  private readonly shownWaiting = new Map<string, string>();
  /** background stops, by container id */
  private readonly killing = new Map<string, Promise<void>>();
  /** Services seen from pods; drains before SIGTERM, by pod uid */
  private readonly networking: PodNetworking | undefined;
  private readonly drains = new Map<string, Promise<void>>();
  /** container ids stopped for a spec change (started again whatever the restart policy) */
  private readonly restartRequested = new Set<string>();
  /** background pulls, by `${uid}/${image}` */
  private readonly pulls = new Map<string, Promise<void>>();
  /** images pulled for a pod and not yet used by a container start, by `${uid}/${image}` */
  private readonly freshPulls = new Set<string>();
  /** pulls that failed since the pod's last pass, by `${uid}/${image}` */
  private readonly freshPullFailures = new Set<string>();
  private allocatable?: { cpu: number; memory: number };
  /** configMap/secret/projected/downwardAPI volumes (written atomically, kept in sync) */
  private readonly configVolumes: ConfigVolumes;
  /** pod keys by the ConfigMaps/Secrets they reference */
  private readonly podRefs = new ReferenceIndex();

  constructor(opts: KubeletOptions) {
    this.store = opts.store;
    this.runtime = opts.runtime;
    this.clock = opts.clock;
    this.events = opts.events;
    this.nodeName = opts.nodeName;
    this.networking = opts.networking;
    this.config = pickConfig(opts.config);
    this.volumeHost = opts.volumeHost ?? new NodeVolumeHost();
    this.hostPaths = opts.hostPaths === null ? undefined : (opts.hostPaths ?? new NodeHostPaths());
    // tmpfs for secret volumes on the real file system; an injected host (tests) keeps them under dataDir
    if (this.config.secretVolumeDir === undefined && this.config.dataDir !== undefined && !opts.volumeHost) {
      const d = defaultSecretVolumeDir(this.config.dataDir);
      if (d !== undefined) this.config.secretVolumeDir = d;
    }
    this.configVolumes = new ConfigVolumes({
      store: this.store,
      host: this.volumeHost,
      ...(this.config.secretVolumeDir !== undefined ? { secretDir: this.config.secretVolumeDir } : {}),
      nodeAllocatable: () => this.nodeAllocatable(),
    });
    const log = opts.log;
    this.log = typeof log === 'function' ? log : log ? (m) => log.warn(m) : () => undefined;
    this.info = typeof log === 'function' ? log : log ? (m) => log.info(m) : () => undefined;
    this.transport = opts.probeTransport ?? new HostProbeTransport();
    this.wired = opts.enqueue !== undefined;
    this.enqueueFn = opts.enqueue ?? (() => undefined);
    this.prober = new ProberManager({
      runtime: this.runtime,
      clock: this.clock,
      transport: this.transport,
      events: this.events,
      enqueue: (k) => this.enqueueFn(k),
    });
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
    for (const u of this.lastFailures.keys()) if (!uids.has(u) && !inEngine.has(u)) this.forget(u);
    await this.sweepPodStorage(new Set([...pods.map((p) => p.metadata.uid ?? ''), ...inEngine]));
    return [...keys];
  }

  /**
   * Per-pod storage whose pod is gone from the store and the engine alike (force-deleted while no controller
   * ran, and its containers pruned by hand): folders under the data and secret directories, tmpfs volumes.
   */
  private async sweepPodStorage(known: ReadonlySet<string>): Promise<void> {
    const list = this.volumeHost.list?.bind(this.volumeHost);
    const gone = new Set<string>();
    try {
      if (list && this.config.dataDir !== undefined) for (const u of await list(podDir(this.config.dataDir, ''))) if (!known.has(u)) gone.add(u);
      if (list && this.config.secretVolumeDir !== undefined) for (const u of await list(this.config.secretVolumeDir)) if (!known.has(u)) gone.add(u);
      for (const v of await this.runtime.listVolumes()) {
        const u = v.labels[POD_UID];
        if (u && !known.has(u)) gone.add(u);
      }
    } catch (e) {
      if (isEngineUnreachable(e)) throw e;
      this.log(`kubelet: sweep of pod storage: ${(e as Error).message}`);
      return;
    }
    for (const u of gone) {
      this.info(`kubelet: removing the storage of pod ${u}, which is gone`);
      await this.removePodDir(u);
    }
  }

  /** The pod keys a runtime event concerns (from the container's labels). */
  handleRuntimeEvent(ev: RuntimeEvent): string[] {
    const ref = podRefFromLabels(ev.labels);
    if (!ref) return [];
    if (ev.type === 'start') {
      const k = startKey(ref.uid, ev.labels[CONTAINER_NAME] ?? '', ev.labels[ATTEMPT] ?? '');
      const at = this.ownStarts.get(k);
      if (at !== undefined) {
        this.ownStarts.delete(k);
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
    const plan = computePodActions(pod, obs.observed, this.clock.now().getTime(), this.backoff, this.config);
    for (const [k, v] of Object.entries(plan.backoffUpdates)) {
      if (v === null) this.backoff.delete(k);
      else this.backoff.set(k, v);
    }
    const exec = await this.execute(key, pod, plan, obs);
    if (plan.finalize) {
      await this.finalize(pod);
      return DONE;
    }
    if (exec.changed) obs = await this.observe(pod);
    await this.refreshVolumes(pod, obs.observed);

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
    const failures = this.failuresOf(uid!);
    const waiting: Record<string, Waiting> = { ...Object.fromEntries(failures), ...plan.waiting };
    let showFailure = false;
    for (const { container } of allContainers(pod)) {
      const fk = `${uid}/${container.image ?? ''}`;
      const f = failures.get(container.name);
      if (this.freshPullFailures.has(fk) && f?.reason === 'ErrImagePull') {
        waiting[container.name] = f;
        showFailure = true;
      }
    }
    for (const k of [...this.freshPullFailures]) if (k.startsWith(`${uid}/`)) this.freshPullFailures.delete(k);
    await this.writeStatus(pod, obs.observed, waiting);
    const requeue = [plan.requeueAfterMs, exec.requeueAfterMs].filter((x): x is number => x !== undefined);
    if (showFailure) requeue.push(Math.min(POLL_MS, this.config.backoffBaseMs));
    if (!this.wired) {
      // Nobody hears background completions: look again soon while something is pending for this pod.
      const pending = obs.observed.containers.some((c) => this.killing.has(c.id)) || [...this.pulls.keys()].some((k) => k.startsWith(`${uid}/`));
      if (pending) requeue.push(POLL_MS);
      if (targets.some((t) => t.container.readinessProbe || t.container.livenessProbe || t.container.startupProbe)) requeue.push(POLL_MS);
    }
    return requeue.length ? { requeueAfterMs: Math.min(...requeue) } : DONE;
  }

  /** Resolves when no stop, pull or probe runs in the background (tests). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const pending = [...this.killing.values(), ...this.pulls.values(), ...this.hooks, ...this.pendingEvents];
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
      killing: [...this.killing.keys()].filter((id) => ids.has(id)),
      restartRequested: [...this.restartRequested].filter((id) => ids.has(id)),
    };
    if (this.networking) observed.network = this.networking.network(pod.metadata.namespace ?? 'default');
    observed.probes = this.probeResults(observed);
    return { observed, sandboxes: sbs };
  }

  // ------------------------------------------------------------------------------------------------
  // Execution

  private async execute(podKey: string, pod: PodObject, plan: PodActions, obs: Observation): Promise<{ changed: boolean; requeueAfterMs?: number }> {
    const uid = pod.metadata.uid!;
    let changed = false;
    let requeueAfterMs: number | undefined;
    const retryLater = (): void => {
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, this.config.backoffBaseMs);
    };

    // Events the planner asks for: once per waiting state of a container.
    for (const name of new Set(plan.events.map((e) => e.container).filter((c): c is string => !!c))) {
      const w = plan.waiting[name];
      const sig = w ? `${w.reason}|${w.message}` : '';
      const k = `${uid}/${name}`;
      if (this.shownWaiting.get(k) === sig) continue;
      this.shownWaiting.set(k, sig);
      for (const e of plan.events) if (e.container === name) await this.event(pod, e.type, e.reason, e.message, name);
    }
    if (plan.containersToKill.length)
      for (const e of plan.events) if (!e.container) await this.event(pod, e.type, e.reason, e.message);

    const ports = obs.sandboxes.find((s) => s.state === 'ready')?.ports ?? [];
    for (const k of plan.containersToKill) {
      this.startKill(podKey, pod, k, ports);
      changed = true;
    }
    for (const id of plan.containersToRemove) {
      await this.runtime.removeContainer(id);
      this.restartRequested.delete(id);
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

    const vols = podVolumes(pod, this.config.dataDir, this.config.secretVolumeDir);
    let sandbox: SandboxStatus | undefined;
    if (plan.createSandbox) {
      const own = startKey(uid, SANDBOX_CONTAINER_NAME, plan.attempt);
      this.ownStarts.set(own, this.clock.now().getTime());
      try {
        sandbox = await this.runSandbox(pod, plan.attempt, vols);
        changed = true;
      } catch (e) {
        this.ownStarts.delete(own);
        if (isEngineUnreachable(e)) throw e;
        await this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(e as Error).message}`);
        retryLater();
        return { changed, requeueAfterMs: requeueAfterMs! };
      }
    } else sandbox = obs.sandboxes.find((s) => s.id === plan.sandboxId);
    if (!sandbox || !starts.length) return { changed, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };

    let mountError: string | undefined;
    try {
      await this.setUpVolumes(pod, vols);
    } catch (e) {
      if (!(e instanceof MountError)) throw e;
      mountError = e.message;
    }
    if (mountError) {
      await this.event(pod, 'Warning', 'FailedMount', mountError);
      retryLater();
      return { changed, requeueAfterMs: requeueAfterMs! };
    }

    const settle = (s: ContainerToStart, r: Awaited<ReturnType<Kubelet['startContainer']>>): void => {
      if (r === 'started') {
        changed = true;
        for (const c of obs.observed.containers) if (c.name === s.name) this.restartRequested.delete(c.id);
      } else if (r === 'failed') retryLater();
      else if (r === 'conflict') requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, POLL_MS);
    };
    // An init container runs alone; the app containers start side by side (each waits mostly on the engine).
    if (starts[0]?.init) settle(starts[0], await this.startContainer(podKey, pod, sandbox, starts[0], vols));
    else {
      const results = await Promise.allSettled(starts.map((s) => this.startContainer(podKey, pod, sandbox, s, vols)));
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') settle(starts[i]!, r.value);
      });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return { changed, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
  }

  private podRef(pod: PodObject): PodRef {
    return { uid: pod.metadata.uid!, name: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default' };
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

  /**
   * Stops a container in the background: its preStop hook first (within the grace period), then the
   * runtime's SIGTERM, SIGKILL after what is left of the grace period. The pod is enqueued when it is done.
   */
  private startKill(
    podKey: string,
    pod: PodObject | undefined,
    k: Pick<ContainerToKill, 'id' | 'name' | 'graceSeconds' | 'message' | 'restart'>,
    ports: PortMapping[] = [],
  ): void {
    if (this.killing.has(k.id)) return;
    if (k.restart) this.restartRequested.add(k.id);
    if (pod) void this.event(pod, 'Normal', 'Killing', k.message, k.name);
    const spec = pod ? allContainers(pod).find((x) => x.container.name === k.name)?.container : undefined;
    const preStop = spec?.lifecycle?.preStop;
    const stop = async (): Promise<void> => {
      let grace = k.graceSeconds;
      // drain before SIGTERM: a pod on its way out first leaves every proxy's rotation and its proxied
      // connections finish — for at most half the grace period, so an idle keep-alive connection (closed
      // only by SIGTERM) cannot leave the process no time to shut down
      if (pod?.metadata.deletionTimestamp && this.networking) {
        const t0 = this.clock.now().getTime();
        await this.drainOnce(pod, t0 + grace * 500);
        grace = Math.max(MIN_GRACE_SECONDS, grace - Math.floor((this.clock.now().getTime() - t0) / 1000));
      }
      if (pod && spec && preStop) {
        const t0 = this.clock.now().getTime();
        const err = await runLifecycleHandler(this.hookDeps(), preStop, spec, k.id, ports, grace * 1000);
        if (err) await this.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${err}`, k.name);
        grace = Math.max(MIN_GRACE_SECONDS, grace - Math.floor((this.clock.now().getTime() - t0) / 1000));
      }
      await this.runtime.stopContainer(k.id, grace);
    };
    const p = stop()
      .catch((e: unknown) => this.log(`kubelet: stop container ${k.name} (${k.id}): ${(e as Error).message}`))
      .finally(() => {
        this.killing.delete(k.id);
        this.enqueue(podKey);
      });
    this.killing.set(k.id, p);
  }

  /** Runs the pod's sandbox on its namespace's network; its medium: Memory emptyDirs are engine tmpfs volumes
   *  it holds, so container restarts keep their data. */
  private async runSandbox(pod: PodObject, attempt: number, vols: PodVolume[]): Promise<SandboxStatus> {
    const held: string[] = [];
    for (const v of vols) {
      if (v.engine?.type !== 'tmpfs') continue;
      await this.runtime.createVolume(v.engine.name, { [POD_UID]: pod.metadata.uid! }, { tmpfs: v.tmpfsSizeBytes ? { sizeBytes: v.tmpfsSizeBytes } : {} });
      held.push(v.engine.name);
    }
    const aliases = this.networking?.aliases(pod) ?? [];
    const id = await this.runtime.runPodSandbox({
      pod: this.podRef(pod),
      attempt,
      network: this.networking?.network(pod.metadata.namespace ?? 'default') ?? this.config.network,
      ...(aliases.length ? { networkAliases: aliases } : {}),
      ...(held.length ? { holdVolumes: held } : {}),
      ports: sandboxPorts(pod),
      ...(pod.spec?.hostname ? { hostname: pod.spec.hostname } : {}),
    });
    return this.runtime.podSandboxStatus(id);
  }

  /** One drain per pod, shared by its containers' stops. */
  private drainOnce(pod: PodObject, deadlineMs: number): Promise<void> {
    const uid = pod.metadata.uid!;
    let p = this.drains.get(uid);
    if (!p) {
      p = this.networking!.drain(pod, deadlineMs).catch((e: unknown) => this.log(`kubelet: drain of pod ${pod.metadata.name}: ${(e as Error).message}`));
      this.drains.set(uid, p);
      void p.finally(() => setTimeout(() => this.drains.delete(uid), 60_000).unref?.());
    }
    return p;
  }

  private failuresOf(uid: string): Map<string, Waiting> {
    let m = this.lastFailures.get(uid);
    if (!m) this.lastFailures.set(uid, (m = new Map()));
    return m;
  }

  /** Records a container start failure (status waiting reason) and its Failed event, once per failure. */
  private async fail(pod: PodObject, name: string, reason: string, message: string, event = `Error: ${message}`): Promise<void> {
    const m = this.failuresOf(pod.metadata.uid!);
    const prev = m.get(name);
    m.set(name, { reason, message });
    if (prev?.reason === reason && prev.message === message) return;
    await this.event(pod, 'Warning', 'Failed', event, name);
  }

  private async setUpVolumes(pod: PodObject, vols: ReturnType<typeof podVolumes>): Promise<void> {
    for (const v of vols) {
      if (v.kind === 'emptyDir' && !v.engine) await this.volumeHost.ensureDir(v.hostPath!, 0o777);
    }
    await setUpStorageVolumes(this.store, pod, vols, this.hostPaths);
    await this.configVolumes.sync(pod, vols);
  }

  /**
   * A running pod's configMap/secret/projected/downwardAPI volumes follow their sources (upstream: the volume
   * manager's remount on every pod sync). A failure keeps the last files and shows one FailedMount event.
   */
  private async refreshVolumes(pod: PodObject, observed: ObservedPod): Promise<void> {
    if (pod.metadata.deletionTimestamp || !observed.containers.some((c) => c.state === 'running')) return;
    const uid = pod.metadata.uid!;
    try {
      const changed = await this.configVolumes.sync(pod, podVolumes(pod, this.config.dataDir, this.config.secretVolumeDir));
      this.configVolumes.clearShown(uid);
      if (changed.length) this.info(`kubelet: pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}: updated volumes ${changed.join(', ')}`);
    } catch (e) {
      // a file-system failure (EACCES, ENOSPC...) is reported like a mount failure: the running pod's
      // status keeps being written, and the last good files stay
      const msg = e instanceof MountError ? e.message : `MountVolume.SetUp failed: ${(e as Error).message}`;
      if (this.configVolumes.firstShow(uid, msg)) await this.event(pod, 'Warning', 'FailedMount', msg);
    }
  }

  private async nodeAllocatable(): Promise<{ cpu: number; memory: number }> {
    if (this.config.nodeAllocatable) return this.config.nodeAllocatable;
    if (!this.allocatable) {
      const i = await this.runtime.info();
      this.allocatable = { cpu: i.cpus, memory: i.memoryBytes };
    }
    return this.allocatable;
  }

  private async startContainer(
    podKey: string,
    pod: PodObject,
    sandbox: SandboxStatus,
    s: ContainerToStart,
    vols: ReturnType<typeof podVolumes>,
  ): Promise<'started' | 'pulling' | 'failed' | 'conflict' | 'skipped'> {
    const uid = pod.metadata.uid!;
    const spec = (s.init ? pod.spec?.initContainers : pod.spec?.containers)?.find((c) => c.name === s.name);
    if (!spec) return 'skipped';
    const ns = pod.metadata.namespace ?? 'default';

    // Image.
    const pullKey = `${uid}/${s.image}`;
    if (this.freshPulls.has(pullKey)) this.freshPulls.delete(pullKey);
    else if (s.pullImage) {
      this.startPull(podKey, pod, s.image, s.name);
      return 'pulling';
    } else await this.event(pod, 'Normal', 'Pulled', `Container image "${s.image}" already present on machine`, s.name);

    // Config: environment, privileges, volumes.
    let env;
    let container: Container = spec;
    let volumes: Record<string, string>;
    let engineVolumes: Record<string, EngineVolume> | undefined;
    try {
      const refs = envReferences(spec);
      const configMaps: Record<string, ConfigMap | undefined> = {};
      const secrets: Record<string, Secret | undefined> = {};
      for (const n of refs.configMaps)
        configMaps[n] = (await this.store.tryGet<KubeObject>({ resource: 'configmaps', namespace: ns, name: n })) as ConfigMap | undefined;
      for (const n of refs.secrets)
        secrets[n] = (await this.store.tryGet<KubeObject>({ resource: 'secrets', namespace: ns, name: n })) as Secret | undefined;
      const needsAlloc = (spec.env ?? []).some((e) => e.valueFrom?.resourceFieldRef);
      env = makeEnvironmentVariables(pod, spec, {
        configMaps,
        secrets,
        hostIP: this.config.hostIP,
        ...(sandbox.podIP ? { podIP: sandbox.podIP } : {}),
        nodeAllocatable: needsAlloc ? await this.nodeAllocatable() : { cpu: 0, memory: 0 },
        ...(this.networking ? { serviceEnv: await this.networking.serviceEnv(pod) } : {}),
      });
      if (spec.securityContext?.privileged && !this.config.allowPrivileged)
        throw new ContainerConfigError('securityContext.privileged: Forbidden: disallowed by cluster policy');
      const m = containerMounts(spec, vols);
      container = m.container;
      volumes = m.volumes;
      engineVolumes = m.engineVolumes;
    } catch (e) {
      if (e instanceof ContainerConfigError || e instanceof MountError) {
        await this.fail(pod, s.name, 'CreateContainerConfigError', e.message);
        return 'failed';
      }
      throw e;
    }

    // Create and start.
    const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
    let id: string;
    try {
      id = await this.runtime.createContainer(sandbox.id, {
        container,
        attempt: s.attempt,
        env,
        volumes,
        ...(engineVolumes ? { engineVolumes } : {}),
        ...(pod.spec?.securityContext ? { podSecurityContext: pod.spec.securityContext } : {}),
        ...(pod.spec?.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
        labels: { [CONTAINER_HASH_LABEL]: s.hash, [GRACE_LABEL]: String(grace), [CONTAINER_KIND_LABEL]: s.init ? 'init' : 'app' },
        onWarning: (w) => this.log(`kubelet: pod ${ns}/${pod.metadata.name} container ${s.name}: ${w}`),
      });
    } catch (e) {
      if (isRuntimeConflict(e)) return 'conflict'; // made meanwhile (another pass or instance): adopted next pass
      if (isEngineUnreachable(e)) throw e;
      const reason = e instanceof RuntimeError && e.reason === 'CreateContainerConfigError' ? 'CreateContainerConfigError' : 'CreateContainerError';
      await this.fail(pod, s.name, reason, (e as Error).message);
      return 'failed';
    }
    await this.event(pod, 'Normal', 'Created', `Created container ${s.name}`, s.name);
    const own = startKey(uid, s.name, s.attempt);
    this.ownStarts.set(own, this.clock.now().getTime());
    try {
      await this.runtime.startContainer(id);
    } catch (e) {
      this.ownStarts.delete(own);
      if (isEngineUnreachable(e)) throw e;
      const msg = (e as Error).message;
      await this.fail(pod, s.name, 'RunContainerError', msg, `Error: failed to start container "${s.name}": ${msg}`);
      return 'failed';
    }
    await this.event(pod, 'Normal', 'Started', `Started container ${s.name}`, s.name);
    this.failuresOf(uid).delete(s.name);
    this.shownWaiting.delete(`${uid}/${s.name}`);
    const postStart = spec.lifecycle?.postStart;
    if (postStart) {
      const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
      const h = runLifecycleHandler(this.hookDeps(), postStart, spec, id, sandbox.ports, grace * 1000)
        .then(async (err) => {
          if (!err) return;
          await this.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${err}`, s.name);
          this.startKill(podKey, pod, { id, name: s.name, graceSeconds: grace, message: 'FailedPostStartHook' }, sandbox.ports);
        })
        .finally(() => this.hooks.delete(h));
      this.hooks.add(h);
    }
    return 'started';
  }

  /**
   * A pull with the registry credentials of the pod's imagePullSecrets (none named: its ServiceAccount's, as
   * upstream's admission copies them). Missing secrets get upstream's warning event and the pull goes on.
   */
  private async pullImage(pod: PodObject, image: string, onProgress: (p: PullProgress) => void): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    let refs = pod.spec?.imagePullSecrets ?? [];
    if (!refs.length) {
      const sa = await this.store.tryGet<KubeObject>({ resource: 'serviceaccounts', namespace: ns, name: pod.spec?.serviceAccountName || 'default' });
      refs = (sa?.imagePullSecrets as { name?: string }[] | undefined) ?? [];
    }
    const secrets: Secret[] = [];
    const missing: string[] = [];
    for (const r of refs) {
      if (!r.name) continue;
      const s = await this.store.tryGet<KubeObject>({ resource: 'secrets', namespace: ns, name: r.name });
      if (s) secrets.push(s as Secret);
      else missing.push(r.name);
    }
    if (missing.length)
      await this.event(
        pod,
        'Warning',
        'FailedToRetrieveImagePullSecret',
        `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
      );
    return pullWithCredentials(this.runtime, image, credentialsFor(image, secrets), onProgress);
  }

  private hookDeps(): HookDeps {
    return { runtime: this.runtime, transport: this.transport, clock: this.clock };
  }

  private startPull(podKey: string, pod: PodObject, image: string, container: string): void {
    const uid = pod.metadata.uid!;
    const k = `${uid}/${image}`;
    if (this.pulls.has(k)) return;
    const t0 = this.clock.now().getTime();
    void this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, container);
    let lastLog = t0;
    const onProgress = (pr: PullProgress): void => {
      const now = this.clock.now().getTime();
      if (now - lastLog < PULL_LOG_MS) return;
      lastLog = now;
      const size = pr.total ? ` ${pr.current ?? 0}/${pr.total} bytes` : '';
      this.info(`kubelet: pulling image "${image}": ${pr.status}${pr.id ? ` ${pr.id}` : ''}${size}`);
    };
    const names = allContainers(pod)
      .filter((x) => x.container.image === image)
      .map((x) => x.container.name);
    const p = this.pullImage(pod, image, onProgress)
      .then(
        async () => {
          const secs = ((this.clock.now().getTime() - t0) / 1000).toFixed(3);
          this.freshPulls.add(k);
          this.backoff.delete(pullBackoffKey(uid, image));
          for (const n of names) if (this.failuresOf(uid).get(n)?.reason === 'ErrImagePull') this.failuresOf(uid).delete(n);
          await this.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting)`, container);
        },
        async (e: unknown) => {
          if (!(e instanceof RuntimeError) || isEngineUnreachable(e)) this.log(`kubelet: pull ${image}: ${(e as Error).message}`);
          const msg = (e as Error).message;
          const now = this.clock.now().getTime();
          const bk = pullBackoffKey(uid, image);
          this.backoff.set(bk, nextBackoff(this.backoff.get(bk), now, now, { baseMs: this.config.backoffBaseMs, maxMs: this.config.backoffMaxMs }));
          for (const n of names) this.failuresOf(uid).set(n, { reason: 'ErrImagePull', message: msg });
          for (const n of names) this.shownWaiting.delete(`${uid}/${n}`);
          this.freshPullFailures.add(k);
          const detail = msg.replace(/^failed to pull image "[^"]*": /i, '');
          await this.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${detail}`, container);
          await this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', container);
        },
      )
      .finally(() => {
        this.pulls.delete(k);
        this.enqueue(podKey);
      });
    this.pulls.set(k, p);
  }

  // ------------------------------------------------------------------------------------------------
  // Status

  private async writeStatus(pod: PodObject, observed: ObservedPod, waiting: Record<string, Waiting>): Promise<void> {
    // A terminating pod keeps its last status until it is gone (its containers' end shows in the Killing
    // events); `get pods` shows Terminating from deletionTimestamp alone.
    if (pod.metadata.deletionTimestamp) return;
    let cur = pod;
    for (let attempt = 0; ; attempt++) {
      try {
        const want = portsAnnotation(cur, observed);
        const have = cur.metadata.annotations?.[PORTS_ANNOTATION];
        if (want !== have) {
          const next = structuredClone(cur);
          const ann = { ...(next.metadata.annotations ?? {}) };
          if (want === undefined) delete ann[PORTS_ANNOTATION];
          else ann[PORTS_ANNOTATION] = want;
          if (Object.keys(ann).length) next.metadata.annotations = ann;
          else delete next.metadata.annotations;
          cur = await this.store.update<PodObject>(next);
        }
        const status = generatePodStatus({
          pod: cur,
          observed,
          now: this.clock.now(),
          waiting,
          hostIP: this.config.hostIP,
          runtimeName: this.config.runtimeName,
        });
        if (statusChanged(cur, status)) await this.store.updateStatus<PodObject>({ ...cur, status });
        return;
      } catch (e) {
        if (isNotFound(e)) return; // the pod went away meanwhile
        if (!isConflict(e) || attempt >= 2) throw e;
        // Someone else wrote the pod since this pass read it (the scheduler's PodScheduled condition, mostly).
        // What the pass observed in the engine still holds while the pod's spec and deletion did not change:
        // write it over the fresh object instead of redoing the whole pass.
        const fresh = await this.store.tryGet<PodObject>({ resource: 'pods', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name });
        if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
        if (fresh.metadata.generation !== pod.metadata.generation || fresh.metadata.deletionTimestamp) throw e; // re-plan
        cur = fresh;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Deletion and orphans

  private async finalize(pod: PodObject): Promise<void> {
    const uid = pod.metadata.uid!;
    await this.removePodDir(uid);
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

  private async removePodDir(uid: string): Promise<void> {
    try {
      for (const v of await this.runtime.listVolumes({ [POD_UID]: uid })) await this.runtime.removeVolume(v.name);
    } catch (e) {
      if (isEngineUnreachable(e)) throw e;
      this.log(`kubelet: remove engine volumes of pod ${uid}: ${(e as Error).message}`);
    }
    if (this.config.dataDir === undefined) return;
    try {
      const secrets = this.configVolumes.podSecretDir(uid);
      if (secrets !== undefined) await this.volumeHost.removeAll(secrets);
      await this.volumeHost.removeAll(podDir(this.config.dataDir, uid));
    } catch (e) {
      this.log(`kubelet: remove volumes of pod ${uid}: ${(e as Error).message}`);
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
      this.startKill(podKey, undefined, { id: c.id, name: c.containerName, graceSeconds: grace, message: '' });
    }
    if (running.length) return true;
    for (const c of containers) await this.runtime.removeContainer(c.id);
    for (const s of sandboxes) await this.runtime.removePodSandbox(s.id);
    for (const uid of new Set([...sandboxes, ...containers].map((x) => x.pod.uid))) {
      if (!uid) continue;
      await this.removePodDir(uid);
      this.forget(uid);
    }
    return false;
  }

  /** Drops every in-memory record of a pod. */
  private forget(uid: string): void {
    this.prober.removePod(uid);
    this.configVolumes.clearShown(uid);
    this.lastFailures.delete(uid);
    for (const k of [...this.shownWaiting.keys()]) if (k.startsWith(`${uid}/`)) this.shownWaiting.delete(k);
    for (const k of [...this.freshPulls]) if (k.startsWith(`${uid}/`)) this.freshPulls.delete(k);
    for (const k of [...this.freshPullFailures]) if (k.startsWith(`${uid}/`)) this.freshPullFailures.delete(k);
    for (const k of [...this.backoff.keys()]) if (k.split('/')[1] === uid) this.backoff.delete(k);
    for (const k of [...this.ownStarts.keys()]) if (k.startsWith(`${uid}/`)) this.ownStarts.delete(k);
  }
}

/** Every port the sandbox publishes on 127.0.0.1: declared containerPorts, then probe ports not declared. */
export function sandboxPorts(pod: Pod): SandboxPort[] {
  const out: SandboxPort[] = [];
  const seen = new Set<string>();
  for (const { container } of allContainers(pod))
    for (const p of container.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as SandboxPort['protocol'];
      const k = `${p.containerPort}/${protocol}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ containerPort: p.containerPort, protocol });
    }
  for (const { container } of allContainers(pod))
    for (const port of probePorts(container)) {
      const k = `${port}/TCP`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ containerPort: port, protocol: 'TCP' });
    }
  return out;
}
