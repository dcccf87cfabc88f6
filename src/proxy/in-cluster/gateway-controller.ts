// ServiceGateways: the reconciler that keeps one gateway container per Service (see config.ts for the
// design). For each Service it writes the ready endpoints to the gateway's config.json and makes sure the
// container runs with the Service's DNS names as network aliases — on the Service's namespace network, and
// with the qualified names on the networks of the other namespaces that have pods.
//
// Pods are gated as the host proxy gates them (ready, not terminating) from the first event about them.
// `serviceHost()` gives the gateway's address on a namespace's network, for the *_SERVICE_HOST variables.
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { GATEWAY_SERVICE_LABEL } from '../../api/meta.js';
import type { KubeObject } from '../../api/types.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { isRuntimeConflict, type EngineNetworks, type HelperConfig, type HelperContainers, type HelperStatus } from '../../runtime/runtime.js';
import type { Clock } from '../../util/clock.js';
import { DONE, NOP_LOGGER, type Logger, type Reconciler, type Result } from '../../controllers/reconciler.js';
import { gatewayConfig, gatewayName, namespaceNetwork, serviceAliases, wantsGateway } from './config.js';
import { nodeGatewayCommand, type GatewayFiles } from './gateway-host.js';
import { PodServiceIndex } from '../pod-services.js';

type ServiceObj = Service & KubeObject;
type EndpointsObj = Endpoints & KubeObject;
type PodObj = Pod & KubeObject;

/** Label on a gateway container: the Service it serves, `<namespace>.<name>`. */
export { GATEWAY_SERVICE_LABEL } from '../../api/meta.js';

export interface ServiceGatewayOptions {
  store: Store;
  runtime: HelperContainers & Pick<EngineNetworks, 'removeNetwork'>;
  clock: Clock;
  files: GatewayFiles;
  /** the home's cluster id (names of networks and gateways) */
  cluster: string | undefined;
  log?: Logger;
  /** command + binds of the gateway for a config folder (default: the host's node running dist/gateway) */
  command?: (configDir: string) => Pick<HelperConfig, 'command' | 'binds'>;
}

const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const namespaceKey = (ns: string): string => objectKey({ resource: 'namespaces', name: ns });

export class ServiceGateways implements Reconciler {
  readonly name = 'service-gateway';
  readonly watches = ['services', 'endpoints', 'pods'] as const;
  readonly concurrency = 2;
  private readonly log: Logger;
  private readonly podServices = new PodServiceIndex();
  /** Service key → last config text written (with its version and the pods it routes to) */
  private readonly written = new Map<string, { text: string; version: number; uids: Set<string> }>();
  /** Service key → pod uid → the last config version that routed to the pod */
  private readonly lastWith = new Map<string, Map<string, number>>();
  /** Service key → the gateway's addresses per network */
  private readonly addresses = new Map<string, Record<string, string>>();
  /** namespaces that have (had) pods: their networks carry the qualified names of every Service */
  private readonly podNamespaces = new Set<string>();
  private readonly services = new Set<string>();
  private version = 0;

  constructor(private readonly opts: ServiceGatewayOptions) {
    this.log = opts.log ?? NOP_LOGGER;
    this.version = opts.clock.now().getTime();
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    const ns = nsOf(o);
    switch (o.kind) {
      case 'Service':
      case 'Endpoints':
        return [objectKey({ resource: 'services', namespace: ns, name: o.metadata.name })];
      case 'Pod': {
        const keys = this.podServices.servicesOf(ns, o.metadata.name);
        // the first pod of a namespace: every gateway joins that namespace's network
        if (!this.podNamespaces.has(ns) && ev.type !== 'DELETED') {
          this.podNamespaces.add(ns);
          keys.push(...this.services);
        }
        return keys;
      }
      default:
        return [];
    }
  }

  async resyncKeys(): Promise<string[]> {
    const keys = new Set<string>();
    for (const s of (await this.opts.store.list<ServiceObj>('services')).items) keys.add(objectKey({ resource: 'services', namespace: nsOf(s), name: s.metadata.name }));
    const live = new Set((await this.opts.store.list<PodObj>('pods')).items.map(nsOf));
    // a namespace without pods any more: its network is given up (gateways leave it, then it is removed)
    for (const ns of [...this.podNamespaces]) {
      if (live.has(ns)) continue;
      this.podNamespaces.delete(ns);
      keys.add(namespaceKey(ns));
    }
    for (const ns of live) this.podNamespaces.add(ns);
    const seen = new Map<string, HelperStatus>();
    for (const h of await this.opts.runtime.listHelpers()) {
      const v = h.labels[GATEWAY_SERVICE_LABEL];
      const dot = v?.indexOf('.') ?? -1;
      if (!v || dot <= 0) continue;
      const key = objectKey({ resource: 'services', namespace: v.slice(0, dot), name: v.slice(dot + 1) });
      keys.add(key);
      seen.set(key, h);
    }
    // a gateway stopped, removed or re-addressed behind our back (docker rm/stop, an engine restart) is
    // run again by the next pass, and its addresses read afresh
    for (const [key, addrs] of [...this.addresses]) {
      const h = seen.get(key);
      if (!h || !h.running || JSON.stringify(h.addresses) !== JSON.stringify(addrs)) this.addresses.delete(key);
    }
    return [...keys];
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource === 'namespaces' && ref.name) return this.releaseNetwork(ref.name);
    if (ref.resource !== 'services' || !ref.namespace) return DONE;
    const ns = ref.namespace;
    const { store, runtime, cluster, files } = this.opts;
    const name = gatewayName(cluster, ns, ref.name);
    const svc = await store.tryGet<ServiceObj>(ref);
    if (!svc || svc.metadata.deletionTimestamp || !wantsGateway(svc)) {
      this.services.delete(key);
      this.podServices.set(key, undefined);
      if (this.written.has(key) || this.addresses.has(key) || (await runtime.listHelpers({ [GATEWAY_SERVICE_LABEL]: `${ns}.${ref.name}` })).length) {
        await runtime.removeHelper(name);
        await files.remove(ns, ref.name);
        this.written.delete(key);
        this.lastWith.delete(key);
        this.addresses.delete(key);
        this.log.info(`service-gateway: ${key}: removed ${name}`);
      }
      return DONE;
    }
    this.services.add(key);
    const endpoints = await store.tryGet<EndpointsObj>({ resource: 'endpoints', namespace: ns, name: ref.name });
    const pods = new Map((await store.list<PodObj>('pods', { namespace: ns })).items.map((p) => [p.metadata.name, p] as const));
    this.podServices.set(key, endpoints);

