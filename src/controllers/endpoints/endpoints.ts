// The Endpoints of a Service as a pure function of the Service and the pods (upstream
// pkg/controller/endpoint/endpoints_controller.go syncService, pkg/api/v1/pod FindPort,
// pkg/controller/util/endpoint ShouldPodBeInEndpoints, pkg/api/v1/endpoints RepackSubsets/SortSubsets).
//
// - Only pods with an IP count (the kubelet writes status.podIP once the sandbox runs).
// - Ready pods (Ready condition True) go to `addresses`, the others to `notReadyAddresses`, unless the Service
//   publishes not-ready addresses (spec.publishNotReadyAddresses: every pod is in `addresses`).
// - Terminating pods (deletionTimestamp) are in neither, unless publishNotReadyAddresses.
// - Finished pods are out by their restart policy (Never: Succeeded or Failed; OnFailure: Succeeded).
// - Each Service port resolves per pod: a number is taken as is; a name is looked up among the pod's container
//   ports with the same protocol. A pod that lacks a named port is left out of that port's subset only.
// - Subsets are repacked: the addresses offering the same set of ports share one subset; everything sorted,
//   so equal inputs give equal objects (and the controller writes only on change).
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';

export type ServiceObj = Service & KubeObject;
export type PodObj = Pod & KubeObject;
export type EndpointsObj = Endpoints & KubeObject;

/** Label on Endpoints this controller manages (upstream 1.33: endpoints.kubernetes.io/managed-by). */
export const ENDPOINTS_MANAGED_BY = 'endpoints.kubernetes.io/managed-by';
export const ENDPOINTS_CONTROLLER_NAME = 'endpoint-controller';
/** Label upstream puts on the Endpoints (and EndpointSlices) of a headless Service. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/** upstream IsPodReady. */
export const isPodReady = (pod: PodObj): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** upstream ShouldPodBeInEndpoints: has an IP, is not finished for good, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: PodObj, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status.phase;
  switch (pod.spec?.restartPolicy ?? 'Always') {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

/**
 * upstream podutil.FindPort: the container port a Service port reaches on this pod; undefined when the Service
 * port names a port the pod does not have.
 */
export function findPort(pod: PodObj, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  const proto = svcPort.protocol ?? 'TCP';
  if (typeof target === 'string') {
    if (/^\d+$/.test(target)) return Number(target);
    for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === proto) return p.containerPort;
    return undefined;
  }
  return target;
}

/** The address of a pod in the Service's Endpoints (upstream podToEndpointAddressForService). */
export function podToEndpointAddress(svc: ServiceObj, pod: PodObj): EndpointAddress {
  const a: EndpointAddress = { ip: pod.status!.podIP! };
  // a pod's hostname is published only when its subdomain is this (headless) Service
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && (pod.metadata.namespace ?? 'default') === (svc.metadata.namespace ?? 'default'))
    a.hostname = pod.spec.hostname;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid ?? '' };
  return a;
}

/** The EndpointPort of a Service port resolved to `port` (upstream endpointPortFromServicePort). */
export function endpointPort(svcPort: ServicePort, port: number): EndpointPort {
  const p: EndpointPort = svcPort.name ? { name: svcPort.name, port } : { port };
  p.protocol = svcPort.protocol ?? 'TCP';
  if (svcPort.appProtocol) p.appProtocol = svcPort.appProtocol;
  return p;
}

/** The pods a Service selects: a selector of labels, in the Service's namespace. */
export function selectsPod(svc: ServiceObj, pod: PodObj): boolean {
  const sel = svc.spec?.selector;
  if (!sel) return false;
  if ((pod.metadata.namespace ?? 'default') !== (svc.metadata.namespace ?? 'default')) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

/** Whether this controller keeps the Service's Endpoints: it has a selector and is not ExternalName. */
export const managesEndpoints = (svc: ServiceObj): boolean => !!svc.spec?.selector && svc.spec.type !== 'ExternalName';

/** The subsets of the Service's Endpoints for these (namespace) pods. */
export function computeEndpointSubsets(svc: ServiceObj, pods: readonly PodObj[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const headless = svc.spec?.clusterIP === 'None';
  const ports = svc.spec?.ports ?? [];
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!selectsPod(svc, pod)) continue;
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podToEndpointAddress(svc, pod);
    const ready = publishNotReady || isPodReady(pod);
    const add = (epPorts: EndpointPort[]) =>
      subsets.push({ ...(ready ? { addresses: [addr] } : { notReadyAddresses: [addr] }), ...(epPorts.length ? { ports: epPorts } : {}) });
    if (ports.length === 0) {
      if (headless) add([]);
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n === undefined) continue; // upstream: "Failed to find port for service" — this port only
      add([endpointPort(sp, n)]);
    }
  }
  return repackSubsets(subsets);
}

const addrKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort): string => JSON.stringify([p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
function compareAddr(a: EndpointAddress, b: EndpointAddress): number {
  return cmp(addrKey(a), addrKey(b));
}

/**
 * upstream RepackSubsets + SortSubsets: every port maps to the set of (address, ready) offering it; ports with the
 * same set share a subset. Output sorted (addresses by IP then uid; ports by name, number, protocol; subsets by
 * their ports), so equal inputs give deep-equal outputs.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const SENTINEL = '\u0000none';
  const portsByKey = new Map<string, EndpointPort | undefined>();
  const addrsByPort = new Map<string, Map<string, { addr: EndpointAddress; ready: boolean }>>();
  const note = (pk: string, port: EndpointPort | undefined, addr: EndpointAddress, ready: boolean) => {
    portsByKey.set(pk, port);
    let m = addrsByPort.get(pk);
    if (!m) addrsByPort.set(pk, (m = new Map()));
    const k = addrKey(addr);
    // an address ready through one subset and not through another counts as ready (upstream: last wins; pods give one each)
    const prev = m.get(k);
    m.set(k, { addr, ready: ready || (prev?.ready ?? false) });
  };
  for (const ss of subsets) {
    const ports = ss.ports?.length ? ss.ports.map((p) => [portKey(p), p] as const) : [[SENTINEL, undefined] as const];
    for (const [pk, p] of ports) {
      for (const a of ss.addresses ?? []) note(pk, p, a, true);
      for (const a of ss.notReadyAddresses ?? []) note(pk, p, a, false);
    }
  }
  // group ports by the identical (address, ready) set they have
  const groups = new Map<string, { addrs: { addr: EndpointAddress; ready: boolean }[]; ports: EndpointPort[] }>();
  for (const [pk, m] of addrsByPort) {
    const addrs = [...m.values()].sort((a, b) => compareAddr(a.addr, b.addr));
    const gk = JSON.stringify(addrs.map((x) => [addrKey(x.addr), x.ready]));
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs, ports: [] }));
    const port = portsByKey.get(pk);
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready = g.addrs.filter((x) => x.ready).map((x) => x.addr);
    const notReady = g.addrs.filter((x) => !x.ready).map((x) => x.addr);
    const ports = [...g.ports].sort((a, b) => cmp(portKey(a), portKey(b)));
    out.push({ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ...(ports.length ? { ports } : {}) });
  }
  return out.sort((a, b) => cmp(JSON.stringify(a.ports ?? []), JSON.stringify(b.ports ?? [])) || cmp(JSON.stringify(a), JSON.stringify(b)));
}

/** The labels of the Service's Endpoints: the Service's, plus headless and managed-by (upstream). */
export function endpointsLabels(svc: ServiceObj): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  labels[ENDPOINTS_MANAGED_BY] = ENDPOINTS_CONTROLLER_NAME;
  return labels;
}

/**
 * The Endpoints object the Service should have: `existing` keeps its metadata (annotations, resourceVersion),
 * labels and subsets are replaced. No `subsets` field when there is nothing (as upstream's omitempty).
 */
export function desiredEndpoints(svc: ServiceObj, pods: readonly PodObj[], existing?: EndpointsObj): EndpointsObj {
  const subsets = computeEndpointSubsets(svc, pods);
  const base: EndpointsObj = existing
    ? structuredClone(existing)
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace ?? 'default' } };
  base.metadata.labels = endpointsLabels(svc);
  if (subsets.length) base.subsets = subsets;
  else delete base.subsets;
  return base;
}
