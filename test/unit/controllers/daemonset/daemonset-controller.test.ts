import { describe, expect, it } from 'vitest';
import { KEY, NODE, daemonSet, setup, type Harness } from './harness.js';

const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

const image = (h: Harness) => async (): Promise<string[]> => (await h.live()).map((p) => p.spec!.containers[0]!.image!);
const hashOf = (p: { metadata: { labels?: Record<string, string> } }): string => p.metadata.labels!['controller-revision-hash']!;

describe('DaemonSetController: one daemon pod on the node', () => {
  it('creates the pod aimed at the node by affinity, labelled with the revision hash and template generation; a second pass writes nothing', async () => {
    const h = await setup();
    const ds = await h.store.create(daemonSet());
    expect(ds.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    await h.dc.reconcile(KEY);
    const [rev, ...moreRevs] = await h.revisions();
    expect(moreRevs).toEqual([]);
    const hash = rev!.metadata.labels!['controller-revision-hash']!;
    expect(rev!.metadata.name).toBe(`agent-${hash}`);
    expect(rev!.revision).toBe(1);
    expect(rev!.metadata.labels).toEqual({ app: 'agent', 'controller-revision-hash': hash });
    expect(rev!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect((rev!.data as { spec: { template: { $patch: string } } }).spec.template.$patch).toBe('replace');

    const pods = await h.pods();
    expect(pods).toHaveLength(1);
    const p = pods[0]!;
    expect(p.metadata.generateName).toBe('agent-');
    expect(p.metadata.labels).toEqual({ app: 'agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(p.spec!.nodeName).toBeUndefined();
    expect(p.spec!.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [NODE] }] }] } },
    });
    expect(p.spec!.tolerations).toEqual(DAEMON_TOLERATIONS);
    expect(await h.eventReasons()).toEqual([`SuccessfulCreate: Created pod: ${p.metadata.name}`]);
    expect((await h.getDs()).status).toEqual({
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 0,
      observedGeneration: 1,
      updatedNumberScheduled: 1,
      numberUnavailable: 1,
    });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });

  it('counts the pod ready and available once the kubelet runs it', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    const [p] = await h.pods();
    expect(p!.spec!.nodeName).toBe(NODE);
    expect((await h.getDs()).status).toEqual({
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      observedGeneration: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
    });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });

  it('recreates a deleted pod and keeps only the oldest of two', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    const [first] = await h.pods();
    await h.store.delete({ resource: 'pods', namespace: 'default', name: first!.metadata.name }, { gracePeriodSeconds: 0 });
    await h.settle({ kubelet: true });
    const [second, ...rest] = await h.live();
    expect(rest).toEqual([]);
    expect(second!.metadata.name).not.toBe(first!.metadata.name);
    // a stray copy (adopted by labels) is pruned: the oldest stays
    h.clock.advance(1000);
    await h.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'default', labels: second!.metadata.labels }, spec: { ...second!.spec!, nodeName: NODE } });
    await h.settle({ kubelet: true });
    expect((await h.live()).map((p) => p.metadata.name)).toEqual([second!.metadata.name]);
    expect(await h.eventReasons()).toContain('SuccessfulDelete: Deleted pod: stray');
  });

  it('replaces a failed pod, with a FailedDaemonPod event, behind a back-off', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    const [a] = await h.pods();
    await h.fail(a!.metadata.name);
    await h.settle({ kubelet: true });
    const [b] = await h.live();
    expect(b!.metadata.name).not.toBe(a!.metadata.name);
    expect(await h.eventReasons()).toContain(`FailedDaemonPod: Found failed daemon pod default/${a!.metadata.name} on node ${NODE}, will try to kill it`);
    // a second failure within the back-off (1 s) waits for it
    await h.fail(b!.metadata.name);
    const r = await h.dc.reconcile(KEY);
    expect(r.requeueAfterMs).toBe(1000);
    expect((await h.live()).map((p) => p.metadata.name)).toEqual([b!.metadata.name]);
    h.clock.advance(1001);
    await h.settle({ kubelet: true });
    expect((await h.live()).map((p) => p.metadata.name)).not.toContain(b!.metadata.name);
    expect(await h.live()).toHaveLength(1);
  });
});

