// ServiceProxy: kctl's kube-proxy. For every port of a NodePort or LoadBalancer Service it listens on
// <bind address>:<nodePort> (KCTL_PROXY_BIND_ADDRESS, default 127.0.0.1) and spreads the connections over the
// Service's ready endpoints (round-robin, or ClientIP affinity), each reached through the 127.0.0.1 host port its
// pod publishes (the kubelet's `kctl.io/ports` annotation) — never through the pod IP, which lives inside a
// Docker network the host does not route to.
//
// It is a Reconciler (so the controller runner feeds it: watch → Service keys → reconcile), plus stop().
// Keys are Service keys; an Endpoints change enqueues its Service, a pod change the Services whose Endpoints
// name the pod.
//
// - Endpoints come from the Endpoints object (`addresses` only), gated by the pod as stored *now*: a pod that
//   turned not-ready or is being deleted gets no new connection from the first event about it, without waiting
//   for the endpoints controller; connections already open are left to finish.
// - Hand-written Endpoints (Services without selector) may point at 127.0.0.1:port: those are used directly
//   (a host service behind a Service). Any other address without a pod is skipped (never dialled).
// - A nodePort two Services ask for goes to the older one (the ServiceAllocator reports the other).
// - A port that cannot be bound (in use by another program) is retried every 10 s, with one Warning Event.
// - Only TCP is proxied; UDP/SCTP ports are logged once and skipped.
import { createServer, type Server, type Socket } from 'node:net';
import type { Endpoints, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/types.js';
import { parsePortsAnnotation } from '../api/pod-ports.js';
import { PORTS as PORTS_ANNOTATION } from '../api/meta.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { DONE, type Reconciler, type Result } from '../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../reconcile/logger.js';
import type { EventSink } from '../reconcile/events.js';
import { nodePortOwners, usesNodePorts } from '../api/service-ports.js';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS, RoundRobin, type Backend } from './round-robin.js';
import { proxyConnection } from './tcp-proxy.js';
import { PodServiceIndex } from './pod-services.js';

type ServiceObj = Service & KubeObject;
type EndpointsObj = Endpoints & KubeObject;
type PodObj = Pod & KubeObject;

export interface ServiceProxyOptions {
  store: Store;
  clock: Clock;
  log?: Logger;
  /** Warning Events about ports that cannot be bound (component "kube-proxy") */
  events?: EventSink;
  /** address the listeners bind (config proxyBindAddress; default 127.0.0.1) */
  bindAddress?: string;
  /** the port actually bound for a nodePort (tests: () => 0, an ephemeral port); default: the nodePort */
  listenPort?: (nodePort: number) => number;
  /** per connection attempt (default 3 000 ms) */
  connectTimeoutMs?: number;
  /** see tcp-proxy.ts (default 2 000 ms) */
  retryWindowMs?: number;
  /** an endpoint a connect failed on is skipped this long (default 2 000 ms) */
  failurePenaltyMs?: number;
  /** retry a port that could not be bound after this long (default 10 000 ms) */
  bindRetryMs?: number;
}

const isLoopback = (ip: string | undefined): boolean => !!ip && (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === '::1');
const isPodReady = (pod: PodObj): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';

/** Why an Endpoints address gives no backend (for the debug log). */
export type SkipReason = 'pod-gone' | 'pod-not-ready' | 'pod-terminating' | 'port-not-published' | 'not-loopback';

/**
 * The backends of one Service port: the Endpoints' ready addresses whose pods are (still) ready and not
 * terminating, each at the loopback host port its pod publishes for the resolved container port. Pure.
 */
