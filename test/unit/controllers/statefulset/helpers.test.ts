// Table tests for the StatefulSet controller's pure helpers: ordinals, versioned pods and partition, scale-down
// order, rolling-update target, status counts, claim retention references, revision hashing and history.
import { describe, expect, it } from 'vitest';
import {
  claimOwnerRefs,
  claimsFor,
  completeRollingUpdate,
  computeStatus,
  firstUnavailable,
  identityMatches,
  newVersionedPod,
  parentAndOrdinal,
  partitionPods,
  rollingUpdateTarget,
  storageMatches,
} from '../../../../src/controllers/statefulset/pods.js';
import { fnv32, hashRevision, newRevision, planUpdateRevision, revisionsToTruncate } from '../../../../src/controllers/statefulset/revision.js';
import { revisionData, templateOf } from '../../../../src/api/controller-revision.js';
import type { PodObj, StatefulSetObj } from '../../../../src/controllers/statefulset/types.js';
import type { RevisionObj } from '../../../../src/api/controller-revision.js';
import { statefulSet } from './harness.js';

const NOW = new Date('2026-01-01T00:01:00Z');
const set = (o: Parameters<typeof statefulSet>[0] = {}): StatefulSetObj => ({ ...statefulSet(o), metadata: { name: 'web', namespace: 'default', uid: 'set-uid' } });
const pod = (name: string, o: { phase?: string; ready?: boolean; rev?: string; terminating?: boolean; uid?: string } = {}): PodObj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: o.uid ?? `uid-${name}`,
    labels: { 'controller-revision-hash': o.rev ?? 'web-1' },
    ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: { containers: [] },
  status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});
const names = (ps: readonly (PodObj | undefined)[]): (string | undefined)[] => ps.map((p) => p?.metadata.name);

describe('ordinals and identity', () => {
  it.each([
    ['web-0', 'web', 0],
    ['web-12', 'web', 12],
    ['my-db-3', 'my-db', 3],
    ['web', '', -1],
    ['web-', '', -1],
    ['web-x', '', -1],
    ['web-99999999999', '', -1],
  ])('%s → parent %j ordinal %d', (name, parent, ordinal) => {
    expect(parentAndOrdinal(name)).toEqual({ parent, ordinal });
  });

  it('a versioned pod carries the set identity, storage and revision; identity and storage checks see it', () => {
    const s = set({ claims: true });
    const p = newVersionedPod(s, s, 'web-a', 'web-b', 2);
    expect(p.metadata.name).toBe('web-2');
    expect(p.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'web-b' });
    expect(p.spec).toMatchObject({ hostname: 'web-2', subdomain: 'web', volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } }] });
    expect(identityMatches(s, p)).toBe(true);
    expect(storageMatches(s, p)).toBe(true);
    expect(identityMatches(s, { ...p, metadata: { ...p.metadata, labels: {} } })).toBe(false);
    expect(storageMatches(s, { ...p, spec: { containers: [] } })).toBe(false);
  });

  it.each([
    // [partition, ordinal, revision the new pod gets]
    [0, 0, 'update'],
    [2, 0, 'current'],
    [2, 1, 'current'],
    [2, 2, 'update'],
    [5, 4, 'current'],
  ])('partition %d: a new pod at ordinal %d is made at the %s revision', (partition, ordinal, which) => {
    const cur = set({ image: 'old', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } });
    const upd = set({ image: 'new', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } });
    const p = newVersionedPod(cur, upd, 'web-cur', 'web-upd', ordinal);
    expect([p.metadata.labels!['controller-revision-hash'], p.spec!.containers[0]!.image]).toEqual(which === 'current' ? ['web-cur', 'old'] : ['web-upd', 'new']);
  });

  it('OnDelete: new pods are made at the update revision', () => {
    const p = newVersionedPod(set({ image: 'old', updateStrategy: { type: 'OnDelete' } }), set({ image: 'new' }), 'a', 'b', 0);
    expect(p.spec!.containers[0]!.image).toBe('new');
  });

  it('claims: one per template, named <template>-<set>-<ordinal>, template labels plus the selector labels', () => {
    const c = claimsFor(set({ claims: true }), 4).get('www')!;
    expect(c.metadata).toEqual({ name: 'www-web-4', namespace: 'default', labels: { tier: 'data', app: 'web' } });
  });
});