describe('DaemonSetController: which node runs a daemon pod', () => {
  it.each([
    { name: 'nodeSelector matches', node: { labels: { disk: 'ssd' } }, tpl: { nodeSelector: { disk: 'ssd' } }, pods: 1 },
    { name: 'nodeSelector does not match', node: { labels: { disk: 'hdd' } }, tpl: { nodeSelector: { disk: 'ssd' } }, pods: 0 },
    {
      name: 'required node affinity matches',
      node: { labels: { zone: 'a' } },
      tpl: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } } },
      pods: 1,
    },
    {
      name: 'required node affinity does not match',
      node: { labels: { zone: 'c' } },
      tpl: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } } },
      pods: 0,
    },
    { name: 'untolerated NoSchedule taint', node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, tpl: {}, pods: 0 },
    {
      name: 'tolerated NoSchedule taint',
      node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
      tpl: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] },
      pods: 1,
    },
    { name: 'PreferNoSchedule taint', node: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' }] }, tpl: {}, pods: 1 },
    { name: 'the unschedulable taint (daemon pods tolerate it)', node: { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }, tpl: {}, pods: 1 },
    { name: 'the not-ready NoSchedule taint', node: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }, tpl: {}, pods: 0 },
    { name: 'template nodeName of another node', node: {}, tpl: { nodeName: 'other' }, pods: 0 },
  ])('$name → $pods pod(s)', async ({ node, tpl, pods }) => {
    const h = await setup(node as never);
    await h.store.create(daemonSet({}, tpl));
    await h.settle();
    expect(await h.pods()).toHaveLength(pods);
    expect(await h.status()).toMatchObject({ desiredNumberScheduled: pods, currentNumberScheduled: pods, numberMisscheduled: 0 });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
  });

  it('removes the pod when the node stops matching the nodeSelector, and brings it back when it matches again', async () => {
    const h = await setup({ labels: { role: 'agent' } });
    await h.store.create(daemonSet({}, { nodeSelector: { role: 'agent' } }));
    await h.settle({ kubelet: true });
    expect(await h.live()).toHaveLength(1);
    await h.setNode((n) => delete n.metadata.labels!.role);
    await h.dc.reconcile(KEY);
    expect(await h.status()).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 1 });
    await h.settle({ kubelet: true });
    expect(await h.pods()).toEqual([]);
    expect(await h.status()).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 0 });
    await h.setNode((n) => (n.metadata.labels!.role = 'agent'));
    await h.settle({ kubelet: true });
    expect(await h.live()).toHaveLength(1);
  });

  it('a NoSchedule taint added later leaves the running pod; a NoExecute one evicts it', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    await h.setNode((n) => (n.spec = { taints: [{ key: 'maint', effect: 'NoSchedule' }] }));
    await h.settle({ kubelet: true });
    expect(await h.live()).toHaveLength(1);
    expect(await h.status()).toMatchObject({ desiredNumberScheduled: 0, numberMisscheduled: 1 });
    await h.setNode((n) => (n.spec = { taints: [{ key: 'maint', effect: 'NoExecute' }] }));
    await h.settle({ kubelet: true });
    expect(await h.pods()).toEqual([]);
  });

  it('routes node changes that matter to every DaemonSet, and ignores heartbeats', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.store.create(daemonSet({}, {}, 'logs'));
    for (const d of (await h.store.list('daemonsets')).items) h.dc.keysFor({ type: 'ADDED', object: d, revision: 1 });
    const node = await h.getNode();
    expect(h.dc.keysFor({ type: 'ADDED', object: node, revision: 2 }).sort()).toEqual(['daemonsets/default/agent', 'daemonsets/default/logs']);
    expect(h.dc.keysFor({ type: 'MODIFIED', object: { ...node, status: { conditions: [] } } as never, revision: 3 })).toEqual([]);
    const labelled = { ...node, metadata: { ...node.metadata, labels: { x: 'y' } } };
    expect(h.dc.keysFor({ type: 'MODIFIED', object: labelled, revision: 4 })).toHaveLength(2);
  });
});

