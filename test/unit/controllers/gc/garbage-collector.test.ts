import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import { objectKey, refOf } from '../../../../src/store/store.js';
import { deployment, setup, type Harness, type PodObj } from '../deployment/harness.js';

const DEPLOY = { resource: 'deployments', namespace: 'default', name: 'web' };
const keyOf = (o: KubeObject): string => objectKey(refOf(o));

async function running(h: Harness, replicas = 2) {
  await h.store.create(deployment({ replicas }));
  await h.settle({ kubelet: {} });
  expect(await h.pods()).toHaveLength(replicas);
}

/** Runs the collector over everything it would look at until nothing changes (the kubelet finishing pods between). */
async function collect(h: Harness, kubelet = true): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const before = await h.store.revision();
    for (const k of await h.gc.resyncKeys()) await h.gc.reconcile(k);
    await h.passAll();
    if (kubelet) await h.kubelet();
    if ((await h.store.revision()) === before) return;
  }
  throw new Error('did not settle');
}

describe('GarbageCollector: background (default cascade)', () => {
  it('deletes the ReplicaSets of a deleted Deployment, then their pods (gracefully)', async () => {
    const h = setup();
    await running(h);
    await h.store.delete(DEPLOY);
    const [rs] = await h.sets();
    await h.gc.reconcile(keyOf(rs!));
    expect(await h.sets()).toEqual([]);
    const pods = await h.pods();
    expect(pods).toHaveLength(2); // bound pods: deleted by the kubelet, after the collector marks them
    for (const p of pods) await h.gc.reconcile(keyOf(p));
    expect((await h.pods()).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    const rev = await h.store.revision();
    for (const p of await h.pods()) await h.gc.reconcile(keyOf(p)); // terminating: nothing more to do
    expect(await h.store.revision()).toBe(rev);
    await h.kubelet();
    expect(await h.pods()).toEqual([]);
  });

  it('keysFor routes an owner’s deletion to its dependents, and a new dependent to itself', async () => {
    const h = setup();
    await running(h);
    const [rs] = await h.sets();
    const pods = await h.pods();
    const d = await h.store.get(DEPLOY);
    expect(h.gc.keysFor({ type: 'ADDED', object: d, revision: 1 })).toEqual([]); // no owners, not being deleted
    expect(h.gc.keysFor({ type: 'ADDED', object: rs!, revision: 1 })).toEqual([keyOf(rs!)]);
    expect(h.gc.keysFor({ type: 'MODIFIED', object: rs!, revision: 2 })).toEqual([]); // references unchanged
    for (const p of pods) h.gc.keysFor({ type: 'ADDED', object: p, revision: 1 });
    expect(h.gc.keysFor({ type: 'DELETED', object: d, revision: 3 })).toEqual([keyOf(rs!)]);
    expect(h.gc.keysFor({ type: 'DELETED', object: rs!, revision: 4 }).sort()).toEqual([...pods.map(keyOf), 'deployments/default/web'].sort());
    const marked = await h.store.delete(DEPLOY, { propagationPolicy: 'Foreground' });
    expect(h.gc.keysFor({ type: 'MODIFIED', object: marked, revision: 5 })).toEqual(['deployments/default/web']);
  });

  it('a dependent of an owner recreated under the same name (another uid) is collected', async () => {
    const h = setup();
    await running(h, 1);
    await h.store.delete(DEPLOY);
    await h.store.create(deployment({ replicas: 0 }));
    const [rs] = (await h.sets()).filter((r) => r.spec!.replicas === 1);
    await h.gc.reconcile(keyOf(rs!));
    expect((await h.sets()).map((r) => r.metadata.name)).not.toContain(rs!.metadata.name);
  });
});

describe('GarbageCollector: foreground', () => {
  it('deletes pods first, then the ReplicaSet, then the Deployment', async () => {
    const h = setup();
    await running(h);
    const [rs] = await h.sets();
    const marked = await h.store.delete(DEPLOY, { propagationPolicy: 'Foreground' });
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);

    await h.gc.reconcile('deployments/default/web');
    const rsNow = await h.rs(rs!.metadata.name);
    expect(rsNow.metadata.deletionTimestamp).toBeDefined();
    expect(rsNow.metadata.finalizers).toEqual(['foregroundDeletion']); // it has pods of its own
    expect(await h.store.tryGet(DEPLOY)).toBeDefined();

    await h.gc.reconcile(keyOf(rs!));
    expect((await h.pods()).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    expect(await h.sets()).toHaveLength(1); // the pods still exist: blockOwnerDeletion holds the set
    await h.settle(); // controllers recreate nothing for objects being deleted (statuses catch up)
    expect(await h.pods()).toHaveLength(2);
    expect(await h.sets()).toHaveLength(1);
    expect((await h.rs(rs!.metadata.name)).status!.replicas).toBe(0);
    const rev = await h.store.revision();
    await h.gc.reconcile(keyOf(rs!));
    await h.gc.reconcile('deployments/default/web');
    await h.passAll();
    expect(await h.store.revision()).toBe(rev);

    await h.kubelet(); // pods finish
    await h.gc.reconcile(keyOf(rs!));
    expect(await h.sets()).toEqual([]);
    expect(await h.store.tryGet(DEPLOY)).toBeDefined();
    await h.gc.reconcile('deployments/default/web');
    expect(await h.store.tryGet(DEPLOY)).toBeUndefined();
  });

  it('settles to nothing left when driven by resync', async () => {
    const h = setup();
    await running(h, 3);
    await h.store.delete(DEPLOY, { propagationPolicy: 'Foreground' });
    await collect(h);
    expect(await h.store.tryGet(DEPLOY)).toBeUndefined();
    expect(await h.sets()).toEqual([]);
    expect(await h.pods()).toEqual([]);
  });
});

describe('GarbageCollector: orphan', () => {
  it('removes the references to the Deployment, then the finalizer; ReplicaSet and pods stay', async () => {
    const h = setup();
    await running(h);
    const d = await h.store.get(DEPLOY);
    await h.store.delete(DEPLOY, { propagationPolicy: 'Orphan' });
    await h.gc.reconcile('deployments/default/web');
    expect(await h.store.tryGet(DEPLOY)).toBeUndefined();
    const [rs] = await h.sets();
    expect(rs!.metadata.ownerReferences).toBeUndefined();
    expect(rs!.spec!.replicas).toBe(2);
    const pods = await h.pods();
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs!.metadata.uid)).toBe(true);
    expect(pods.every((p) => !p.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid))).toBe(true);
    await collect(h);
    expect(await h.pods()).toHaveLength(2);
    expect(await h.sets()).toHaveLength(1);
  });

  it('orphaning a ReplicaSet keeps its pods running without an owner', async () => {
    const h = setup();
    await running(h);
    const [rs] = await h.sets();
    await h.store.delete({ resource: 'replicasets', namespace: 'default', name: rs!.metadata.name }, { propagationPolicy: 'Orphan' });
    await h.gc.reconcile(keyOf(rs!));
    expect((await h.sets()).map((r) => r.metadata.name)).not.toContain(rs!.metadata.name);
    const pods = (await h.pods()).filter((p) => !p.metadata.ownerReferences?.length);
    expect(pods.length).toBeGreaterThanOrEqual(2);
  });
});

