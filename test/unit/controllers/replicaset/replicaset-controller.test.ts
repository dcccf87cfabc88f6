import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { KctlError } from '../../../../src/util/errors.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { ReplicaSetController } from '../../../../src/controllers/replicaset/replicaset-controller.js';
import { NODE, T0, replicaSet, setup, type PodObj, type ReplicaSetObj } from '../deployment/harness.js';

const KEY = 'replicasets/default/web';

async function withRS(replicas: number) {
  const h = setup();
  const rs = await h.store.create(replicaSet('web', replicas));
  return { ...h, rsObj: rs };
}

function orphanPod(name: string, labels: Record<string, string> = { app: 'web' }, extra: Partial<PodObj> = {}): PodObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
    ...extra,
  } as PodObj;
}

/** Sets a pod's status as the kubelet would. */
async function podStatus(h: ReturnType<typeof setup>, name: string, status: Record<string, unknown>, nodeName: string | undefined = NODE) {
  const ref = { resource: 'pods', namespace: 'default', name };
  let p = await h.store.get<PodObj>(ref);
  if (nodeName && !p.spec?.nodeName) p = await h.store.update<PodObj>({ ...p, spec: { ...p.spec!, nodeName } });
  return h.store.updateStatus<PodObj>({ ...p, status: status as PodObj['status'] });
}

const ready = (at: string, restarts = 0) => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }],
  containerStatuses: [{ name: 'app', image: 'nginx:1.25', imageID: '', ready: true, restartCount: restarts }],
});

describe('ReplicaSetController: scaling up', () => {
  it('creates spec.replicas pods from the template, owned by the set, then writes nothing on a second pass', async () => {
    const h = await withRS(3);
    await h.rsc.reconcile(KEY);
    const pods = await h.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: h.rsObj.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(p.spec!.containers[0]!.image).toBe('nginx:1.25');
      expect(p.status!.phase).toBe('Pending');
    }
    const rs = await h.rs('web');
    expect(rs.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    expect(await h.eventMessages('SuccessfulCreate')).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());

    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });

  it('creates at most burstReplicas pods per pass, in slow-start batches', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryStore({ clock });
    let creates = 0;
    const orig = store.create.bind(store);
    store.create = (async (o: KubeObject) => {
      if (o.kind === 'Pod') creates++;
      return orig(o);
    }) as typeof store.create;
    await store.create(replicaSet('web', 12));
    const rsc = new ReplicaSetController({ store, clock, burstReplicas: 5 });
    await rsc.reconcile(KEY);
    expect(creates).toBe(5);
    expect((await store.get<ReplicaSetObj>({ resource: 'replicasets', namespace: 'default', name: 'web' })).status!.replicas).toBe(5);
    await rsc.reconcile(KEY);
    await rsc.reconcile(KEY);
    expect(creates).toBe(12);
    const rev = await store.revision();
    await rsc.reconcile(KEY);
    expect(await store.revision()).toBe(rev);
  });

  it('replaces a terminating pod at once (terminating pods are not active)', async () => {
    const h = await withRS(2);
    await h.rsc.reconcile(KEY);
    const [a] = await h.pods();
    await podStatus(h, a!.metadata.name, ready(T0));
    await h.store.delete({ resource: 'pods', namespace: 'default', name: a!.metadata.name }); // bound: only marked
    await h.rsc.reconcile(KEY);
    const pods = await h.pods();
    expect(pods).toHaveLength(3);
    expect(pods.filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    expect((await h.rs('web')).status!.replicas).toBe(2);
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });

  it('sets ReplicaFailure (FailedCreate) while pods cannot be created, and clears it once they can', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryStore({ clock });
    let fail = true;
    const orig = store.create.bind(store);
    store.create = (async (o: KubeObject) => {
      if (o.kind === 'Pod' && fail) throw new KctlError('Invalid', 'pods "web-x" is forbidden: exceeded quota: pods');
      return orig(o);
    }) as typeof store.create;
    await store.create(replicaSet('web', 2));
    const rsc = new ReplicaSetController({ store, clock, events: new EventRecorder({ store, clock, component: 'replicaset-controller' }) });
    await expect(rsc.reconcile(KEY)).rejects.toThrow('exceeded quota');
    const rs = await store.get<ReplicaSetObj>({ resource: 'replicasets', namespace: 'default', name: 'web' });
    expect(rs.status!.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: T0, reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota: pods' },
    ]);
    const evs = (await store.list<CoreEvent>('events')).items;
    expect(evs.map((e) => [e.type, e.reason, e.message])).toEqual([['Warning', 'FailedCreate', 'Error creating: pods "web-x" is forbidden: exceeded quota: pods']]);

    fail = false;
    await rsc.reconcile(KEY);
    const after = await store.get<ReplicaSetObj>({ resource: 'replicasets', namespace: 'default', name: 'web' });
    expect(after.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 });
  });

  it('creates nothing for a ReplicaSet being deleted (still reports status)', async () => {
    const h = setup();
    const rs = replicaSet('web', 2);
    rs.metadata.finalizers = ['example.com/hold'];
    await h.store.create(rs);
    await h.store.delete({ resource: 'replicasets', namespace: 'default', name: 'web' });
    await h.rsc.reconcile(KEY);
    expect(await h.pods()).toHaveLength(0);
    expect((await h.rs('web')).status).toEqual({ replicas: 0, observedGeneration: 2 });
  });

  it('refuses to create pods its selector would not match (no endless creation)', async () => {
    const h = setup();
    const rs = replicaSet('web', 2);
    rs.spec!.template!.metadata!.labels = { app: 'other' };
    await h.store.create(rs);
    expect(await h.rsc.reconcile(KEY)).toEqual({});
    expect(await h.pods()).toHaveLength(0);
    expect((await h.rs('web')).status!.conditions![0]).toMatchObject({ type: 'ReplicaFailure', reason: 'FailedCreate' });
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });
});

