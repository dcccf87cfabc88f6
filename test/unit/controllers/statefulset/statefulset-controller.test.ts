import { describe, expect, it } from 'vitest';
import { KEY, imageOf, revOf, setup, statefulSet, type Harness, type SetOpts } from './harness.js';

const create = (h: Harness, o: SetOpts = {}) => h.store.create(statefulSet(o));
const setImage = (h: Harness, image: string) =>
  h.edit((s) => {
    s.spec!.template.spec!.containers[0]!.image = image;
  });
const scale = (h: Harness, n: number) =>
  h.edit((s) => {
    s.spec!.replicas = n;
  });

describe('StatefulSetController: OrderedReady', () => {
  it('creates web-0 only, with its identity, revision and owner; a second pass writes nothing', async () => {
    const h = setup();
    const set = await create(h);
    await h.ssc.reconcile(KEY);
    const [rev, ...more] = await h.revisions();
    expect(more).toEqual([]);
    expect(rev!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rev!.revision).toBe(1);
    expect(rev!.metadata.labels).toEqual({ app: 'web', 'controller-revision-hash': rev!.metadata.name.slice(4) });
    const pods = await h.pods();
    expect(pods.map((p) => p.metadata.name)).toEqual(['web-0']);
    const pod = pods[0]!;
    expect(pod.metadata.labels).toEqual({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-0',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': rev!.metadata.name,
    });
    expect(pod.spec!.hostname).toBe('web-0');
    expect(pod.spec!.subdomain).toBe('web');
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect((await h.sts()).status).toEqual({
      observedGeneration: 1,
      replicas: 1,
      availableReplicas: 0,
      currentReplicas: 1,
      updatedReplicas: 1,
      currentRevision: rev!.metadata.name,
      updateRevision: rev!.metadata.name,
      collisionCount: 0,
    });
    expect(await h.eventMessages('SuccessfulCreate')).toEqual(['create Pod web-0 in StatefulSet web successful']);
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0);
  });

  it('creates web-1 only once web-0 is Running and Ready', async () => {
    const h = setup();
    await create(h, { replicas: 2 });
    await h.ssc.reconcile(KEY);
    await h.kubelet(() => false); // web-0 runs, not ready
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0']);
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0);
    await h.kubelet(() => true);
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0', 'web-1']);
    await h.settle();
    expect((await h.sts()).status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 2 });
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0);
  });

  it('scales down from the highest ordinal, one pod at a time, waiting for each to be gone', async () => {
    const h = setup();
    await create(h, { replicas: 4 });
    await h.settle();
    await scale(h, 1);
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0', 'web-1', 'web-2', 'web-3 (terminating)']);
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0); // web-3 still terminating: wait
    await h.kubelet();
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0', 'web-1', 'web-2 (terminating)']);
    await h.settle();
    expect(await h.podNames()).toEqual(['web-0']);
    expect(await h.eventMessages('SuccessfulDelete')).toEqual(
      expect.arrayContaining(['delete Pod web-3 in StatefulSet web successful', 'delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']),
    );
  });

  it('does not scale down while a lower pod is unhealthy (unless the condemned one is the first unhealthy)', async () => {
    const h = setup();
    await create(h, { replicas: 3 });
    await h.settle();
    await scale(h, 2);
    await h.kubelet((p) => p.metadata.name !== 'web-0'); // web-0 turns not ready
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('replaces a deleted pod at the same ordinal', async () => {
    const h = setup();
    await create(h, { replicas: 2 });
    await h.settle();
    const before = (await h.pods())[0]!;
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web-0' }, { gracePeriodSeconds: 0 });
    await h.settle();
    const after = await h.pods();
    expect(after.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    expect(after[0]!.metadata.uid).not.toBe(before.metadata.uid);
  });

  it('deletes a failed pod and makes it again on a later pass', async () => {
    const h = setup();
    await create(h, { replicas: 1 });
    await h.settle();
    const p = (await h.pods())[0]!;
    await h.store.updateStatus({ ...p, status: { phase: 'Failed' } });
    await h.ssc.reconcile(KEY);
    expect(await h.pods()).toEqual([]);
    await h.settle();
    expect((await h.pods()).map((x) => [x.metadata.name, x.status?.phase])).toEqual([['web-0', 'Running']]);
  });
});

describe('StatefulSetController: Parallel', () => {
  it('creates every pod in one pass and deletes every condemned pod in one pass', async () => {
    const h = setup();
    await create(h, { replicas: 3, policy: 'Parallel' });
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0);
    await h.settle();
    await scale(h, 0);
    await h.kubelet(); // (nothing to do yet)
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0 (terminating)', 'web-1 (terminating)', 'web-2 (terminating)']);
  });
});

