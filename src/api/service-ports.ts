// Which Service holds which nodePort: the facts the ServiceAllocator (controllers/service/allocation.ts) and the
// host proxy (proxy/proxier.ts) must agree on. Pure.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from './types.js';

export type ServiceObj = Service & KubeObject;

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export const inNodePortRange = (port: number): boolean => Number.isInteger(port) && port >= NODE_PORT_RANGE.min && port <= NODE_PORT_RANGE.max;

export const serviceType = (svc: ServiceObj): string => svc.spec?.type ?? 'ClusterIP';
export const usesNodePorts = (svc: ServiceObj): boolean => ['NodePort', 'LoadBalancer'].includes(serviceType(svc));
const nsName = (svc: KubeObject): string => `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;

/** Oldest first: creationTimestamp, then namespace/name. */
export function compareServiceAge(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = nsName(a);
  const nb = nsName(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** The nodePorts a Service holds. */
export function nodePortsOf(svc: ServiceObj): number[] {
  if (!usesNodePorts(svc)) return [];
  return (svc.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n > 0);
}

/** Which Service (`namespace/name`) owns each nodePort: the oldest that asks for it. */
export function nodePortOwners(services: readonly ServiceObj[]): Map<number, string> {
  const owners = new Map<number, string>();
  for (const svc of [...services].sort(compareServiceAge)) {
    if (svc.metadata.deletionTimestamp) continue;
    for (const np of nodePortsOf(svc)) if (inNodePortRange(np) && !owners.has(np)) owners.set(np, nsName(svc));
  }
  return owners;
}
