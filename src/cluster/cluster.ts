// The composition root: store + runtime + node registration + scheduler + kubelet (+ later controllers) under one
// ControllerRunner, and the runtime's container events fed to the kubelet. `kctl controller` runs one Cluster;
// tests build one over a MemoryStore and a FakeRuntime.
//
// Stopping stops the loops only: containers keep running and a later controller adopts them (their labels say
// which pod they belong to).
import type { Clock } from '../util/clock.js';
import { SystemClock, sleep } from '../util/clock.js';
import { objectKey, type Store } from '../store/store.js';
import { isEngineUnreachable, type ContainerRuntime, type RuntimeEvent } from '../runtime/runtime.js';
import { podRefFromLabels } from '../runtime/names.js';
import { ControllerRunner, type ControllerRunnerOptions } from '../reconcile/controller-runner.js';
import { EventRecorder } from '../reconcile/events.js';
import { NOP_LOGGER, type Logger } from '../reconcile/logger.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { NodeController } from '../scheduler/node.js';
import { Scheduler, DEFAULT_SCHEDULER_NAME } from '../scheduler/scheduler.js';
import type { ClusterConfig } from './config.js';
import type { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { DeploymentController } from '../controllers/deployment/deployment-controller.js';
import { ReplicaSetController } from '../controllers/replicaset/replicaset-controller.js';
import { StatefulSetController } from '../controllers/statefulset/statefulset-controller.js';
import { DaemonSetController } from '../controllers/daemonset/daemonset-controller.js';
import { GarbageCollector } from '../controllers/gc/garbage-collector.js';
import { JobController } from '../controllers/job/job-controller.js';
import { CronJobController } from '../controllers/cronjob/cronjob-controller.js';
import { TTLAfterFinishedController } from '../controllers/ttl-after-finished/ttl-after-finished-controller.js';
import { EndpointsController } from '../controllers/endpoints/endpoints-controller.js';
import { ServiceAllocator } from '../controllers/service/service-allocator.js';
import { ServiceProxy } from '../proxy/proxier.js';
import { PersistentVolumeController } from '../controllers/volume/pv-controller.js';
import { LOCAL_PROVISIONER } from '../api/local-volumes.js';
import { ConfigRolloutController } from '../controllers/config-rollout/config-rollout-controller.js';
import { ClusterNetworking } from '../proxy/in-cluster/pod-networking.js';
import { ServiceGateways } from '../proxy/in-cluster/gateway-controller.js';
import { NodeGatewayFiles } from '../proxy/in-cluster/gateway-host.js';
import type { RunningApiServer } from '../apiserver/api-server.js';

/** What the kubelet is built from (src/kubelet/kubelet.ts: `new Kubelet(deps)`). */
export interface KubeletDeps {
  store: Store;
  runtime: ContainerRuntime;
  clock: Clock;
  /** recorder with source {component: "kubelet", host: nodeName} */
  events: EventRecorder;
  nodeName: string;
  config: ClusterConfig;
  log: Logger;
  /** pod networks, service variables and drain (the Service side registers itself in it) */
  networking: ClusterNetworking;
}

/** What other controllers (deployment, replicaset, endpoints ... of later issues) are built from. */
export interface ControllerDeps {
  store: Store;
  clock: Clock;
  /** make a recorder for a component ("deployment-controller", ...) */
  recorder(component: string): EventRecorder;
  config: ClusterConfig;
  log: Logger;
  runtime: ContainerRuntime;
  /** this home's identity on the engine (the kube-system namespace's uid) */
  clusterId: string | undefined;
  networking: ClusterNetworking;
}

/** The workload control loops every cluster runs (Deployments → ReplicaSets → Pods, StatefulSets, DaemonSets, ownerReference GC). */
export const WORKLOAD_CONTROLLERS: ((deps: ControllerDeps) => Reconciler)[] = [
  (d) => new DeploymentController({ store: d.store, clock: d.clock, events: d.recorder('deployment-controller'), log: d.log }),
  (d) => new ReplicaSetController({ store: d.store, clock: d.clock, events: d.recorder('replicaset-controller'), log: d.log }),
  (d) => new StatefulSetController({ store: d.store, clock: d.clock, events: d.recorder('statefulset-controller'), log: d.log }),
  (d) => new DaemonSetController({ store: d.store, clock: d.clock, events: d.recorder('daemonset-controller'), log: d.log }),
  (d) => new GarbageCollector({ store: d.store, log: d.log }),
  (d) => new ConfigRolloutController({ store: d.store, events: d.recorder('config-rollout-controller'), log: d.log }),
];

/** Batch workloads: Jobs run to completion, finished Jobs with a TTL removed, CronJobs starting Jobs on schedule. */
export const BATCH_CONTROLLERS: ((deps: ControllerDeps) => Reconciler)[] = [
  (d) =>
    new JobController({
      store: d.store,
      clock: d.clock,
      events: d.recorder('job-controller'),
      log: d.log,
      backoffBaseMs: d.config.jobBackoffBaseMs,
      backoffMaxMs: d.config.jobBackoffMaxMs,
    }),
  (d) => new TTLAfterFinishedController({ store: d.store, clock: d.clock, log: d.log }),
  (d) => new CronJobController({ store: d.store, clock: d.clock, events: d.recorder('cronjob-controller'), log: d.log }),
];

/**
 * Services: ClusterIP/nodePort allocation, Endpoints + EndpointSlices, and the proxy listening on the nodePorts
 * (config.proxyBindAddress). The proxy has a stop() the cluster calls (it closes its listeners).
 */
export const SERVICE_CONTROLLERS: ((deps: ControllerDeps) => Reconciler)[] = [
  (d) => new ServiceAllocator({ store: d.store, clock: d.clock, events: d.recorder('service-controller'), log: d.log, bindAddress: d.config.proxyBindAddress }),
  (d) => new EndpointsController({ store: d.store, clock: d.clock, log: d.log }),
  (d) => (d.networking.proxy = new ServiceProxy({ store: d.store, clock: d.clock, events: d.recorder('kube-proxy'), log: d.log, bindAddress: d.config.proxyBindAddress })),
  (d) =>
    (d.networking.gateways = new ServiceGateways({
      store: d.store,
      runtime: d.runtime,
      clock: d.clock,
      cluster: d.clusterId,
      files: new NodeGatewayFiles(`${d.config.home}/run/gateways`),
      log: d.log,
    })),
];

/** Storage: the default StorageClass, PV/PVC binding, kctl's provisioner (a Docker volume per claim), protection. */
export const STORAGE_CONTROLLERS: ((deps: ControllerDeps) => Reconciler)[] = [
  (d) =>
    new PersistentVolumeController({
      store: d.store,
      runtime: d.runtime,
      events: d.recorder('persistentvolume-controller'),
      provisionerEvents: d.recorder(LOCAL_PROVISIONER),
      log: d.log,
    }),
];

export const DEFAULT_CONTROLLERS: ((deps: ControllerDeps) => Reconciler)[] = [
  ...WORKLOAD_CONTROLLERS,
  ...BATCH_CONTROLLERS,
  ...SERVICE_CONTROLLERS,
  ...STORAGE_CONTROLLERS,
];

export interface ClusterOptions {
  config: ClusterConfig;
  /** default: FileStore in config.home (opened by start, closed by stop); an injected store is not closed */
  store?: Store;
  /** default: DockerRuntime (config.dockerHost, testRun, allowPrivileged) */
  runtime?: ContainerRuntime;
  clock?: Clock;
  log?: Logger;
  /** reported as the Node's kubeletVersion */
  kctlVersion?: string;
  /** builds the kubelet; default: `new Kubelet(deps)` from src/kubelet/kubelet.ts; null: no kubelet */
  kubelet?: ((deps: KubeletDeps) => Reconciler | Promise<Reconciler>) | null;
  /** further control loops */
  controllers?: ((deps: ControllerDeps) => Reconciler)[];
  /** runner tuning (tests) */
  runner?: Partial<Omit<ControllerRunnerOptions, 'store' | 'clock' | 'reconcilers' | 'log'>>;
  /** first wait before resubscribing to runtime events after a failure (default 1 000 ms, doubling to 30 000) */
  runtimeRetryBaseMs?: number;
  runtimeRetryMaxMs?: number;
  /**
   * Serve the Kubernetes API (src/apiserver/) on 127.0.0.1:config.apiPort and write $KCTL_HOME/kubeconfig
   * (`kctl controller` turns it on; default off, so in-process test clusters open no port)
   */
  apiServer?: boolean;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The kubelet of src/kubelet/kubelet.ts (loaded only when used: tests inject their own). */
async function defaultKubelet(deps: KubeletDeps): Promise<Reconciler> {
  const { Kubelet } = await import('../kubelet/kubelet.js');
  let runtimeName = 'docker';
  try {
    runtimeName = (await deps.runtime.version()).runtimeName;
  } catch {
    /* engine not reachable yet: DockerRuntime's name */
  }
  return new Kubelet({
    store: deps.store,
    runtime: deps.runtime,
    clock: deps.clock,
    events: deps.events,
    nodeName: deps.nodeName,
    config: {
      backoffBaseMs: deps.config.backoffBaseMs,
      backoffMaxMs: deps.config.backoffMaxMs,
      backoffResetMs: deps.config.backoffResetMs,
      allowPrivileged: deps.config.allowPrivileged,
      dataDir: deps.config.home,
      runtimeName,
    },
    log: (m) => deps.log.info(m),
    networking: deps.networking,
  });
}

/** Optional parts of a kubelet reconciler the cluster wires when present (src/kubelet/kubelet.ts has them). */
interface KubeletExtras {
  /** where background completions (probes, stops, pulls) enqueue pod keys */
  onEnqueue?(fn: (key: string) => void): void;
  /** pod keys a runtime event concerns (default: from the container's labels) */
  handleRuntimeEvent?(ev: RuntimeEvent): string[];
  /** stops its timers */
  stop?(): void;
}

/** The Docker runtime the settings describe (`cluster`: this home's id on the engine). */
export async function createDockerRuntime(config: Pick<ClusterConfig, 'dockerHost' | 'testRun' | 'allowPrivileged'>, cluster: string | undefined): Promise<DockerRuntime> {
  const { DockerRuntime } = await import('../runtime/docker/docker-runtime.js');
  return new DockerRuntime({ cluster, host: config.dockerHost, testRun: config.testRun, allowPrivileged: config.allowPrivileged });
}

export class Cluster {
  readonly config: ClusterConfig;
  readonly clock: Clock;
  readonly log: Logger;
  private readonly opts: ClusterOptions;
  private ownStore = false;
  private _store: Store | undefined;
  private _runtime: ContainerRuntime | undefined;
  private _runner: ControllerRunner | undefined;
  private _kubelet: Reconciler | undefined;
  private _scheduler: Scheduler | undefined;
  private _node: NodeController | undefined;
  /** the further control loops (opts.controllers); those with a stop() are stopped with the cluster */
  private readonly controllers: Reconciler[] = [];
  private abort: AbortController | undefined;
  private eventsLoop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private engineDown = false;
  private _api: RunningApiServer | undefined;
  private apiStarting: Promise<void> | undefined;

  constructor(opts: ClusterOptions) {
    this.opts = opts;
    this.config = opts.config;
    this.clock = opts.clock ?? new SystemClock();
    this.log = opts.log ?? NOP_LOGGER;
  }

  get store(): Store {
    if (!this._store) throw new Error('cluster not started');
    return this._store;
  }
  get runtime(): ContainerRuntime {
    if (!this._runtime) throw new Error('cluster not started');
    return this._runtime;
  }
  get runner(): ControllerRunner {
    if (!this._runner) throw new Error('cluster not started');
    return this._runner;
  }
  get kubelet(): Reconciler | undefined {
    return this._kubelet;
  }
  get scheduler(): Scheduler | undefined {
    return this._scheduler;
  }
  get nodeController(): NodeController | undefined {
    return this._node;
  }
  /** The API server, when it runs. */
  get apiServer(): RunningApiServer | undefined {
    return this._api;
  }
  /** Whether the last look at the engine failed. */
  get engineReachable(): boolean {
    return !this.engineDown;
  }

  /** Builds everything and starts the loops; resolves once they run. The signal (or stop()) ends them. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.abort) throw new Error('cluster already started');
    const abort = new AbortController();
    this.abort = abort;
    const { config, clock, log } = this;
    if (this.opts.store) this._store = this.opts.store;
    else {
      const { openDefaultStore } = await import('../store/open.js');
      this._store = await openDefaultStore(config.home);
      this.ownStore = true;
    }
    // this home's identity on a shared engine: its containers carry it, and it sees only those
    const clusterId = (await this._store.tryGet({ resource: 'namespaces', name: 'kube-system' }))?.metadata.uid;
    this._runtime = this.opts.runtime ?? (await createDockerRuntime(config, clusterId));
    const store = this._store;
    const runtime = this._runtime;
    const recorder = (component: string, host?: string): EventRecorder => new EventRecorder({ store, clock, component, host, log });
    const networking = new ClusterNetworking(store, clusterId);

    const reconcilers: Reconciler[] = [];
    this._node = new NodeController({
      store,
      runtime,
      clock,
      nodeName: config.nodeName,
      kubeletVersion: this.opts.kctlVersion ?? 'v0.0.0',
      allocatable: config.allocatable,
      events: recorder('kubelet', config.nodeName),
      log,
    });
    reconcilers.push(this._node);
    this._scheduler = new Scheduler({ store, clock, events: recorder(DEFAULT_SCHEDULER_NAME), log });
    reconcilers.push(this._scheduler);
    const makeKubelet = this.opts.kubelet === undefined ? defaultKubelet : this.opts.kubelet;
    if (makeKubelet) {
      this._kubelet = await makeKubelet({ store, runtime, clock, events: recorder('kubelet', config.nodeName), nodeName: config.nodeName, config, log, networking });
      reconcilers.push(this._kubelet);
    }
    for (const make of this.opts.controllers ?? DEFAULT_CONTROLLERS) {
      const r = make({ store, clock, recorder: (c) => recorder(c), config, log, runtime, clusterId, networking });
      reconcilers.push(r);
      this.controllers.push(r);
    }

    this._runner = new ControllerRunner({
      resyncPeriodMs: config.resyncPeriodMs,
      quietError: isEngineUnreachable,
      ...this.opts.runner,
      store,
      clock,
      reconcilers,
      log,
    });
    if (signal) {
      if (signal.aborted) abort.abort();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    const kx = this._kubelet as (Reconciler & KubeletExtras) | undefined;
    const runner = this._runner;
    if (kx?.onEnqueue) kx.onEnqueue((key) => void runner.enqueue(kx.name, key));
    log.info(`controller starting: node ${config.nodeName}, ${reconcilers.map((r) => r.name).join(', ')}`);
    // the API needs only the store: it starts while the loops do
    const api = this.opts.apiServer && config.apiPort !== undefined ? this.startApi(config.apiPort, config.apiPortExplicit) : undefined;
    this.apiStarting = api;
    // Register the Node (with its capacity) before the scheduler's first pass, so pods that were waiting
    // are not marked unschedulable for want of a node that is about to exist. An unreachable engine is
    // not fatal here: the node loop retries it like any other failure.
    for (const key of await this._node.resyncKeys()) await this._node.reconcile(key).catch(() => undefined);
    await this._runner.start(abort.signal);
    if (this._kubelet) this.eventsLoop = this.runtimeEventsLoop(this._kubelet.name, abort.signal);
    await api;
  }

  /** The API server failing to start (an explicit port taken) is logged: the loops keep running without it. */
  private async startApi(port: number, explicit: boolean): Promise<void> {
    try {
      const { startApiServer } = await import('../apiserver/api-server.js');
      const api = await startApiServer(this.config.home, { port, explicit }, { store: this.store, runtime: this.runtime, clock: this.clock, log: this.log });
      // stopped while it was starting: stop() has already passed the API server
      if (this.abort?.signal.aborted) await api.stop();
      else this._api = api;
    } catch (e) {
      this.log.error(`apiserver: cannot serve on 127.0.0.1:${port}: ${errMessage(e)}`);
    }
  }

  /** Stops the loops (running reconciles finish), closes a store it opened. Containers keep running. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort?.abort();
      await this.apiStarting;
      await this._api?.stop();
      await this._runner?.stop();
      await Promise.all(this.controllers.map((r) => (r as Reconciler & { stop?(): unknown }).stop?.()));
      await this.eventsLoop;
      (this._kubelet as (Reconciler & KubeletExtras) | undefined)?.stop?.();
      if (this.ownStore) await this._store?.close();
      this.log.info('controller stopped');
    })();
    return this.stopping;
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return sleep(this.clock, ms, signal);
  }

  private keysForRuntimeEvent(ev: RuntimeEvent): string[] {
    const k = this._kubelet as (Reconciler & KubeletExtras) | undefined;
    if (k?.handleRuntimeEvent) return k.handleRuntimeEvent(ev);
    const pod = podRefFromLabels(ev.labels);
    return pod ? [objectKey({ resource: 'pods', namespace: pod.namespace, name: pod.name })] : [];
  }

  private engineHost(): string {
    const h = (this._runtime as { host?: unknown } | undefined)?.host;
    return typeof h === 'string' ? h : (this.config.dockerHost ?? 'unix:///var/run/docker.sock');
  }

  /**
   * Feeds the runtime's container events (start/die/oom/destroy) to the kubelet as pod keys. When the stream breaks
   * (engine restart) it resubscribes with back-off; after a reconnect the kubelet resyncs (events were missed).
   * An unreachable engine is logged once (`cannot reach the Docker engine at ...`), and once more when it is back.
   */
  private async runtimeEventsLoop(kubeletName: string, signal: AbortSignal): Promise<void> {
    const runtime = this.runtime;
    const runner = this.runner;
    const base = this.opts.runtimeRetryBaseMs ?? 1_000;
    const max = this.opts.runtimeRetryMaxMs ?? 30_000;
    const nodeKey = objectKey({ resource: 'nodes', name: this.config.nodeName });
    let failures = 0;
    let subscribedBefore = false;
    while (!signal.aborted) {
      try {
        const v = await runtime.version();
        const wasDown = this.engineDown;
        if (wasDown) {
          this.engineDown = false;
          this.log.info(`connected to the Docker engine at ${this.engineHost()} (${v.runtimeName} ${v.runtimeVersion})`);
          runner.enqueue('node', nodeKey);
        }
        // what happened while not subscribed, and what failed while the engine was away
        if (subscribedBefore || wasDown) await runner.resync(kubeletName);
        subscribedBefore = true;
        for await (const ev of runtime.events(signal)) {
          failures = 0;
          for (const key of this.keysForRuntimeEvent(ev)) {
            this.log.debug(`runtime: ${ev.type} ${ev.containerId.slice(0, 12)} → ${key}`);
            runner.enqueue(kubeletName, key);
          }
        }
        if (signal.aborted) return;
        throw new Error('the event stream ended');
      } catch (e) {
        if (signal.aborted) return;
        if (isEngineUnreachable(e)) {
          if (!this.engineDown) {
            this.engineDown = true;
            this.log.error(errMessage(e).startsWith('cannot reach') ? errMessage(e) : `cannot reach the Docker engine at ${this.engineHost()}: ${errMessage(e)}`);
            runner.enqueue('node', nodeKey);
          }
        } else {
          this.log.warn(`runtime events: ${errMessage(e)}; resubscribing`);
        }
        const ms = Math.min(max, base * 2 ** Math.min(failures, 30));
        failures++;
        await this.sleep(ms, signal);
      }
    }
  }
}