describe('StatefulSetController: volumeClaimTemplates', () => {
  it('creates <template>-<set>-<ordinal> before the pod, the pod mounts it, and claims outlive scale-down and pod deletion', async () => {
    const h = setup();
    await create(h, { replicas: 2, claims: true });
    await h.ssc.reconcile(KEY);
    const [claim] = await h.claims();
    expect(claim!.metadata.name).toBe('www-web-0');
    expect(claim!.metadata.labels).toEqual({ tier: 'data', app: 'web' });
    expect(claim!.metadata.ownerReferences).toBeUndefined();
    expect(claim!.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
    expect((await h.pods())[0]!.spec!.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    expect(await h.eventMessages('SuccessfulCreate')).toEqual(['create Claim www-web-0 Pod web-0 in StatefulSet web success', 'create Pod web-0 in StatefulSet web successful']);
    await h.settle();
    expect((await h.claims()).map((c) => c.metadata.name)).toEqual(['www-web-0', 'www-web-1']);
    await scale(h, 1);
    await h.settle({ gc: true });
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web-0' }, { gracePeriodSeconds: 0 });
    await h.settle({ gc: true });
    expect(await h.podNames()).toEqual(['web-0']);
    expect((await h.claims()).map((c) => c.metadata.name)).toEqual(['www-web-0', 'www-web-1']);
    await scale(h, 2);
    await h.settle({ gc: true });
    expect((await h.pods()).map((p) => p.spec!.volumes![0]!.persistentVolumeClaim!.claimName)).toEqual(['www-web-0', 'www-web-1']);
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0);
  });

  it('whenDeleted/whenScaled Delete: the set (or the scaled-away pod) owns the claims, and the collector removes them', async () => {
    const h = setup();
    const set = await create(h, { replicas: 2, claims: true, retention: { whenDeleted: 'Delete', whenScaled: 'Delete' } });
    await h.settle({ gc: true });
    expect((await h.claims()).map((c) => c.metadata.ownerReferences)).toEqual([
      [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid }],
      [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid }],
    ]);
    await scale(h, 1);
    await h.settle({ gc: true });
    expect((await h.claims()).map((c) => c.metadata.name)).toEqual(['www-web-0']);
    await h.store.delete({ resource: 'statefulsets', namespace: 'default', name: 'web' });
    await h.settle({ gc: true });
    expect(await h.claims()).toEqual([]);
    expect(await h.pods()).toEqual([]);
    expect(await h.revisions()).toEqual([]);
  });
});