describe('DaemonSetController: RollingUpdate', () => {
  it('maxUnavailable 1: deletes the old pod, then creates one at the new revision (generation 2)', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    const [old] = await h.pods();
    await h.updateDs((d) => (d.spec!.template.spec!.containers[0]!.image = 'busybox:2'));
    expect((await h.getDs()).metadata.annotations!['deprecated.daemonset.template.generation']).toBe('2');
    await h.dc.reconcile(KEY);
    // the old pod is marked for deletion; no new one yet (one move per pass)
    expect(await h.live()).toEqual([]);
    expect(await h.status()).toMatchObject({ observedGeneration: 2, updatedNumberScheduled: 0 });
    await h.settle({ kubelet: true });
    const [cur, ...rest] = await h.pods();
    expect(rest).toEqual([]);
    expect(cur!.metadata.name).not.toBe(old!.metadata.name);
    expect(await image(h)()).toEqual(['busybox:2']);
    const revs = await h.revisions();
    expect(revs.map((r) => r.revision)).toEqual([1, 2]);
    expect(hashOf(cur!)).toBe(hashOf(revs[1]!));
    expect(cur!.metadata.labels!['pod-template-generation']).toBe('2');
    expect((await h.getDs()).status).toEqual({
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      observedGeneration: 2,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
    });
  });

  it('maxSurge 1, maxUnavailable 0: the new pod starts beside the old one, which goes once the new one is available', async () => {
    const h = await setup();
    await h.store.create(daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle({ kubelet: true });
    const [old] = await h.pods();
    await h.updateDs((d) => (d.spec!.template.spec!.containers[0]!.image = 'busybox:2'));
    await h.settle(); // no kubelet: the new pod stays Pending
    expect((await h.live()).map((p) => p.spec!.containers[0]!.image).sort()).toEqual(['busybox:1', 'busybox:2']);
    expect(await h.status()).toMatchObject({ numberAvailable: 1, updatedNumberScheduled: 0, currentNumberScheduled: 1 });
    await h.settle({ kubelet: true });
    expect(await image(h)()).toEqual(['busybox:2']);
    expect((await h.pods()).map((p) => p.metadata.name)).not.toContain(old!.metadata.name);
    expect(await h.status()).toMatchObject({ numberAvailable: 1, updatedNumberScheduled: 1 });
  });

  it('minReadySeconds: the new pod counts as available only after it, and the pass asks to come back then', async () => {
    const h = await setup();
    await h.store.create(daemonSet({ minReadySeconds: 10 }));
    await h.settle();
    await h.runAll();
    const r = await h.dc.reconcile(KEY);
    expect(r.requeueAfterMs).toBe(10_001);
    expect(await h.status()).toMatchObject({ numberReady: 1, numberUnavailable: 1 });
    expect((await h.getDs()).status!.numberAvailable).toBeUndefined();
    h.clock.advance(10_001);
    expect(await h.dc.reconcile(KEY)).toEqual({});
    expect(await h.status()).toMatchObject({ numberReady: 1, numberAvailable: 1 });
  });

  it('rolling back to the first template raises its revision to 3 and the pod gets its hash again', async () => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    const firstHash = hashOf((await h.pods())[0]!);
    await h.updateDs((d) => (d.spec!.template.spec!.containers[0]!.image = 'busybox:2'));
    await h.settle({ kubelet: true });
    await h.updateDs((d) => (d.spec!.template.spec!.containers[0]!.image = 'busybox:1'));
    await h.settle({ kubelet: true });
    const revs = await h.revisions();
    expect(revs.map((r) => [r.revision, hashOf(r)])).toEqual([
      [2, expect.any(String)],
      [3, firstHash],
    ]);
    expect(await image(h)()).toEqual(['busybox:1']);
    expect(hashOf((await h.live())[0]!)).toBe(firstHash);
    expect((await h.getDs()).metadata.annotations!['deprecated.daemonset.template.generation']).toBe('3');
  });

  it('keeps revisionHistoryLimit old revisions', async () => {
    const h = await setup();
    await h.store.create(daemonSet({ revisionHistoryLimit: 1 }));
    for (const tag of ['2', '3', '4']) {
      await h.settle({ kubelet: true });
      await h.updateDs((d) => (d.spec!.template.spec!.containers[0]!.image = `busybox:${tag}`));
    }
    await h.settle({ kubelet: true });
    expect((await h.revisions()).map((r) => r.revision)).toEqual([3, 4]);
  });
});

