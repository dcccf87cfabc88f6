// The scheduler: binds each pod that has no spec.nodeName to a node whose allocatable still holds its requests
// (upstream kube-scheduler's default profile, reduced to the plugins that mean something on one machine:
// NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, scored LeastAllocated). It iterates over
// every Node object, so more nodes need no change here.
//
// schedulePod() is pure; Scheduler is the Reconciler around it: bind = a store update of spec.nodeName, then the
// PodScheduled condition True (status) and a Normal Scheduled event. When no node fits: PodScheduled False /
// Unschedulable with upstream's FitError message, a Warning FailedScheduling event with the same message, and a
// retry whenever a pod is deleted or finishes, or a node changes (and on every resync).
import type { Node, Pod } from '../api/types.js';
import type { PodCondition } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../util/clock.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../store/store.js';
import type { KubeObject } from '../api/types.js';
import { DONE, type Reconciler, type Result } from '../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../reconcile/logger.js';
import type { EventSink } from '../reconcile/events.js';
import { buildNodeInfos, isTerminated } from './resources.js';
import { filterNode, leastAllocatedScore } from './filters.js';
import { claimNamesOf, preFilterFitError, volumeBindingPreFilter, type ClaimView, type ClassView } from './volume-binding.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** upstream ErrNoNodesAvailable */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
/** upstream podMaxInUnschedulablePodsDuration: an unschedulable pod is retried (and its event repeated) this often */
export const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;

export type ScheduleResult = { nodeName: string; score: number } | { message: string; reasons: Map<string, string[]> };

/**
 * upstream FitError.Error(): `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node
 * affinity/selector.` — a histogram of the reasons over nodes, "<count> <reason>" strings sorted as strings.
 */
export function fitErrorMessage(numAllNodes: number, reasonsByNode: ReadonlyMap<string, readonly string[]>): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE;
  const counts = new Map<string, number>();
  for (const reasons of reasonsByNode.values()) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  return msg;
}

/** Filters every node, scores the feasible ones, picks the best (ties: the first by name). Pure. */
export function schedulePod(pod: Pod, nodes: readonly Node[], pods: readonly Pod[]): ScheduleResult {
  const infos = buildNodeInfos(
    [...nodes].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)),
    pods.filter((p) => p.metadata?.uid !== pod.metadata?.uid || p.metadata?.name !== pod.metadata?.name),
  );
  const reasons = new Map<string, string[]>();
  let best: { nodeName: string; score: number } | undefined;
  for (const info of infos) {
    const r = filterNode(pod, info);
    const name = info.node.metadata!.name!;
    if (r.length) {
      reasons.set(name, r);
      continue;
    }
    const score = leastAllocatedScore(pod, info);
    if (!best || score > best.score) best = { nodeName: name, score };
  }
  return best ?? { message: fitErrorMessage(infos.length, reasons), reasons };
}

