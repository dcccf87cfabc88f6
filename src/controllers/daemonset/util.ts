// Pure helpers of the DaemonSet controller (upstream pkg/controller/daemon/util/daemonset_util.go and the
// predicates of daemon_controller.go): the pod template a daemon pod is made from, the node it targets, whether a
// pod is up to date, surge/unavailability budgets, and NodeShouldRunDaemonPod.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Affinity, NodeSelectorTerm, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject, Node, Pod } from '../../api/types.js';
import { CONTROLLER_REVISION_HASH, POD_TEMPLATE_GENERATION } from '../../api/meta.js';
import { doNotScheduleTaints, findMatchingUntoleratedTaint, requiredNodeAffinityMatches } from '../../api/node-match.js';
import { deepEqual } from '../../util/deep-equal.js';
import { getScaledValueFromIntOrPercent } from '../deployment/util.js';

export type DaemonSetObj = DaemonSet & KubeObject;
export type NodeObj = Node & KubeObject;
export type PodObj = Pod & KubeObject;
export { getTemplateGeneration } from '../../api/template-generation.js';

/** upstream metav1.ObjectNameField */
export const OBJECT_NAME_FIELD = 'metadata.name';

/** The well-known node taints (upstream k8s.io/api/core/v1 well_known_taints.go). */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NODE_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_NODE_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** upstream Toleration.MatchToleration: same key, operator, value and effect (tolerationSeconds aside). */
const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** upstream v1helper.AddOrUpdateTolerationInPodSpec. */
export function addOrUpdateTolerationInPodSpec(spec: PodSpec, toleration: Toleration): void {
  const out: Toleration[] = [];
  let updated = false;
  for (const t of spec.tolerations ?? []) {
    if (sameToleration(toleration, t)) {
      if (deepEqual(toleration, t)) return;
      out.push({ ...toleration });
      updated = true;
      continue;
    }
    out.push(t);
  }
  if (!updated) out.push({ ...toleration });
  spec.tolerations = out;
}

/**
 * upstream AddOrUpdateDaemonPodTolerations: daemon pods tolerate the not-ready and unreachable NoExecute taints
 * (no eviction when the node has trouble) and the NoSchedule taints the node lifecycle controller adds by
 * condition (pressure, unschedulable; network-unavailable for hostNetwork pods).
 */
export function addOrUpdateDaemonPodTolerations(spec: PodSpec): void {
  const exists = (key: string, effect: 'NoExecute' | 'NoSchedule'): Toleration => ({ key, operator: 'Exists', effect });
  addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_NOT_READY, 'NoExecute'));
  addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_UNREACHABLE, 'NoExecute'));
  addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_DISK_PRESSURE, 'NoSchedule'));
  addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_MEMORY_PRESSURE, 'NoSchedule'));
  addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_PID_PRESSURE, 'NoSchedule'));
  addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_UNSCHEDULABLE, 'NoSchedule'));
  if (spec.hostNetwork) addOrUpdateTolerationInPodSpec(spec, exists(TAINT_NODE_NETWORK_UNAVAILABLE, 'NoSchedule'));
}

/**
 * upstream CreatePodTemplate: a copy of the template with the daemon tolerations and the labels
 * `pod-template-generation` (when known) and `controller-revision-hash` (when set).
 */
export function createPodTemplate(template: PodTemplateSpec | undefined, generation: number | undefined, hash: string): PodTemplateSpec {
  const t: PodTemplateSpec = structuredClone(template ?? {});
  t.spec = t.spec ?? { containers: [] };
  addOrUpdateDaemonPodTolerations(t.spec);
  const labels = { ...(t.metadata?.labels ?? {}) };
  if (generation !== undefined) labels[POD_TEMPLATE_GENERATION] = String(generation);
  if (hash) labels[CONTROLLER_REVISION_HASH] = hash;
  t.metadata = { ...(t.metadata ?? {}), labels };
  return t;
}

/**
 * upstream ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single term
 * `metadata.name In [nodeName]` (the scheduler then binds the pod there); preferred terms are kept.
 */
