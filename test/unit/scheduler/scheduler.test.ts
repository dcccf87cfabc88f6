import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { KubeObject, Pod } from '../../../src/api/types.js';
import { EventRecorder, type CoreEvent } from '../../../src/reconcile/events.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';

type PodObj = Pod & KubeObject;

async function setup(alloc: Record<string, string> = { cpu: '2', memory: '1Gi', pods: '110' }, labels: Record<string, string> = {}) {
  const clock = new FakeClock('2026-03-01T10:00:00Z');
  const store = new MemoryStore({ clock });
  const n = await store.create<KubeObject>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kctl-node', labels: { 'kubernetes.io/hostname': 'kctl-node', ...labels } }, spec: {} });
  await store.updateStatus({ ...n, status: { capacity: alloc, allocatable: alloc } });
  const events = new EventRecorder({ store, clock, component: 'default-scheduler' });
  const sched = new Scheduler({ store, clock, events });
  const mkPod = (name: string, requests: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    store.create<PodObj>({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests } }], ...extra } } as PodObj);
  const getPod = (name: string) => store.get<PodObj>({ resource: 'pods', namespace: 'default', name });
  const evs = async () => (await store.list<CoreEvent>('events')).items;
  return { clock, store, sched, mkPod, getPod, evs };
}