describe('GarbageCollector: references', () => {
  const pod = (name: string, refs: { uid: string; kind?: string; apiVersion?: string; name?: string; controller?: boolean }[]): PodObj =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'default',
        ownerReferences: refs.map((r) => ({ apiVersion: r.apiVersion ?? 'v1', kind: r.kind ?? 'ConfigMap', name: r.name ?? 'cm', uid: r.uid, ...(r.controller ? { controller: true } : {}) })),
      },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    }) as PodObj;

  it('a dependent with a live owner only loses its reference to the gone one', async () => {
    const h = setup();
    const cm = await h.store.create<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' } });
    await h.store.create(pod('p', [{ uid: cm.metadata.uid! }, { uid: 'gone', name: 'old' }]));
    await h.gc.reconcile('pods/default/p');
    const p = await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'p' });
    expect(p.metadata.ownerReferences!.map((r) => r.uid)).toEqual([cm.metadata.uid]);
    expect(await h.writes(() => h.gc.reconcile('pods/default/p'))).toBe(0);
  });

  it('leaves references to kinds it does not know alone', async () => {
    const h = setup();
    await h.store.create(pod('p', [{ uid: 'x', kind: 'Widget', apiVersion: 'example.com/v1' }]));
    expect(await h.writes(() => h.gc.reconcile('pods/default/p'))).toBe(0);
    expect(await h.store.tryGet({ resource: 'pods', namespace: 'default', name: 'p' })).toBeDefined();
  });

  it('an unbound orphaned pod is deleted at once', async () => {
    const h = setup();
    await h.store.create(pod('p', [{ uid: 'gone', kind: 'ReplicaSet', apiVersion: 'apps/v1', name: 'rs', controller: true }]));
    await h.gc.reconcile('pods/default/p');
    expect(await h.store.tryGet({ resource: 'pods', namespace: 'default', name: 'p' })).toBeUndefined();
  });

  it('resyncKeys lists objects with owners and GC-finalized ones being deleted', async () => {
    const h = setup();
    await running(h, 1);
    await h.store.delete(DEPLOY, { propagationPolicy: 'Orphan' });
    const keys = await h.gc.resyncKeys();
    expect(keys).toContain('deployments/default/web');
    expect(keys.filter((k) => k.startsWith('replicasets/'))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith('pods/'))).toHaveLength(1);
  });
});
