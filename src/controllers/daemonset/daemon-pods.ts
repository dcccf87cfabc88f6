// The DaemonSet controller's decisions as pure functions (upstream pkg/controller/daemon daemon_controller.go
// getNodesToDaemonPods / podsShouldBeOnNode / manage / updateDaemonSetStatus and update.go rollingUpdate /
// findUpdatedPodsOnNode / updatedDesiredNodeCounts): what to create and delete, given the nodes and the pods.
// Nodes are visited in name order (upstream ranges over a map).
import type { DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import { CONTROLLER_REVISION_HASH } from '../../api/meta.js';
import { isPodAvailable, isPodReady } from '../replicaset/pods.js';
import {
  allowsSurge,
  getTargetNodeName,
  getTemplateGeneration,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  podByCreationTimestampAndPhase,
  surgeCount,
  unavailableCount,
  type DaemonSetObj,
  type NodeObj,
  type PodObj,
} from './util.js';

export type NodeToDaemonPods = Map<string, PodObj[]>;

const isTerminal = (p: PodObj): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/**
 * upstream getNodesToDaemonPods: the DaemonSet's pods by target node. Pods that are finished and being deleted
 * are left out unless `includeDeletedTerminal`; pods with no target node are left out (upstream logs them).
 */
export function getNodesToDaemonPods(pods: readonly PodObj[], includeDeletedTerminal: boolean): NodeToDaemonPods {
  const out: NodeToDaemonPods = new Map();
  for (const pod of pods) {
    if (!includeDeletedTerminal && isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    const node = getTargetNodeName(pod);
    if (node === undefined) continue;
    const list = out.get(node);
    if (list) list.push(pod);
    else out.set(node, [pod]);
  }
  return out;
}

const byName = (a: NodeObj, b: NodeObj): number => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

export interface NodePlan {
  /** the node needs a daemon pod */
  create: boolean;
  /** pods to delete (excess, or the node no longer fits) */
  toDelete: PodObj[];
  /** failed pods to delete (the controller applies its back-off and emits FailedDaemonPod) */
  failed: PodObj[];
}

/** upstream podsShouldBeOnNode. */
export function podsShouldBeOnNode(node: NodeObj, daemonPods: readonly PodObj[] | undefined, ds: DaemonSetObj, hash: string, now: Date): NodePlan {
  const plan: NodePlan = { create: false, toDelete: [], failed: [] };
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const exists = daemonPods !== undefined;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  if (shouldRun && !exists) {
    plan.create = true;
    return plan;
  }
  if (shouldContinueRunning) {
    const running: PodObj[] = [];
    for (const pod of daemonPods ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      if (pod.status?.phase === 'Failed') plan.failed.push(pod);
      else if (pod.status?.phase === 'Succeeded') plan.toDelete.push(pod);
      else running.push(pod);
    }
    running.sort(podByCreationTimestampAndPhase);
    if (!allowsSurge(ds)) {
      // more than one running pod: all but the oldest go
      plan.toDelete.push(...running.slice(1));
      return plan;
    }
    if (running.length <= 1) {
      // surging needs at least one live pod on the node
      if (running.length === 0 && shouldRun) plan.create = true;
      return plan;
    }
    // two pods are allowed while the oldest new one is not yet available and the oldest old one is ready
    let oldestNew: PodObj | undefined;
    let oldestOld: PodObj | undefined;
    for (const pod of running) {
      if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) {
        if (!oldestNew) {
          oldestNew = pod;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = pod;
        continue;
      }
      plan.toDelete.push(pod);
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) plan.toDelete.push(oldestOld);
    return plan;
  }
  if (exists) for (const pod of daemonPods ?? []) if (!pod.metadata.deletionTimestamp) plan.toDelete.push(pod);
  return plan;
}

export interface ManagePlan {
  nodesNeedingDaemonPods: string[];
  podsToDelete: PodObj[];
  failed: { node: string; pod: PodObj }[];
}

/** upstream manage without its writes: every node's plan, plus unscheduled pods aimed at nodes that do not exist. */
export function planManage(ds: DaemonSetObj, nodes: readonly NodeObj[], byNode: NodeToDaemonPods, hash: string, now: Date): ManagePlan {
  const out: ManagePlan = { nodesNeedingDaemonPods: [], podsToDelete: [], failed: [] };
  for (const node of [...nodes].sort(byName)) {
    const p = podsShouldBeOnNode(node, byNode.get(node.metadata.name), ds, hash, now);
    if (p.create) out.nodesNeedingDaemonPods.push(node.metadata.name);
    out.podsToDelete.push(...p.toDelete);
    for (const pod of p.failed) out.failed.push({ node: node.metadata.name, pod });
  }
  out.podsToDelete.push(...getUnscheduledPodsWithoutNode(nodes, byNode));
  return out;
}

/** upstream getUnscheduledPodsWithoutNode: pods not yet bound whose target node is not in the node list. */
export function getUnscheduledPodsWithoutNode(nodes: readonly NodeObj[], byNode: NodeToDaemonPods): PodObj[] {
  const names = new Set(nodes.map((n) => n.metadata.name));
  const out: PodObj[] = [];
  for (const [node, pods] of [...byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (names.has(node)) continue;
    for (const pod of pods) if (!pod.spec?.nodeName) out.push(pod);
  }
  return out;
}

/**
 * upstream findUpdatedPodsOnNode: the node's live new and old pod; ok false when it has more than one of either
 * (the manage pass prunes them first).
 */
export function findUpdatedPodsOnNode(ds: DaemonSetObj, pods: readonly PodObj[], hash: string): { newPod?: PodObj; oldPod?: PodObj; ok: boolean } {
  let newPod: PodObj | undefined;
  let oldPod: PodObj | undefined;
  const generation = getTemplateGeneration(ds);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * upstream updatedDesiredNodeCounts: maxSurge, maxUnavailable and the nodes that should run a pod (each of them
 * entered in `byNode`, with no pods when it has none); both budgets 0 means maxUnavailable 1.
 */
export function updatedDesiredNodeCounts(ds: DaemonSetObj, nodes: readonly NodeObj[], byNode: NodeToDaemonPods): { maxSurge: number; maxUnavailable: number; desiredNumberScheduled: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata.name)) byNode.set(node.metadata.name, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desiredNumberScheduled: desired };
}

export interface RollingUpdatePlan {
  podsToDelete: PodObj[];
  nodesToCreate: string[];
}

/**
 * upstream rollingUpdate without its writes. Without surge: delete old pods while the unavailable ones stay under
 * maxUnavailable (an unavailable old pod is always replaced). With surge: create a new pod next to an old one on
 * up to maxSurge nodes (at once where the old one is unavailable); delete the old one once the new one is
 * available.
 */
export function planRollingUpdate(ds: DaemonSetObj, nodes: readonly NodeObj[], pods: NodeToDaemonPods, hash: string, now: Date): RollingUpdatePlan {
  const byNode: NodeToDaemonPods = new Map(pods);
  const { maxSurge, maxUnavailable, desiredNumberScheduled } = updatedDesiredNodeCounts(ds, nodes, byNode);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: PodObj): boolean => isPodAvailable(p, minReady, now);
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const shouldRun = (name: string): boolean => {
    const node = nodeByName.get(name);
    return node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };
  const entries = [...byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowedReplacementPods: PodObj[] = [];
    const candidatePodsToDelete: PodObj[] = [];
    for (const [, nodePods] of entries) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, nodePods, hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          allowedReplacementPods.push(oldPod);
          numUnavailable++;
        } else if (numUnavailable < maxUnavailable) candidatePodsToDelete.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidatePodsToDelete.length);
    return { podsToDelete: [...allowedReplacementPods, ...candidatePodsToDelete.slice(0, remaining)], nodesToCreate: [] };
  }

  const oldPodsToDelete: PodObj[] = [];
  const shouldNotRunPodsToDelete: PodObj[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, nodePods] of entries) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, nodePods, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod) {
      if (available(oldPod)) numAvailable++;
    } else if (newPod && available(newPod)) numAvailable++;

    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) oldPodsToDelete.push(oldPod);
        else allowedNewNodes.push(nodeName);
      } else if (!shouldRun(nodeName)) shouldNotRunPodsToDelete.push(oldPod);
      else if (numSurge < maxSurge) candidateNewNodes.push(nodeName);
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    oldPodsToDelete.push(oldPod);
  }
  // with surge the owner expects full availability: a pod on a node that no longer fits goes only once enough
  // pods elsewhere are available
  const deletable = Math.min(numAvailable - desiredNumberScheduled, shouldNotRunPodsToDelete.length);
  if (deletable > 0) oldPodsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNewNodes.length);
  return { podsToDelete: oldPodsToDelete, nodesToCreate: [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)] };
}

export type DaemonSetCounts = Required<
  Pick<DaemonSetStatus, 'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberMisscheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable' | 'numberUnavailable'>
>;

/** upstream updateDaemonSetStatus's counting: per node, its oldest daemon pod decides ready/available/updated. */
export function calculateStatus(ds: DaemonSetObj, nodes: readonly NodeObj[], byNode: NodeToDaemonPods, hash: string, now: Date): DaemonSetCounts {
  const c: DaemonSetCounts = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const generation = getTemplateGeneration(ds);
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(node.metadata.name) ?? [];
    const scheduled = pods.length > 0;
    if (!shouldRun) {
      if (scheduled) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!scheduled) continue;
    c.currentNumberScheduled++;
    const pod = [...pods].sort(podByCreationTimestampAndPhase)[0]!;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, minReady, now)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}
