// ServiceAllocator: gives each Service what the API server would have given it on write (see allocation.ts): a
// ClusterIP from 10.96.0.0/12 (display only: nothing connects to it), nodePorts in 30000-32767 for NodePort and
// LoadBalancer Services, and status.loadBalancer.ingress [{ip: <proxy bind address>}] for LoadBalancer ones.
//
// One key per Service; concurrency 1, so two Services never pick the same free value in parallel (the controller
// is the only writer of allocations). Writes only what changed: a second pass writes nothing. A Service that asks
// for a value an older Service holds gets one Warning Event (reason FailedAllocation, Kubernetes' message) per
// distinct problem, not one per pass.
import type { KubeObject } from '../../api/types.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { EventSink } from '../../reconcile/events.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import { planServiceAllocation, type AllocationOptions } from './allocation.js';
import type { ServiceObj } from '../../api/service-ports.js';

export interface ServiceAllocatorOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "service-controller" */
  events?: EventSink;
  log?: Logger;
  /** where the Service proxy listens (config proxyBindAddress): the LoadBalancer ingress IP */
  bindAddress?: string;
  range?: AllocationOptions['range'];
  /** tests: a fixed random source */
  random?: AllocationOptions['random'];
}

export const FAILED_ALLOCATION = 'FailedAllocation';

/** The LoadBalancer ingress IP for a bind address: the address itself, or 127.0.0.1 for a wildcard. */
export function ingressIPFor(bindAddress: string | undefined): string {
  if (!bindAddress || bindAddress === '0.0.0.0' || bindAddress === '::' || bindAddress === '[::]') return '127.0.0.1';
  return bindAddress;
}

export class ServiceAllocator implements Reconciler {
  readonly name = 'service-allocator';
  readonly watches = ['services'] as const;
  readonly concurrency = 1;
  private readonly store: Store;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  private readonly opts: AllocationOptions;
  /** service key → the problems last reported (an Event is recorded once per distinct problem) */
  private readonly reported = new Map<string, string>();

  constructor(opts: ServiceAllocatorOptions) {
    this.store = opts.store;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
    this.opts = { ingressIP: ingressIPFor(opts.bindAddress), ...(opts.range ? { range: opts.range } : {}), ...(opts.random ? { random: opts.random } : {}) };
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    if (o.kind !== 'Service') return [];
    const key = objectKey({ resource: 'services', namespace: o.metadata.namespace ?? 'default', name: o.metadata.name });
    if (ev.type !== 'DELETED') return [key];
    this.reported.delete(key);
    // a deleted Service frees its values: the Services that could not have them may have them now
    return [...this.reported.keys()];
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<ServiceObj>('services');
    return items.map((s) => objectKey({ resource: 'services', namespace: s.metadata.namespace ?? 'default', name: s.metadata.name }));
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'services') return DONE;
    const svc = await this.store.tryGet<ServiceObj>(ref);
    if (!svc || svc.metadata.deletionTimestamp) return DONE;
    const { items } = await this.store.list<ServiceObj>('services');
    const plan = planServiceAllocation(svc, items, this.opts);
    let cur = svc;
    if (plan.spec) {
      cur = await this.store.update<ServiceObj>({ ...svc, spec: plan.spec });
      this.log.info(`service-allocator: ${key}: ${describeAllocation(cur)}`);
    }
    if (plan.status) cur = await this.store.updateStatus<ServiceObj>({ ...cur, status: plan.status });
    const problems = plan.errors.map((e) => `${e.path}: ${e.message}`).join(', ');
    if (problems && this.reported.get(key) !== problems) {
      this.reported.set(key, problems);
      await this.events?.event(cur, 'Warning', FAILED_ALLOCATION, problems);
    } else if (!problems) this.reported.delete(key);
    return DONE;
  }
}

function describeAllocation(svc: ServiceObj): string {
  const parts = [`clusterIP ${svc.spec?.clusterIP ?? '<none>'}`];
  const nps = (svc.spec?.ports ?? []).filter((p) => p.nodePort).map((p) => `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}`);
  if (nps.length) parts.push(`nodePorts ${nps.join(',')}`);
  return parts.join(', ');
}
