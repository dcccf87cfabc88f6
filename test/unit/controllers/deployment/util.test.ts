import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../../../src/api/types.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  canonicalJson,
  compareByRevision,
  compareBySizeNewer,
  compareBySizeOlder,
  computeHash,
  copyDeploymentAnnotationsToReplicaSet,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  fnv32a,
  getProportion,
  getReplicaSetFraction,
  getScaledValueFromIntOrPercent,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  proportionalSizes,
  resolveFenceposts,
  safeEncodeString,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
} from '../../../../src/controllers/deployment/util.js';

type Strategy = NonNullable<Deployment['spec']>['strategy'];

function dep(replicas: number, strategy: Strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, extra: Partial<Deployment> = {}): Deployment {
  return {
    metadata: { name: 'web', annotations: {} },
    spec: {
      replicas,
      strategy,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
    ...extra,
  } as Deployment;
}
const ru = (maxSurge: number | string, maxUnavailable: number | string): Strategy => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });

function rs(name: string, replicas: number, o: { created?: string; revision?: number; available?: number; ann?: Record<string, string>; image?: string; statusReplicas?: number } = {}): ReplicaSet {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      annotations: { ...(o.revision !== undefined ? { 'deployment.kubernetes.io/revision': String(o.revision) } : {}), ...(o.ann ?? {}) },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'app', image: o.image ?? 'nginx:1.25' }] } },
    },
    status: { replicas: o.statusReplicas ?? replicas, availableReplicas: o.available ?? 0 },
  } as ReplicaSet;
}

describe('getScaledValueFromIntOrPercent', () => {
  it.each([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['33%', 3, true, 1],
    ['33%', 3, false, 0],
    [undefined, 10, true, 0],
  ])('%j of %d (round up %s) → %d', (v, total, up, want) => {
    expect(getScaledValueFromIntOrPercent(v as never, total, up)).toBe(want);
  });
  it.each(['5', 'abc%', '%'])('rejects %j', (v) => {
    expect(() => getScaledValueFromIntOrPercent(v, 10, true)).toThrow();
  });
});

describe('resolveFenceposts', () => {
  it.each([
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 0, 0, 1],
    [0, 0, 5, 0, 1],
    ['0%', '0%', 5, 0, 1],
    ['10%', '10%', 5, 1, 0],
    [1, 0, 3, 1, 0],
    [0, 1, 3, 0, 1],
    [2, '30%', 10, 2, 3],
    ['50%', '50%', 3, 2, 1],
    [undefined, undefined, 5, 0, 1],
  ])('maxSurge %j, maxUnavailable %j, desired %d → surge %d, unavailable %d', (s, u, desired, surge, unavailable) => {
    expect(resolveFenceposts(s as never, u as never, desired)).toEqual({ surge, unavailable });
  });
});

describe('maxUnavailable / maxSurge / minAvailable', () => {
  it.each([
    ['defaults, 10', dep(10), 2, 3, 8],
    ['defaults, 1', dep(1), 0, 1, 1],
    ['0 replicas', dep(0), 0, 0, 0],
    ['unavailable larger than replicas', dep(2, ru(0, 5)), 2, 0, 0],
    ['both zero → unavailable 1', dep(3, ru(0, 0)), 1, 0, 2],
    ['Recreate', dep(5, { type: 'Recreate' }), 0, 0, 0],
  ])('%s', (_n, d, unavailable, surge, min) => {
    expect(maxUnavailable(d)).toBe(unavailable);
    expect(maxSurge(d)).toBe(surge);
    expect(minAvailable(d)).toBe(min);
  });
});