describe('StatefulSetController: updates', () => {
  it('RollingUpdate replaces pods from the highest ordinal, one at a time, then makes the update revision current', async () => {
    const h = setup();
    await create(h, { replicas: 3 });
    await h.settle();
    const r1 = (await h.sts()).status!.currentRevision!;
    await setImage(h, 'nginx:1.26');
    await h.ssc.reconcile(KEY);
    const revs = await h.revisions();
    expect(revs.map((r) => r.revision)).toEqual([1, 2]);
    const r2 = revs[1]!.metadata.name;
    expect(await h.podNames()).toEqual(['web-0', 'web-1', 'web-2 (terminating)']);
    expect((await h.sts()).status).toMatchObject({ currentRevision: r1, updateRevision: r2, currentReplicas: 2, observedGeneration: 2 });
    expect(await h.writes(() => h.ssc.reconcile(KEY))).toBe(0);
    await h.kubelet();
    await h.ssc.reconcile(KEY); // web-2 comes back at r2
    expect((await h.pods()).map((p) => [p.metadata.name, imageOf(p)])).toEqual([
      ['web-0', 'nginx:1.25'],
      ['web-1', 'nginx:1.25'],
      ['web-2', 'nginx:1.26'],
    ]);
    await h.kubelet(() => false);
    await h.ssc.reconcile(KEY);
    expect(await h.podNames()).toEqual(['web-0', 'web-1', 'web-2']); // waits for web-2 to be ready
    await h.settle();
    expect((await h.pods()).map((p) => revOf(p))).toEqual([r2, r2, r2]);
    expect((await h.sts()).status).toMatchObject({ currentRevision: r2, updateRevision: r2, currentReplicas: 3, updatedReplicas: 3, readyReplicas: 3 });
  });

  it('honours the partition: ordinals below it stay at the current revision, also when re-created', async () => {
    const h = setup();
    await create(h, { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    await h.settle();
    const r1 = (await h.sts()).status!.currentRevision!;
    await setImage(h, 'nginx:1.26');
    await h.settle();
    expect((await h.pods()).map((p) => imageOf(p))).toEqual(['nginx:1.25', 'nginx:1.25', 'nginx:1.26']);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web-0' }, { gracePeriodSeconds: 0 });
    await h.settle();
    expect(revOf((await h.pods())[0])).toBe(r1);
    expect((await h.sts()).status).toMatchObject({ currentRevision: r1, currentReplicas: 2, updatedReplicas: 1 });
    await h.edit((s) => {
      s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    });
    await h.settle();
    expect((await h.pods()).map((p) => imageOf(p))).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    expect((await h.sts()).status!.currentRevision).toBe((await h.sts()).status!.updateRevision);
  });

  it('OnDelete leaves pods alone; a deleted pod comes back at the update revision', async () => {
    const h = setup();
    await create(h, { replicas: 2, updateStrategy: { type: 'OnDelete' } });
    await h.settle();
    await setImage(h, 'nginx:1.26');
    await h.settle();
    expect((await h.pods()).map((p) => imageOf(p))).toEqual(['nginx:1.25', 'nginx:1.25']);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web-1' }, { gracePeriodSeconds: 0 });
    await h.settle();
    expect((await h.pods()).map((p) => imageOf(p))).toEqual(['nginx:1.25', 'nginx:1.26']);
    expect((await h.sts()).status).toMatchObject({ currentReplicas: 1, updatedReplicas: 1 });
  });

  it('a template equal to an older revision re-uses it with the next revision number (rollback)', async () => {
    const h = setup();
    await create(h, { replicas: 1 });
    await h.settle();
    await setImage(h, 'nginx:1.26');
    await h.settle();
    const [first] = await h.revisions();
    await setImage(h, 'nginx:1.25');
    await h.settle();
    const revs = await h.revisions();
    expect(revs.map((r) => [r.metadata.name === first!.metadata.name, r.revision])).toEqual([
      [false, 2],
      [true, 3],
    ]);
    expect((await h.sts()).status!.updateRevision).toBe(first!.metadata.name);
  });

  it('keeps revisionHistoryLimit old revisions besides the live ones', async () => {
    const h = setup();
    await create(h, { replicas: 1, revisionHistoryLimit: 1 });
    await h.settle();
    for (const tag of ['1.26', '1.27', '1.28']) {
      await setImage(h, `nginx:${tag}`);
      await h.settle();
    }
    expect((await h.revisions()).map((r) => r.revision)).toEqual([3, 4]);
  });
});

describe('StatefulSetController: ownership', () => {
  it('adopts an orphan pod named like its ordinal and ignores pods with other names', async () => {
    const h = setup();
    await h.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'x' }] } });
    await h.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'x' }] } });
    const set = await create(h, { replicas: 1 });
    await h.ssc.reconcile(KEY);
    const pods = await h.pods();
    expect(pods.map((p) => [p.metadata.name, p.metadata.ownerReferences?.[0]?.uid])).toEqual([
      ['other', undefined],
      ['web-0', set.metadata.uid],
    ]);
  });

  it('deleting the set lets the collector remove its pods and revisions; claims are retained', async () => {
    const h = setup();
    await create(h, { replicas: 2, claims: true });
    await h.settle();
    await h.store.delete({ resource: 'statefulsets', namespace: 'default', name: 'web' });
    await h.settle({ gc: true });
    expect(await h.pods()).toEqual([]);
    expect(await h.revisions()).toEqual([]);
    expect((await h.claims()).map((c) => c.metadata.name)).toEqual(['www-web-0', 'www-web-1']);
  });

  it('requeues for minReadySeconds and counts a pod available only after it', async () => {
    const h = setup();
    await create(h, { replicas: 1, minReadySeconds: 10 });
    await h.ssc.reconcile(KEY);
    await h.kubelet();
    const r = await h.ssc.reconcile(KEY);
    expect(r.requeueAfterMs).toBe(10_001);
    expect((await h.sts()).status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    h.clock.advance(10_001);
    expect(await h.ssc.reconcile(KEY)).toEqual({});
    expect((await h.sts()).status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
  });
});

describe('StatefulSetController: keysFor', () => {
  it('maps a set to itself, its pods to it, and an orphan member pod to the sets that may adopt it', async () => {
    const h = setup();
    const set = await create(h);
    const ev = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: object) => ({ type, object, revision: 1 }) as never;
    expect(h.ssc.keysFor(ev('ADDED', set))).toEqual([KEY]);
    const owned = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'x', controller: true }] } };
    expect(h.ssc.keysFor(ev('DELETED', owned))).toEqual([KEY]);
    const orphan = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'web' } } });
    expect(h.ssc.keysFor(ev('ADDED', orphan('web-3')))).toEqual([KEY]);
    expect(h.ssc.keysFor(ev('ADDED', orphan('other-3')))).toEqual([]);
    const rsPod = { ...owned, metadata: { ...owned.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'y', controller: true }] } };
    expect(h.ssc.keysFor(ev('MODIFIED', rsPod))).toEqual([]);
  });
});