/** Sets a pod condition as upstream podutil.UpdatePodCondition: lastTransitionTime moves only when status changes. */
export function withPodCondition(conditions: readonly PodCondition[] | undefined, cond: PodCondition, now: string): PodCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  const old = i >= 0 ? list[i] : undefined;
  const next: PodCondition = {
    ...cond,
    lastProbeTime: null as unknown as string,
    lastTransitionTime: old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : now,
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

function sameCondition(a: PodCondition | undefined, b: PodCondition): boolean {
  return !!a && a.status === b.status && (a.reason ?? '') === (b.reason ?? '') && (a.message ?? '') === (b.message ?? '');
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface SchedulerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "default-scheduler" */
  events: EventSink;
  log?: Logger;
  /** pods whose spec.schedulerName is this (or unset) are ours; default "default-scheduler" */
  schedulerName?: string;
  /** how often an unschedulable pod is retried and its FailedScheduling event repeated (default 5 min) */
  unschedulableRetryMs?: number;
}

export class Scheduler implements Reconciler {
  readonly name = 'scheduler';
  readonly watches = ['pods', 'nodes', 'persistentvolumeclaims'] as const;
  /** one pod at a time: a bind must be visible before the next pod is filtered */
  readonly concurrency = 1;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink;
  private readonly log: Logger;
  private readonly schedulerName: string;
  private readonly retryMs: number;
  /** pods that did not fit anywhere: retried when room may have freed */
  private readonly unschedulable = new Set<string>();
  /** when the last FailedScheduling event of a pod was recorded, and its message */
  private readonly lastFailure = new Map<string, { message: string; at: number }>();

  constructor(opts: SchedulerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
    this.schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.retryMs = opts.unschedulableRetryMs ?? UNSCHEDULABLE_RETRY_MS;
  }

  /** Keys of the pods currently waiting for room. */
  pendingKeys(): string[] {
    return [...this.unschedulable];
  }

  private isOurs(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName;
  }

  private needsScheduling(pod: Pod): boolean {
    return !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && !isTerminated(pod) && this.isOurs(pod);
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    // a node change may make room; a claim created, bound or gone may unblock pods waiting on it
    if (ev.object.kind === 'Node' || ev.object.kind === 'PersistentVolumeClaim') return [...this.unschedulable];
    if (ev.object.kind !== 'Pod') return [];
    const pod = ev.object as unknown as Pod;
    const key = objectKey({ resource: 'pods', namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata!.name! });
    if (ev.type === 'DELETED') {
      this.unschedulable.delete(key);
      this.lastFailure.delete(key);
      return [...this.unschedulable];
    }
    const keys: string[] = [];
    if (this.needsScheduling(pod)) keys.push(key);
    // a bound pod that finished frees its requests
    if (pod.spec?.nodeName && isTerminated(pod)) keys.push(...this.unschedulable);
    return keys;
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<Pod & KubeObject>('pods');
    return items
      .filter((p) => this.needsScheduling(p))
      .map((p) => objectKey({ resource: 'pods', namespace: p.metadata.namespace ?? 'default', name: p.metadata.name }));
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'pods') return DONE;
    const pod = await this.store.tryGet<Pod & KubeObject>(ref);
    if (!pod || !this.needsScheduling(pod)) {
      this.unschedulable.delete(key);
      this.lastFailure.delete(key);
      return DONE;
    }
    const [nodes, pods] = await Promise.all([this.store.list<Node & KubeObject>('nodes'), this.store.list<Pod & KubeObject>('pods')]);
    const claimMsg = nodes.items.length ? await this.claimsPreFilter(pod) : undefined;
    if (claimMsg) {
      await this.markUnschedulable(key, pod, preFilterFitError(nodes.items.length, claimMsg));
      return { requeueAfterMs: this.retryMs };
    }
    const r = schedulePod(pod, nodes.items, pods.items);
    if ('nodeName' in r) {
      await this.bind(pod, r.nodeName);
      this.unschedulable.delete(key);
      this.lastFailure.delete(key);
      return DONE;
    }
    await this.markUnschedulable(key, pod, r.message);
    return { requeueAfterMs: this.retryMs };
  }

  /** volume-binding.ts's PreFilter over the claims (and their classes) the pod references. */
  private async claimsPreFilter(pod: Pod & KubeObject): Promise<string | undefined> {
    const names = claimNamesOf(pod);
    if (!names.length) return undefined;
    const namespace = pod.metadata.namespace ?? 'default';
    const claims = new Map<string, ClaimView>();
    const classes = new Map<string, ClassView>();
    for (const name of new Set(names)) {
      const c = await this.store.tryGet<KubeObject & ClaimView>({ resource: 'persistentvolumeclaims', namespace, name });
      if (!c) continue;
      claims.set(name, c);
      const cls = c.spec?.storageClassName;
      if (cls && !classes.has(cls)) {
        const sc = await this.store.tryGet<KubeObject & ClassView>({ resource: 'storageclasses', name: cls });
        if (sc) classes.set(cls, sc);
      }
    }
    return volumeBindingPreFilter(pod, claims, classes);
  }

  private async bind(pod: Pod & KubeObject, nodeName: string): Promise<void> {
    const next = structuredClone(pod);
    next.spec = { ...next.spec!, nodeName };
    // the resourceVersion precondition makes a concurrent change a ConflictError: the runner re-reads and retries
    let cur = await this.store.update(next);
    const ns = pod.metadata.namespace ?? 'default';
    const msg = `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`;
    const scheduled: PodCondition = { type: 'PodScheduled', status: 'True' };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (sameCondition(cur.status?.conditions?.find((c) => c.type === 'PodScheduled'), scheduled)) break;
      const st: Pod & KubeObject = {
        ...structuredClone(cur),
        status: { ...(cur.status ?? {}), conditions: withPodCondition(cur.status?.conditions, scheduled, rfc3339(this.clock.now())) },
      };
      try {
        await this.store.updateStatus(st);
        break;
      } catch (e) {
        // the kubelet may have written status in between: re-read (the binding itself stands)
        const fresh = await this.store.tryGet<Pod & KubeObject>({ resource: 'pods', namespace: ns, name: pod.metadata.name });
        if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
        if (attempt === 4) throw e;
        cur = fresh;
      }
    }
    this.log.debug(`scheduler: bound pods/${ns}/${pod.metadata.name} to ${nodeName}`);
    await this.events.event(pod, 'Normal', 'Scheduled', msg);
  }

  private async markUnschedulable(key: string, pod: Pod & KubeObject, message: string): Promise<void> {
    this.unschedulable.add(key);
    const cond: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message };
    const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const changed = !sameCondition(old, cond);
    if (changed) {
      const st: Pod & KubeObject = {
        ...structuredClone(pod),
        status: { ...(pod.status ?? {}), conditions: withPodCondition(pod.status?.conditions, cond, rfc3339(this.clock.now())) },
      };
      await this.store.updateStatus(st);
    }
    const now = this.clock.now().getTime();
    const last = this.lastFailure.get(key);
    if (changed || !last || last.message !== message || now - last.at >= this.retryMs) {
      this.lastFailure.set(key, { message, at: now });
      await this.events.event(pod, 'Warning', 'FailedScheduling', message);
    }
  }
}
