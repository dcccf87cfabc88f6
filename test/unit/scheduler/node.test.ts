import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import { RuntimeError } from '../../../src/runtime/runtime.js';
import type { KubeObject, Node } from '../../../src/api/types.js';
import { EventRecorder, type CoreEvent } from '../../../src/reconcile/events.js';
import { NodeController, nodeNameFromHostname, nodeResources } from '../../../src/scheduler/node.js';

type NodeObj = Node & KubeObject;

async function setup(opts: { allocatable?: { cpu?: string; memory?: string; pods?: string } } = {}) {
  const clock = new FakeClock('2026-03-01T10:00:00Z');
  const store = new MemoryStore({ clock });
  const runtime = new FakeRuntime({ clock, info: { cpus: 8, memoryBytes: 16 * 2 ** 30, engineVersion: '24.0.7', architecture: 'x86_64', operatingSystem: 'Ubuntu 22.04.4 LTS', kernelVersion: '6.5.0' } });
  const events = new EventRecorder({ store, clock, component: 'kubelet', host: 'my-host' });
  const nc = new NodeController({ store, runtime, clock, nodeName: 'my-host', kubeletVersion: 'v0.1.0', allocatable: opts.allocatable, events });
  const get = () => store.get<NodeObj>({ resource: 'nodes', name: 'my-host' });
  return { clock, store, runtime, nc, get };
}

describe('nodeNameFromHostname', () => {
  it.each([
    ['My-Laptop.local', 'my-laptop.local'],
    ['DESKTOP_42', 'desktop-42'],
    ['-weird--name-', 'weird-name'],
    ['', 'kctl-node'],
    ['___', 'kctl-node'],
    [undefined, 'kctl-node'],
    ['a'.repeat(70), 'a'.repeat(63)],
  ])('%j → %s', (h, want) => {
    expect(nodeNameFromHostname(h)).toBe(want);
  });
});

describe('nodeResources', () => {
  const info = { cpus: 4, memoryBytes: 8 * 2 ** 30 } as never;
  it.each([
    [{}, { cpu: '4', memory: '8388608Ki', pods: '110' }],
    [{ cpu: '1500m', memory: '2Gi', pods: '20' }, { cpu: '1500m', memory: '2Gi', pods: '20' }],
    [{ cpu: '16', memory: '64Gi', pods: '500' }, { cpu: '4', memory: '8388608Ki', pods: '110' }], // capped at capacity
  ])('allocatable with %j', (setting, want) => {
    const r = nodeResources(info, setting);
    expect(r.capacity).toEqual({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(r.allocatable).toEqual(want);
  });
});

describe('NodeController', () => {
  it('registers the node with capacity from the runtime', async () => {
    const { nc, get, store } = await setup({ allocatable: { memory: '4Gi' } });
    await nc.reconcile('nodes/my-host');
    const n = await get();
    expect(n.metadata.labels).toEqual({
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'my-host',
      'kubernetes.io/os': 'linux',
    });
    expect(n.status!.capacity).toEqual({ cpu: '8', memory: '16777216Ki', pods: '110' });
    expect(n.status!.allocatable).toEqual({ cpu: '8', memory: '4Gi', pods: '110' });
    expect(n.status!.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: 'my-host' },
    ]);
    expect(n.status!.nodeInfo).toMatchObject({
      containerRuntimeVersion: 'fake://24.0.7',
      kubeletVersion: 'v0.1.0',
      osImage: 'Ubuntu 22.04.4 LTS',
      kernelVersion: '6.5.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
    });
    const ready = n.status!.conditions!.find((c) => c.type === 'Ready');
    expect(ready).toEqual({ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-03-01T10:00:00Z', lastTransitionTime: '2026-03-01T10:00:00Z' });
    expect(n.status!.conditions!.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(n.spec!.taints).toBeUndefined();
    const evs = (await store.list<CoreEvent>('events')).items.map((e) => e.reason);
    expect(evs.sort()).toEqual(['NodeReady', 'Starting']);
  });

  it('second pass writes nothing; the heartbeat refreshes after 40 s', async () => {
    const { nc, get, store, clock } = await setup();
    await nc.reconcile('nodes/my-host');
    const rev = await store.revision();
    const res = await nc.reconcile('nodes/my-host');
    expect(await store.revision()).toBe(rev);
    expect(res.requeueAfterMs).toBe(40_000);
    clock.advance(40_000);
    await nc.reconcile('nodes/my-host');
    const ready = (await get()).status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.lastHeartbeatTime).toBe('2026-03-01T10:00:40Z');
    expect(ready.lastTransitionTime).toBe('2026-03-01T10:00:00Z');
  });

  it('keeps user labels, restores its own, recreates a deleted node', async () => {
    const { nc, get, store } = await setup();
    await nc.reconcile('nodes/my-host');
    const n = await get();
    await store.update({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, disk: 'ssd', 'kubernetes.io/os': 'windows' } } });
    await nc.reconcile('nodes/my-host');
    expect((await get()).metadata.labels).toMatchObject({ disk: 'ssd', 'kubernetes.io/os': 'linux' });
    await store.delete({ resource: 'nodes', name: 'my-host' });
    await nc.reconcile('nodes/my-host');
    expect((await get()).status!.capacity!.cpu).toBe('8');
  });

  it('marks the node NotReady (with the not-ready taint) while the engine is down', async () => {
    const { nc, get, runtime } = await setup();
    await nc.reconcile('nodes/my-host');
    runtime.injectError('info', new RuntimeError('Runtime', 'cannot reach the Docker engine at unix:///var/run/docker.sock: connect ENOENT', { reason: 'EngineUnreachable' }));
    await nc.reconcile('nodes/my-host');
    let n = await get();
    expect(n.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(n.status!.capacity!.cpu).toBe('8'); // kept
    expect(n.spec!.taints).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: '2026-03-01T10:00:00Z' }]);
    await nc.reconcile('nodes/my-host');
    n = await get();
    expect(n.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
    expect(n.spec!.taints).toBeUndefined();
  });

  it('keysFor: only its own node', async () => {
    const { nc } = await setup();
    const ev = (name: string) => ({ type: 'MODIFIED' as const, object: { apiVersion: 'v1', kind: 'Node', metadata: { name } }, revision: 1 });
    expect(nc.keysFor(ev('my-host'))).toEqual(['nodes/my-host']);
    expect(nc.keysFor(ev('other'))).toEqual([]);
  });
});
