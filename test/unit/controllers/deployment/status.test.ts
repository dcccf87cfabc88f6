import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../../../src/api/types.js';
import type { DeploymentStatus } from '../../../../src/controllers/deployment/types.js';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getReplicaFailures,
  newDeploymentCondition,
  requeueStuckDeploymentMs,
  rolloutStatus,
  setDeploymentCondition,
} from '../../../../src/controllers/deployment/status.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number): Date => new Date(T0.getTime() + s * 1000);
const ts = (s: number): string => at(s).toISOString().replace(/\.\d{3}Z$/, 'Z');

function dep(replicas: number, status: DeploymentStatus = {}, extra: Record<string, unknown> = {}): Deployment {
  return {
    metadata: { name: 'web', generation: 2 },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, progressDeadlineSeconds: 600, ...extra },
    status,
  } as Deployment;
}
const rs = (name: string, replicas: number, status: Partial<NonNullable<ReplicaSet['status']>> = {}): ReplicaSet =>
  ({ metadata: { name }, spec: { replicas }, status: { ...status, replicas } }) as ReplicaSet;

const cond = (type: string, status: 'True' | 'False' | 'Unknown', reason: string, s: number, transition = s) => ({
  ...newDeploymentCondition(type, status, reason, 'm', at(s)),
  lastTransitionTime: ts(transition),
});

describe('setDeploymentCondition', () => {
  it.each([
    ['adds', [], cond('Available', 'True', 'A', 0), [cond('Available', 'True', 'A', 0)]],
    ['same status and reason: unchanged (message and times kept)', [cond('Available', 'True', 'A', 0)], { ...cond('Available', 'True', 'A', 9), message: 'x' }, [cond('Available', 'True', 'A', 0)]],
    ['same status, new reason: replaced, transition time kept, moved last', [cond('Progressing', 'True', 'A', 0), cond('Available', 'True', 'A', 0)], cond('Progressing', 'True', 'B', 5), [cond('Available', 'True', 'A', 0), cond('Progressing', 'True', 'B', 5, 0)]],
    ['new status: new transition time', [cond('Available', 'True', 'A', 0)], cond('Available', 'False', 'B', 5), [cond('Available', 'False', 'B', 5)]],
  ])('%s', (_n, conditions, c, want) => {
    const s: DeploymentStatus = { conditions: conditions as never };
    setDeploymentCondition(s, c);
    expect(s.conditions).toEqual(want);
  });
});

describe('calculateStatus (Deployment)', () => {
  it('sums the sets, counts updated from the new one, sets Available (3 replicas: 25% rounds down to 0 unavailable)', () => {
    const s = calculateStatus([rs('old', 1, { readyReplicas: 1, availableReplicas: 1 }), rs('new', 3, { readyReplicas: 2, availableReplicas: 1 })], rs('new', 3, { readyReplicas: 2, availableReplicas: 1 }), dep(3), T0);
    expect(s).toEqual({
      observedGeneration: 2,
      replicas: 4,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 2,
      unavailableReplicas: 2,
      conditions: [{ type: 'Available', status: 'False', lastUpdateTime: ts(0), lastTransitionTime: ts(0), reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }],
    });
  });

  it.each([
    [4, 3, 'True'],
    [4, 2, 'False'], // 4 − maxUnavailable(1) = 3 needed
    [0, 0, 'True'],
  ])('%d replicas, %d available → Available %s', (replicas, available, want) => {
    const s = calculateStatus([rs('new', replicas, { availableReplicas: available })], undefined, dep(replicas), T0);
    expect(s.conditions![0]!.status).toBe(want);
    expect(s.unavailableReplicas ?? 0).toBe(replicas - available);
  });

  it('keeps collisionCount', () => {
    expect(calculateStatus([], undefined, dep(0, { collisionCount: 2 }), T0).collisionCount).toBe(2);
  });
});

describe('progress predicates', () => {
  it.each([
    ['all updated and available', dep(3), { updatedReplicas: 3, replicas: 3, availableReplicas: 3, observedGeneration: 2 }, true],
    ['an old pod left', dep(3), { updatedReplicas: 3, replicas: 4, availableReplicas: 3, observedGeneration: 2 }, false],
    ['not all available', dep(3), { updatedReplicas: 3, replicas: 3, availableReplicas: 2, observedGeneration: 2 }, false],
    ['generation not observed', dep(3), { updatedReplicas: 3, replicas: 3, availableReplicas: 3, observedGeneration: 1 }, false],
  ])('deploymentComplete: %s', (_n, d, s, want) => {
    expect(deploymentComplete(d, s)).toBe(want);
  });

  it.each([
    ['more updated', { updatedReplicas: 1, replicas: 3 }, { updatedReplicas: 2, replicas: 3 }, true],
    ['fewer old', { updatedReplicas: 1, replicas: 4 }, { updatedReplicas: 1, replicas: 3 }, true],
    ['more ready', { readyReplicas: 1 }, { readyReplicas: 2 }, true],
    ['more available', { availableReplicas: 1 }, { availableReplicas: 2 }, true],
    ['nothing moved', { updatedReplicas: 1, replicas: 3, readyReplicas: 2 }, { updatedReplicas: 1, replicas: 3, readyReplicas: 2 }, false],
    ['fewer ready', { readyReplicas: 2 }, { readyReplicas: 1 }, false],
  ])('deploymentProgressing: %s', (_n, old, now, want) => {
    expect(deploymentProgressing(dep(3, old), now)).toBe(want);
  });

  it.each([
    ['no condition', undefined, 1000, false],
    ['deadline not passed', cond('Progressing', 'True', 'ReplicaSetUpdated', 0), 600, false],
    ['deadline passed', cond('Progressing', 'True', 'ReplicaSetUpdated', 0), 601, true],
    ['complete rollouts never time out', cond('Progressing', 'True', 'NewReplicaSetAvailable', 0), 9999, false],
    ['already timed out', cond('Progressing', 'False', 'ProgressDeadlineExceeded', 0), 1, true],
  ])('deploymentTimedOut: %s', (_n, c, now, want) => {
    const s: DeploymentStatus = c ? { conditions: [c] } : {};
    expect(deploymentTimedOut(dep(3), s, at(now))).toBe(want);
  });

  it('no deadline: never times out', () => {
    const s: DeploymentStatus = { conditions: [cond('Progressing', 'True', 'ReplicaSetUpdated', 0)] };
    expect(deploymentTimedOut(dep(3, {}, { progressDeadlineSeconds: 2147483647 }), s, at(99999))).toBe(false);
  });
});

