// Discovery from inside pods: names, the gateway's endpoint set, the service variables, and the
// ServiceGateways reconciler over a MemoryStore + FakeRuntime (what it asks the engine for).
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import { EndpointsController } from '../../../src/controllers/endpoints/endpoints-controller.js';
import type { PodObj } from '../../../src/controllers/endpoints/endpoints.js';
import { gatewayConfig, gatewayName, namespaceNetwork, podAliases, serviceAliases, wantsGateway, type GatewayConfig } from '../../../src/proxy/in-cluster/config.js';
import { serviceEnvVars } from '../../../src/proxy/in-cluster/service-env.js';
import { ServiceGateways } from '../../../src/proxy/in-cluster/gateway-controller.js';
import type { GatewayFiles } from '../../../src/proxy/in-cluster/gateway-host.js';
import { pod, service } from '../controllers/endpoints/fixtures.js';

/** creates the pod with its status (the store's create keeps no status) */
async function addPod(store: MemoryStore, p: PodObj): Promise<PodObj> {
  const { status, ...rest } = p;
  const created = await store.create<PodObj>({ ...rest, metadata: { ...rest.metadata, uid: undefined, deletionTimestamp: undefined } } as PodObj);
  return store.updateStatus<PodObj>({ ...created, status });
}

describe('names', () => {
  it('namespace networks and gateways carry the cluster id, so two homes on one engine never share them', () => {
    expect(namespaceNetwork('f27a442b-1111-2222', 'default')).toBe('kctl.f27a442b.default');
    expect(namespaceNetwork(undefined, 'dev')).toBe('kctl.dev');
    expect(gatewayName('f27a442b-1111', 'default', 'web')).toBe('kctl_svc_web_default_f27a442b');
  });

  it('a Service answers to all four forms on its own network, to the qualified ones elsewhere', () => {
    expect(serviceAliases('default', 'web', true)).toEqual(['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local']);
    expect(serviceAliases('default', 'web', false)).toEqual(['web.default', 'web.default.svc', 'web.default.svc.cluster.local']);
  });

  it('a pod with hostname and subdomain gets its stable names; without both, none', () => {
    const p = { metadata: { name: 'db-0', namespace: 'prod' }, spec: { hostname: 'db-0', subdomain: 'db', containers: [] } };
    expect(podAliases(p)).toEqual(['db-0.db', 'db-0.db.prod', 'db-0.db.prod.svc', 'db-0.db.prod.svc.cluster.local']);
    expect(podAliases({ ...p, spec: { hostname: 'db-0', containers: [] } })).toEqual([]);
  });

  it('ExternalName Services and UDP-only ones get no gateway; headless ones do (their name reaches ready pods)', () => {
    expect(wantsGateway(service('web'))).toBe(true);
    expect(wantsGateway(service('web', { clusterIP: 'None' }))).toBe(true);
    expect(wantsGateway(service('web', { type: 'ExternalName' }))).toBe(false);
    expect(wantsGateway(service('dns', { ports: [{ port: 53, protocol: 'UDP' }] }))).toBe(false);
  });
});

describe('gatewayConfig', () => {
  it('lists ready, not terminating pods at pod IP : container port, per Service port', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const store = new MemoryStore({ clock });
    const ready = pod('a', { ip: '172.20.0.2', ready: true });
    const notReady = pod('b', { ip: '172.20.0.3', ready: false });
    const leaving = pod('c', { ip: '172.20.0.4', ready: true, deleting: true });
    const svc = service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }], sessionAffinity: 'ClientIP' });
    const stored = [];
    for (const p of [ready, notReady, leaving]) stored.push(await addPod(store, p));
    await store.create(svc);
    await new EndpointsController({ store, clock }).reconcile('services/default/web');
    const ep = await store.get({ resource: 'endpoints', namespace: 'default', name: 'web' });
    // terminating is decided on the pod as it is now (the endpoints controller may still list it)
    const pods = new Map(stored.map((p) => [p.metadata.name, p.metadata.name === 'c' ? { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } } : p] as const));
    const cfg = gatewayConfig(svc, ep as never, pods);
    expect(cfg.ports).toHaveLength(1);
    expect(cfg.ports[0]!.port).toBe(80);
    expect(cfg.ports[0]!.backends.map((b) => `${b.name}@${b.host}:${b.port}`)).toEqual(['a@172.20.0.2:8080']);
    expect(cfg.affinityTimeoutSeconds).toBe(10800);
  });
});

