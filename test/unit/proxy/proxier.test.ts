// ServiceProxy over a MemoryStore, with real sockets on 127.0.0.1 (ephemeral ports only: listenPort () => 0).
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';
import { EndpointsController } from '../../../src/controllers/endpoints/endpoints-controller.js';
import type { EndpointsObj, PodObj } from '../../../src/controllers/endpoints/endpoints.js';
import { ServiceProxy, serviceBackends } from '../../../src/proxy/proxier.js';
import { pod, service, type SvcOpts } from '../controllers/endpoints/fixtures.js';
import { answeredBy, closedPort, counts, request, upstream, type Upstream } from './helpers.js';

const KEY = 'services/default/web';
const NODE_PORT = 30080;

describe('ServiceProxy', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let proxy: ServiceProxy;
  let epc: EndpointsController;
  const ups: Upstream[] = [];

  beforeEach(() => {
    clock = new FakeClock('2026-01-01T00:00:00Z');
    store = new MemoryStore({ clock });
    proxy = new ServiceProxy({ store, clock, listenPort: () => 0, retryWindowMs: 2_000 });
    epc = new EndpointsController({ store, clock });
  });
  afterEach(async () => {
    await proxy.stop();
    await Promise.all(ups.splice(0).map((u) => u.close()));
  });

  async function up(name: string, b?: Parameters<typeof upstream>[1]): Promise<Upstream> {
    const u = await upstream(name, b);
    ups.push(u);
    return u;
  }
  async function addPod(name: string, hostPort: number, o: Parameters<typeof pod>[1] = {}): Promise<PodObj> {
    const p = pod(name, { hostPorts: { 8080: hostPort }, ...o });
    const { status, ...rest } = p;
    const created = await store.create<PodObj>({ ...rest, metadata: { ...rest.metadata, uid: undefined, deletionTimestamp: undefined } } as PodObj);
    return store.updateStatus<PodObj>({ ...created, status });
  }
  async function setReady(name: string, ready: boolean): Promise<void> {
    const p = await store.get<PodObj>({ resource: 'pods', namespace: 'default', name });
    await store.updateStatus<PodObj>({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
  }
  /** a NodePort Service, its Endpoints (by the controller), the proxy's listener: its bound port */
  async function serve(o: SvcOpts = {}, key = KEY): Promise<number> {
    const name = key.split('/')[2]!;
    if (!(await store.tryGet({ resource: 'services', namespace: 'default', name })))
      await store.create(service(name, { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: NODE_PORT }], ...o }));
    await epc.reconcile(key);
    await proxy.reconcile(key);
    const port = proxy.boundPort(key, o.ports?.[0]?.nodePort ?? NODE_PORT);
    if (!port) throw new Error('no listener');
    return port;
  }
  const many = async (port: number, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await request(port));
    return out;
  };

  it('balances connections round-robin over the ready endpoints, through their published ports', async () => {
    for (const n of ['a', 'b', 'c']) await addPod(n, (await up(n)).port);
    const port = await serve();
    const replies = await many(port, 6);
    expect(replies.map((r) => r.error)).toEqual(Array(6).fill(undefined));
    expect(replies.map((r) => r.data)).toEqual(['a:ping\n', 'b:ping\n', 'c:ping\n', 'a:ping\n', 'b:ping\n', 'c:ping\n']);
    // a pass without change keeps the listener
    await proxy.reconcile(KEY);
    expect(proxy.boundPort(KEY, NODE_PORT)).toBe(port);
  });

  it('drained(): resolves once the pod left the rotation and its open proxied connection closed, or at the deadline', async () => {
    // an endpoint that answers at once and keeps the connection open
    const held = new Set<Socket>();
    const srv = createServer((s) => {
      held.add(s);
      s.on('error', () => undefined);
      s.write('hi');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    try {
      const a = await addPod('a', (srv.address() as AddressInfo).port);
      const port = await serve();
      const client = connect(port, '127.0.0.1');
      await new Promise<void>((r) => client.once('data', () => r()));
      expect(proxy.listenerState(KEY, NODE_PORT)!.active.get(a.metadata.uid!)).toBe(1);

      let done = false;
      const d = proxy.drained(a.metadata.uid!, clock.now().getTime() + 60_000, 10).then(() => (done = true));
      await setReady('a', false);
      await proxy.reconcile(KEY);
      await new Promise((r) => setTimeout(r, 60));
      expect(done).toBe(false); // out of the rotation, but its connection is still open
      client.destroy();
      await d;
      expect(done).toBe(true);

      // a connection that never ends is waited for until the deadline only
      await setReady('a', true);
      await proxy.reconcile(KEY);
      const c2 = connect(port, '127.0.0.1');
      await new Promise<void>((r) => c2.once('data', () => r()));
      const d2 = proxy.drained(a.metadata.uid!, clock.now().getTime() + 5_000, 10);
      clock.advance(5_000);
      await d2;
      c2.destroy();
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => srv.close(r));
    }
  });

  it('moves on to the next endpoint when a connect is refused', async () => {
    await addPod('a', (await up('a')).port);
    await addPod('b', await closedPort());
    await addPod('c', (await up('c')).port);
    const port = await serve();
    const replies = await many(port, 6);
    expect(replies.filter((r) => r.error || !r.data)).toEqual([]);
    expect(counts(replies.map(answeredBy))).toEqual({ a: 3, c: 3 });
  });

  it('moves on when an endpoint accepts and closes without answering (docker-proxy with a dead container), replaying the request', async () => {
    const dead = await up('b', 'accept-close');
    await addPod('a', (await up('a')).port);
    await addPod('b', dead.port);
    const port = await serve();
    const replies = await many(port, 4);
    expect(replies.map((r) => r.data)).toEqual(Array(4).fill('a:ping\n'));
    expect(dead.accepted).toBeGreaterThanOrEqual(1);
  });

  it('does not replay to another endpoint when the close without answer comes after the retry window', async () => {
    await proxy.stop();
    proxy = new ServiceProxy({ store, clock, listenPort: () => 0, retryWindowMs: 100 });
    const slow = await up('a', 'slow-close');
    const other = await up('b');
    await addPod('a', slow.port);
    await addPod('b', other.port);
    const port = await serve();
    expect(await request(port)).toEqual({ data: '' }); // a took it, and closed it 300 ms later
    expect(slow.accepted).toBe(1);
    expect(other.accepted).toBe(0);
  });

  it('resets the connection when no endpoint is ready', async () => {
    await addPod('a', (await up('a')).port, { ready: false });
    const port = await serve();
    const r = await request(port);
    expect(r.data).toBe('');
  });

  it('ClientIP affinity keeps a client on one endpoint', async () => {
    for (const n of ['a', 'b', 'c']) await addPod(n, (await up(n)).port);
    const port = await serve({ sessionAffinity: 'ClientIP' });
    const replies = await many(port, 5);
    expect(new Set(replies.map(answeredBy)).size).toBe(1);
  });

  it('an endpoint that turns not ready gets no new connection at once; its open connection finishes', async () => {
    const slow = await up('a', 'hold');
    await addPod('a', slow.port);
    await addPod('b', (await up('b')).port);
    const port = await serve();
    const open = request(port, 'long\n'); // round-robin: a first, held open
    await new Promise((r) => setTimeout(r, 100));
    expect(slow.accepted).toBe(1);

    await setReady('a', false);
    await proxy.reconcile(KEY); // the pod event alone: the Endpoints still list a as ready
    expect(((await store.get<EndpointsObj>({ resource: 'endpoints', namespace: 'default', name: 'web' })).subsets ?? [])[0]?.addresses?.length).toBe(2);
    expect(proxy.listenerState(KEY, NODE_PORT)?.backends.map((b) => b.name)).toEqual(['b']);
    const replies = await many(port, 4);
    expect(replies.map(answeredBy)).toEqual(['b', 'b', 'b', 'b']);
    expect(slow.accepted).toBe(1);

    slow.release();
    expect(await open).toEqual({ data: 'a:long\n' });

    await setReady('a', true);
    await epc.reconcile(KEY);
    await proxy.reconcile(KEY);
    expect(counts((await many(port, 4)).map(answeredBy))).toEqual({ a: 2, b: 2 });
  });

  it('a terminating pod gets no new connection', async () => {
    await addPod('a', (await up('a')).port);
    await addPod('b', (await up('b')).port);
    const port = await serve();
    await store.delete({ resource: 'pods', namespace: 'default', name: 'a' }, { gracePeriodSeconds: 30 });
    expect(proxy.keysFor({ type: 'MODIFIED', object: await store.get({ resource: 'pods', namespace: 'default', name: 'a' }), revision: 0 })).toEqual([KEY]);
    await proxy.reconcile(KEY);
    expect((await many(port, 3)).map(answeredBy)).toEqual(['b', 'b', 'b']);
  });

  it('passes a half-close through (the upstream answers after the client is done sending)', async () => {
    await addPod('a', (await up('a')).port);
    const port = await serve();
    expect(await request(port, 'no newline', { end: true })).toEqual({ data: 'a:no newline' });
  });

  it('stops listening when the Service goes or stops being a NodePort', async () => {
    await addPod('a', (await up('a')).port);
    const port = await serve();
    const svc = await store.get({ resource: 'services', namespace: 'default', name: 'web' });
    await store.update({ ...svc, spec: { ...(svc.spec as object), type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } });
    await proxy.reconcile(KEY);
    expect(proxy.boundPort(KEY, NODE_PORT)).toBeUndefined();
    expect((await request(port)).error).toBe('ECONNREFUSED');
  });

  it('a nodePort two Services ask for is served for the older one only', async () => {
    await addPod('a', (await up('a')).port);
    await serve();
    clock.advance(1_000);
    await store.create(service('copy', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: NODE_PORT }] }));
    await proxy.reconcile('services/default/copy');
    expect(proxy.boundPort('services/default/copy', NODE_PORT)).toBeUndefined();
    expect(proxy.boundPort(KEY, NODE_PORT)).toBeDefined();
  });

  it('serves hand-written loopback Endpoints of a Service without selector', async () => {
    const host = await up('host');
    await store.create(service('ext', { type: 'NodePort', selector: null, ports: [{ port: 80, targetPort: host.port, nodePort: 30090 }] }));
    await store.create<EndpointsObj>({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: host.port, protocol: 'TCP' }] }],
    });
    await proxy.reconcile('services/default/ext');
    const port = proxy.boundPort('services/default/ext', 30090)!;
    expect(await request(port)).toEqual({ data: 'host:ping\n' });
  });
});