describe('ReplicaSetController: scaling down', () => {
  it('deletes unscheduled, then pending, then not-ready, then the youngest ready pods', async () => {
    const h = await withRS(0);
    const mk = async (name: string) => {
      const p = orphanPod(name);
      p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: h.rsObj.metadata.uid!, controller: true, blockOwnerDeletion: true }];
      await h.store.create(p);
      h.clock.advance(1000);
    };
    for (const n of ['ready-old', 'ready-young', 'restarts', 'notready', 'pending', 'unscheduled']) await mk(n);
    await podStatus(h, 'ready-old', ready('2026-01-01T00:00:10Z'));
    await podStatus(h, 'ready-young', ready('2026-01-01T00:00:20Z'));
    await podStatus(h, 'restarts', ready('2026-01-01T00:00:10Z', 4));
    await podStatus(h, 'notready', { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: T0 }] });
    await podStatus(h, 'pending', { phase: 'Pending' });

    const scale = async (n: number) => {
      const cur = await h.rs('web');
      await h.store.update<ReplicaSetObj>({ ...cur, spec: { ...cur.spec!, replicas: n } });
      await h.rsc.reconcile(KEY);
      return (await h.pods()).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    };
    expect(await scale(5)).toEqual(['notready', 'pending', 'ready-old', 'ready-young', 'restarts']); // unscheduled: gone at once
    expect(await scale(4)).toEqual(['notready', 'ready-old', 'ready-young', 'restarts']);
    expect(await scale(3)).toEqual(['ready-old', 'ready-young', 'restarts']);
    expect(await scale(2)).toEqual(['ready-old', 'restarts']); // ready for less time goes first
    expect(await scale(1)).toEqual(['ready-old']); // same ready time: more restarts goes first
    const rs = await h.rs('web');
    expect(rs.status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    expect(await h.eventMessages('SuccessfulDelete')).toHaveLength(5);
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });

  it('bound pods are deleted gracefully: marked, not removed (the kubelet finishes them)', async () => {
    const h = await withRS(2);
    await h.rsc.reconcile(KEY);
    for (const p of await h.pods()) await podStatus(h, p.metadata.name, ready(T0));
    const cur = await h.rs('web');
    await h.store.update<ReplicaSetObj>({ ...cur, spec: { ...cur.spec!, replicas: 1 } });
    await h.rsc.reconcile(KEY);
    const pods = await h.pods();
    expect(pods).toHaveLength(2);
    expect(pods.filter((p) => p.metadata.deletionTimestamp)).toHaveLength(1);
    expect((await h.rs('web')).status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });
});