describe('serviceEnvVars (upstream envvars.FromServices)', () => {
  const client = { metadata: { name: 'client', namespace: 'default' }, spec: { containers: [] } };
  const svcs = [
    service('redis-primary', { ports: [{ port: 6379 }] }),
    service('web', { ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] }),
    service('other-ns', { ns: 'prod', ports: [{ port: 1 }] }),
    service('headless', { clusterIP: 'None', ports: [{ port: 2 }] }),
  ].map((s) => ({ ...s, spec: { ...s.spec, clusterIP: s.spec?.clusterIP ?? '10.96.0.9' } }));

  it('gives HOST/PORT, named ports and the Docker link variables of the pod namespace\'s Services with an address', () => {
    const env = serviceEnvVars(client, svcs, (s) => (s.metadata?.name === 'web' ? '172.20.0.9' : undefined));
    expect(env).toMatchObject({
      WEB_SERVICE_HOST: '172.20.0.9',
      WEB_SERVICE_PORT: '80',
      WEB_SERVICE_PORT_HTTP: '80',
      WEB_SERVICE_PORT_METRICS: '9090',
      WEB_PORT: 'tcp://172.20.0.9:80',
      WEB_PORT_80_TCP: 'tcp://172.20.0.9:80',
      WEB_PORT_80_TCP_PROTO: 'tcp',
      WEB_PORT_80_TCP_PORT: '80',
      WEB_PORT_80_TCP_ADDR: '172.20.0.9',
      WEB_PORT_9090_TCP_ADDR: '172.20.0.9',
      // a gateway not up yet: its DNS name, which works as well
      REDIS_PRIMARY_SERVICE_HOST: 'redis-primary.default.svc.cluster.local',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
    });
    expect(Object.keys(env).some((k) => k.startsWith('OTHER_NS') || k.startsWith('HEADLESS'))).toBe(false);
  });

  it('gives nothing when enableServiceLinks is false', () => {
    expect(serviceEnvVars({ ...client, spec: { containers: [], enableServiceLinks: false } }, svcs, () => undefined)).toEqual({});
  });
});

class MemFiles implements GatewayFiles {
  readonly configs = new Map<string, GatewayConfig & { version: number }>();
  acked = new Map<string, number>();
  writes = 0;
  async write(ns: string, name: string, text: string): Promise<string> {
    this.writes++;
    this.configs.set(`${ns}/${name}`, JSON.parse(text) as GatewayConfig & { version: number });
    return `/run/gateways/${ns}/${name}`;
  }
  async ack(ns: string, name: string): Promise<number | undefined> {
    return this.acked.get(`${ns}/${name}`);
  }
  async remove(ns: string, name: string): Promise<void> {
    this.configs.delete(`${ns}/${name}`);
  }
}

