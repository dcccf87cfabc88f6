// The Service loops as the composition root runs them: a Cluster (MemoryStore, FakeRuntime, real runner and
// scheduler, a kubelet stand-in that publishes a loopback port per pod) with SERVICE_CONTROLLERS, and with a
// proxy bound to ephemeral ports for the traffic test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import { Cluster, SERVICE_CONTROLLERS, type ControllerDeps } from '../../../src/cluster/cluster.js';
import { configFrom } from '../../../src/cluster/config.js';
import { DONE, type Reconciler, type Result } from '../../../src/reconcile/reconciler.js';
import { objectKey, parseObjectKey, refOf, type Store, type WatchEvent } from '../../../src/store/store.js';
import { ServiceAllocator } from '../../../src/controllers/service/service-allocator.js';
import { EndpointsController } from '../../../src/controllers/endpoints/endpoints-controller.js';
import { ServiceProxy } from '../../../src/proxy/proxier.js';
import type { EndpointsObj, PodObj, ServiceObj } from '../../../src/controllers/endpoints/endpoints.js';
import { request, upstream, type Upstream } from './helpers.js';

/** Runs every bound pod: podIP, Ready, and the kctl.io/ports annotation pointing at `hostPorts[pod name]`. */
class PublishingKubelet implements Reconciler {
  readonly name = 'kubelet';
  readonly watches = ['pods'];
  private readonly ips = new Map<string, string>();
  constructor(
    private readonly store: Store,
    private readonly hostPorts: Record<string, number>,
  ) {}
  keysFor(ev: WatchEvent<KubeObject>): string[] {
    return ev.type === 'DELETED' ? [] : [objectKey(refOf(ev.object))];
  }
  async resyncKeys(): Promise<string[]> {
    return [];
  }
  async reconcile(key: string): Promise<Result> {
    let p = await this.store.tryGet<PodObj>(parseObjectKey(key));
    if (!p?.spec?.nodeName || p.status?.phase === 'Running') return DONE;
    const hp = this.hostPorts[p.metadata.name];
    if (hp && !p.metadata.annotations?.['kctl.io/ports'])
      p = await this.store.update<PodObj>({
        ...p,
        metadata: { ...p.metadata, annotations: { 'kctl.io/ports': JSON.stringify([{ containerPort: 8080, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: hp }]) } },
      });
    await this.store.updateStatus<PodObj>({
      ...p,
      status: { phase: 'Running', podIP: this.ipOf(p.metadata.name), conditions: [{ type: 'Ready', status: 'True' }] },
    });
    return DONE;
  }
  private ipOf(name: string): string {
    if (!this.ips.has(name)) this.ips.set(name, `172.30.0.${this.ips.size + 2}`);
    return this.ips.get(name)!;
  }
}

const podManifest = (name: string): PodObj =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'httpd', ports: [{ name: 'http', containerPort: 8080 }] }] },
  }) as PodObj;

describe('Service controllers in a Cluster', () => {
  const clusters: Cluster[] = [];
  const ups: Upstream[] = [];
  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.stop()));
    await Promise.all(ups.splice(0).map((u) => u.close()));
  });

  async function start(controllers: ((d: ControllerDeps) => Reconciler)[], hostPorts: Record<string, number> = {}) {
    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const store = new MemoryStore({ clock });
    const config = configFrom(mkdtempSync(join(tmpdir(), 'kctl-home-')), { KCTL_RESYNC_PERIOD_MS: '0' }, {}, { hostName: 'test-host' });
    const cluster = new Cluster({ config, store, runtime: new FakeRuntime({ clock }), clock, kubelet: (d) => new PublishingKubelet(d.store, hostPorts), controllers });
    clusters.push(cluster);
    await cluster.start();
    return { store, cluster };
  }

  it('SERVICE_CONTROLLERS allocate the ClusterIP and keep the Endpoints in step', async () => {
    const { store, cluster } = await start(SERVICE_CONTROLLERS);
    expect(cluster.runner.names).toEqual(expect.arrayContaining(['service-allocator', 'endpoints', 'service-proxy']));
    await store.create<ServiceObj>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
    });
    await store.create(podManifest('web-a'));
    await vi.waitFor(
      async () => {
        const ep = await store.tryGet<EndpointsObj>({ resource: 'endpoints', namespace: 'default', name: 'web' });
        expect(ep?.subsets?.[0]?.addresses?.map((a) => `${a.targetRef?.name} ${a.ip} ${a.nodeName}`)).toEqual(['web-a 172.30.0.2 test-host']);
        expect(ep?.subsets?.[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
      },
      { timeout: 5_000 },
    );
    expect((await store.get<ServiceObj>({ resource: 'services', namespace: 'default', name: 'web' })).spec?.clusterIP).toMatch(/^10\./);
  });

  it('traffic to the nodePort reaches the pods through the runner; stopping the cluster closes the listener', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    ups.push(a, b);
    let proxy: ServiceProxy | undefined;
    const { store, cluster } = await start(
      [
        (d) => new ServiceAllocator({ store: d.store, clock: d.clock, log: d.log }),
        (d) => new EndpointsController({ store: d.store, clock: d.clock, log: d.log }),
        (d) => (proxy = new ServiceProxy({ store: d.store, clock: d.clock, log: d.log, listenPort: () => 0 })),
      ],
      { 'web-a': a.port, 'web-b': b.port },
    );
    await store.create<ServiceObj>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
    });
    await store.create(podManifest('web-a'));
    await store.create(podManifest('web-b'));
    const port = await vi.waitFor(
      async () => {
        const svc = await store.get<ServiceObj>({ resource: 'services', namespace: 'default', name: 'web' });
        const np = svc.spec?.ports?.[0]?.nodePort;
        expect(np).toBeGreaterThanOrEqual(30000);
        const state = proxy!.listenerState('services/default/web', np!);
        expect(state?.backends.map((x) => x.name)).toEqual(['web-a', 'web-b']);
        return proxy!.boundPort('services/default/web', np!)!;
      },
      { timeout: 5_000 },
    );
    const got = [await request(port), await request(port), await request(port), await request(port)].map((r) => r.data).sort();
    expect(got).toEqual(['a:ping\n', 'a:ping\n', 'b:ping\n', 'b:ping\n']);
    await cluster.stop();
    expect((await request(port)).error).toBe('ECONNREFUSED');
  });
});
