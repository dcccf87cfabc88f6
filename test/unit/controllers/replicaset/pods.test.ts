import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../../src/api/types.js';
import {
  activePodsOrder,
  compareForDeletion,
  isPodActive,
  isPodAvailable,
  maxContainerRestarts,
  nextAvailableInMs,
  podDeletionCost,
  podsToDelete,
  ranksByRelatedPodsOnSameNode,
  slowStartBatch,
} from '../../../../src/controllers/replicaset/pods.js';

interface P {
  name: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readyAt?: string;
  restarts?: number;
  created?: string;
  deleting?: boolean;
  cost?: string;
  sidecarRestarts?: number;
}

function pod(p: P): Pod {
  return {
    metadata: {
      name: p.name,
      creationTimestamp: p.created ?? '2026-01-01T00:00:00Z',
      ...(p.deleting ? { deletionTimestamp: '2026-01-01T00:10:00Z' } : {}),
      ...(p.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': p.cost } } : {}),
    },
    spec: {
      ...(p.node ? { nodeName: p.node } : {}),
      containers: [{ name: 'c' }],
      ...(p.sidecarRestarts !== undefined ? { initContainers: [{ name: 'side', restartPolicy: 'Always' }, { name: 'init' }] } : {}),
    },
    status: {
      ...(p.phase ? { phase: p.phase } : {}),
      ...(p.ready !== undefined ? { conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False', lastTransitionTime: p.readyAt ?? '2026-01-01T00:00:00Z' }] } : {}),
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: !!p.ready, restartCount: p.restarts ?? 0 }],
      ...(p.sidecarRestarts !== undefined
        ? {
            initContainerStatuses: [
              { name: 'side', image: 'i', imageID: '', ready: true, restartCount: p.sidecarRestarts },
              { name: 'init', image: 'i', imageID: '', ready: true, restartCount: 99 },
            ],
          }
        : {}),
    },
  } as Pod;
}

describe('isPodActive', () => {
  it.each([
    [{ name: 'a', phase: 'Pending' }, true],
    [{ name: 'a', phase: 'Running' }, true],
    [{ name: 'a' }, true],
    [{ name: 'a', phase: 'Succeeded' }, false],
    [{ name: 'a', phase: 'Failed' }, false],
    [{ name: 'a', phase: 'Running', deleting: true }, false],
  ])('%j → %s', (p, want) => {
    expect(isPodActive(pod(p))).toBe(want);
  });
});

describe('isPodAvailable', () => {
  const now = new Date('2026-01-01T00:00:10Z');
  it.each([
    ['not ready', { name: 'a', ready: false }, 0, false],
    ['ready, minReadySeconds 0', { name: 'a', ready: true, readyAt: '2026-01-01T00:00:10Z' }, 0, true],
    ['ready exactly minReadySeconds ago (strictly before is required)', { name: 'a', ready: true, readyAt: '2026-01-01T00:00:05Z' }, 5, false],
    ['ready longer than minReadySeconds', { name: 'a', ready: true, readyAt: '2026-01-01T00:00:04Z' }, 5, true],
    ['ready for less', { name: 'a', ready: true, readyAt: '2026-01-01T00:00:08Z' }, 5, false],
  ])('%s', (_n, p, mrs, want) => {
    expect(isPodAvailable(pod(p), mrs, now)).toBe(want);
  });

  it('nextAvailableInMs: the soonest ready-but-unavailable pod, 1 ms past its moment', () => {
    const pods = [
      pod({ name: 'a', ready: true, readyAt: '2026-01-01T00:00:08Z' }),
      pod({ name: 'b', ready: true, readyAt: '2026-01-01T00:00:07Z' }),
      pod({ name: 'c', ready: false }),
      pod({ name: 'd', ready: true, readyAt: '2026-01-01T00:00:00Z' }),
    ];
    expect(nextAvailableInMs(pods, 5, now)).toBe(2001);
    expect(nextAvailableInMs(pods, 0, now)).toBeUndefined();
    expect(nextAvailableInMs([pods[3]!], 5, now)).toBeUndefined();
  });
});

describe('maxContainerRestarts / podDeletionCost', () => {
  it.each([
    [{ name: 'a', restarts: 3 }, [3, 0]],
    [{ name: 'a', restarts: 1, sidecarRestarts: 2 }, [1, 2]],
  ])('%j → %j', (p, want) => {
    expect(maxContainerRestarts(pod(p))).toEqual(want);
  });
  it.each([
    [undefined, 0],
    ['10', 10],
    ['-5', -5],
    ['abc', 0],
    ['99999999999', 0],
  ])('cost %s → %d', (c, want) => {
    expect(podDeletionCost(pod({ name: 'a', ...(c !== undefined ? { cost: c } : {}) }))).toBe(want);
  });
});

describe('compareForDeletion (upstream ActivePodsWithRanks)', () => {
  it.each<[string, P, P]>([
    ['unassigned before assigned', { name: 'a' }, { name: 'b', node: 'n' }],
    ['Pending before Unknown', { name: 'a', node: 'n', phase: 'Pending' }, { name: 'b', node: 'n', phase: 'Unknown' }],
    ['Unknown before Running', { name: 'a', node: 'n', phase: 'Unknown' }, { name: 'b', node: 'n', phase: 'Running' }],
    ['not ready before ready', { name: 'a', node: 'n', phase: 'Running', ready: false }, { name: 'b', node: 'n', phase: 'Running', ready: true }],
    ['lower deletion cost first', { name: 'a', node: 'n', phase: 'Running', ready: true, cost: '-1' }, { name: 'b', node: 'n', phase: 'Running', ready: true }],
    [
      'ready for less time first',
      { name: 'a', node: 'n', phase: 'Running', ready: true, readyAt: '2026-01-01T00:05:00Z' },
      { name: 'b', node: 'n', phase: 'Running', ready: true, readyAt: '2026-01-01T00:01:00Z' },
    ],
    ['more restarts first', { name: 'a', node: 'n', phase: 'Running', ready: true, restarts: 2 }, { name: 'b', node: 'n', phase: 'Running', ready: true, restarts: 1 }],
    ['then more sidecar restarts first', { name: 'a', node: 'n', phase: 'Running', sidecarRestarts: 2 }, { name: 'b', node: 'n', phase: 'Running', sidecarRestarts: 1 }],
    ['younger first', { name: 'a', node: 'n', phase: 'Running', created: '2026-01-01T00:02:00Z' }, { name: 'b', node: 'n', phase: 'Running', created: '2026-01-01T00:01:00Z' }],
    ['cost beats ready time', { name: 'a', node: 'n', phase: 'Running', ready: true, readyAt: '2026-01-01T00:01:00Z', cost: '1' }, { name: 'b', node: 'n', phase: 'Running', ready: true, readyAt: '2026-01-01T00:05:00Z', cost: '5' }],
  ])('%s', (_n, first, second) => {
    expect(compareForDeletion(pod(first), pod(second))).toBeLessThan(0);
    expect(compareForDeletion(pod(second), pod(first))).toBeGreaterThan(0);
  });

  it('equal pods compare 0', () => {
    expect(compareForDeletion(pod({ name: 'a', node: 'n' }), pod({ name: 'b', node: 'n' }))).toBe(0);
  });

  it('a higher rank (more related pods on its node) goes first', () => {
    expect(compareForDeletion(pod({ name: 'a', node: 'n1' }), pod({ name: 'b', node: 'n2' }), 3, 1)).toBeLessThan(0);
  });

  it('activePodsOrder sorts a mixed list and keeps input order for ties', () => {
    const pods = [
      pod({ name: 'ready', node: 'n', phase: 'Running', ready: true }),
      pod({ name: 'tie1', node: 'n', phase: 'Pending' }),
      pod({ name: 'unsched' }),
      pod({ name: 'tie2', node: 'n', phase: 'Pending' }),
      pod({ name: 'notready', node: 'n', phase: 'Running', ready: false }),
    ];
    expect(activePodsOrder(pods).map((p) => p.metadata!.name)).toEqual(['unsched', 'tie1', 'tie2', 'notready', 'ready']);
  });
});

describe('podsToDelete', () => {
  const pods = [
    pod({ name: 'r1', node: 'n', phase: 'Running', ready: true, created: '2026-01-01T00:00:01Z' }),
    pod({ name: 'r2', node: 'n', phase: 'Running', ready: true, created: '2026-01-01T00:00:02Z' }),
    pod({ name: 'p', node: 'n', phase: 'Pending' }),
    pod({ name: 'u' }),
  ];
  it.each([
    [0, []],
    [1, ['u']],
    [2, ['u', 'p']],
    [3, ['u', 'p', 'r2']],
    [4, ['r1', 'r2', 'p', 'u']],
    [9, ['r1', 'r2', 'p', 'u']],
  ])('diff %d → %j', (diff, want) => {
    expect(podsToDelete(pods, diff).map((p) => p.metadata!.name)).toEqual(want);
  });

  it('ranks by related pods on the same node', () => {
    const a = pod({ name: 'a', node: 'n1', phase: 'Running' });
    const b = pod({ name: 'b', node: 'n2', phase: 'Running' });
    const related = [a, b, pod({ name: 'x', node: 'n2', phase: 'Running' }), pod({ name: 'y', node: 'n2', phase: 'Failed' })];
    expect(ranksByRelatedPodsOnSameNode([a, b], related)).toEqual([1, 2]);
    expect(podsToDelete([a, b], 1, related).map((p) => p.metadata!.name)).toEqual(['b']);
  });
});

describe('slowStartBatch', () => {
  it.each([
    [0, 0, [], 0],
    [1, 99, [1], 1],
    [7, 99, [1, 2, 4], 7],
    [10, 99, [1, 2, 4, 3], 10],
    [10, 2, [1, 2], 2], // the 3rd call fails: its batch (of 2) ends the run
    [10, 0, [1], 0],
  ])('count %d, failing at call #%d → batches %j, %d successes', async (count, failAt, batches, successes) => {
    let calls = 0;
    let inflight = 0;
    const seen: number[] = [];
    const r = await slowStartBatch(count, 1, async () => {
      const n = calls++;
      if (inflight === 0) seen.push(0);
      inflight++;
      seen[seen.length - 1]!++;
      await Promise.resolve();
      inflight--;
      if (n === failAt) throw new Error(`call ${n} failed`);
    });
    expect(seen).toEqual(batches);
    expect(r.successes).toBe(successes);
    if (failAt < count) expect(String(r.error)).toContain(`call ${failAt} failed`);
    else expect(r.error).toBeUndefined();
  });
});
