// The local engine as a Node object, and the NodeController that registers it and keeps its status fresh (the
// kubelet's node-status loop: capacity from the engine, allocatable lowered by a setting, conditions with a
// heartbeat, nodeInfo, addresses; plus the node lifecycle controller's not-ready taint).
//
// Settings (see src/cluster/config.ts): KCTL_ALLOCATABLE_CPU / KCTL_ALLOCATABLE_MEMORY / KCTL_ALLOCATABLE_PODS (or
// config.json `allocatable: {cpu, memory, pods}`) set status.allocatable; a value above capacity is capped to it.
import type { Node } from '../api/types.js';
import type { KubeObject } from '../api/types.js';
import type { NodeCondition, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../util/clock.js';
import { integerValue, milliValue } from '../api/quantity.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../store/store.js';
import type { RuntimeInfo, RuntimeVersion, RuntimeVersioner } from '../runtime/runtime.js';
import { DONE, type Reconciler, type Result } from '../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../reconcile/logger.js';
import type { EventSink } from '../reconcile/events.js';
import { DEFAULT_MAX_PODS } from './resources.js';
import { TAINT_NODE_NOT_READY } from './filters.js';

export const DEFAULT_NODE_NAME = 'kctl-node';
/** how often the conditions' lastHeartbeatTime is refreshed when nothing else changes */
export const NODE_HEARTBEAT_MS = 40_000;

export { LABEL_ARCH, LABEL_HOSTNAME, LABEL_OS } from '../api/meta.js';
import { LABEL_ARCH, LABEL_HOSTNAME, LABEL_OS } from '../api/meta.js';
export const LABEL_BETA_OS = 'beta.kubernetes.io/os';
export const LABEL_BETA_ARCH = 'beta.kubernetes.io/arch';

/** The machine's host name as a Node name: lower-cased, DNS-1123 subdomain-safe; 'kctl-node' when nothing is left. */
export function nodeNameFromHostname(hostname: string | undefined): string {
  const labels = (hostname ?? '')
    .toLowerCase()
    .split('.')
    .map((l) => l.replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, ''))
    .filter((l) => l.length > 0);
  let name = labels.join('.');
  if (name.length > 253) name = name.slice(0, 253).replace(/[.-]+$/, '');
  return name || DEFAULT_NODE_NAME;
}

/** A label value (≤ 63 chars, alphanumeric at both ends) for kubernetes.io/hostname. */
export function hostnameLabelValue(nodeName: string): string {
  return nodeName.slice(0, 63).replace(/[^a-z0-9]+$/, '') || DEFAULT_NODE_NAME;
}

/** Engine architecture (uname -m) → GOARCH, as kubernetes.io/arch carries it. */
export function goArch(arch: string): string {
  const a = arch.toLowerCase();
  const map: Record<string, string> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', armhf: 'arm', i386: '386', i686: '386', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[a] ?? a;
}

export interface AllocatableSetting {
  /** e.g. "2" or "1500m" */
  cpu?: string;
  /** e.g. "4Gi" */
  memory?: string;
  /** e.g. "50" */
  pods?: string;
}

/** `<ki>Ki`, as the kubelet reports memory capacity. */
export const memoryQuantity = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

/** capacity and allocatable from the engine's info and the allocatable setting (capped at capacity). */
export function nodeResources(info: RuntimeInfo, setting: AllocatableSetting = {}): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const capacity = { cpu: String(info.cpus), memory: memoryQuantity(info.memoryBytes), pods: String(DEFAULT_MAX_PODS) };
  const lower = (q: string | undefined, cap: string, value: (s: string) => number): string =>
    q !== undefined && value(q) < value(cap) ? q : cap;
  return {
    capacity,
    allocatable: {
      cpu: lower(setting.cpu, capacity.cpu, milliValue),
      memory: lower(setting.memory, capacity.memory, integerValue),
      pods: lower(setting.pods, capacity.pods, integerValue),
    },
  };
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The four kubelet conditions, in upstream's order; Ready from `ready`. Times are filled by mergeConditions. */
export function nodeConditions(ready: boolean, notReadyMessage = 'container runtime is down'): NodeCondition[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: notReadyMessage },
  ];
}