export function serviceBackends(
  svcPort: ServicePort,
  endpoints: EndpointsObj | undefined,
  pods: ReadonlyMap<string, PodObj>,
  skipped?: (ip: string, reason: SkipReason) => void,
  /** 'podIP': pod IP + container port, for the in-cluster gateways (container to container); hand-written
   *  addresses are skipped there (a loopback address would be the gateway itself) */
  via: 'loopback' | 'podIP' = 'loopback',
): Backend[] {
  const proto = svcPort.protocol ?? 'TCP';
  const out: Backend[] = [];
  const seen = new Set<string>();
  for (const ss of endpoints?.subsets ?? []) {
    const ports = ss.ports ?? [];
    // a subset offers this Service port under the same name (a single unnamed port matches an unnamed one)
    const ep = ports.find((p) => (p.name ?? '') === (svcPort.name ?? '') && (p.protocol ?? 'TCP') === proto);
    if (!ep?.port) continue;
    for (const a of ss.addresses ?? []) {
      const ref = a.targetRef;
      let b: Backend | undefined;
      if (ref?.kind === 'Pod' && ref.name) {
        const pod = pods.get(ref.name);
        if (!pod || (ref.uid && pod.metadata.uid !== ref.uid)) {
          skipped?.(a.ip, 'pod-gone');
          continue;
        }
        if (pod.metadata.deletionTimestamp) {
          skipped?.(a.ip, 'pod-terminating');
          continue;
        }
        if (!isPodReady(pod)) {
          skipped?.(a.ip, 'pod-not-ready');
          continue;
        }
        if (via === 'podIP') {
          b = { id: pod.metadata.uid ?? `${ref.namespace}/${ref.name}`, host: a.ip, port: ep.port, name: pod.metadata.name };
          if (seen.has(b.id)) continue;
          seen.add(b.id);
          out.push(b);
          continue;
        }
        const m = parsePortsAnnotation(pod.metadata.annotations?.[PORTS_ANNOTATION]).find(
          (x) => x.containerPort === ep.port && (x.protocol ?? 'TCP') === proto && isLoopback(x.hostIP ?? '127.0.0.1'),
        );
        if (!m) {
          skipped?.(a.ip, 'port-not-published');
          continue;
        }
        b = { id: pod.metadata.uid ?? `${ref.namespace}/${ref.name}`, host: m.hostIP ?? '127.0.0.1', port: m.hostPort, name: pod.metadata.name };
      } else if (via === 'loopback' && isLoopback(a.ip)) {
        b = { id: `${a.ip}:${ep.port}`, host: a.ip, port: ep.port, name: `${a.ip}:${ep.port}` };
      } else {
        skipped?.(a.ip, 'not-loopback');
        continue;
      }
      if (seen.has(b.id)) continue;
      seen.add(b.id);
      out.push(b);
    }
  }
  return out.sort((x, y) => ((x.name ?? x.id) < (y.name ?? y.id) ? -1 : (x.name ?? x.id) > (y.name ?? y.id) ? 1 : 0));
}

/** One listener: <bind address>:<nodePort> of one Service port. */
class PortListener {
  readonly balancer: RoundRobin;
  private readonly server: Server;
  private readonly conns = new Set<{ destroy(): void }>();
  /** connections per backend id (draining is observable: tests, logs) */
  readonly active = new Map<string, number>();
  constructor(
    readonly svcKey: string,
    readonly nodePort: number,
    private readonly opts: { clock: Clock; log: Logger; connectTimeoutMs?: number; retryWindowMs?: number; failurePenaltyMs?: number },
  ) {
    this.balancer = new RoundRobin({ clock: opts.clock, ...(opts.failurePenaltyMs !== undefined ? { failurePenaltyMs: opts.failurePenaltyMs } : {}) });
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.onConnection(s));
    this.server.on('error', (e) => opts.log.warn(`service-proxy: ${svcKey}:${nodePort}: ${errMessage(e)}`));
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen({ host, port, exclusive: true }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  get boundPort(): number | undefined {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  /** Stops accepting; open connections finish (or are destroyed when `destroy`). */
  close(destroy: boolean): Promise<void> {
    if (destroy) for (const c of this.conns) c.destroy();
    return new Promise((r) => (this.server.listening ? this.server.close(() => r()) : r()));
  }

  private onConnection(sock: Socket): void {
    // the peer address costs a system call: only affinity needs it
    const clientIP = this.balancer.usesClientIP ? (sock.remoteAddress ?? '').replace(/^::ffff:/, '') : '';
    let counted: string | undefined;
    const release = (): void => {
      if (!counted) return;
      const n = (this.active.get(counted) ?? 1) - 1;
      if (n <= 0) this.active.delete(counted);
      else this.active.set(counted, n);
      counted = undefined;
    };
    const h = proxyConnection(sock, {
      pick: (tried) => this.balancer.pick(clientIP, tried),
      onFailure: (b, err) => {
        this.balancer.reportFailure(b.id);
        this.opts.log.debug(`service-proxy: ${this.svcKey}:${this.nodePort}: endpoint ${b.name ?? b.id} (${b.host}:${b.port}) failed: ${err.message}; trying the next`);
      },
      onCommitted: (b) => {
        this.balancer.reportSuccess(b.id);
        counted = b.id;
        this.active.set(b.id, (this.active.get(b.id) ?? 0) + 1);
      },
      onClose: () => {
        release();
        this.conns.delete(h);
      },
      ...(this.opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.opts.connectTimeoutMs } : {}),
      ...(this.opts.retryWindowMs !== undefined ? { retryWindowMs: this.opts.retryWindowMs } : {}),
    });
    this.conns.add(h);
  }
}

export class ServiceProxy implements Reconciler {
  readonly name = 'service-proxy';
  readonly watches = ['services', 'endpoints', 'pods'] as const;
  readonly concurrency = 1;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly events: EventSink | undefined;
  private readonly bindAddress: string;
  private readonly listenPort: (nodePort: number) => number;
  private readonly opts: ServiceProxyOptions;
  /** `${svcKey}|${nodePort}` → listener */
  private readonly listeners = new Map<string, PortListener>();
  private readonly podServices = new PodServiceIndex();
  /** problems already reported (bind failures, unsupported protocols), so each is logged once */
  private readonly reported = new Set<string>();
  private stopped = false;