describe('a pass: replicas, condemned pods, targets', () => {
  it('splits pods into ordinal slots and condemned ones, highest ordinal first; names without an ordinal are ignored', () => {
    const s = set({ replicas: 3 });
    const { replicas, condemned } = partitionPods(s, [pod('web-4'), pod('web-0'), pod('web-7'), pod('web-2'), pod('web-x'), pod('web-3')]);
    expect(names(replicas)).toEqual(['web-0', undefined, 'web-2']);
    expect(names(condemned)).toEqual(['web-7', 'web-4', 'web-3']);
  });

  it('spec.ordinals.start shifts the range', () => {
    const s = set({ replicas: 2 });
    s.spec!.ordinals = { start: 5 };
    const { replicas, condemned } = partitionPods(s, [pod('web-0'), pod('web-5'), pod('web-6'), pod('web-7')]);
    expect(names(replicas)).toEqual(['web-5', 'web-6']);
    expect(names(condemned)).toEqual(['web-7', 'web-0']);
  });

  it.each([
    ['all healthy', [pod('web-0'), pod('web-1')], [pod('web-3'), pod('web-2')], undefined],
    ['a replica not ready', [pod('web-0'), pod('web-1', { ready: false })], [pod('web-2', { ready: false })], 'web-1'],
    ['only the lowest unhealthy condemned', [pod('web-0')], [pod('web-3', { ready: false }), pod('web-2', { ready: false })], 'web-2'],
    ['a terminating replica', [pod('web-0', { terminating: true })], [], 'web-0'],
  ])('first unavailable pod: %s', (_, replicas, condemned, want) => {
    expect(firstUnavailable(replicas, condemned, 0, NOW)?.metadata.name).toBe(want);
  });

  it.each([
    // [partition, pods (name:revision[:notready]), expected]
    [0, ['web-0:r1', 'web-1:r1', 'web-2:r1'], 'delete web-2'],
    [0, ['web-0:r1', 'web-1:r1', 'web-2:r2'], 'delete web-1'],
    [0, ['web-0:r1', 'web-1:r1', 'web-2:r2:notready'], 'wait web-2'],
    [0, ['web-0:r2', 'web-1:r2', 'web-2:r2'], 'none'],
    [2, ['web-0:r1', 'web-1:r1', 'web-2:r2'], 'none'],
    [1, ['web-0:r1', 'web-1:r1', 'web-2:r2'], 'delete web-1'],
    [3, ['web-0:r1', 'web-1:r1', 'web-2:r1'], 'none'],
  ])('rolling update, partition %d, %j → %s', (partition, spec, want) => {
    const s = set({ replicas: spec.length, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } });
    const pods = spec.map((x) => {
      const [name, rev, nr] = x.split(':');
      return pod(name!, { rev, ready: nr !== 'notready' });
    });
    const t = rollingUpdateTarget(s, pods, 'r2', NOW);
    expect(t.action === 'none' ? 'none' : `${t.action} ${t.pod.metadata.name}`).toBe(want);
  });
});

describe('status', () => {
  it('counts created, ready, available, current and updated pods (terminating ones not current/updated)', () => {
    const uncreated = { ...pod('web-3'), status: {} };
    const st = computeStatus([pod('web-0', { rev: 'a' }), pod('web-1', { rev: 'b', ready: false }), pod('web-2', { rev: 'b', terminating: true }), uncreated, undefined], 0, NOW, 'a', 'b');
    expect(st).toEqual({ replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 1, updatedReplicas: 1 });
    expect(computeStatus([pod('web-0')], 120, NOW, 'x', 'y')).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
  });

  it.each([
    ['all updated and ready', { replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentReplicas: 0 }, 'RollingUpdate', 'b', 2],
    ['one not updated', { replicas: 2, readyReplicas: 2, updatedReplicas: 1, currentReplicas: 1 }, 'RollingUpdate', 'a', 1],
    ['one not ready', { replicas: 2, readyReplicas: 1, updatedReplicas: 2, currentReplicas: 0 }, 'RollingUpdate', 'a', 0],
    ['OnDelete never completes', { replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentReplicas: 0 }, 'OnDelete', 'a', 0],
  ])('completeRollingUpdate: %s', (_, counts, type, revision, current) => {
    const st = { ...counts, currentRevision: 'a', updateRevision: 'b' };
    completeRollingUpdate(set({ updateStrategy: { type } }), st);
    expect([st.currentRevision, st.currentReplicas]).toEqual([revision, current]);
  });
});