describe('computeHash (upstream ComputeHash shape)', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv32a(%j)', (s, want) => {
    expect(fnv32a(Buffer.from(s))).toBe(want);
  });

  it.each([
    ['0123456789', '456789bcdf'],
    ['', ''],
    ['4294967295', '86f8fbc6f9'],
  ])('safeEncodeString(%j) → %j', (s, want) => {
    expect(safeEncodeString(s)).toBe(want);
  });

  it('canonicalJson sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  const tpl = dep(1).spec!.template;
  it('is stable, key-order independent, and looks like upstream (1–10 of [4-9bcdf])', () => {
    const h = computeHash(tpl);
    expect(h).toMatch(/^[456789bcdf]{1,10}$/);
    const reordered = JSON.parse(JSON.stringify({ spec: tpl.spec, metadata: tpl.metadata }));
    expect(computeHash(reordered)).toBe(h);
    expect(computeHash(structuredClone(tpl))).toBe(h);
  });

  it('changes with the template and with collisionCount', () => {
    const other = structuredClone(tpl);
    other.spec!.containers[0]!.image = 'nginx:1.26';
    const h = computeHash(tpl);
    expect(computeHash(other)).not.toBe(h);
    expect(computeHash(tpl, 0)).not.toBe(h);
    expect(computeHash(tpl, 1)).not.toBe(computeHash(tpl, 0));
  });
});

describe('equalIgnoreHash / findNewReplicaSet / findOldReplicaSets', () => {
  it.each([
    ['same but the hash label', { metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } } }, { metadata: { labels: { app: 'web' } } }, true],
    ['different hashes', { metadata: { labels: { 'pod-template-hash': 'x' } } }, { metadata: { labels: { 'pod-template-hash': 'y' } } }, true],
    ['different labels', { metadata: { labels: { app: 'web' } } }, { metadata: { labels: { app: 'db' } } }, false],
    ['only a hash label vs none', { metadata: { labels: { 'pod-template-hash': 'x' } } }, {}, true],
    ['different spec', { spec: { containers: [{ name: 'a', image: '1' }] } }, { spec: { containers: [{ name: 'a', image: '2' }] } }, false],
  ])('%s → %s', (_n, a, b, want) => {
    expect(equalIgnoreHash(a as never, b as never)).toBe(want);
  });

  it('the new set is the oldest one with the Deployment’s template; old ones are the rest', () => {
    const d = dep(3);
    const a = rs('a', 3, { created: '2026-01-01T00:00:02Z' });
    const b = rs('b', 0, { created: '2026-01-01T00:00:01Z' });
    const c = rs('c', 2, { image: 'nginx:1.24' });
    const z = rs('z', 0, { image: 'nginx:1.23' });
    expect(findNewReplicaSet(d, [a, b, c])?.metadata!.name).toBe('b');
    expect(findNewReplicaSet(d, [c])).toBeUndefined();
    const { requiredRSs, allOldRSs } = findOldReplicaSets(d, [a, b, c, z]);
    expect(allOldRSs.map((x) => x.metadata!.name)).toEqual(['a', 'c', 'z']);
    expect(requiredRSs.map((x) => x.metadata!.name)).toEqual(['a', 'c']);
  });
});

describe('orders', () => {
  const a = rs('a', 3, { created: '2026-01-01T00:00:01Z', revision: 3 });
  const b = rs('b', 3, { created: '2026-01-01T00:00:02Z', revision: 1 });
  const c = rs('c', 5, { created: '2026-01-01T00:00:03Z', revision: 2 });
  it.each([
    ['bySizeNewer', compareBySizeNewer, ['c', 'b', 'a']],
    ['bySizeOlder', compareBySizeOlder, ['c', 'a', 'b']],
    ['byRevision', compareByRevision, ['b', 'c', 'a']],
  ])('%s', (_n, cmp, want) => {
    expect([a, b, c].sort(cmp).map((x) => x.metadata!.name)).toEqual(want);
  });
  it('maxRevision ignores sets without a number', () => {
    expect(maxRevision([a, b, c, rs('x', 0, { ann: { 'deployment.kubernetes.io/revision': 'abc' } })])).toBe(3);
    expect(maxRevision([])).toBe(0);
  });
});