/**
 * Desired conditions with times: lastTransitionTime kept while the status stays, lastHeartbeatTime kept unless
 * `heartbeat` (then both move to now where they must).
 */
export function mergeConditions(old: readonly NodeCondition[] | undefined, desired: readonly NodeCondition[], now: string, heartbeat: boolean): NodeCondition[] {
  return desired.map((d) => {
    const o = old?.find((c) => c.type === d.type);
    const transitioned = !o || o.status !== d.status;
    return {
      ...d,
      lastHeartbeatTime: heartbeat || transitioned || !o?.lastHeartbeatTime ? now : o.lastHeartbeatTime,
      lastTransitionTime: transitioned || !o?.lastTransitionTime ? now : o.lastTransitionTime,
    };
  });
}

export interface NodeIdentity {
  nodeName: string;
  /** kctl's version, reported as kubeletVersion and kubeProxyVersion */
  kubeletVersion: string;
}

/** labels kctl owns on its Node (merged over the user's). */
export function nodeLabels(nodeName: string, info: Pick<RuntimeInfo, 'os' | 'architecture'>): Record<string, string> {
  const arch = goArch(info.architecture);
  const os = (info.os || 'linux').toLowerCase();
  return {
    [LABEL_BETA_ARCH]: arch,
    [LABEL_BETA_OS]: os,
    [LABEL_ARCH]: arch,
    [LABEL_HOSTNAME]: hostnameLabelValue(nodeName),
    [LABEL_OS]: os,
  };
}

/** status.nodeInfo, status.addresses, capacity and allocatable (everything but conditions). */
export function nodeStatusBase(id: NodeIdentity, info: RuntimeInfo, version: RuntimeVersion, allocatable?: AllocatableSetting): NodeStatus {
  const { capacity, allocatable: alloc } = nodeResources(info, allocatable);
  return {
    capacity,
    allocatable: alloc,
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: id.nodeName },
    ],
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: info.kernelVersion,
      osImage: info.operatingSystem,
      containerRuntimeVersion: `${version.runtimeName}://${info.engineVersion || version.runtimeVersion}`,
      kubeletVersion: id.kubeletVersion,
      kubeProxyVersion: id.kubeletVersion,
      operatingSystem: (info.os || 'linux').toLowerCase(),
      architecture: goArch(info.architecture),
    },
  };
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** The not-ready taint the node lifecycle controller puts on a node whose Ready is not True. */
const NOT_READY_TAINT: Taint = { key: TAINT_NODE_NOT_READY, effect: 'NoSchedule' };

/** spec.taints with the not-ready NoSchedule taint added (not ready) or removed (ready); others kept as they are. */
export function withNotReadyTaint(taints: readonly Taint[] | undefined, ready: boolean, now: string): Taint[] | undefined {
  const isNotReady = (t: Taint): boolean => t.key === NOT_READY_TAINT.key && t.effect === NOT_READY_TAINT.effect;
  const has = (taints ?? []).some(isNotReady);
  if (ready === !has) return taints ? [...taints] : undefined;
  if (!ready) return [...(taints ?? []), { ...NOT_READY_TAINT, timeAdded: now }];
  const rest = (taints ?? []).filter((t) => !isNotReady(t));
  return rest.length ? rest : undefined;
}

export interface NodeControllerOptions extends NodeIdentity {
  store: Store;
  runtime: RuntimeVersioner;
  clock: Clock;
  allocatable?: AllocatableSetting;
  /** default 40 s */
  heartbeatPeriodMs?: number;
  /** a recorder with source.component "kubelet" and host = the node name */
  events?: EventSink;
  log?: Logger;
}

type NodeObj = Node & KubeObject;

/** Registers the local Node and keeps it current. A Reconciler over one key: `nodes/<nodeName>`. */
export class NodeController implements Reconciler {
  readonly name = 'node';
  readonly watches = ['nodes'] as const;
  readonly concurrency = 1;
  readonly key: string;
  private readonly o: NodeControllerOptions;
  private readonly log: Logger;
  private readonly heartbeatMs: number;
  private started = false;