describe('claim ownerReferences (persistentVolumeClaimRetentionPolicy)', () => {
  const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' };
  const podRef = (n: number) => ({ apiVersion: 'v1', kind: 'Pod', name: `web-${n}`, uid: `uid-web-${n}` });
  const claim = (refs?: object[]) => ({ metadata: { name: 'www-web-1', ...(refs ? { ownerReferences: refs as never } : {}) } });
  it.each([
    // [whenDeleted, whenScaled, replicas (web-1 in range when ≥ 2), existing refs, expected (undefined: unchanged)]
    ['Retain', 'Retain', 2, undefined, undefined],
    ['Retain', 'Retain', 2, [setRef, podRef(1)], []],
    ['Delete', 'Retain', 2, undefined, [setRef]],
    ['Delete', 'Retain', 2, [setRef], undefined],
    ['Delete', 'Retain', 1, [setRef], undefined],
    ['Retain', 'Delete', 2, undefined, undefined],
    ['Retain', 'Delete', 1, undefined, [podRef(1)]],
    ['Delete', 'Delete', 2, [podRef(1)], [setRef]],
    ['Delete', 'Delete', 1, [setRef], [podRef(1)]],
    ['Delete', 'Retain', 2, [{ ...setRef, uid: 'old-set' }], [setRef]],
  ])('whenDeleted %s, whenScaled %s, replicas %d, refs %j → %j', (whenDeleted, whenScaled, replicas, refs, want) => {
    const s = set({ replicas, retention: { whenDeleted, whenScaled } });
    expect(claimOwnerRefs(claim(refs), s, pod('web-1'))).toEqual(want);
  });
});

describe('revisions', () => {
  it('FNV-1 32 (Go hash/fnv New32) test vectors', () => {
    expect(fnv32(Buffer.from(''))).toBe(0x811c9dc5);
    expect(fnv32(Buffer.from('a'))).toBe(0x050c5d7e);
    expect(fnv32(Buffer.from('foobar'))).toBe(0x31f0b262);
  });

  it('the hash depends on the template and the collision count only, and names the revision <set>-<hash>', () => {
    const a = set();
    const h0 = hashRevision(revisionData(a), 0);
    expect(h0).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(hashRevision(revisionData(set({ replicas: 7 })), 0)).toBe(h0);
    expect(hashRevision(revisionData(set({ image: 'other' })), 0)).not.toBe(h0);
    expect(hashRevision(revisionData(a), 1)).not.toBe(h0);
    const rev = newRevision(a, 4, 0);
    expect(rev.metadata.name).toBe(`web-${h0}`);
    expect(rev.revision).toBe(4);
    expect(rev.data).toEqual({ spec: { template: { ...a.spec!.template, $patch: 'replace' } } });
    expect(templateOf(rev)).toEqual(a.spec!.template);
  });

  const rev = (s: StatefulSetObj, n: number): RevisionObj => newRevision(s, n, 0);
  it.each([
    ['no revisions: create 1', [], 'create', 1],
    ['the newest is equal: reuse', ['old', 'same'], 'reuse', 2],
    ['an older one is equal: bump it to 3', ['same', 'old'], 'bump', 3],
    ['none equal: create 3', ['old', 'older'], 'create', 3],
  ])('planUpdateRevision: %s', (_, images, action, revision) => {
    const s = set({ image: 'same' });
    const existing = images.map((img, i) => rev(set({ image: img as string }), i + 1));
    const plan = planUpdateRevision(s, existing, 0);
    expect([plan.action, plan.action === 'bump' ? plan.to : plan.revision.revision]).toEqual([action, revision]);
  });

  it('truncation keeps `limit` non-live revisions, deleting the oldest', () => {
    const revs = [1, 2, 3, 4, 5].map((n) => rev(set({ image: `v${n}` }), n));
    const live = new Set([revs[4]!.metadata.name, revs[0]!.metadata.name]);
    expect(revisionsToTruncate(revs, live, 1).map((r) => r.revision)).toEqual([2, 3]);
    expect(revisionsToTruncate(revs, live, 3)).toEqual([]);
  });
});
