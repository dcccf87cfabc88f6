// Pure parts of pod-target: kubectl's pod orders, the default-container rule, Go durations.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import {
  attachOrder,
  chooseContainer,
  goDurationString,
  loggingOrder,
  parseGoDuration,
  parseTarget,
  runtimeIdOf,
  type StoredPod,
} from '../../../src/cli/pod-target.js';

function pod(name: string, o: { node?: string; phase?: string; ready?: string; restarts?: number; created?: string } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c' }], ...(o.node === undefined ? { nodeName: 'n' } : o.node ? { nodeName: o.node } : {}) },
    status: {
      ...(o.phase ? { phase: o.phase } : {}),
      ...(o.ready ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }] } : {}),
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: Boolean(o.ready), restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata!.name!);

describe('pod orders (podutils)', () => {
  const pods = [
    pod('unassigned', { node: '', phase: 'Pending' }),
    pod('pending', { phase: 'Pending' }),
    pod('running', { phase: 'Running' }),
    pod('ready-new', { phase: 'Running', ready: '2026-01-01T00:05:00Z' }),
    pod('ready-old', { phase: 'Running', ready: '2026-01-01T00:01:00Z' }),
    pod('ready-old-restarts', { phase: 'Running', ready: '2026-01-01T00:01:00Z', restarts: 3 }),
    pod('unknown', { phase: 'Unknown' }),
  ];

  it('exec/port-forward take the most active pod first (sort.Reverse(ActivePods))', () => {
    expect(names([...pods].sort(attachOrder))).toEqual(['ready-old', 'ready-old-restarts', 'ready-new', 'running', 'unknown', 'pending', 'unassigned']);
  });

  it('logs take ByLogging order (more restarts first: more to read)', () => {
    expect(names([...pods].sort(loggingOrder))).toEqual(['ready-old-restarts', 'ready-old', 'ready-new', 'running', 'unknown', 'pending', 'unassigned']);
  });

  it('older pods win ties for attach; ByLogging too', () => {
    const a = pod('older', { phase: 'Running', created: '2026-01-01T00:00:00Z' });
    const b = pod('newer', { phase: 'Running', created: '2026-01-01T01:00:00Z' });
    expect(names([b, a].sort(attachOrder))).toEqual(['older', 'newer']);
    expect(names([b, a].sort(loggingOrder))).toEqual(['older', 'newer']);
  });
});

describe('chooseContainer', () => {
  const p = (annotations: Record<string, string> = {}, init = false): StoredPod =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', annotations },
      spec: { containers: [{ name: 'a' }, { name: 'b' }], ...(init ? { initContainers: [{ name: 'i' }] } : {}) },
    }) as StoredPod;

  it.each([
    ['exec', {}, undefined, 'a', 'Defaulted container "a" out of: a, b\n'],
    ['exec', {}, 'b', 'b', ''],
    ['exec', { 'kubectl.kubernetes.io/default-container': 'b' }, undefined, 'b', ''],
    ['exec', { 'kubectl.kubernetes.io/default-container': 'zz' }, undefined, 'a', 'Defaulted container "a" out of: a, b\n'],
    ['logs', { 'kubectl.kubernetes.io/default-container': 'zz' }, undefined, 'a', 'Default container name "zz" not found in pod p\nDefaulted container "a" out of: a, b\n'],
    ['logs', { 'kubectl.kubernetes.io/default-logs-container': 'b' }, undefined, 'b', ''],
  ] as const)('%s %j -c %s → %s', (mode, ann, requested, want, notice) => {
    let seen = '';
    expect(chooseContainer(p(ann), { mode, requested, notice: (s) => (seen += s) })).toBe(want);
    expect(seen).toBe(notice);
  });

  it('names init containers in the notice; -q silences it', () => {
    let seen = '';
    chooseContainer(p({}, true), { mode: 'exec', notice: (s) => (seen += s) });
    expect(seen).toBe('Defaulted container "a" out of: a, b, i (init)\n');
    seen = '';
    chooseContainer(p({}, true), { mode: 'exec', quiet: true, notice: (s) => (seen += s) });
    expect(seen).toBe('');
  });
});

describe('targets and ids', () => {
  it('parses POD and TYPE/NAME', () => {
    expect(parseTarget('web')).toMatchObject({ kind: { kind: 'Pod' }, name: 'web' });
    expect(parseTarget('deploy/web')).toMatchObject({ kind: { kind: 'Deployment' }, name: 'web' });
    expect(parseTarget('svc/web')).toMatchObject({ kind: { kind: 'Service' }, name: 'web' });
    expect(() => parseTarget('foo/web')).toThrow(`the server doesn't have a resource type "foo"`);
    expect(() => parseTarget('pod/')).toThrow('arguments in resource/name form must have a single resource and name');
  });

  it('reads the engine id out of containerID', () => {
    expect(runtimeIdOf('docker://abc123')).toBe('abc123');
    expect(runtimeIdOf('')).toBeUndefined();
    expect(runtimeIdOf(undefined)).toBeUndefined();
  });
});

describe('Go durations', () => {
  it.each([
    ['5s', 5000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['0', 0],
    ['1m0s', 60_000],
  ])('parseGoDuration(%s) = %d', (s, ms) => {
    expect(parseGoDuration(s)).toBe(ms);
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['5', 'time: missing unit in duration "5"'],
    ['5d', 'time: unknown unit "d" in duration "5d"'],
    ['s', 'time: invalid duration "s"'],
  ])('parseGoDuration(%j) throws %s', (s, msg) => {
    expect(() => parseGoDuration(s)).toThrow(msg);
  });

  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1500, '1.5s'],
    [301_500, '5m1.5s'],
    [3_600_000, '1h0m0s'],
    [120_000, '2m0s'],
  ])('goDurationString(%d) = %s', (ms, s) => {
    expect(goDurationString(ms)).toBe(s);
  });
});
