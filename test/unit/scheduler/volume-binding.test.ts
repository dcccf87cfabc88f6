import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { KubeObject, Pod } from '../../../src/api/types.js';
import { EventRecorder, type CoreEvent } from '../../../src/reconcile/events.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { volumeBindingPreFilter, type ClaimView, type ClassView } from '../../../src/scheduler/volume-binding.js';

const podWith = (...claims: string[]): Pod => ({
  spec: { containers: [], volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) },
});

describe('volumeBindingPreFilter', () => {
  const bound: ClaimView = { metadata: { name: 'data' }, spec: { volumeName: 'pv1', storageClassName: 'local' }, status: { phase: 'Bound' } };
  const unbound: ClaimView = { metadata: { name: 'data' }, spec: { storageClassName: 'local' }, status: { phase: 'Pending' } };
  const classes = new Map<string, ClassView>([
    ['local', { volumeBindingMode: 'Immediate' }],
    ['wffc', { volumeBindingMode: 'WaitForFirstConsumer' }],
  ]);
  it.each<[string, Pod, [string, ClaimView][], string | undefined]>([
    ['no claims', podWith(), [], undefined],
    ['bound', podWith('data'), [['data', bound]], undefined],
    ['missing', podWith('data'), [], 'persistentvolumeclaim "data" not found'],
    ['unbound immediate', podWith('data'), [['data', unbound]], 'pod has unbound immediate PersistentVolumeClaims'],
    ['unbound, no class', podWith('data'), [['data', { metadata: { name: 'data' } }]], 'pod has unbound immediate PersistentVolumeClaims'],
    ['unbound WaitForFirstConsumer does not block', podWith('data'), [['data', { ...unbound, spec: { storageClassName: 'wffc' } }]], undefined],
    ['being deleted', podWith('data'), [['data', { ...bound, metadata: { name: 'data', deletionTimestamp: '2026-01-01T00:00:00Z' } }]], 'persistentvolumeclaim "data" is being deleted'],
    ['lost', podWith('data'), [['data', { ...bound, status: { phase: 'Lost' } }]], 'persistentvolumeclaim "data" bound to non-existent persistentvolume "pv1"'],
  ])('%s', (_n, pod, claims, want) => {
    expect(volumeBindingPreFilter(pod, new Map(claims), classes)).toBe(want);
  });
});

describe('Scheduler with claims', () => {
  async function setup() {
    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const store = new MemoryStore({ clock });
    const n = await store.create<KubeObject>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kctl-node' }, spec: {} });
    await store.updateStatus({ ...n, status: { capacity: { cpu: '2', memory: '1Gi', pods: '110' }, allocatable: { cpu: '2', memory: '1Gi', pods: '110' } } });
    const sched = new Scheduler({ store, clock, events: new EventRecorder({ store, clock, component: 'default-scheduler' }) });
    await store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } } as KubeObject);
    const getPod = () => store.get<Pod & KubeObject>({ resource: 'pods', namespace: 'default', name: 'app' });
    const failures = async () => (await store.list<CoreEvent>('events')).items.filter((e) => e.reason === 'FailedScheduling').map((e) => e.message);
    return { store, sched, getPod, failures };
  }

  it('keeps the pod Pending while its claim is missing, then unbound, and binds it once the claim is Bound', async () => {
    const { store, sched, getPod, failures } = await setup();
    await sched.reconcile('pods/default/app');
    const missing = '0/1 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    expect((await getPod()).status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: missing });
    const pvc = await store.create<KubeObject>({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'local' } });
    expect(sched.keysFor({ type: 'ADDED', object: pvc, revision: 0 })).toEqual(['pods/default/app']);
    await sched.reconcile('pods/default/app');
    expect((await getPod()).spec?.nodeName).toBeUndefined();
    expect(await failures()).toEqual([
      missing,
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    ]);
    const b = await store.update<KubeObject>({ ...pvc, spec: { storageClassName: 'local', volumeName: 'pv1' } });
    await store.updateStatus({ ...b, status: { phase: 'Bound' } });
    await sched.reconcile('pods/default/app');
    expect((await getPod()).spec?.nodeName).toBe('kctl-node');
  });
});
