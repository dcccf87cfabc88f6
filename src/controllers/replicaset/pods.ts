// Pure pod helpers of the ReplicaSet controller (upstream pkg/controller/controller_utils.go and
// pkg/api/v1/pod/util.go): which pods count, which are ready and available, and which to delete first when
// scaling down (upstream ActivePodsWithRanks / getPodsToDelete).
import type { Pod } from '../../api/types.js';

/** upstream pod-deletion-cost annotation: lower cost is deleted first (beta, on by default) */
export { POD_DELETION_COST } from '../../api/meta.js';
import { POD_DELETION_COST } from '../../api/meta.js';

type PodLike = Pick<Pod, 'metadata' | 'spec' | 'status'>;

/** upstream IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** upstream FilterActivePods. */
export function filterActivePods<T extends PodLike>(pods: readonly T[]): T[] {
  return pods.filter(isPodActive);
}

/** The pod's Ready condition, if any. */
export function podReadyCondition(pod: PodLike): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** upstream IsPodReady: the Ready condition is True. */
export function isPodReady(pod: PodLike): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

const ms = (t: string | undefined): number | undefined => {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
};

/**
 * upstream IsPodAvailable: ready, and (minReadySeconds is 0, or the Ready condition turned True more than
 * minReadySeconds before now — strictly).
 */
export function isPodAvailable(pod: PodLike, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = ms(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now.getTime();
}

/**
 * Milliseconds until the first ready-but-not-yet-available pod becomes available (the moment after
 * lastTransitionTime + minReadySeconds); undefined when none is waiting.
 */
export function nextAvailableInMs(pods: readonly PodLike[], minReadySeconds: number, now: Date): number | undefined {
  if (!minReadySeconds) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    if (!isPodReady(p) || isPodAvailable(p, minReadySeconds, now)) continue;
    const since = ms(podReadyCondition(p)?.lastTransitionTime);
    if (since === undefined) continue;
    const wait = Math.max(0, since + minReadySeconds * 1000 - now.getTime()) + 1;
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next;
}

/** upstream podPhaseToOrdinal: Pending < Unknown < Running (others rank as Pending). */
const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (p: PodLike): number => PHASE_ORDINAL[p.status?.phase ?? ''] ?? 0;

/** upstream maxContainerRestarts: [max restarts of regular containers, of sidecar (restartable init) containers]. */
export function maxContainerRestarts(pod: PodLike): [number, number] {
  let regular = 0;
  for (const c of pod.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let sidecar = 0;
  for (const c of pod.status?.initContainerStatuses ?? []) if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return [regular, sidecar];
}

/** The pod-deletion-cost annotation as an int32 (0 when absent or invalid, as upstream). */
export function podDeletionCost(pod: PodLike): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** Orders two optional times: the later one (or a missing one) first; 0 when equal. */
function afterOrZeroCmp(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a > b ? -1 : 1;
}

/**
 * upstream ActivePodsWithRanks.Less as a comparator: the pod to delete first sorts first.
 * 1. unassigned < assigned; 2. Pending < Unknown < Running; 3. not ready < ready; 4. lower pod-deletion-cost first;
 * 5. higher rank (more related pods on its node) first; 6. both ready: ready for less time first;
 * 7. more container restarts first; 8. newer (or missing creationTimestamp) first.
 * (kctl uses the plain time order of 6 and 8, not upstream's LogarithmicScaleDown buckets.)
 */
export function compareForDeletion(a: PodLike, b: PodLike, rankA = 0, rankB = 0): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = phaseOrdinal(a);
  const pb = phaseOrdinal(b);
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = podDeletionCost(a);
  const cb = podDeletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const c = afterOrZeroCmp(ms(podReadyCondition(a)?.lastTransitionTime), ms(podReadyCondition(b)?.lastTransitionTime));
    if (c !== 0) return c;
  }
  const [ra1, rs1] = maxContainerRestarts(a);
  const [rb1, rs2] = maxContainerRestarts(b);
  if (ra1 !== rb1) return rb1 - ra1;
  if (rs1 !== rs2) return rs2 - rs1;
  return afterOrZeroCmp(ms(a.metadata?.creationTimestamp), ms(b.metadata?.creationTimestamp));
}

/** upstream ActivePods ordering (no ranks): a sorted copy, the pods to delete first in front. */
export function activePodsOrder<T extends PodLike>(pods: readonly T[]): T[] {
  return pods
    .map((p, i) => ({ p, i }))
    .sort((x, y) => compareForDeletion(x.p, y.p) || x.i - y.i)
    .map((x) => x.p);
}

/**
 * upstream getPodsRankedByRelatedPodsOnSameNode: each pod's rank is the number of active related pods (of the
 * same owner, e.g. the ReplicaSets of one Deployment) on its node.
 */
export function ranksByRelatedPodsOnSameNode(pods: readonly PodLike[], related: readonly PodLike[]): number[] {
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  return pods.map((p) => onNode.get(p.spec?.nodeName ?? '') ?? 0);
}

/**
 * upstream getPodsToDelete: the `diff` pods to delete out of the active ones, earliest in their life first
 * (see compareForDeletion). `related` (default: the pods themselves) feeds the same-node rank.
 */
export function podsToDelete<T extends PodLike>(pods: readonly T[], diff: number, related: readonly PodLike[] = pods): T[] {
  if (diff <= 0) return [];
  if (diff >= pods.length) return [...pods];
  const ranks = ranksByRelatedPodsOnSameNode(pods, related);
  return pods
    .map((p, i) => ({ p, i, r: ranks[i]! }))
    .sort((x, y) => compareForDeletion(x.p, y.p, x.r, y.r) || x.i - y.i)
    .slice(0, diff)
    .map((x) => x.p);
}

/**
 * upstream slowStartBatch: calls fn `count` times in batches of 1, 2, 4, ... (at most `count` in all); stops
 * after the first batch with a failure. Returns the successes and the first error (if any).
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<void>,
): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0]!.reason };
    remaining -= batch;
  }
  return { successes };
}