describe('newRSNewReplicas', () => {
  it.each([
    ['first rollout: straight to desired', dep(10, ru(3, 2)), [], 0, 10],
    ['surge room of 3', dep(10, ru(3, 2)), [rs('old', 10)], 0, 3],
    ['percent surge (25% of 10 → 3), 11 running', dep(10), [rs('old', 8)], 3, 5],
    ['no room left', dep(10, ru(3, 2)), [rs('old', 10)], 3, 3],
    ['never beyond desired', dep(3, ru(1, 0)), [], 2, 3],
    ['Recreate: desired', dep(4, { type: 'Recreate' }), [rs('old', 4)], 0, 4],
  ])('%s', (_n, d, olds, newReplicas, want) => {
    const n = rs('new', newReplicas);
    expect(newRSNewReplicas(d, [...olds, n], n)).toBe(want);
  });
});

describe('proportional scaling', () => {
  // upstream docs: 10 replicas, maxSurge 3, maxUnavailable 2; mid-rollout old 8 + new 5; scaled to 15
  const before = { [MAX_REPLICAS_ANNOTATION]: '13', [DESIRED_REPLICAS_ANNOTATION]: '10' };
  const old = rs('old', 8, { created: '2026-01-01T00:00:00Z', ann: before });
  const nw = rs('new', 5, { created: '2026-01-01T00:01:00Z', ann: before });

  it.each([
    ['scaled to 15: old +3, new +2', 15, { old: 11, new: 7 }, 'up'],
    ['scaled to 5: shrink both', 5, { old: 5, new: 3 }, 'down'],
    ['scaled to 0: everything to 0', 0, { old: 0, new: 0 }, 'down'],
    ['same size: nothing moves', 10, { old: 8, new: 5 }, ''],
  ])('%s', (_n, replicas, want, op) => {
    const d = dep(replicas, ru(3, 2));
    const { sizes, operation } = proportionalSizes(d, [old, nw]);
    expect(Object.fromEntries(sizes)).toEqual(want);
    expect(operation).toBe(op);
  });

  it.each([
    ['grow', 15, 8, 3],
    ['shrink', 5, 8, -3],
    ['to zero', 0, 8, -8],
  ])('getReplicaSetFraction %s', (_n, replicas, size, want) => {
    expect(getReplicaSetFraction(rs('x', size, { ann: before }), dep(replicas, ru(3, 2)))).toBe(want);
  });

  it('falls back to status.replicas without the max-replicas annotation', () => {
    const d = dep(20, ru(0, 1), { status: { replicas: 10 } } as Partial<Deployment>);
    expect(getReplicaSetFraction(rs('x', 5), d)).toBe(5);
  });

  it.each([
    ['capped by what is left to add', 2, 0, 2],
    ['whole fraction', 10, 0, 3],
    ['nothing to add', 0, 0, 0],
    ['all added already', 4, 4, 0],
    ['capped by what is left to remove', -2, 0, -2],
  ])('getProportion: %s', (_n, toAdd, added, want) => {
    const d = dep(toAdd >= 0 ? 15 : 5, ru(3, 2));
    expect(getProportion(rs('x', 8, { ann: before }), d, toAdd, added)).toBe(want);
  });
  it('getProportion of an empty or missing set is 0', () => {
    expect(getProportion(undefined, dep(15), 5, 0)).toBe(0);
    expect(getProportion(rs('x', 0, { ann: before }), dep(15), 5, 0)).toBe(0);
  });
});