export function replaceDaemonSetPodNodeNameNodeAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term: NodeSelectorTerm = { matchFields: [{ key: OBJECT_NAME_FIELD, operator: 'In', values: [nodeName] }] };
  const out: Affinity = structuredClone(affinity ?? {});
  const na = (out.nodeAffinity = out.nodeAffinity ?? {});
  if (!na.requiredDuringSchedulingIgnoredDuringExecution) na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  else na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms = [term];
  return out;
}

/**
 * upstream GetTargetNodeName: spec.nodeName, or (not yet scheduled) the single value of a `metadata.name In`
 * field requirement of the required node affinity; undefined when there is none.
 */
export function getTargetNodeName(pod: Pick<Pod, 'spec'>): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const exp of term.matchFields ?? [])
      if (exp.key === OBJECT_NAME_FIELD && exp.operator === 'In') return exp.values?.length === 1 ? exp.values[0] : undefined;
  return undefined;
}

/** upstream IsPodUpdated: the pod carries the current revision's hash, or the current template generation. */
export function isPodUpdated(pod: Pick<Pod, 'metadata'>, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[POD_TEMPLATE_GENERATION] === String(generation);
  const hashMatches = hash.length > 0 && labels[CONTROLLER_REVISION_HASH] === hash;
  return hashMatches || templateMatches;
}

const rollingUpdate = (ds: DaemonSetObj) => (ds.spec?.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined);

/** upstream SurgeCount: maxSurge of the number of nodes to schedule, rounded up (0 unless RollingUpdate). */
export function surgeCount(ds: DaemonSetObj, numberToSchedule: number): number {
  const ru = rollingUpdate(ds);
  return ru?.maxSurge === undefined ? 0 : getScaledValueFromIntOrPercent(ru.maxSurge, numberToSchedule, true);
}

/** upstream UnavailableCount: maxUnavailable of the number of nodes to schedule, rounded up (0 unless RollingUpdate). */
export function unavailableCount(ds: DaemonSetObj, numberToSchedule: number): number {
  const ru = rollingUpdate(ds);
  return ru?.maxUnavailable === undefined ? 0 : getScaledValueFromIntOrPercent(ru.maxUnavailable, numberToSchedule, true);
}

/** upstream AllowsSurge: a RollingUpdate whose maxSurge is not zero (of any total). */
export function allowsSurge(ds: DaemonSetObj): boolean {
  const ru = rollingUpdate(ds);
  if (ru?.maxSurge === undefined) return false;
  try {
    return getScaledValueFromIntOrPercent(ru.maxSurge, 100, true) > 0;
  } catch {
    return false;
  }
}

/** upstream NewPod: the pod the DaemonSet would put on the node (template spec, daemon tolerations, nodeName). */
export function newPod(ds: DaemonSetObj, nodeName: string): Pick<Pod, 'spec'> {
  const spec: PodSpec = structuredClone(ds.spec?.template?.spec ?? { containers: [] });
  spec.nodeName = nodeName;
  addOrUpdateDaemonPodTolerations(spec);
  return { spec };
}

/**
 * upstream NodeShouldRunDaemonPod: whether a daemon pod should run on the node (the template's nodeName, node
 * selector, required node affinity; no untolerated NoSchedule/NoExecute taint), and whether one already there
 * may stay (only an untolerated NoExecute taint makes it go).
 */
export function nodeShouldRunDaemonPod(node: NodeObj, ds: DaemonSetObj): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const pod = newPod(ds, node.metadata.name);
  const tplNodeName = ds.spec?.template?.spec?.nodeName;
  if (tplNodeName && tplNodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  if (findMatchingUntoleratedTaint(taints, pod.spec?.tolerations, doNotScheduleTaints)) {
    const noExecute = findMatchingUntoleratedTaint(taints, pod.spec?.tolerations, (t) => t.effect === 'NoExecute');
    return { shouldRun: false, shouldContinueRunning: !noExecute };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

const created = (p: PodObj): number => {
  const t = p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
};

/** upstream podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
export function podByCreationTimestampAndPhase(a: PodObj, b: PodObj): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
