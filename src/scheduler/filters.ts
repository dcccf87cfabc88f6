// Filter and score plugins as plain functions (upstream pkg/scheduler/framework/plugins, reduced). A filter returns
// the reasons a node cannot take the pod, worded as upstream (they end up in FailedScheduling messages); [] = fits.
import type { Node, Pod } from '../api/types.js';
import { requiredNodeAffinityMatches, toleratesTaint } from '../api/node-match.js';

export { matchNodeSelectorTerm, toleratesTaint } from '../api/node-match.js';
import { DEFAULT_MAX_PODS, IGNORED_RESOURCES, podNonzeroRequests, podRequests, type NodeInfo } from './resources.js';

/** upstream nodeunschedulable.ErrReasonUnschedulable */
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
/** upstream nodeaffinity.ErrReasonPod */
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
/** upstream noderesources "Too many pods" */
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';

export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';

/** NodeUnschedulable: spec.unschedulable (kubectl cordon), unless the pod tolerates the unschedulable taint. */
export function nodeSchedulable(pod: Pod, node: Node): string[] {
  if (!node.spec?.unschedulable) return [];
  const tolerated = (pod.spec?.tolerations ?? []).some((t) =>
    toleratesTaint(t, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' }),
  );
  return tolerated ? [] : [ERR_REASON_UNSCHEDULABLE];
}

/** TaintToleration: every NoSchedule/NoExecute taint of the node must be tolerated. */
export function toleratesTaints(pod: Pod, node: Node): string[] {
  const tolerations = pod.spec?.tolerations ?? [];
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint)))
      return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  }
  return [];
}

/** NodeAffinity: spec.nodeSelector (every label equal) and the required node affinity (any term). */
export function matchesNodeSelector(pod: Pod, node: Node): string[] {
  return requiredNodeAffinityMatches(pod, node) ? [] : [ERR_REASON_NODE_AFFINITY];
}

/**
 * NodeResourcesFit: the pod count and, for every resource the pod requests, the requests already on the node plus
 * the pod's own must stay within allocatable. Reasons in upstream order: pods, cpu, memory, then others by name.
 */
export function fitsResources(pod: Pod, info: NodeInfo): string[] {
  const reasons: string[] = [];
  const maxPods = info.allocatable.pods ?? DEFAULT_MAX_PODS;
  if (info.podCount + 1 > maxPods) reasons.push(ERR_REASON_TOO_MANY_PODS);
  const req = podRequests(pod);
  const free = (r: string): number => (info.allocatable[r] ?? 0) - (info.requested[r] ?? 0);
  const names = Object.keys(req)
    .filter((r) => r !== 'pods' && !IGNORED_RESOURCES.has(r))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const r of names) {
    const q = req[r] ?? 0;
    if (q > 0 && q > free(r)) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}

const rank = (r: string): number => (r === 'cpu' ? 0 : r === 'memory' ? 1 : 2);

/** The filters in upstream's default-profile order; a node's reasons are those of the first filter that fails. */
export function filterNode(pod: Pod, info: NodeInfo): string[] {
  for (const f of [
    (): string[] => nodeSchedulable(pod, info.node),
    (): string[] => toleratesTaints(pod, info.node),
    (): string[] => matchesNodeSelector(pod, info.node),
    (): string[] => fitsResources(pod, info),
  ]) {
    const reasons = f();
    if (reasons.length) return reasons;
  }
  return [];
}

/**
 * NodeResourcesFit LeastAllocated score (0..100): the mean over cpu and memory of the share left free after
 * placing the pod, with the scoring defaults for containers that request nothing.
 */
export function leastAllocatedScore(pod: Pod, info: NodeInfo): number {
  const podNz = podNonzeroRequests(pod);
  const one = (alloc: number | undefined, requested: number): number => {
    if (!alloc || alloc <= 0 || requested > alloc) return 0;
    return Math.floor(((alloc - requested) * 100) / alloc);
  };
  const cpu = one(info.allocatable.cpu, info.nonzeroRequested.cpu + podNz.cpu);
  const mem = one(info.allocatable.memory, info.nonzeroRequested.memory + podNz.memory);
  return Math.floor((cpu + mem) / 2);
}