describe('findActiveOrLatest / isSaturated', () => {
  const old1 = rs('old1', 0, { created: '2026-01-01T00:00:00Z' });
  const old2 = rs('old2', 0, { created: '2026-01-01T00:01:00Z' });
  it.each([
    ['nothing', undefined, [], undefined],
    ['none active: the new one', rs('new', 0), [old1, old2], 'new'],
    ['none active, no new: the newest old one', undefined, [old1, old2], 'old2'],
    ['one active', rs('new', 0), [old1, rs('act', 2)], 'act'],
    ['two active', rs('new', 1), [rs('act', 2)], undefined],
  ])('%s', (_n, n, olds, want) => {
    expect(findActiveOrLatest(n as ReplicaSet | undefined, olds as ReplicaSet[])?.metadata!.name).toBe(want);
  });
  it.each([
    ['saturated', rs('n', 3, { available: 3, ann: { [DESIRED_REPLICAS_ANNOTATION]: '3' } }), true],
    ['not all available', rs('n', 3, { available: 2, ann: { [DESIRED_REPLICAS_ANNOTATION]: '3' } }), false],
    ['annotation for another size', rs('n', 3, { available: 3, ann: { [DESIRED_REPLICAS_ANNOTATION]: '4' } }), false],
    ['no set', undefined, false],
  ])('isSaturated: %s', (_n, set, want) => {
    expect(isSaturated(dep(3), set)).toBe(want);
  });
});

describe('annotations', () => {
  it('copies the Deployment’s annotations but the skipped ones', () => {
    const d = dep(3);
    d.metadata!.annotations = {
      'kubernetes.io/change-cause': 'kctl set image web=nginx:1.26',
      team: 'a',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '7',
    };
    const set = rs('x', 1, { ann: { team: 'a' } });
    expect(copyDeploymentAnnotationsToReplicaSet(d, set)).toBe(true);
    expect(set.metadata!.annotations).toEqual({ team: 'a', 'kubernetes.io/change-cause': 'kctl set image web=nginx:1.26' });
    expect(copyDeploymentAnnotationsToReplicaSet(d, set)).toBe(false);
  });

  it('a set about to be created gets revision and replicas annotations', () => {
    const set = rs('x', 0);
    expect(setNewReplicaSetAnnotations(dep(10), set, 1, false)).toBe(true);
    expect(set.metadata!.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', [DESIRED_REPLICAS_ANNOTATION]: '10', [MAX_REPLICAS_ANNOTATION]: '13' });
  });

  it.each([
    ['raised; the old number goes to the history', { rev: '2' }, 5, { rev: '5', history: '2' }, true],
    ['history appended', { rev: '4', history: '1,2' }, 6, { rev: '6', history: '1,2,4' }, true],
    ['already newest: unchanged', { rev: '5' }, 3, { rev: '5' }, false],
    ['no revision yet: set, no history', {}, 3, { rev: '3' }, true],
    ['not a number: left alone', { rev: 'x' }, 3, { rev: 'x' }, false],
  ])('existing set revision: %s', (_n, has, newRevision, want, changed) => {
    const ann: Record<string, string> = {};
    if ('rev' in has) ann['deployment.kubernetes.io/revision'] = has.rev!;
    if ('history' in has) ann[REVISION_HISTORY_ANNOTATION] = has.history!;
    const set = rs('x', 1, { ann });
    expect(setNewReplicaSetAnnotations(dep(1), set, newRevision, true)).toBe(changed);
    const got = set.metadata!.annotations!;
    expect({ rev: got['deployment.kubernetes.io/revision'], ...(got[REVISION_HISTORY_ANNOTATION] ? { history: got[REVISION_HISTORY_ANNOTATION] } : {}) }).toEqual(want);
  });

  it('drops the oldest history entries beyond the length limit', () => {
    const set = rs('x', 1, { ann: { 'deployment.kubernetes.io/revision': '10', [REVISION_HISTORY_ANNOTATION]: '1,3,5,7' } });
    setNewReplicaSetAnnotations(dep(1), set, 12, true, 8);
    expect(set.metadata!.annotations![REVISION_HISTORY_ANNOTATION]).toBe('3,5,7,10');
  });

  it('setDeploymentRevision reports a change only once', () => {
    const d = { metadata: { name: 'web' } };
    expect(setDeploymentRevision(d, '2')).toBe(true);
    expect(setDeploymentRevision(d, '2')).toBe(false);
    expect(d).toEqual({ metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } } });
  });
});