describe('DaemonSetController: OnDelete', () => {
  it('leaves the old pod until it is deleted; the replacement is at the new revision', async () => {
    const h = await setup();
    await h.store.create(daemonSet({ updateStrategy: { type: 'OnDelete' } }));
    await h.settle({ kubelet: true });
    const [old] = await h.pods();
    await h.updateDs((d) => (d.spec!.template.spec!.containers[0]!.image = 'busybox:2'));
    await h.settle({ kubelet: true });
    expect((await h.live()).map((p) => p.metadata.name)).toEqual([old!.metadata.name]);
    expect(await h.status()).toMatchObject({ observedGeneration: 2, updatedNumberScheduled: 0, numberAvailable: 1 });
    await h.store.delete({ resource: 'pods', namespace: 'default', name: old!.metadata.name });
    await h.settle({ kubelet: true });
    expect(await image(h)()).toEqual(['busybox:2']);
    expect(await h.status()).toMatchObject({ updatedNumberScheduled: 1 });
  });
});

describe('DaemonSetController: deletion and selectors', () => {
  it.each(['Background', 'Foreground'] as const)('deleting the DaemonSet (%s) removes its pods through the garbage collector', async (propagationPolicy) => {
    const h = await setup();
    await h.store.create(daemonSet());
    await h.settle({ kubelet: true });
    await h.store.delete({ resource: 'daemonsets', namespace: 'default', name: 'agent' }, { propagationPolicy });
    for (let i = 0; i < 10; i++) {
      for (const k of await h.gc.resyncKeys()) await h.gc.reconcile(k);
      await h.dc.reconcile(KEY);
      await h.reap();
    }
    expect(await h.pods()).toEqual([]);
    expect(await h.store.tryGet({ resource: 'daemonsets', namespace: 'default', name: 'agent' })).toBeUndefined();
  });

  it('does nothing for a DaemonSet being deleted', async () => {
    const h = await setup();
    await h.store.create({ ...daemonSet(), metadata: { name: 'agent', namespace: 'default', finalizers: ['example.com/hold'] } });
    await h.store.delete({ resource: 'daemonsets', namespace: 'default', name: 'agent' });
    expect(await h.writes(() => h.dc.reconcile(KEY))).toBe(0);
    expect(await h.pods()).toEqual([]);
  });

  it('adopts a matching orphan pod on the node instead of creating one', async () => {
    const h = await setup();
    await h.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'agent' } }, spec: { nodeName: NODE, containers: [{ name: 'main', image: 'busybox:1' }] } });
    const ds = await h.store.create(daemonSet({ updateStrategy: { type: 'OnDelete' } }));
    await h.settle();
    const pods = await h.pods();
    expect(pods.map((p) => p.metadata.name)).toEqual(['orphan']);
    expect(pods[0]!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(await h.status()).toMatchObject({ currentNumberScheduled: 1, updatedNumberScheduled: 0 });
  });
});
