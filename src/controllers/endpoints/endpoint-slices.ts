// The EndpointSlices of a Service as a pure function of the Service, the pods and the slices that exist (upstream
// pkg/controller/endpointslice reconciler.go + utils.go, simplified: one address type, no topology hints).
//
// - Pods as for Endpoints (an IP, not finished), but terminating pods stay in, with their conditions:
//   ready = Ready && !terminating, serving = Ready, terminating = deletionTimestamp set
//   (publishNotReadyAddresses makes ready and serving true).
// - Pods are grouped by the ports they resolve (a named targetPort may differ per pod); each group fills slices
//   of at most 100 endpoints. A Service with no endpoint at all keeps one empty placeholder slice, as upstream.
// - Slices are named `<service>-<5 chars>` (generateName), labelled kubernetes.io/service-name and
//   endpointslice.kubernetes.io/managed-by, owned by the Service (controller ownerReference, so the garbage
//   collector deletes them with it).
// - planSlices reuses existing slices (no write when one already holds the wanted content), updates the others,
//   creates what is missing and deletes what is left over.
import type { Endpoint, EndpointPort as SlicePort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/types.js';
import { deepEqual } from '../../store/object-semantics.js';
import { findPort, HEADLESS_LABEL, isPodReady, selectsPod, shouldPodBeInEndpoints, type PodObj, type ServiceObj } from './endpoints.js';

export type EndpointSliceObj = EndpointSlice & KubeObject;

export { SERVICE_NAME_LABEL } from '../../api/meta.js';
import { SERVICE_NAME_LABEL } from '../../api/meta.js';
export const SLICE_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** upstream --max-endpoints-per-slice default */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** What one slice holds. */
export interface SliceContent {
  ports: SlicePort[];
  endpoints: Endpoint[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const portsKey = (ports: readonly SlicePort[]): string => JSON.stringify(ports);

/** The ports of the Service this pod offers (upstream getEndpointPorts): unresolvable named ports left out. */
export function slicePortsForPod(svc: ServiceObj, pod: PodObj): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const n = findPort(pod, sp);
    if (n === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port: n, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out.sort((a, b) => cmp(a.name ?? '', b.name ?? '') || (a.port ?? 0) - (b.port ?? 0) || cmp(a.protocol ?? '', b.protocol ?? ''));
}

/** The slice endpoint of a pod (upstream podToEndpoint). */
export function podToEndpoint(svc: ServiceObj, pod: PodObj): Endpoint {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = isPodReady(pod);
  const ep: Endpoint = {
    addresses: [pod.status!.podIP!],
    conditions: { ready: publishNotReady || (ready && !terminating), serving: publishNotReady || ready, terminating },
  };
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name) ep.hostname = pod.spec.hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid ?? '' };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  return ep;
}

/** What the Service's slices should hold, grouped by port set, at most `max` endpoints each, sorted. */
export function desiredSliceContents(svc: ServiceObj, pods: readonly PodObj[], max = MAX_ENDPOINTS_PER_SLICE): SliceContent[] {
  const groups = new Map<string, SliceContent>();
  for (const pod of pods) {
    if (!selectsPod(svc, pod) || !shouldPodBeInEndpoints(pod, true)) continue;
    const ports = slicePortsForPod(svc, pod);
    const k = portsKey(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, endpoints: [] }));
    g.endpoints.push(podToEndpoint(svc, pod));
  }
  if (groups.size === 0) return [{ ports: [], endpoints: [] }]; // upstream's placeholder slice
  const out: SliceContent[] = [];
  for (const k of [...groups.keys()].sort()) {
    const g = groups.get(k)!;
    const eps = g.endpoints.sort((a, b) => cmp(a.targetRef?.name ?? '', b.targetRef?.name ?? '') || cmp(a.addresses[0] ?? '', b.addresses[0] ?? ''));
    for (let i = 0; i < eps.length; i += max) out.push({ ports: g.ports, endpoints: eps.slice(i, i + max) });
  }
  return out;
}

export function sliceLabels(svc: ServiceObj): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  labels[SERVICE_NAME_LABEL] = svc.metadata.name;
  labels[SLICE_MANAGED_BY] = SLICE_CONTROLLER_NAME;
  return labels;
}

export function serviceOwnerRef(svc: ServiceObj): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Whether this controller manages the slice for this Service (by its labels). */
export function isManagedSliceOf(slice: EndpointSliceObj, namespace: string, serviceName: string): boolean {
  const l = slice.metadata.labels ?? {};
  return (slice.metadata.namespace ?? 'default') === namespace && l[SERVICE_NAME_LABEL] === serviceName && l[SLICE_MANAGED_BY] === SLICE_CONTROLLER_NAME;
}

function withContent(svc: ServiceObj, base: EndpointSliceObj, c: SliceContent): EndpointSliceObj {
  const s = structuredClone(base);
  s.metadata.labels = { ...sliceLabels(svc) };
  s.metadata.ownerReferences = [serviceOwnerRef(svc)];
  s.addressType = 'IPv4';
  s.endpoints = c.endpoints;
  s.ports = c.ports;
  return s;
}

function sameContent(svc: ServiceObj, s: EndpointSliceObj, c: SliceContent): boolean {
  return (
    s.addressType === 'IPv4' &&
    deepEqual(s.endpoints ?? [], c.endpoints) &&
    deepEqual(s.ports ?? [], c.ports) &&
    deepEqual(s.metadata.labels ?? {}, sliceLabels(svc)) &&
    deepEqual(s.metadata.ownerReferences ?? [], [serviceOwnerRef(svc)])
  );
}

export interface SlicePlan {
  create: EndpointSliceObj[];
  update: EndpointSliceObj[];
  delete: EndpointSliceObj[];
}

/** The writes that turn the Service's existing managed slices into `desired` (nothing when they already match). */
export function planSlices(svc: ServiceObj, desired: readonly SliceContent[], existing: readonly EndpointSliceObj[]): SlicePlan {
  const free = [...existing].sort((a, b) => cmp(a.metadata.name, b.metadata.name));
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const pending: SliceContent[] = [];
  // 1. slices that already hold a wanted content stay as they are
  for (const c of desired) {
    const i = free.findIndex((s) => sameContent(svc, s, c));
    if (i >= 0) free.splice(i, 1);
    else pending.push(c);
  }
  // 2. the others reuse a slice (same ports first), else a new one
  for (const c of pending) {
    let i = free.findIndex((s) => deepEqual(s.ports ?? [], c.ports));
    if (i < 0) i = free.length ? 0 : -1;
    if (i >= 0) {
      const [s] = free.splice(i, 1);
      plan.update.push(withContent(svc, s!, c));
    } else {
      const base: EndpointSliceObj = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: '', generateName: `${svc.metadata.name.slice(0, 57)}-`, namespace: svc.metadata.namespace ?? 'default' },
        addressType: 'IPv4',
        endpoints: [],
      };
      plan.create.push(withContent(svc, base, c));
    }
  }
  plan.delete.push(...free);
  return plan;
}