  constructor(opts: ServiceProxyOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.clock = opts.clock;
    this.log = opts.log ?? NOP_LOGGER;
    this.events = opts.events;
    this.bindAddress = opts.bindAddress ?? '127.0.0.1';
    this.listenPort = opts.listenPort ?? ((p) => p);
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    const ns = nsOf(o);
    switch (o.kind) {
      case 'Service':
      case 'Endpoints':
        return [objectKey({ resource: 'services', namespace: ns, name: o.metadata.name })];
      case 'Pod':
        return this.podServices.servicesOf(ns, o.metadata.name);
      default:
        return [];
    }
  }

  async resyncKeys(): Promise<string[]> {
    const keys = new Set<string>();
    for (const s of (await this.store.list<ServiceObj>('services')).items)
      if (usesNodePorts(s)) keys.add(objectKey({ resource: 'services', namespace: nsOf(s), name: s.metadata.name }));
    for (const l of this.listeners.values()) keys.add(l.svcKey);
    return [...keys];
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'services' || !ref.namespace || this.stopped) return DONE;
    const ns = ref.namespace;
    const svc = await this.store.tryGet<ServiceObj>(ref);
    if (!svc || svc.metadata.deletionTimestamp || !usesNodePorts(svc)) {
      await this.closeListeners(key, new Set());
      this.podServices.set(key, undefined);
      return DONE;
    }
    const owners = nodePortOwners((await this.store.list<ServiceObj>('services')).items);
    const endpoints = await this.store.tryGet<EndpointsObj>({ resource: 'endpoints', namespace: ns, name: ref.name });
    const pods = new Map((await this.store.list<PodObj>('pods', { namespace: ns })).items.map((p) => [p.metadata.name, p] as const));
    this.podServices.set(key, endpoints);
    const affinity =
      svc.spec?.sessionAffinity === 'ClientIP' ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS) : undefined;

