import { describe, expect, it } from 'vitest';
import { computeHash } from '../../../../src/controllers/deployment/util.js';
import { active, deployment, imageOf, isReady, replicaSet, setup, type DeploymentObj, type DeploymentOpts, type Harness, type ReplicaSetObj } from './harness.js';

const KEY = 'deployments/default/web';

async function create(h: Harness, o: DeploymentOpts = {}): Promise<DeploymentObj> {
  return h.store.create(deployment(o));
}

async function edit(h: Harness, fn: (d: DeploymentObj) => void): Promise<DeploymentObj> {
  const d = structuredClone(await h.deploy());
  fn(d);
  return h.store.update(d);
}
const setImage = (h: Harness, image: string) =>
  edit(h, (d) => {
    d.spec!.template.spec!.containers[0]!.image = image;
  });

const byRevision = async (h: Harness): Promise<Record<string, { replicas: number; image?: string; name: string }>> =>
  Object.fromEntries(
    (await h.sets()).map((r) => [
      r.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?',
      { replicas: r.spec!.replicas!, image: imageOf(r.spec!.template), name: r.metadata.name },
    ]),
  );

const cond = (d: DeploymentObj, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('DeploymentController: a new Deployment', () => {
  it('creates <name>-<pod-template-hash> with the hash in labels and selector, revision 1, then writes nothing', async () => {
    const h = setup();
    const d = await create(h, { replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first' } });
    expect(await h.dc.reconcile(KEY)).toEqual({ requeueAfterMs: 601_000 });
    const hash = computeHash(d.spec!.template);
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    const [rs, ...more] = await h.sets();
    expect(more).toEqual([]);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.spec!.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs!.spec!.template!.metadata!.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.spec!.replicas).toBe(3);
    expect(rs!.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(rs!.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'first',
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    const after = await h.deploy();
    expect(after.metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'first', 'deployment.kubernetes.io/revision': '1' });
    expect(after.metadata.generation).toBe(1);
    expect(after.status).toEqual({
      observedGeneration: 1,
      unavailableReplicas: 3,
      conditions: [
        { type: 'Progressing', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` },
        { type: 'Available', status: 'False', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      ],
    });
    expect(await h.eventMessages('ScalingReplicaSet')).toEqual([`Scaled up replica set web-${hash} to 3`]);
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });

  it('rolls out to Available/NewReplicaSetAvailable once the pods are ready (and then stays still)', async () => {
    const h = setup();
    await create(h, { replicas: 3 });
    await h.settle({ kubelet: {} });
    const d = await h.deploy();
    const name = (await h.sets())[0]!.metadata.name;
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status!.unavailableReplicas).toBeUndefined();
    expect(d.status!.conditions!.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`],
    ]);
    expect(active(await h.pods()).filter(isReady)).toHaveLength(3);
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
    expect(await h.writes(() => h.rsc.reconcile(`replicasets/default/${name}`))).toBe(0);
  });

  it('passes minReadySeconds to the ReplicaSet and waits for it', async () => {
    const h = setup();
    await create(h, { replicas: 2, minReadySeconds: 30 });
    await h.settle({ kubelet: {} });
    const [rs] = await h.sets();
    expect(rs!.spec!.minReadySeconds).toBe(30);
    expect((await h.deploy()).status).toMatchObject({ readyReplicas: 2, unavailableReplicas: 2 });
    h.clock.advance(31_000);
    await h.settle();
    expect((await h.deploy()).status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    expect(cond(await h.deploy(), 'Available')!.status).toBe('True');
  });

  it('warns about an empty selector and does nothing else', async () => {
    const h = setup();
    const d = deployment();
    d.spec!.selector = {};
    await h.store.create(d);
    await h.dc.reconcile(KEY);
    expect(await h.sets()).toEqual([]);
    expect(await h.eventMessages('SelectingAll')).toEqual(['This deployment is selecting all pods. A non-empty selector is required.']);
    expect((await h.deploy()).status).toEqual({ observedGeneration: 1 });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });
});

/** Runs the controllers and the kubelet stand-in one step at a time, checking the rollout bounds after each. */
async function rollStepwise(h: Harness, bounds: { max: number; minReady: number }, ready?: (img: string | undefined) => boolean, steps = 40) {
  const samples: { active: number; ready: number }[] = [];
  for (let i = 0; i < steps; i++) {
    await h.passAll();
    const pods = active(await h.pods());
    const sample = { active: pods.length, ready: pods.filter(isReady).length };
    samples.push(sample);
    const total = (await h.sets()).reduce((n, r) => n + r.spec!.replicas!, 0);
    expect(total, `step ${i}: replicas of all sets`).toBeLessThanOrEqual(bounds.max);
    expect(sample.active, `step ${i}: pods`).toBeLessThanOrEqual(bounds.max);
    expect(sample.ready, `step ${i}: ready pods`).toBeGreaterThanOrEqual(bounds.minReady);
    await h.kubelet(ready ? { ready: (p) => ready(imageOf(p)) } : {});
  }
  return samples;
}

describe('DeploymentController: RollingUpdate', () => {
  it.each([
    ['maxSurge 1, maxUnavailable 1', 4, { maxSurge: 1, maxUnavailable: 1 }, 5, 3],
    ['defaults (25%/25% of 4)', 4, undefined, 5, 3],
    ['maxSurge 0, maxUnavailable 2', 5, { maxSurge: 0, maxUnavailable: 2 }, 5, 3],
    ['maxSurge 2, maxUnavailable 0', 5, { maxSurge: 2, maxUnavailable: 0 }, 7, 5],
    ['percentages 50%/0 of 3', 3, { maxSurge: '50%', maxUnavailable: 0 }, 5, 3],
  ])('%s: never above replicas+maxSurge pods, never below replicas-maxUnavailable ready', async (_n, replicas, rollingUpdate, max, minReady) => {
    const h = setup();
    await create(h, { replicas, ...(rollingUpdate ? { strategy: { type: 'RollingUpdate', rollingUpdate } } : {}) });
    await h.settle({ kubelet: {} });
    await setImage(h, 'nginx:1.26');
    await rollStepwise(h, { max, minReady });
    const pods = active(await h.pods());
    expect(pods.map(imageOf)).toEqual(Array(replicas).fill('nginx:1.26'));
    const revs = await byRevision(h);
    expect(revs['1']).toMatchObject({ replicas: 0, image: 'nginx:1.25' });
    expect(revs['2']).toMatchObject({ replicas, image: 'nginx:1.26' });
    const d = await h.deploy();
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas, updatedReplicas: replicas, availableReplicas: replicas });
    expect(cond(d, 'Progressing')!.reason).toBe('NewReplicaSetAvailable');
    expect(await h.writes(() => h.passAll())).toBe(0);
  });

  it('moves one bounded step per pass and records kubectl’s scaling events', async () => {
    const h = setup();
    await create(h, { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await h.settle({ kubelet: {} });
    const oldName = (await h.sets())[0]!.metadata.name;
    await setImage(h, 'nginx:1.26');
    await h.settle({ kubelet: {} });
    const newName = (await h.sets()).find((r) => r.metadata.name !== oldName)!.metadata.name;
    expect(await h.eventMessages('ScalingReplicaSet')).toEqual(
      [
        `Scaled up replica set ${oldName} to 2`,
        `Scaled up replica set ${newName} to 1`,
        `Scaled down replica set ${oldName} to 1 from 2`,
        `Scaled up replica set ${newName} to 2 from 1`,
        `Scaled down replica set ${oldName} to 0 from 1`,
      ],
    );
  });

  it('stalls with the old pods serving when the new ones never get ready (maxUnavailable 0), then times out', async () => {
    const h = setup();
    await create(h, { replicas: 3, progressDeadlineSeconds: 60, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await h.settle({ kubelet: {} });
    await setImage(h, 'nginx:does-not-exist');
    const ready = (p: { spec?: { containers?: { image?: string }[] } }) => imageOf(p) !== 'nginx:does-not-exist';
    await h.settle({ kubelet: { ready } });
    const revs = await byRevision(h);
    expect(revs['1']!.replicas).toBe(3);
    expect(revs['2']!.replicas).toBe(1);
    expect(active(await h.pods()).filter(isReady).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.25', 'nginx:1.25']);
    let d = await h.deploy();
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(cond(d, 'Available')!.status).toBe('True');

    const res = await h.dc.reconcile(KEY);
    expect(res.requeueAfterMs).toBe(61_000);
    h.clock.advance(60_000);
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0); // exactly at the deadline: not yet
    h.clock.advance(1000);
    await h.dc.reconcile(KEY);
    d = await h.deploy();
    expect(cond(d, 'Progressing')).toEqual({
      type: 'Progressing',
      status: 'False',
      lastUpdateTime: '2026-01-01T00:01:01Z',
      lastTransitionTime: '2026-01-01T00:01:01Z',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${revs['2']!.name}" has timed out progressing.`,
    });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
    expect((await h.dc.reconcile(KEY)).requeueAfterMs).toBeUndefined();
  });

  it('rollback to an old template re-uses that ReplicaSet; its revision becomes the newest', async () => {
    const h = setup();
    await create(h, { replicas: 2 });
    await h.settle({ kubelet: {} });
    await setImage(h, 'nginx:1.26');
    await h.settle({ kubelet: {} });
    const before = await byRevision(h);
    expect(Object.keys(before).sort()).toEqual(['1', '2']);

    await setImage(h, 'nginx:1.25'); // what `rollout undo` does: the old template back into the spec
    await h.dc.reconcile(KEY);
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
    await h.settle({ kubelet: {} });
    const sets = await h.sets();
    expect(sets).toHaveLength(2);
    const v1 = sets.find((r) => r.metadata.name === before['1']!.name)!;
    expect(v1.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(v1.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(v1.spec!.replicas).toBe(2);
    expect((await h.deploy()).metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(active(await h.pods()).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.25']);

    // undo again toggles back to the other set
    await setImage(h, 'nginx:1.26');
    await h.settle({ kubelet: {} });
    const v2 = await h.rs(before['2']!.name!);
    expect(v2.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('4');
    expect(v2.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('2');
    expect(await h.sets()).toHaveLength(2);
  });

  it('undo of a broken rollout: the unhealthy new pods are scaled away at once, then the old set grows back', async () => {
    const h = setup();
    await create(h, { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    await h.settle({ kubelet: {} });
    const broken = (p: { spec?: { containers?: { image?: string }[] } }) => imageOf(p) !== 'nginx:broken';
    await setImage(h, 'nginx:broken');
    await h.settle({ kubelet: { ready: broken } });
    let revs = await byRevision(h);
    expect([revs['1']!.replicas, revs['2']!.replicas]).toEqual([8, 5]);

    await setImage(h, 'nginx:1.25');
    await h.dc.reconcile(KEY);
    revs = await byRevision(h);
    expect(revs['3']).toMatchObject({ image: 'nginx:1.25', replicas: 8 });
    expect(revs['2']).toMatchObject({ image: 'nginx:broken', replicas: 0 }); // cleanupUnhealthyReplicas
    await h.settle({ kubelet: { ready: broken } });
    revs = await byRevision(h);
    expect(revs['3']!.replicas).toBe(10);
    expect(active(await h.pods()).filter(isReady)).toHaveLength(10);
    expect(cond(await h.deploy(), 'Progressing')!.reason).toBe('NewReplicaSetAvailable');
  });

  it('reports a failed ReplicaSet create as Progressing False ReplicaSetCreateError', async () => {
    const h = setup();
    const orig = h.store.create.bind(h.store);
    h.store.create = (async (o: { kind: string }) => {
      if (o.kind === 'ReplicaSet') throw new Error('disk full');
      return orig(o as never);
    }) as typeof h.store.create;
    await create(h, { replicas: 1 });
    await expect(h.dc.reconcile(KEY)).rejects.toThrow('disk full');
    const d = await h.deploy();
    const name = `web-${computeHash(d.spec!.template)}`;
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ReplicaSetCreateError', message: `Failed to create new replica set "${name}": disk full` });
    expect(await h.eventMessages('ReplicaSetCreateError')).toEqual([`Failed to create new replica set "${name}": disk full`]);
  });

  it('copies kubernetes.io/change-cause to the new ReplicaSet only', async () => {
    const h = setup();
    await create(h, { replicas: 1, annotations: { 'kubernetes.io/change-cause': 'v1' } });
    await h.settle({ kubelet: {} });
    await edit(h, (d) => {
      d.metadata.annotations!['kubernetes.io/change-cause'] = 'kctl set image deploy/web app=nginx:1.26';
      d.spec!.template.spec!.containers[0]!.image = 'nginx:1.26';
    });
    await h.settle({ kubelet: {} });
    const revs = await h.sets();
    const cause = (rev: string) => revs.find((r) => r.metadata.annotations!['deployment.kubernetes.io/revision'] === rev)!.metadata.annotations!['kubernetes.io/change-cause'];
    expect(cause('1')).toBe('v1');
    expect(cause('2')).toBe('kctl set image deploy/web app=nginx:1.26');
  });

  it('keeps revisionHistoryLimit old ReplicaSets, deleting the oldest scaled-down ones', async () => {
    const h = setup();
    await create(h, { replicas: 1, revisionHistoryLimit: 1 });
    await h.settle({ kubelet: {} });
    for (const tag of ['1.26', '1.27', '1.28']) {
      await setImage(h, `nginx:${tag}`);
      await h.settle({ kubelet: {} });
    }
    const revs = await byRevision(h);
    expect(Object.keys(revs).sort()).toEqual(['3', '4']);
    expect(revs['4']).toMatchObject({ replicas: 1, image: 'nginx:1.28' });
    expect(revs['3']).toMatchObject({ replicas: 0, image: 'nginx:1.27' });
  });

  it('revisionHistoryLimit 0 removes every old set once the rollout completes', async () => {
    const h = setup();
    await create(h, { replicas: 1, revisionHistoryLimit: 0 });
    await h.settle({ kubelet: {} });
    await setImage(h, 'nginx:1.26');
    await h.settle({ kubelet: {} });
    expect(Object.keys(await byRevision(h))).toEqual(['2']);
  });

  it('scales proportionally when spec.replicas changes mid-rollout (upstream: 10 → 15, old +3, new +2)', async () => {
    const h = setup();
    await create(h, { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    await h.settle({ kubelet: {} });
    await setImage(h, 'nginx:broken');
    await h.settle({ kubelet: { ready: (p) => imageOf(p) !== 'nginx:broken' } });
    let revs = await byRevision(h);
    expect([revs['1']!.replicas, revs['2']!.replicas]).toEqual([8, 5]);
    await edit(h, (d) => {
      d.spec!.replicas = 15;
    });
    await h.dc.reconcile(KEY);
    revs = await byRevision(h);
    expect([revs['1']!.replicas, revs['2']!.replicas]).toEqual([11, 7]);
    expect((await h.rs(revs['1']!.name!)).metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/desired-replicas': '15',
      'deployment.kubernetes.io/max-replicas': '18',
    });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });

  it('scales the only active set directly when replicas change after the rollout', async () => {
    const h = setup();
    await create(h, { replicas: 2 });
    await h.settle({ kubelet: {} });
    await edit(h, (d) => {
      d.spec!.replicas = 5;
    });
    await h.dc.reconcile(KEY);
    const [rs] = await h.sets();
    expect(rs!.spec!.replicas).toBe(5);
    expect(rs!.metadata.annotations!['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
    await h.settle({ kubelet: {} });
    expect((await h.deploy()).status).toMatchObject({ replicas: 5, availableReplicas: 5 });
  });

  it('adopts an orphan ReplicaSet its selector matches and scales it down as an old one', async () => {
    const h = setup();
    await h.store.create(replicaSet('legacy', 2, { app: 'web' }));
    await h.rsc.reconcile('replicasets/default/legacy');
    const d = await create(h, { replicas: 2, image: 'nginx:1.26' });
    await h.settle({ kubelet: {} });
    const legacy = await h.rs('legacy');
    expect(legacy.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(legacy.spec!.replicas).toBe(0);
    expect(active(await h.pods()).map(imageOf)).toEqual(['nginx:1.26', 'nginx:1.26']);
  });

  it('a hash collision bumps status.collisionCount and the next pass picks another name', async () => {
    const h = setup();
    const d = deployment({ replicas: 1 });
    const created = await h.store.create(d);
    const hash = computeHash(created.spec!.template);
    const squatter = replicaSet(`web-${hash}`, 0, { app: 'other' });
    await h.store.create(squatter);
    await expect(h.dc.reconcile(KEY)).rejects.toThrow(/already exists/);
    expect((await h.deploy()).status!.collisionCount).toBe(1);
    await h.dc.reconcile(KEY);
    const mine = (await h.sets()).filter((r) => r.metadata.ownerReferences?.length);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.metadata.name).toBe(`web-${computeHash(created.spec!.template, 1)}`);
    expect(mine[0]!.metadata.name).not.toBe(`web-${hash}`);
  });
});

describe('DeploymentController: Recreate', () => {
  it('scales the old set to 0, waits until its pods are gone, then brings up the new one', async () => {
    const h = setup();
    await create(h, { replicas: 2, strategy: { type: 'Recreate' } });
    await h.settle({ kubelet: {} });
    const oldName = (await h.sets())[0]!.metadata.name;
    await setImage(h, 'nginx:1.26');

    await h.dc.reconcile(KEY);
    expect((await h.rs(oldName)).spec!.replicas).toBe(0);
    expect(await h.sets()).toHaveLength(1); // no new set before the old pods are gone
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);

    await h.rsc.reconcile(`replicasets/default/${oldName}`); // pods marked for deletion (bound: graceful)
    expect((await h.pods()).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    await h.dc.reconcile(KEY);
    expect(await h.sets()).toHaveLength(1); // terminating pods still run

    await h.kubelet(); // the kubelet finishes them
    expect(await h.pods()).toEqual([]);
    await h.dc.reconcile(KEY);
    const sets = await h.sets();
    expect(sets).toHaveLength(2);
    const nw = sets.find((r) => r.metadata.name !== oldName)!;
    expect(nw.spec!.replicas).toBe(2);
    expect(nw.metadata.annotations!['deployment.kubernetes.io/max-replicas']).toBe('2');
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);

    let images: (string | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      await h.passAll();
      const pods = active(await h.pods());
      images = pods.map(imageOf);
      expect(new Set(images).size).toBeLessThanOrEqual(1); // never old and new together
      await h.kubelet();
    }
    expect(images).toEqual(['nginx:1.26', 'nginx:1.26']);
    expect(cond(await h.deploy(), 'Progressing')!.reason).toBe('NewReplicaSetAvailable');
  });

  it('keysFor: a deleted pod of an owned set wakes its Deployment (Recreate waits for it)', async () => {
    const h = setup();
    await create(h, { replicas: 1, strategy: { type: 'Recreate' } });
    await h.settle({ kubelet: {} });
    const [rs] = await h.sets();
    const [pod] = await h.pods();
    expect(h.dc.keysFor({ type: 'ADDED', object: rs!, revision: 1 })).toEqual([KEY]);
    expect(h.dc.keysFor({ type: 'DELETED', object: pod!, revision: 1 })).toEqual([KEY]);
    expect(h.dc.keysFor({ type: 'MODIFIED', object: pod!, revision: 1 })).toEqual([]);
    h.dc.keysFor({ type: 'ADDED', object: await h.deploy(), revision: 1 });
    expect(h.dc.keysFor({ type: 'ADDED', object: replicaSet('orphan', 1), revision: 1 })).toEqual([KEY]);
    expect(h.dc.keysFor({ type: 'ADDED', object: replicaSet('other', 1, { app: 'db' }), revision: 1 })).toEqual([]);
    expect(await h.dc.resyncKeys()).toEqual([KEY]);
  });
});

describe('DeploymentController: paused', () => {
  it('does not roll out while paused, still scales, and resumes where it left off', async () => {
    const h = setup();
    await create(h, { replicas: 2 });
    await h.settle({ kubelet: {} });
    await edit(h, (d) => {
      d.spec!.paused = true;
      d.spec!.template.spec!.containers[0]!.image = 'nginx:1.26';
    });
    await h.settle({ kubelet: {} });
    expect(await h.sets()).toHaveLength(1);
    let d = await h.deploy();
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas: 2 });
    expect(d.status!.updatedReplicas).toBeUndefined(); // the old template's pods are not updated ones
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);

    await edit(h, (x) => {
      x.spec!.replicas = 3;
    });
    await h.settle({ kubelet: {} });
    expect((await h.sets())[0]!.spec!.replicas).toBe(3);
    expect(active(await h.pods()).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.25', 'nginx:1.25']);

    await edit(h, (x) => {
      x.spec!.paused = false;
    });
    await h.dc.reconcile(KEY);
    d = await h.deploy();
    expect(cond(d, 'Progressing')!.reason).not.toBe('DeploymentPaused');
    await h.settle({ kubelet: {} });
    expect(active(await h.pods()).map(imageOf)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    expect(cond(await h.deploy(), 'Progressing')!.reason).toBe('NewReplicaSetAvailable');
  });

  it('a paused Deployment does not time out', async () => {
    const h = setup();
    await create(h, { replicas: 1, progressDeadlineSeconds: 10, paused: true });
    await h.settle({ kubelet: {} });
    expect(await h.sets()).toEqual([]);
    h.clock.advance(3600_000);
    await h.settle({ kubelet: {} });
    expect(cond(await h.deploy(), 'Progressing')!.reason).toBe('DeploymentPaused');
  });
});

describe('DeploymentController: deleting', () => {
  it('a Deployment being deleted only gets its status refreshed', async () => {
    const h = setup();
    await create(h, { replicas: 2 });
    await h.settle({ kubelet: {} });
    await setImage(h, 'nginx:1.26');
    await h.store.delete({ resource: 'deployments', namespace: 'default', name: 'web' }, { propagationPolicy: 'Foreground' });
    await h.dc.reconcile(KEY);
    expect(await h.sets()).toHaveLength(1);
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });
});

export type { ReplicaSetObj };