describe('ReplicaSetController: adoption and release', () => {
  it('adopts a matching orphan instead of creating a pod', async () => {
    const h = setup();
    await h.store.create(orphanPod('stray'));
    await h.store.create(orphanPod('other-app', { app: 'db' }));
    const rs = await h.store.create(replicaSet('web', 2));
    await h.rsc.reconcile(KEY);
    const stray = await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'stray' });
    expect(stray.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const db = await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'other-app' });
    expect(db.metadata.ownerReferences).toBeUndefined();
    expect(await h.pods()).toHaveLength(3); // stray + 1 created + the db pod
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });

  it('leaves a matching pod controlled by someone else alone', async () => {
    const h = setup();
    const p = orphanPod('owned');
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'uid-other', controller: true }];
    await h.store.create(p);
    await h.store.create(replicaSet('web', 1));
    await h.rsc.reconcile(KEY);
    expect((await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'owned' })).metadata.ownerReferences![0]!.name).toBe('other');
    expect(await h.pods()).toHaveLength(2);
  });

  it('does not adopt a terminating or finished orphan', async () => {
    const h = setup();
    await h.store.create(orphanPod('done'));
    await podStatus(h, 'done', { phase: 'Succeeded' });
    await h.store.create(replicaSet('web', 1));
    await h.rsc.reconcile(KEY);
    expect((await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'done' })).metadata.ownerReferences).toBeUndefined();
    expect(await h.pods()).toHaveLength(2);
  });

  it('releases a pod whose labels stop matching and replaces it', async () => {
    const h = await withRS(1);
    await h.rsc.reconcile(KEY);
    const [p] = await h.pods();
    await h.store.update<PodObj>({ ...p!, metadata: { ...p!.metadata, labels: { app: 'debug' } } });
    await h.rsc.reconcile(KEY);
    const released = await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: p!.metadata.name });
    expect(released.metadata.ownerReferences).toBeUndefined();
    const pods = await h.pods();
    expect(pods).toHaveLength(2);
    expect(pods.filter((x) => x.metadata.ownerReferences?.[0]?.uid === h.rsObj.metadata.uid)).toHaveLength(1);
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });
});

describe('ReplicaSetController: status', () => {
  it('counts ready pods, and available ones after minReadySeconds (requeueing for the rest)', async () => {
    const h = setup();
    const rs = replicaSet('web', 2);
    rs.spec!.minReadySeconds = 10;
    await h.store.create(rs);
    await h.rsc.reconcile(KEY);
    const [a, b] = await h.pods();
    await podStatus(h, a!.metadata.name, ready(T0));
    h.clock.advance(5000);
    await podStatus(h, b!.metadata.name, ready('2026-01-01T00:00:05Z'));
    let res = await h.rsc.reconcile(KEY);
    expect((await h.rs('web')).status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect((await h.rs('web')).status!.availableReplicas).toBeUndefined();
    expect(res.requeueAfterMs).toBe(5001); // a became Ready at T0: available strictly after T0+10s
    h.clock.advance(5001);
    res = await h.rsc.reconcile(KEY);
    expect((await h.rs('web')).status!.availableReplicas).toBe(1);
    expect(res.requeueAfterMs).toBe(5000);
    h.clock.advance(5000);
    res = await h.rsc.reconcile(KEY);
    expect((await h.rs('web')).status!.availableReplicas).toBe(2);
    expect(res).toEqual({});
    expect(await h.writes(() => h.rsc.reconcile(KEY))).toBe(0);
  });

  it('fullyLabeledReplicas counts pods carrying every template label', async () => {
    const h = setup();
    const rs = replicaSet('web', 2);
    rs.spec!.template!.metadata!.labels = { app: 'web', tier: 'fe' };
    await h.store.create(rs);
    await h.store.create(orphanPod('partial', { app: 'web' }));
    await h.rsc.reconcile(KEY);
    expect((await h.rs('web')).status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 });
  });
});

describe('ReplicaSetController: keysFor', () => {
  it('maps a pod to its controlling set, an orphan to every set that matches it', async () => {
    const h = setup();
    const rev = 1;
    const web = await h.store.create(replicaSet('web', 1));
    const web2 = await h.store.create(replicaSet('web2', 1, { app: 'web' }));
    await h.store.create(replicaSet('db', 1, { app: 'db' }));
    for (const r of (await h.store.list('replicasets')).items) h.rsc.keysFor({ type: 'ADDED', object: r, revision: rev });
    const owned = orphanPod('p1');
    owned.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: web.metadata.uid!, controller: true }];
    expect(h.rsc.keysFor({ type: 'MODIFIED', object: owned, revision: rev })).toEqual(['replicasets/default/web']);
    expect(h.rsc.keysFor({ type: 'ADDED', object: orphanPod('p2'), revision: rev }).sort()).toEqual(['replicasets/default/web', 'replicasets/default/web2']);
    expect(h.rsc.keysFor({ type: 'DELETED', object: orphanPod('p3'), revision: rev })).toEqual([]);
    const job = orphanPod('p4');
    job.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u', controller: true }];
    expect(h.rsc.keysFor({ type: 'ADDED', object: job, revision: rev })).toEqual([]);
    h.rsc.keysFor({ type: 'DELETED', object: web2, revision: rev });
    expect(h.rsc.keysFor({ type: 'ADDED', object: orphanPod('p5'), revision: rev })).toEqual(['replicasets/default/web']);
    expect(await h.rsc.resyncKeys()).toEqual(['replicasets/default/db', 'replicasets/default/web', 'replicasets/default/web2']);
  });
});