    const wanted = new Set<string>();
    let retryAfter: number | undefined;
    for (const sp of svc.spec?.ports ?? []) {
      const np = sp.nodePort ?? 0;
      if (np <= 0) continue;
      const proto = sp.protocol ?? 'TCP';
      if (proto !== 'TCP') {
        this.once(`${key}|${np}|proto`, () => this.log.warn(`service-proxy: ${key}: port ${sp.port}/${proto}: only TCP is proxied; skipped`));
        continue;
      }
      if (owners.get(np) !== `${ns}/${ref.name}`) continue; // another (older) Service holds it
      const lkey = `${key}|${np}`;
      wanted.add(lkey);
      const backends = serviceBackends(sp, endpoints, pods, (ip, why) => this.log.debug(`service-proxy: ${key}:${np}: endpoint ${ip} skipped (${why})`));
      let l = this.listeners.get(lkey);
      if (!l) {
        l = new PortListener(key, np, {
          clock: this.clock,
          log: this.log,
          connectTimeoutMs: this.opts.connectTimeoutMs,
          retryWindowMs: this.opts.retryWindowMs,
          failurePenaltyMs: this.opts.failurePenaltyMs,
        });
        l.balancer.setAffinity(affinity);
        l.balancer.setBackends(backends);
        try {
          await l.listen(this.bindAddress, this.listenPort(np));
        } catch (e) {
          await l.close(true);
          const msg = `cannot listen on ${this.bindAddress}:${np}: ${errMessage(e)}`;
          this.once(`${lkey}|bind|${msg}`, () => {
            this.log.warn(`service-proxy: ${key}: ${msg} (retrying)`);
            void this.events?.event(svc, 'Warning', 'FailedToBindNodePort', msg);
          });
          retryAfter = this.opts.bindRetryMs ?? 10_000;
          wanted.delete(lkey);
          continue;
        }
        this.listeners.set(lkey, l);
        for (const id of [...this.reported]) if (id.startsWith(`${lkey}|bind|`)) this.reported.delete(id);
        this.log.info(`service-proxy: ${key}: listening on ${this.bindAddress}:${np} → ${describeBackends(backends)}`);
      } else {
        const before = describeBackends(l.balancer.backends);
        l.balancer.setAffinity(affinity);
        l.balancer.setBackends(backends);
        const after = describeBackends(backends);
        if (before !== after) this.log.info(`service-proxy: ${key}:${np} → ${after}`);
      }
    }
    await this.closeListeners(key, wanted);
    return retryAfter === undefined ? DONE : { requeueAfterMs: retryAfter };
  }

  /** The port a Service's nodePort listener is bound to (tests with listenPort () => 0; diagnostics). */
  boundPort(svcKey: string, nodePort: number): number | undefined {
    return this.listeners.get(`${svcKey}|${nodePort}`)?.boundPort;
  }

  /** The endpoints a listener picks from now, and its open connections per endpoint (tests, diagnostics). */
  listenerState(svcKey: string, nodePort: number): { backends: readonly Backend[]; active: ReadonlyMap<string, number> } | undefined {
    const l = this.listeners.get(`${svcKey}|${nodePort}`);
    return l && { backends: l.balancer.backends, active: l.active };
  }

  /**
   * Drain before SIGTERM: resolves once no listener offers the pod (uid) to new connections and none of the
   * connections it proxied to the pod is still open — or at `deadlineMs` (clock time), whichever is first.
   */
  async drained(podUid: string, deadlineMs: number, pollMs = 50): Promise<void> {
    const busy = (): boolean =>
      [...this.listeners.values()].some((l) => l.balancer.backends.some((b) => b.id === podUid) || (l.active.get(podUid) ?? 0) > 0);
    while (!this.stopped && busy() && this.clock.now().getTime() < deadlineMs)
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadlineMs - this.clock.now().getTime()))));
  }

  /** Closes every listener and the connections still open. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => l.close(true)));
  }

  private async closeListeners(svcKey: string, keep: ReadonlySet<string>): Promise<void> {
    for (const [lkey, l] of [...this.listeners]) {
      if (l.svcKey !== svcKey || keep.has(lkey)) continue;
      this.listeners.delete(lkey);
      // open connections are left to finish
      await l.close(false);
      this.log.info(`service-proxy: ${svcKey}: stopped listening on ${this.bindAddress}:${l.nodePort}`);
    }
  }

  private once(id: string, fn: () => void): void {
    if (this.reported.has(id)) return;
    this.reported.add(id);
    fn();
  }
}

function describeBackends(bs: readonly Backend[]): string {
  return bs.length ? bs.map((b) => `${b.name ?? b.id}@${b.host}:${b.port}`).join(', ') : '<no ready endpoints>';
}