  constructor(opts: NodeControllerOptions) {
    this.o = opts;
    this.log = opts.log ?? NOP_LOGGER;
    this.heartbeatMs = opts.heartbeatPeriodMs ?? NODE_HEARTBEAT_MS;
    this.key = objectKey({ resource: 'nodes', name: opts.nodeName });
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    return ev.object.metadata?.name === this.o.nodeName ? [this.key] : [];
  }

  async resyncKeys(): Promise<string[]> {
    return [this.key];
  }

  async reconcile(key: string): Promise<Result> {
    if (key !== this.key) return DONE;
    const { store, clock } = this.o;
    const ref = parseObjectKey(key);
    let info: RuntimeInfo | undefined;
    let version: RuntimeVersion | undefined;
    let runtimeError: string | undefined;
    try {
      [info, version] = await Promise.all([this.o.runtime.info(), this.o.runtime.version()]);
    } catch (e) {
      runtimeError = e instanceof Error ? e.message : String(e);
    }
    const ready = runtimeError === undefined;
    const now = rfc3339(clock.now());
    let node = await store.tryGet<NodeObj>(ref);
    if (!node) {
      if (!info || !version) return { requeueAfterMs: 5_000 }; // nothing to register without capacity
      node = await store.create<NodeObj>({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: this.o.nodeName, labels: nodeLabels(this.o.nodeName, info) },
        spec: {},
      });
      this.log.info(`registered node ${this.o.nodeName}`);
    }
    if (!this.started) {
      this.started = true;
      await this.o.events?.event(node, 'Normal', 'Starting', 'Starting kubelet.');
    }

    // metadata.labels and spec.taints
    const labels = info ? { ...(node.metadata.labels ?? {}), ...nodeLabels(this.o.nodeName, info) } : node.metadata.labels;
    const taints = withNotReadyTaint(node.spec?.taints, ready, now);
    if (!deepEqualJson(labels, node.metadata.labels) || !deepEqualJson(taints, node.spec?.taints)) {
      const next = structuredClone(node);
      if (labels) next.metadata.labels = labels;
      next.spec = { ...(next.spec ?? {}) };
      if (taints) next.spec.taints = taints;
      else delete next.spec.taints;
      node = await store.update(next);
    }

    // status
    const old = node.status;
    const base: NodeStatus = info && version ? nodeStatusBase(this.o, info, version, this.o.allocatable) : { ...(old ?? {}) };
    delete base.conditions;
    const desiredConds = nodeConditions(ready, runtimeError ? `container runtime is down: ${runtimeError}` : undefined);
    const readyOld = old?.conditions?.find((c) => c.type === 'Ready');
    const lastBeat = readyOld?.lastHeartbeatTime ? Date.parse(readyOld.lastHeartbeatTime) : NaN;
    const heartbeatDue = !(clock.now().getTime() - lastBeat < this.heartbeatMs);
    const noBeat = mergeConditions(old?.conditions, desiredConds, now, false);
    const { conditions: _c, ...oldBase } = old ?? {};
    const changed = !deepEqualJson(noBeat, old?.conditions) || !deepEqualJson(base, oldBase);
    if (changed || heartbeatDue) {
      const next: NodeObj = {
        ...structuredClone(node),
        status: { ...base, conditions: heartbeatDue ? mergeConditions(old?.conditions, desiredConds, now, true) : noBeat },
      };
      await store.updateStatus(next);
      if (readyOld?.status !== (ready ? 'True' : 'False')) {
        if (ready) this.log.info(`node ${this.o.nodeName} is Ready`);
        else this.log.warn(`node ${this.o.nodeName} is NotReady: ${runtimeError}`);
        await this.o.events?.event(node, 'Normal', ready ? 'NodeReady' : 'NodeNotReady', `Node ${this.o.nodeName} status is now: ${ready ? 'NodeReady' : 'NodeNotReady'}`);
      }
      return { requeueAfterMs: this.heartbeatMs };
    }
    return { requeueAfterMs: Math.max(1, this.heartbeatMs - (clock.now().getTime() - lastBeat)) };
  }
}
