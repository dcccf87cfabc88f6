import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { objectKey, refOf, type WatchEvent } from '../../../src/store/store.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import { RuntimeError, type ContainerRuntime, type RuntimeEvent } from '../../../src/runtime/runtime.js';
import type { KubeObject, Node, Pod } from '../../../src/api/types.js';
import { DONE, type Reconciler, type Result } from '../../../src/reconcile/reconciler.js';
import type { Logger } from '../../../src/reconcile/logger.js';
import { Cluster, type KubeletDeps } from '../../../src/cluster/cluster.js';
import { configFrom } from '../../../src/cluster/config.js';

class FakeKubelet implements Reconciler {
  readonly name = 'kubelet';
  readonly watches = ['pods'];
  calls: string[] = [];
  resyncs = 0;
  constructor(readonly deps: KubeletDeps) {}
  keysFor(ev: WatchEvent<KubeObject>): string[] {
    return [objectKey(refOf(ev.object))];
  }
  async resyncKeys(): Promise<string[]> {
    this.resyncs++;
    return [];
  }
  async reconcile(key: string): Promise<Result> {
    this.calls.push(key);
    return DONE;
  }
}

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`I ${m}`), warn: (m) => lines.push(`W ${m}`), error: (m) => lines.push(`E ${m}`), debug: () => undefined };
}

const clusters: Cluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

function make(opts: { runtime?: ContainerRuntime; clock?: FakeClock } = {}) {
  const clock = opts.clock ?? new FakeClock('2026-03-01T10:00:00Z');
  const store = new MemoryStore({ clock });
  const runtime = opts.runtime ?? new FakeRuntime({ clock });
  const log = captureLog();
  let kubelet!: FakeKubelet;
  const config = configFrom(mkdtempSync(join(tmpdir(), 'kctl-home-')), { KCTL_RESYNC_PERIOD_MS: '0' }, {}, { hostName: 'Test-Host' });
  const cluster = new Cluster({
    config,
    store,
    runtime,
    clock,
    log,
    kctlVersion: 'v0.1.0',
    kubelet: (deps) => (kubelet = new FakeKubelet(deps)),
  });
  clusters.push(cluster);
  return { clock, store, runtime, log, cluster, kubelet: () => kubelet };
}

const unreachable = () => new RuntimeError('Runtime', 'cannot reach the Docker engine at unix:///var/run/docker.sock: connect ENOENT', { reason: 'EngineUnreachable' });

