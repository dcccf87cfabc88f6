import { describe, expect, it } from 'vitest';
import {
  calculateSucceededIndexes,
  firstPendingIndexes,
  formatIntervals,
  fromIndexes,
  getCompletionIndex,
  parseIntervals,
  podGenerateNameWithIndex,
  withIndexes,
} from '../../../../src/controllers/job/indexes.js';
import { backoffRecordFromPods, remainingBackoffMs } from '../../../../src/controllers/job/backoff.js';
import { matchPodFailurePolicy } from '../../../../src/controllers/job/pod-failure-policy.js';
import { matchSuccessPolicy } from '../../../../src/controllers/job/conditions.js';

const IX = 'batch.kubernetes.io/job-completion-index';
const FIN = 'batch.kubernetes.io/job-tracking';

describe('completion indexes', () => {
  it.each([
    [[], ''],
    [[0], '0'],
    [[0, 1], '0,1'],
    [[0, 1, 2, 4], '0-2,4'],
    [[5, 3, 4, 9, 10, 11, 0], '0,3-5,9-11'],
  ])('formats %j as %s', (ixs, want) => {
    expect(formatIntervals(fromIndexes(ixs))).toBe(want);
  });

  it.each([
    ['0-2,4', 10, '0-2,4'],
    ['1,3-5', 4, '1,3'],
    ['7', 5, ''],
    ['x,2,3-1', 5, '2'],
    ['', 5, ''],
  ])('parses %s (completions %d) as %s', (s, completions, want) => {
    expect(formatIntervals(parseIntervals(s, completions))).toBe(want);
  });

  it('merges new indexes into a set', () => {
    expect(formatIntervals(withIndexes(parseIntervals('0-2', 10), [3, 7]))).toBe('0-3,7');
  });

  it.each([
    [{ [IX]: '3' }, 3],
    [{ [IX]: '-1' }, -1],
    [{ [IX]: 'a' }, -1],
    [undefined, -1],
  ])('reads the index of %j as %d', (ann, want) => {
    expect(getCompletionIndex(ann as Record<string, string> | undefined)).toBe(want);
  });

  it('counts succeeded pods still holding the finalizer, below completions', () => {
    const pod = (ix: number, phase: string, fin = true) => ({ metadata: { annotations: { [IX]: String(ix) }, ...(fin ? { finalizers: [FIN] } : {}) }, status: { phase } });
    const r = calculateSucceededIndexes('0', 4, [pod(1, 'Succeeded'), pod(2, 'Failed'), pod(3, 'Succeeded', false), pod(5, 'Succeeded')], FIN);
    expect(formatIntervals(r.prev)).toBe('0');
    expect(formatIntervals(r.next)).toBe('0,1');
  });

  it('picks the lowest free indexes', () => {
    const active = [{ metadata: { annotations: { [IX]: '1' } } }];
    expect(firstPendingIndexes(active, parseIntervals('0,3', 6), undefined, 2, 6)).toEqual([2, 4]);
    expect(firstPendingIndexes(active, [], undefined, 0, 6)).toEqual([]);
  });

  it('cuts long job names to fit the generated name', () => {
    expect(podGenerateNameWithIndex('pi', 3)).toBe('pi-3-');
    const long = 'a'.repeat(70);
    const g = podGenerateNameWithIndex(long, 12);
    expect(g).toHaveLength(58);
    expect(g.endsWith('-12-')).toBe(true);
  });
});

describe('failure back-off', () => {
  const failedAt = (t: string) => ({ metadata: {}, status: { phase: 'Failed', containerStatuses: [{ name: 'c', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt: t } } }] } });
  const T = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [0, 0, 0],
    [1, 0, 10_000],
    [1, 4_000, 6_000],
    [2, 0, 20_000],
    [3, 0, 40_000],
    [10, 0, 360_000],
    [1, 11_000, 0],
  ])('%d failures, %d ms after the last: wait %d ms', (n, since, want) => {
    const failed = Array.from({ length: n }, () => failedAt('2026-01-01T00:00:00Z'));
    const r = backoffRecordFromPods([], failed as never);
    expect(remainingBackoffMs(r, T + since, 10_000, 360_000)).toBe(want);
  });

  it('counts only failures after the last success', () => {
    const ok = { metadata: {}, status: { phase: 'Succeeded', containerStatuses: [{ name: 'c', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: '2026-01-01T00:00:05Z' } } }] } };
    const r = backoffRecordFromPods([ok] as never, [failedAt('2026-01-01T00:00:01Z'), failedAt('2026-01-01T00:00:09Z')] as never);
    expect(r).toEqual({ failuresAfterLastSuccess: 1, lastFailureTime: Date.parse('2026-01-01T00:00:09Z') });
  });
});

describe('podFailurePolicy', () => {
  const failed = (code: number, conditions: { type: string; status: string }[] = []) => ({
    metadata: { name: 'p', namespace: 'ns' },
    status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: code } } }] },
  });
  const policy = {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
      { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    ],
  };
  it.each([
    ['no policy', undefined, failed(1), { countFailed: true }],
    ['a disruption is ignored', policy, failed(1, [{ type: 'DisruptionTarget', status: 'True' }]), { countFailed: false, action: 'Ignore' }],
    ['FailJob', policy, failed(42), { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' }],
    ['NotIn counts', policy, failed(7), { countFailed: true, action: 'Count' }],
    ['nothing matches', policy, failed(1), { countFailed: true }],
  ])('%s', (_n, pol, pod, want) => {
    expect(matchPodFailurePolicy(pol, pod as never)).toEqual(want);
  });
});

describe('successPolicy', () => {
  it.each([
    [[{ succeededIndexes: '0-2' }], '0-2,4-7', 'Matched rules at index 0'],
    [[{ succeededIndexes: '3' }], '0-2', undefined],
    [[{ succeededCount: 5 }, { succeededIndexes: '0,1', succeededCount: 1 }], '1', 'Matched rules at index 1'],
    [[{ succeededCount: 2 }], '0,1', 'Matched rules at index 0'],
  ])('%j with %s → %s', (rules, succeeded, want) => {
    expect(matchSuccessPolicy({ rules }, 10, parseIntervals(succeeded, 10))).toBe(want);
  });
});
