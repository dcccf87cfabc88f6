// Discovery from inside pods, the pure half: names of the per-namespace pod networks and of the gateway
// containers, the DNS names (network aliases) a Service answers to, and the endpoint set a gateway is given.
//
// Design (docs/ARCHITECTURE.md, "Services from inside pods"): pods of a namespace share a Docker network;
// each Service (with TCP ports, not ExternalName) gets a small gateway container on that network whose aliases are
// the Service's DNS names (`web`, `web.ns`, `web.ns.svc`, `web.ns.svc.cluster.local`; on the networks of
// other namespaces only the qualified ones). Docker's embedded DNS resolves them; the gateway forwards each
// connection to a *ready* endpoint (pod IP : target port). Readiness gating stays honest because the
// endpoint set lives in the gateway, not in DNS answers that clients cache.
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { serviceBackends } from '../proxier.js';
import type { Backend } from '../round-robin.js';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS } from '../round-robin.js';

export const CLUSTER_DOMAIN = 'cluster.local';

/** Docker network of a namespace's pods: `kctl.<cluster8>.<namespace>` (`kctl.<namespace>` without a cluster id). */
export function namespaceNetwork(cluster: string | undefined, namespace: string): string {
  return cluster ? `kctl.${cluster.slice(0, 8)}.${namespace}` : `kctl.${namespace}`;
}

/** Engine name of a Service's gateway container. */
export function gatewayName(cluster: string | undefined, namespace: string, name: string): string {
  return `kctl_svc_${name}_${namespace}${cluster ? `_${cluster.slice(0, 8)}` : ''}`;
}

/** The DNS names of a Service: all four forms on its own namespace's network, the qualified ones elsewhere. */
export function serviceAliases(namespace: string, name: string, ownNetwork: boolean): string[] {
  const qualified = [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`];
  return ownNetwork ? [name, ...qualified] : qualified;
}

/** DNS names of a pod with hostname + subdomain (StatefulSet pods): `web-0.web[.ns[.svc[.cluster.local]]]`. */
export function podAliases(pod: Pod): string[] {
  const host = pod.spec?.hostname;
  const sub = pod.spec?.subdomain;
  const ns = pod.metadata?.namespace ?? 'default';
  if (!host || !sub) return [];
  const base = `${host}.${sub}`;
  return [base, `${base}.${ns}`, `${base}.${ns}.svc`, `${base}.${ns}.svc.${CLUSTER_DOMAIN}`];
}

/**
 * A Service gets a gateway when it has TCP ports and is not ExternalName. A headless one too: its name then
 * answers with the gateway's one address in front of the ready pods (Kubernetes answers with the pods'
 * addresses, which Docker aliases cannot gate on readiness); each pod's own name (`web-0.web`) is the pod.
 */
export function wantsGateway(svc: Service): boolean {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return false;
  return (spec.ports ?? []).some((p) => (p.protocol ?? 'TCP') === 'TCP');
}

export interface GatewayPort {
  /** the Service port the gateway listens on */
  port: number;
  backends: Backend[];
}

/** What the gateway program reads (config.json). */
export interface GatewayConfig {
  service: string;
  ports: GatewayPort[];
  /** ClientIP affinity timeout, seconds; absent: round robin */
  affinityTimeoutSeconds?: number;
}

/** The gateway's config: per TCP Service port, the ready endpoints as pod IP : container port. Pure. */
export function gatewayConfig(
  svc: Service & KubeObject,
  endpoints: (Endpoints & KubeObject) | undefined,
  pods: ReadonlyMap<string, Pod & KubeObject>,
): GatewayConfig {
  const ports: GatewayPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    if ((sp.protocol ?? 'TCP') !== 'TCP') continue;
    ports.push({ port: sp.port, backends: serviceBackends(sp, endpoints, pods, undefined, 'podIP') });
  }
  const c: GatewayConfig = { service: `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`, ports };
  if (svc.spec?.sessionAffinity === 'ClientIP')
    c.affinityTimeoutSeconds = svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
  return c;
}