describe('serviceBackends', () => {
  const sp = { name: 'http', port: 80, protocol: 'TCP' };
  const ep = (addresses: object[]): EndpointsObj =>
    ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] }) as EndpointsObj;
  const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

  it('never dials a pod network address: without a published port (or a pod) an address is skipped', () => {
    const skipped: string[] = [];
    const pods = new Map([
      ['a', pod('a', { hostPorts: { 8080: 40001 } })],
      ['b', pod('b', { hostPorts: { 9999: 40002 } })],
    ]);
    const got = serviceBackends(sp, ep([{ ip: '172.17.0.2', targetRef: ref('a') }, { ip: '172.17.0.3', targetRef: ref('b') }, { ip: '10.1.2.3' }, { ip: '172.17.0.9', targetRef: ref('gone') }]), pods, (ip, why) => skipped.push(`${ip} ${why}`));
    expect(got).toEqual([{ id: 'uid-a', host: '127.0.0.1', port: 40001, name: 'a' }]);
    expect(skipped).toEqual(['172.17.0.3 port-not-published', '10.1.2.3 not-loopback', '172.17.0.9 pod-gone']);
  });

  it('skips a pod replaced under the same name (uid differs)', () => {
    const pods = new Map([['a', pod('a', { hostPorts: { 8080: 40001 }, uid: 'new-uid' })]]);
    expect(serviceBackends(sp, ep([{ ip: '172.17.0.2', targetRef: ref('a') }]), pods)).toEqual([]);
  });
});