    const cfg = gatewayConfig(svc, endpoints, pods);
    const text = JSON.stringify(cfg);
    const prev = this.written.get(key);
    let dir: string | undefined;
    if (prev?.text !== text) {
      // above what the gateway acknowledged last (a previous controller's numbering, a clock that stepped back)
      const version = (this.version = Math.max(this.version + 1, prev ? 0 : ((await files.ack(ns, ref.name)) ?? 0) + 1));
      dir = await files.write(ns, ref.name, JSON.stringify({ ...cfg, version }));
      const uids = new Set(cfg.ports.flatMap((p) => p.backends.map((b) => b.id)));
      this.written.set(key, { text, version, uids });
      let m = this.lastWith.get(key);
      if (!m) this.lastWith.set(key, (m = new Map()));
      for (const u of uids) m.set(u, version);
      const live = new Set([...pods.values()].map((p) => p.metadata.uid));
      for (const u of [...m.keys()]) if (!live.has(u)) m.delete(u); // gone from the store: nothing to drain
    }

    const networks: Record<string, string[]> = { [namespaceNetwork(cluster, ns)]: serviceAliases(ns, ref.name, true) };
    for (const other of this.podNamespaces) if (other !== ns) networks[namespaceNetwork(cluster, other)] = serviceAliases(ns, ref.name, false);
    const have = this.addresses.get(key);
    if (!have || Object.keys(networks).some((n) => !have[n]) || Object.keys(have).some((n) => !networks[n])) {
      // (re)check the container: a Service new to this process (adopted after a restart), or a network to join
      dir ??= await files.write(ns, ref.name, JSON.stringify({ ...cfg, version: this.written.get(key)!.version }));
      const command = (this.opts.command ?? nodeGatewayCommand)(dir);
      const h: HelperStatus = await runtime.runHelper({ name, ...command, networks, labels: { [GATEWAY_SERVICE_LABEL]: `${ns}.${ref.name}` } });
      if (!have) this.log.info(`service-gateway: ${key}: ${name} answers as ${serviceAliases(ns, ref.name, true).join(', ')}`);
      this.addresses.set(key, h.addresses);
    }
    return DONE;
  }

  /** A namespace's network once it has no pods: every gateway leaves it, then it is removed (retried while in use). */
  private async releaseNetwork(ns: string): Promise<Result> {
    if (this.podNamespaces.has(ns)) return DONE;
    if ((await this.opts.store.list<PodObj>('pods', { namespace: ns })).items.length) return DONE;
    const net = namespaceNetwork(this.opts.cluster, ns);
    for (const [key, addrs] of this.addresses) if (addrs[net] !== undefined) await this.reconcile(key);
    try {
      await this.opts.runtime.removeNetwork(net);
    } catch (e) {
      if (isRuntimeConflict(e)) return { requeueAfterMs: 5_000 }; // a sandbox still stopping
      throw e;
    }
    return DONE;
  }

  /** The gateway's address on the network of `podNamespace` (for *_SERVICE_HOST); undefined until it runs. */
  serviceHost(namespace: string, name: string, podNamespace: string): string | undefined {
    return this.addresses.get(objectKey({ resource: 'services', namespace, name }))?.[namespaceNetwork(this.opts.cluster, podNamespace)];
  }

  /**
   * Drain before SIGTERM: resolves once every gateway that routed to the pod has loaded a config without it
   * (its ack.json caught up) — or at `deadlineMs` (clock time). A gateway that does not answer is waited
   * for at most `maxAckWaitMs`.
   */
  async drained(ns: string, podUid: string, deadlineMs: number, maxAckWaitMs = 2_000): Promise<void> {
    const now = (): number => this.opts.clock.now().getTime();
    const limit = Math.min(deadlineMs, now() + maxAckWaitMs);
    for (const [key, m] of this.lastWith) {
      const ref = parseObjectKey(key);
      if (ref.namespace !== ns || !m.has(podUid)) continue;
      while (now() < limit) {
        const cur = this.written.get(key);
        if (!cur) break;
        // out of the config written last, and that config (or a later one) loaded by the gateway
        if (!cur.uids.has(podUid)) {
          const ack = await this.opts.files.ack(ns, ref.name);
          if (ack !== undefined && ack > (m.get(podUid) ?? 0)) {
            m.delete(podUid);
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
