// Resource arithmetic of the scheduler, as plain functions (upstream: k8s.io/component-helpers resource.PodRequests,
// scheduler framework NodeInfo). Amounts are integers: cpu in millicores, memory and every other resource in
// units (bytes), as Quantity.MilliValue()/Value() give them.
import type { Container, Node, Pod } from '../api/types.js';
import { integerValue, milliValue } from '../api/quantity.js';

/** resource name → amount (cpu: millicores; others: Value()) */
export type ResourceList = Record<string, number>;

/** Resources the scheduler does not check: a node reports no ephemeral storage in kctl (documented gap). */
export const IGNORED_RESOURCES: ReadonlySet<string> = new Set(['ephemeral-storage']);

/** upstream schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: used for scoring only */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const DEFAULT_MAX_PODS = 110;

/** One quantity to an integer amount of its resource (unparsable → 0: validation rejects those earlier). */
export function amount(resource: string, q: unknown): number {
  if (typeof q !== 'string' && typeof q !== 'number') return 0;
  try {
    return resource === 'cpu' ? milliValue(q) : integerValue(q);
  } catch {
    return 0;
  }
}

export function toResourceList(m: Record<string, unknown> | undefined): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k] = amount(k, v);
  return out;
}

/** A container's requests, defaulted from its limits where only the limit is set (the API's defaulting). */
export function containerRequests(c: Container): ResourceList {
  const limits = toResourceList(c.resources?.limits as Record<string, unknown> | undefined);
  const requests = toResourceList(c.resources?.requests as Record<string, unknown> | undefined);
  return { ...limits, ...requests };
}

function add(into: ResourceList, r: ResourceList): void {
  for (const [k, v] of Object.entries(r)) into[k] = (into[k] ?? 0) + v;
}

function max(into: ResourceList, r: ResourceList): void {
  for (const [k, v] of Object.entries(r)) into[k] = Math.max(into[k] ?? 0, v);
}

/**
 * The pod's effective request (upstream resource.PodRequests): the sum of its app containers, or the largest init
 * container if that is bigger (init containers run one at a time, before the app containers; a restartable init
 * container — a sidecar, restartPolicy Always — keeps running and adds to both), plus spec.overhead.
 */
export function podRequests(pod: Pod, perContainer: (c: Container) => ResourceList = containerRequests): ResourceList {
  const spec = pod.spec;
  const reqs: ResourceList = {};
  for (const c of spec?.containers ?? []) add(reqs, perContainer(c));
  const restartable: ResourceList = {};
  const initMax: ResourceList = {};
  for (const c of spec?.initContainers ?? []) {
    const cr = perContainer(c);
    if (c.restartPolicy === 'Always') {
      add(reqs, cr);
      add(restartable, cr);
      max(initMax, { ...restartable });
    } else {
      const tmp: ResourceList = { ...cr };
      add(tmp, restartable);
      max(initMax, tmp);
    }
  }
  max(reqs, initMax);
  add(reqs, toResourceList(spec?.overhead as Record<string, unknown> | undefined));
  return reqs;
}

/** Requests for scoring: a container without a cpu/memory request counts as 100m / 200Mi (upstream GetNonzeroRequests). */
export function podNonzeroRequests(pod: Pod): { cpu: number; memory: number } {
  const r = podRequests(pod, (c) => {
    const cr = containerRequests(c);
    return {
      cpu: cr.cpu === undefined ? DEFAULT_MILLI_CPU_REQUEST : cr.cpu,
      memory: cr.memory === undefined ? DEFAULT_MEMORY_REQUEST : cr.memory,
    };
  });
  return { cpu: r.cpu ?? 0, memory: r.memory ?? 0 };
}

/** Succeeded and Failed pods hold no resources. */
export function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** What a node has for pods: status.allocatable, falling back to status.capacity. `pods` is the pod count. */
export function nodeAllocatable(node: Node): ResourceList {
  const src = (node.status?.allocatable ?? node.status?.capacity ?? {}) as Record<string, unknown>;
  return toResourceList(src);
}

/** What is already taken on a node: a NodeInfo (upstream framework.NodeInfo, reduced). */
export interface NodeInfo {
  node: Node;
  allocatable: ResourceList;
  /** sum of the requests of the non-terminated pods bound to the node */
  requested: ResourceList;
  /** the same with the scoring defaults */
  nonzeroRequested: { cpu: number; memory: number };
  /** non-terminated pods bound to the node */
  podCount: number;
}

export function buildNodeInfos(nodes: readonly Node[], pods: readonly Pod[]): NodeInfo[] {
  const infos = new Map<string, NodeInfo>();
  for (const node of nodes)
    infos.set(node.metadata!.name!, {
      node,
      allocatable: nodeAllocatable(node),
      requested: {},
      nonzeroRequested: { cpu: 0, memory: 0 },
      podCount: 0,
    });
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n || isTerminated(p)) continue;
    const info = infos.get(n);
    if (!info) continue;
    add(info.requested, podRequests(p));
    const nz = podNonzeroRequests(p);
    info.nonzeroRequested.cpu += nz.cpu;
    info.nonzeroRequested.memory += nz.memory;
    info.podCount++;
  }
  return [...infos.values()];
}