describe('rolloutStatus (syncRolloutStatus)', () => {
  it('complete → Progressing True NewReplicaSetAvailable', () => {
    const n = rs('web-1', 2, { availableReplicas: 2, readyReplicas: 2 });
    const s = rolloutStatus([n], n, dep(2, { conditions: [cond('Progressing', 'True', 'ReplicaSetUpdated', 0)] }), at(10));
    expect(s.conditions!.find((c) => c.type === 'Progressing')).toEqual({
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: ts(10),
      lastTransitionTime: ts(0),
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "web-1" has successfully progressed.',
    });
  });

  it('progress refreshes lastUpdateTime and keeps lastTransitionTime', () => {
    const n = rs('web-1', 2, { availableReplicas: 1, readyReplicas: 1 });
    const d = dep(2, { replicas: 2, updatedReplicas: 2, conditions: [cond('Progressing', 'True', 'ReplicaSetUpdated', 0)] });
    const s = rolloutStatus([n], n, d, at(30));
    expect(s.conditions!.find((c) => c.type === 'Progressing')).toMatchObject({ reason: 'ReplicaSetUpdated', lastUpdateTime: ts(30), lastTransitionTime: ts(0), message: 'ReplicaSet "web-1" is progressing.' });
  });

  it('no progress past the deadline → Progressing False ProgressDeadlineExceeded', () => {
    const n = rs('web-1', 2, {});
    const d = dep(2, { replicas: 2, updatedReplicas: 2, conditions: [cond('Progressing', 'True', 'NewReplicaSetCreated', 0)] });
    expect(rolloutStatus([n], n, d, at(600)).conditions!.find((c) => c.type === 'Progressing')!.reason).toBe('NewReplicaSetCreated');
    const s = rolloutStatus([n], n, d, at(601));
    expect(s.conditions!.find((c) => c.type === 'Progressing')).toEqual({
      type: 'Progressing',
      status: 'False',
      lastUpdateTime: ts(601),
      lastTransitionTime: ts(601),
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it('a complete rollout is not re-examined; no deadline removes Progressing', () => {
    const n = rs('web-1', 2, { availableReplicas: 2 });
    const done = cond('Progressing', 'True', 'NewReplicaSetAvailable', 0);
    expect(rolloutStatus([n], n, dep(2, { conditions: [done] }), at(5000)).conditions!.find((c) => c.type === 'Progressing')).toEqual(done);
    expect(rolloutStatus([n], n, dep(2, { conditions: [done] }, { progressDeadlineSeconds: undefined }), at(5)).conditions!.map((c) => c.type)).toEqual(['Available']);
  });

  it('copies the new set’s ReplicaFailure (over the old sets’), and drops it when gone', () => {
    const failure = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: ts(3), reason: 'FailedCreate', message: 'quota' };
    const old = rs('old', 1, { conditions: [{ ...failure, message: 'old quota' }] });
    const n = rs('new', 1, { conditions: [failure] });
    expect(getReplicaFailures([old, n], n)).toEqual([{ type: 'ReplicaFailure', status: 'True', lastUpdateTime: ts(3), lastTransitionTime: ts(3), reason: 'FailedCreate', message: 'quota' }]);
    expect(getReplicaFailures([old, rs('new', 1)], rs('new', 1))[0]!.message).toBe('old quota');
    const withFailure = rolloutStatus([n], n, dep(1), at(5));
    expect(withFailure.conditions!.map((c) => c.type)).toContain('ReplicaFailure');
    expect(rolloutStatus([rs('new', 1)], rs('new', 1), dep(1, withFailure), at(6)).conditions!.map((c) => c.type)).not.toContain('ReplicaFailure');
  });
});

describe('requeueStuckDeploymentMs', () => {
  it.each([
    ['3 min into a 10 min deadline → 7 min (+1 s)', cond('Progressing', 'True', 'ReplicaSetUpdated', 0), 180, 421_000],
    ['deadline already passed → 1 s', cond('Progressing', 'True', 'ReplicaSetUpdated', 0), 700, 1000],
    ['timed out: nothing to wait for', cond('Progressing', 'False', 'ProgressDeadlineExceeded', 0), 10, undefined],
  ])('%s', (_n, c, now, want) => {
    const d = dep(2, { conditions: [c] });
    expect(requeueStuckDeploymentMs(d, { replicas: 2 }, at(now))).toBe(want);
  });
  it('complete or without a deadline: nothing', () => {
    const d = dep(2, { conditions: [cond('Progressing', 'True', 'ReplicaSetUpdated', 0)] });
    expect(requeueStuckDeploymentMs(d, { replicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 2 }, at(1))).toBeUndefined();
    expect(requeueStuckDeploymentMs(dep(2, {}), {}, at(1))).toBeUndefined();
  });
});
