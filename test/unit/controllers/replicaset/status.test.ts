import { describe, expect, it } from 'vitest';
import type { Pod, ReplicaSet } from '../../../../src/api/types.js';
import { calculateStatus } from '../../../../src/controllers/replicaset/status.js';
import { claimAction, newControllerRef, withControllerRef, withoutOwner } from '../../../../src/reconcile/controller-ref.js';

const now = new Date('2026-01-01T00:01:00Z');

function rs(extra: Partial<ReplicaSet['spec']> = {}, status?: ReplicaSet['status']): ReplicaSet {
  return {
    metadata: { name: 'web', generation: 3 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } } }, ...extra },
    ...(status ? { status } : {}),
  } as ReplicaSet;
}
const pod = (labels: Record<string, string>, readyAt?: string): Pod =>
  ({ metadata: { labels }, status: readyAt ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readyAt }] } : {} }) as Pod;

describe('calculateStatus (ReplicaSet)', () => {
  it.each([
    ['no pods', rs(), [], { replicas: 0, observedGeneration: 3 }],
    [
      'labels, readiness, availability',
      rs(),
      [pod({ app: 'web', tier: 'fe' }, '2026-01-01T00:00:00Z'), pod({ app: 'web' }, '2026-01-01T00:00:00Z'), pod({ app: 'web', tier: 'fe' })],
      { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 3 },
    ],
    [
      'minReadySeconds holds availability back',
      rs({ minReadySeconds: 30 }),
      [pod({ app: 'web', tier: 'fe' }, '2026-01-01T00:00:00Z'), pod({ app: 'web', tier: 'fe' }, '2026-01-01T00:00:45Z')],
      { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 },
    ],
  ])('%s', (_n, set, pods, want) => {
    expect(calculateStatus(set, pods, now)).toEqual(want);
  });

  it('adds ReplicaFailure once (keeping the first message) and drops it when the pass succeeds', () => {
    const s1 = calculateStatus(rs(), [], now, { reason: 'FailedCreate', message: 'quota' });
    expect(s1.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T00:01:00Z', reason: 'FailedCreate', message: 'quota' }]);
    const s2 = calculateStatus(rs({}, s1), [], new Date('2026-01-01T00:02:00Z'), { reason: 'FailedCreate', message: 'other' });
    expect(s2.conditions).toEqual(s1.conditions);
    expect(calculateStatus(rs({}, s2), [], now).conditions).toBeUndefined();
  });
});

describe('claimAction (upstream ClaimObject)', () => {
  const owner = { metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  const deleting = { metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  const ref = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid, controller: true }];
  const obj = (refs?: ReturnType<typeof ref>, extra: Record<string, unknown> = {}) => ({ metadata: { name: 'p', namespace: 'default', ...(refs ? { ownerReferences: refs } : {}), ...extra } });
  it.each([
    ['ours and matching', owner, obj(ref('u1')), true, 'owned'],
    ['ours and matching while we are deleted', deleting, obj(ref('u1')), true, 'owned'],
    ['ours, not matching', owner, obj(ref('u1')), false, 'release'],
    ['ours, not matching, we are being deleted', deleting, obj(ref('u1')), false, 'ignore'],
    ['someone else’s', owner, obj(ref('u2')), true, 'ignore'],
    ['orphan matching', owner, obj(), true, 'adopt'],
    ['orphan not matching', owner, obj(), false, 'ignore'],
    ['orphan matching, we are being deleted', deleting, obj(), true, 'ignore'],
    ['orphan being deleted', owner, obj(undefined, { deletionTimestamp: '2026-01-01T00:00:00Z' }), true, 'ignore'],
    ['orphan in another namespace', owner, obj(undefined, { namespace: 'other' }), true, 'ignore'],
    ['non-controller owner ref only: orphan', owner, obj([{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u9', controller: false }]), true, 'adopt'],
  ])('%s → %s', (_n, ctrl, o, m, want) => {
    expect(claimAction(ctrl, o as never, m)).toBe(want);
  });

  it('withControllerRef / withoutOwner keep the other references', () => {
    const other = { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u9' };
    const o = { metadata: { name: 'p', ownerReferences: [other] } };
    const cref = newControllerRef({ metadata: { name: 'web', uid: 'u1' } }, 'apps/v1', 'ReplicaSet');
    expect(cref).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true });
    const adopted = withControllerRef(o, cref);
    expect(adopted).toEqual([other, cref]);
    expect(withoutOwner({ metadata: { name: 'p', ownerReferences: adopted } }, 'u1')).toEqual([other]);
  });
});