describe('ServiceGateways', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let runtime: FakeRuntime;
  let files: MemFiles;
  let gw: ServiceGateways;
  const KEY = 'services/default/web';
  const command = (dir: string) => ({ command: ['/kctl/node', '/kctl/gateway.mjs'], binds: [{ hostPath: dir, containerPath: '/kctl/config' }] });

  beforeEach(async () => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    store = new MemoryStore({ clock });
    runtime = new FakeRuntime({ clock });
    files = new MemFiles();
    gw = new ServiceGateways({ store, runtime, clock, files, cluster: 'abcdef12-0000', command });
    await addPod(store, pod('web-1', { ip: '172.20.0.2', ready: true }));
    await store.create(service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    await new EndpointsController({ store, clock }).reconcile(KEY);
  });

  it('runs one gateway per Service with its names on the namespace network, and its ready endpoints', async () => {
    await gw.reconcile(KEY);
    const h = runtime.helpers.get('kctl_svc_web_default_abcdef12')!;
    expect(h).toBeDefined();
    expect(h.config.networks).toEqual({ 'kctl.abcdef12.default': ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local'] });
    expect(h.labels['kctl.io/service']).toBe('default.web');
    expect(files.configs.get('default/web')!.ports[0]!.backends.map((b) => `${b.host}:${b.port}`)).toEqual(['172.20.0.2:8080']);
    expect(gw.serviceHost('default', 'web', 'default')).toBe(h.addresses['kctl.abcdef12.default']);
  });

  it('a second pass with nothing changed writes nothing and asks the engine for nothing', async () => {
    await gw.reconcile(KEY);
    const writes = files.writes;
    const calls = runtime.calls.length;
    await gw.reconcile(KEY);
    expect(files.writes).toBe(writes);
    expect(runtime.calls.length).toBe(calls);
  });

  it('a pod that turns not-ready leaves the config at once; the Service\'s deletion removes the gateway', async () => {
    await gw.reconcile(KEY);
    const p = await store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'web-1' });
    await store.updateStatus<PodObj>({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } });
    await gw.reconcile(KEY);
    expect(files.configs.get('default/web')!.ports[0]!.backends).toEqual([]);
    await store.delete({ resource: 'services', namespace: 'default', name: 'web' });
    await gw.reconcile(KEY);
    expect(runtime.helpers.size).toBe(0);
    expect(files.configs.size).toBe(0);
  });

  it('joins the network of another namespace with pods, answering only to the qualified names there', async () => {
    await gw.reconcile(KEY);
    const keys = gw.keysFor({ type: 'ADDED', object: pod('client', { ns: 'dev' }) } as never);
    expect(keys).toContain(KEY);
    await gw.reconcile(KEY);
    expect(runtime.helpers.get('kctl_svc_web_default_abcdef12')!.config.networks['kctl.abcdef12.dev']).toEqual([
      'web.default',
      'web.default.svc',
      'web.default.svc.cluster.local',
    ]);
  });

  it('a gateway removed behind its back (docker rm) is run again at the next resync', async () => {
    await gw.reconcile(KEY);
    await runtime.removeHelper('kctl_svc_web_default_abcdef12');
    for (const k of await gw.resyncKeys()) await gw.reconcile(k);
    expect(runtime.helpers.has('kctl_svc_web_default_abcdef12')).toBe(true);
    expect(gw.serviceHost('default', 'web', 'default')).toBe(runtime.helpers.get('kctl_svc_web_default_abcdef12')!.addresses['kctl.abcdef12.default']);
  });

  it('a namespace whose pods are all gone: gateways leave its network, which is removed', async () => {
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
    await addPod(store, pod('client', { ns: 'dev', ip: '172.21.0.2' }));
    for (const k of await gw.resyncKeys()) await gw.reconcile(k);
    expect(Object.keys(runtime.helpers.get('kctl_svc_web_default_abcdef12')!.config.networks)).toContain('kctl.abcdef12.dev');
    await store.delete({ resource: 'pods', namespace: 'dev', name: 'client' }, { gracePeriodSeconds: 0 });
    const keys = await gw.resyncKeys();
    expect(keys).toContain('namespaces/dev');
    for (const k of keys) await gw.reconcile(k);
    expect(Object.keys(runtime.helpers.get('kctl_svc_web_default_abcdef12')!.config.networks)).toEqual(['kctl.abcdef12.default']);
    expect(runtime.callsTo('removeNetwork')).toContainEqual(['kctl.abcdef12.dev']);
  });

  it('drained() waits until the gateway acknowledged a config without the pod', async () => {
    await gw.reconcile(KEY);
    const uid = (await store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'web-1' })).metadata.uid!;
    const p = await store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'web-1' });
    await store.updateStatus<PodObj>({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } });
    await gw.reconcile(KEY);
    let done = false;
    const d = gw.drained('default', uid, clock.now().getTime() + 60_000, 60_000).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 120));
    expect(done).toBe(false);
    files.acked.set('default/web', files.configs.get('default/web')!.version);
    await d;
    expect(done).toBe(true);
  });
});
