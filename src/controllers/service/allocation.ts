// What the API server's Service REST strategy allocates on write (upstream pkg/registry/core/service/storage
// alloc.go), as a pure function of the Service and the other Services: the ClusterIP (+ clusterIPs, ipFamilies,
// ipFamilyPolicy), a nodePort for every port of a NodePort/LoadBalancer Service that has none, and, in place of
// a cloud provider, the LoadBalancer ingress (the address the Service proxy binds).
//
// kctl's store is not an API server, so the ServiceAllocator reconciler applies this plan just after a write, and
// refuses nothing: a Service that asks for a nodePort (or ClusterIP) another, older Service holds keeps its spec,
// gets no listener, and is told why with a Warning Event carrying Kubernetes' own message
// (`spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`). A client that wants
// the write itself refused can call serviceAllocationErrors() before writing.
//
// Ownership of a contested value goes to the oldest Service (creationTimestamp, then namespace/name): the one
// that would have got it from an API server. api/service-ports.ts nodePortOwners() applies the same rule for the proxy.
import type { ServicePort, ServiceSpec, ServiceStatus } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { FieldPath, invalid } from '../../api/validation/index.js';
import type { FieldError } from '../../util/errors.js';
import { deepEqual, jsonClone } from '../../store/object-semantics.js';
import { allocateClusterIP, inRange, parseCidr, SERVICE_CLUSTER_IP_RANGE, type IPRange, type Random } from './ip-allocator.js';
import { allocateNodePort } from './port-allocator.js';
import { inNodePortRange, NODE_PORT_RANGE } from '../../api/service-ports.js';

import { compareServiceAge, nodePortsOf, serviceType, usesNodePorts, type ServiceObj } from '../../api/service-ports.js';

export const DEFAULT_IP_RANGE: IPRange = parseCidr(SERVICE_CLUSTER_IP_RANGE);

export interface AllocationOptions {
  /** the ClusterIP range (default 10.96.0.0/12) */
  range?: IPRange;
  /** where the search for a free value starts (default Math.random; tests inject a fixed source) */
  random?: Random;
  /** status.loadBalancer.ingress[0].ip of LoadBalancer Services (default 127.0.0.1) */
  ingressIP?: string;
  /**
   * Whether `other` holds its values before `svc` (default: older by creationTimestamp, then namespace/name).
   * serviceAllocationErrors() passes "always": at write time every existing Service is older.
   */
  isOlder?: (other: ServiceObj, svc: ServiceObj) => boolean;
}

export interface AllocationPlan {
  /** the spec to write; undefined when nothing changes */
  spec?: ServiceSpec;
  /** the status to write; undefined when nothing changes */
  status?: ServiceStatus;
  /** values the Service asks for that it cannot have (Kubernetes would have refused the write) */
  errors: FieldError[];
}