describe('Cluster', () => {
  it('registers the node, schedules pods, feeds the kubelet from the store and the runtime', async () => {
    const { cluster, store, runtime, kubelet } = make();
    await cluster.start();
    const k = kubelet();
    expect(k.deps.nodeName).toBe('test-host');
    expect(k.deps.events.component).toBe('kubelet');
    await vi.waitFor(async () => expect((await store.tryGet<Node & KubeObject>({ resource: 'nodes', name: 'test-host' }))?.status?.capacity?.cpu).toBe('4'));

    const p = await store.create<Pod & KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
    await vi.waitFor(async () => expect((await store.get<Pod & KubeObject>(refOf(p))).spec!.nodeName).toBe('test-host'));
    await vi.waitFor(() => expect(k.calls).toContain('pods/default/web-1'));

    // a container event of the pod reaches the kubelet as the pod's key
    await cluster.runner.idle();
    k.calls = [];
    await (runtime as FakeRuntime).runPodSandbox({ pod: { uid: p.metadata.uid!, name: 'web-1', namespace: 'default' }, attempt: 0 });
    await vi.waitFor(() => expect(k.calls).toEqual(['pods/default/web-1']));
  });

  it('a settled cluster writes nothing on a resync', async () => {
    const { cluster, store } = make();
    await cluster.start();
    await store.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await vi.waitFor(async () => expect((await store.list<Pod & KubeObject>('pods')).items[0]!.spec!.nodeName).toBe('test-host'));
    await cluster.runner.idle();
    const rev = await store.revision();
    await cluster.runner.resync();
    await cluster.runner.idle();
    expect(await store.revision()).toBe(rev);
  });

  it('logs an unreachable engine once, keeps retrying, and resyncs the kubelet when it is back', async () => {
    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const runtime = new FakeRuntime({ clock });
    runtime.injectError('version', unreachable(), 3);
    const { cluster, log, kubelet } = make({ runtime, clock });
    await cluster.start();
    const k = kubelet();
    await vi.waitFor(() => expect(log.lines.filter((l) => l.includes('cannot reach the Docker engine'))).toHaveLength(1));
    expect(cluster.engineReachable).toBe(false);
    const resyncsBefore = k.resyncs;
    for (const ms of [1000, 2000, 4000]) {
      await new Promise((r) => setTimeout(r, 5));
      clock.advance(ms);
    }
    await vi.waitFor(() => expect(log.lines.some((l) => l.startsWith('I connected to the Docker engine at'))).toBe(true));
    expect(log.lines.filter((l) => l.includes('cannot reach the Docker engine'))).toEqual([
      'E cannot reach the Docker engine at unix:///var/run/docker.sock: connect ENOENT',
    ]);
    expect(cluster.engineReachable).toBe(true);
    await vi.waitFor(() => expect(k.resyncs).toBeGreaterThan(resyncsBefore));
  });

  it('resubscribes to runtime events after the stream breaks, then resyncs', async () => {
    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const fake = new FakeRuntime({ clock });
    let subscriptions = 0;
    const runtime: ContainerRuntime = Object.assign(Object.create(fake) as ContainerRuntime, {
      events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
        subscriptions++;
        if (subscriptions === 1)
          return (async function* () {
            throw new RuntimeError('Runtime', 'the engine closed the event stream');
          })();
        return fake.events(signal);
      },
    });
    const { cluster, log, kubelet } = make({ runtime, clock });
    await cluster.start();
    await vi.waitFor(() => expect(log.lines).toContain('W runtime events: the engine closed the event stream; resubscribing'));
    const before = kubelet().resyncs;
    clock.advance(1000);
    await vi.waitFor(() => expect(subscriptions).toBe(2));
    await vi.waitFor(() => expect(kubelet().resyncs).toBe(before + 1));
  });

  it('stop() ends the loops and leaves containers alone', async () => {
    const { cluster, runtime, store, kubelet } = make();
    await cluster.start();
    const f = runtime as FakeRuntime;
    await f.runPodSandbox({ pod: { uid: 'u1', name: 'x', namespace: 'default' }, attempt: 0 });
    await cluster.stop();
    expect(f.calls.some((c) => c.method === 'stopPodSandbox' || c.method === 'removePodSandbox' || c.method === 'stopContainer')).toBe(false);
    expect(await f.listPodSandboxes()).toHaveLength(1);
    const n = kubelet().calls.length;
    await store.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await new Promise((r) => setTimeout(r, 20));
    expect(kubelet().calls.length).toBe(n);
  });
});

describe('Cluster with the real kubelet (FakeRuntime)', () => {
  it('runs a pod to Running and records the events of each step', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = await mkdtemp(join(tmpdir(), 'kctl-cluster-'));
    try {
      const clock = new FakeClock('2026-03-01T10:00:00Z');
      const store = new MemoryStore({ clock });
      const runtime = new FakeRuntime({ clock, images: ['busybox:1.36'] });
      const log = captureLog();
      const config = configFrom(home, { KCTL_RESYNC_PERIOD_MS: '0' }, {}, { hostName: 'box' });
      const cluster = new Cluster({ config, store, runtime, clock, log, kctlVersion: 'v0.1.0' });
      clusters.push(cluster);
      await cluster.start();
      await store.create<KubeObject>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'default' },
        spec: { containers: [{ name: 'web', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
      });
      const ref = { resource: 'pods', namespace: 'default', name: 'web-1' };
      await vi.waitFor(async () => expect((await store.get<Pod & KubeObject>(ref)).status?.phase).toBe('Running'), { timeout: 10_000 });
      const reasons = (await store.list<KubeObject & { reason: string }>('events')).items.map((e) => e.reason);
      expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Created', 'Started']));
      expect(await runtime.listContainers({ state: 'running' })).toHaveLength(1);
      await cluster.stop();
      expect(await runtime.listContainers({ state: 'running' })).toHaveLength(1); // left running for the next controller
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