describe('Scheduler', () => {
  it('binds a pod that fits: nodeName, PodScheduled True, Scheduled event', async () => {
    const { sched, mkPod, getPod, evs, store } = await setup();
    await mkPod('web-1', { cpu: '500m', memory: '256Mi' });
    await sched.reconcile('pods/default/web-1');
    const p = await getPod('web-1');
    expect(p.spec!.nodeName).toBe('kctl-node');
    expect(p.status!.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-03-01T10:00:00Z' }]);
    const [e] = await evs();
    expect(e).toMatchObject({ type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web-1 to kctl-node', source: { component: 'default-scheduler' } });

    const rev = await store.revision();
    await sched.reconcile('pods/default/web-1');
    expect(await store.revision()).toBe(rev); // idempotent
  });

  it.each([
    ['memory', { memory: '2Gi' }, {}, '0/1 nodes are available: 1 Insufficient memory.'],
    ['cpu', { cpu: '3' }, {}, '0/1 nodes are available: 1 Insufficient cpu.'],
    ['cpu and memory', { cpu: '3', memory: '2Gi' }, {}, '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.'],
    ['selector', {}, { nodeSelector: { disk: 'ssd' } }, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."],
  ])('leaves a pod that does not fit (%s) Pending with FailedScheduling', async (_n, requests, extra, message) => {
    const { sched, mkPod, getPod, evs, store } = await setup();
    await mkPod('big', requests, extra);
    const res = await sched.reconcile('pods/default/big');
    expect(res.requeueAfterMs).toBeGreaterThan(0);
    const p = await getPod('big');
    expect(p.spec!.nodeName).toBeUndefined();
    expect(p.status!.phase).toBe('Pending');
    expect(p.status!.conditions).toEqual([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: '2026-03-01T10:00:00Z' }]);
    const list = await evs();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: 'Warning', reason: 'FailedScheduling', message, count: 1 });

    const rev = await store.revision();
    await sched.reconcile('pods/default/big');
    expect(await store.revision()).toBe(rev); // second pass writes nothing
  });

  it('binds a pending pod as soon as room frees up', async () => {
    const { sched, mkPod, getPod, store } = await setup({ cpu: '2', memory: '1Gi', pods: '110' });
    await mkPod('a', { memory: '700Mi' });
    await sched.reconcile('pods/default/a');
    await mkPod('b', { memory: '700Mi' });
    await sched.reconcile('pods/default/b');
    expect((await getPod('b')).spec!.nodeName).toBeUndefined();
    expect(sched.pendingKeys()).toEqual(['pods/default/b']);

    // a pod being deleted still holds its requests (it is Terminating until its containers are gone) ...
    const marked = await store.delete<PodObj>({ resource: 'pods', namespace: 'default', name: 'a' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(sched.keysFor({ type: 'MODIFIED', object: marked, revision: await store.revision() })).toEqual([]);
    await sched.reconcile('pods/default/b');
    expect((await getPod('b')).spec!.nodeName).toBeUndefined();
    // ... and its final deletion (the kubelet's, grace 0) requeues the unschedulable pods
    const gone = await store.delete<PodObj>({ resource: 'pods', namespace: 'default', name: 'a' }, { gracePeriodSeconds: 0 });
    const keys = sched.keysFor({ type: 'DELETED', object: gone, revision: await store.revision() });
    expect(keys).toEqual(['pods/default/b']);
    await sched.reconcile('pods/default/b');
    const b = await getPod('b');
    expect(b.spec!.nodeName).toBe('kctl-node');
    expect(b.status!.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-03-01T10:00:00Z' },
    ]);
    expect(sched.pendingKeys()).toEqual([]);
  });

  it('a finished pod frees its requests', async () => {
    const { sched, mkPod, getPod, store } = await setup({ cpu: '2', memory: '1Gi', pods: '110' });
    await mkPod('job', { memory: '700Mi' });
    await sched.reconcile('pods/default/job');
    await mkPod('next', { memory: '700Mi' });
    await sched.reconcile('pods/default/next');
    const job = await getPod('job');
    const done = await store.updateStatus<PodObj>({ ...job, status: { ...job.status, phase: 'Succeeded' } });
    expect(sched.keysFor({ type: 'MODIFIED', object: done, revision: 0 })).toEqual(['pods/default/next']);
    await sched.reconcile('pods/default/next');
    expect((await getPod('next')).spec!.nodeName).toBe('kctl-node');
  });

  it('a node change requeues the unschedulable pods (labels now match)', async () => {
    const { sched, mkPod, getPod, store } = await setup();
    await mkPod('picky', {}, { nodeSelector: { disk: 'ssd' } });
    await sched.reconcile('pods/default/picky');
    const n = await store.get<KubeObject>({ resource: 'nodes', name: 'kctl-node' });
    const labelled = await store.update({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, disk: 'ssd' } } });
    expect(sched.keysFor({ type: 'MODIFIED', object: labelled, revision: 0 })).toEqual(['pods/default/picky']);
    await sched.reconcile('pods/default/picky');
    expect((await getPod('picky')).spec!.nodeName).toBe('kctl-node');
  });

  it('repeats FailedScheduling (count + 1) only after the retry period', async () => {
    const { sched, mkPod, evs, clock } = await setup();
    await mkPod('big', { memory: '8Gi' });
    await sched.reconcile('pods/default/big');
    clock.advance(60_000);
    await sched.reconcile('pods/default/big');
    expect((await evs())[0]!.count).toBe(1);
    clock.advance(5 * 60_000);
    await sched.reconcile('pods/default/big');
    expect((await evs())[0]).toMatchObject({ count: 2, lastTimestamp: '2026-03-01T10:06:00Z' });
  });

  it('leaves bound, deleted, and other schedulers\' pods alone; resyncKeys lists the unbound', async () => {
    const { sched, mkPod, store } = await setup();
    await mkPod('mine');
    await mkPod('bound', {}, { nodeName: 'elsewhere' });
    await mkPod('theirs', {}, { schedulerName: 'other' });
    expect(await sched.resyncKeys()).toEqual(['pods/default/mine']);
    const rev = await store.revision();
    await sched.reconcile('pods/default/bound');
    await sched.reconcile('pods/default/theirs');
    await sched.reconcile('pods/default/missing');
    expect(await store.revision()).toBe(rev);
  });

  it('counts a pod bound meanwhile (serial binding never overcommits)', async () => {
    const { sched, mkPod, getPod } = await setup({ cpu: '1', memory: '1Gi', pods: '110' });
    await mkPod('x', { cpu: '600m' });
    await mkPod('y', { cpu: '600m' });
    await sched.reconcile('pods/default/x');
    await sched.reconcile('pods/default/y');
    expect((await getPod('x')).spec!.nodeName).toBe('kctl-node');
    expect((await getPod('y')).status!.conditions![0]!.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
  });
});