const nsName = (svc: KubeObject): string => `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;

const defaultIsOlder = (other: ServiceObj, svc: ServiceObj): boolean => compareServiceAge(other, svc) < 0;

/** The ClusterIP a Service holds (undefined for headless, ExternalName and not-yet-allocated ones). */
function clusterIPOf(svc: ServiceObj): string | undefined {
  if (serviceType(svc) === 'ExternalName') return undefined;
  const ip = svc.spec?.clusterIP || svc.spec?.clusterIPs?.[0];
  return ip && ip !== 'None' ? ip : undefined;
}


/** What to write so that the Service has its ClusterIP, nodePorts and LoadBalancer ingress. */
export function planServiceAllocation(svc: ServiceObj, others: readonly ServiceObj[], opts: AllocationOptions = {}): AllocationPlan {
  const range = opts.range ?? DEFAULT_IP_RANGE;
  const isOlder = opts.isOlder ?? defaultIsOlder;
  const me = nsName(svc);
  const rest = others.filter((o) => nsName(o) !== me);
  const older = rest.filter((o) => isOlder(o, svc));
  const errors: FieldError[] = [];
  const spec: ServiceSpec = jsonClone(svc.spec ?? {});
  const type = serviceType(svc);

  if (type !== 'ExternalName') {
    // ---- ClusterIP
    if (spec.clusterIP === 'None') {
      if (!spec.clusterIPs?.length) spec.clusterIPs = ['None'];
    } else {
      const wanted = spec.clusterIP || spec.clusterIPs?.[0];
      const p = FieldPath.root('spec', 'clusterIPs');
      if (wanted) {
        const olderIPs = new Set(older.map(clusterIPOf).filter((x): x is string => !!x));
        if (!inRange(range, wanted))
          errors.push(
            invalid(p, [wanted], `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${range.cidr}`),
          );
        else if (olderIPs.has(wanted)) errors.push(invalid(p, [wanted], `failed to allocate IP ${wanted}: provided IP is already allocated`));
        spec.clusterIP = wanted;
        if (!spec.clusterIPs?.length) spec.clusterIPs = [wanted];
      } else {
        const used = new Set(rest.map(clusterIPOf).filter((x): x is string => !!x));
        const ip = allocateClusterIP(range, used, opts.random);
        if (ip) {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        } else errors.push({ path: p.toString(), segments: ['spec', 'clusterIPs'], message: 'Internal error: failed to allocate a serviceIP: range is full' });
      }
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';

    // ---- nodePorts
    const ports: ServicePort[] = spec.ports ?? [];
    if (usesNodePorts(svc)) {
      const olderPorts = new Set(older.flatMap(nodePortsOf));
      const used = new Set(rest.flatMap(nodePortsOf));
      ports.forEach((sp, i) => {
        const np = sp.nodePort ?? 0;
        if (np === 0) return;
        used.add(np);
        const p = FieldPath.root('spec', 'ports').index(i).child('nodePort');
        if (!inNodePortRange(np))
          errors.push(invalid(p, np, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
        // the same nodePort on two ports of one Service is allowed when their protocols differ (validation
        // refuses the same protocol), as upstream's multi-protocol Services
        else if (olderPorts.has(np)) errors.push(invalid(p, np, 'provided port is already allocated'));
      });
      ports.forEach((sp, i) => {
        if ((sp.nodePort ?? 0) !== 0) return;
        // upstream: a port number already given a nodePort for another protocol reuses it
        const twin = ports.find((q, j) => j !== i && q.port === sp.port && (q.nodePort ?? 0) > 0 && (q.protocol ?? 'TCP') !== (sp.protocol ?? 'TCP'));
        const np = twin?.nodePort ?? allocateNodePort(used, opts.random);
        if (np === undefined) {
          errors.push({
            path: `spec.ports[${i}].nodePort`,
            segments: ['spec', 'ports', i, 'nodePort'],
            message: 'Internal error: failed to allocate a nodePort: range is full',
          });
          return;
        }
        sp.nodePort = np;
        used.add(np);
      });
    } else {
      // upstream releases and clears the nodePorts of a Service whose type no longer uses them
      for (const sp of ports) delete sp.nodePort;
    }
  }

  // ---- LoadBalancer ingress (kctl is its own "cloud provider": the proxy's bind address)
  const status: ServiceStatus = jsonClone(svc.status ?? {});
  const ingress = status.loadBalancer?.ingress ?? [];
  if (type === 'LoadBalancer') {
    const want = [{ ip: opts.ingressIP ?? '127.0.0.1' }];
    if (!deepEqual(ingress, want)) status.loadBalancer = { ...status.loadBalancer, ingress: want };
  } else if (ingress.length) status.loadBalancer = {};

  return {
    ...(deepEqual(spec, svc.spec ?? {}) ? {} : { spec }),
    ...(deepEqual(status, svc.status ?? {}) ? {} : { status }),
    errors,
  };
}

/**
 * The values a new (or updated) Service asks for that existing Services hold, with Kubernetes' messages:
 * `spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`. For a client that refuses
 * the write (ValidationError) instead of letting the ServiceAllocator report it afterwards.
 */
export function serviceAllocationErrors(svc: ServiceObj, existing: readonly ServiceObj[], opts: Omit<AllocationOptions, 'isOlder'> = {}): FieldError[] {
  return planServiceAllocation(svc, existing, { ...opts, isOlder: () => true }).errors.filter((e) => !e.message.startsWith('Internal error'));
}
