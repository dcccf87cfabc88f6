import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../src/api/types.js';
import { buildNodeInfos, podRequests } from '../../../src/scheduler/resources.js';
import { fitsResources, leastAllocatedScore, matchesNodeSelector, toleratesTaints, filterNode } from '../../../src/scheduler/filters.js';
import { fitErrorMessage, schedulePod } from '../../../src/scheduler/scheduler.js';

type C = { requests?: Record<string, string>; limits?: Record<string, string>; restartPolicy?: string };
function pod(containers: C[], opts: { init?: C[]; nodeName?: string; phase?: string; nodeSelector?: Record<string, string>; overhead?: Record<string, string>; name?: string } = {}): Pod {
  const mk = (c: C, i: number, p: string) => ({ name: `${p}${i}`, image: 'x', resources: { requests: c.requests, limits: c.limits }, ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}) });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: opts.name ?? 'p', namespace: 'default', uid: opts.name ?? 'p' },
    spec: {
      containers: containers.map((c, i) => mk(c, i, 'c')),
      ...(opts.init ? { initContainers: opts.init.map((c, i) => mk(c, i, 'i')) } : {}),
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      ...(opts.overhead ? { overhead: opts.overhead } : {}),
    },
    status: opts.phase ? { phase: opts.phase } : {},
  } as Pod;
}

function node(name: string, alloc: Record<string, string>, labels: Record<string, string> = {}, spec: Node['spec'] = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec, status: { allocatable: alloc, capacity: alloc } } as Node;
}

const Mi = 2 ** 20;

describe('podRequests', () => {
  it.each([
    ['sums containers', pod([{ requests: { cpu: '100m', memory: '64Mi' } }, { requests: { cpu: '250m', memory: '1Gi' } }]), { cpu: 350, memory: 64 * Mi + 1024 * Mi }],
    ['defaults requests to limits', pod([{ limits: { cpu: '1', memory: '128Mi' } }]), { cpu: 1000, memory: 128 * Mi }],
    ['keeps an explicit request below the limit', pod([{ requests: { cpu: '200m' }, limits: { cpu: '1' } }]), { cpu: 200 }],
    ['init containers count as their max', pod([{ requests: { cpu: '100m' } }], { init: [{ requests: { cpu: '500m' } }, { requests: { cpu: '300m' } }] }), { cpu: 500 }],
    ['app sum wins over a smaller init', pod([{ requests: { cpu: '400m' } }, { requests: { cpu: '400m' } }], { init: [{ requests: { cpu: '500m' } }] }), { cpu: 800 }],
    ['sidecars add to both', pod([{ requests: { cpu: '100m' } }], { init: [{ requests: { cpu: '200m' }, restartPolicy: 'Always' }, { requests: { cpu: '500m' } }] }), { cpu: 700 }],
    ['adds overhead', pod([{ requests: { memory: '100Mi' } }], { overhead: { memory: '10Mi' } }), { memory: 110 * Mi }],
    ['nothing requested', pod([{}]), {}],
  ])('%s', (_n, p, want) => {
    expect(podRequests(p)).toEqual(want);
  });
});

describe('filters', () => {
  const n = node('n1', { cpu: '2', memory: '1Gi', pods: '3' }, { disk: 'ssd', 'kubernetes.io/hostname': 'n1' });
  const infoWith = (pods: Pod[]) => buildNodeInfos([n], pods)[0]!;

  it.each([
    ['fits an empty node', pod([{ requests: { cpu: '2', memory: '1Gi' } }]), [], []],
    ['too much memory', pod([{ requests: { memory: '2Gi' } }]), [], ['Insufficient memory']],
    ['too much cpu', pod([{ requests: { cpu: '2500m' } }]), [], ['Insufficient cpu']],
    ['both, cpu first', pod([{ requests: { memory: '2Gi', cpu: '3' } }]), [], ['Insufficient cpu', 'Insufficient memory']],
    ['counts bound pods', pod([{ requests: { memory: '600Mi' } }]), [pod([{ requests: { memory: '500Mi' } }], { nodeName: 'n1', name: 'q' })], ['Insufficient memory']],
    ['ignores finished pods', pod([{ requests: { memory: '600Mi' } }]), [pod([{ requests: { memory: '500Mi' } }], { nodeName: 'n1', name: 'q', phase: 'Succeeded' })], []],
    ['ignores pods of other nodes', pod([{ requests: { memory: '600Mi' } }]), [pod([{ requests: { memory: '500Mi' } }], { nodeName: 'n2', name: 'q' })], []],
    ['pod count', pod([{}]), [1, 2, 3].map((i) => pod([{}], { nodeName: 'n1', name: `q${i}` })), ['Too many pods']],
    ['extended resources', pod([{ requests: { 'nvidia.com/gpu': '1' } }]), [], ['Insufficient nvidia.com/gpu']],
    ['ephemeral-storage is not checked', pod([{ requests: { 'ephemeral-storage': '1Gi' } }]), [], []],
  ])('fitsResources: %s', (_n, p, bound, want) => {
    expect(fitsResources(p, infoWith(bound as Pod[]))).toEqual(want);
  });

  it.each([
    ['no selector', {}, undefined, []],
    ['matching selector', { disk: 'ssd' }, undefined, []],
    ['mismatching selector', { disk: 'hdd' }, undefined, ["node(s) didn't match Pod's node affinity/selector"]],
    ['affinity In', {}, [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] }], []],
    ['affinity NotIn', {}, [{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }], ["node(s) didn't match Pod's node affinity/selector"]],
    ['affinity terms are ORed', {}, [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], []],
    ['affinity DoesNotExist', {}, [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }], []],
  ])('matchesNodeSelector: %s', (_n, sel, terms, want) => {
    const p = pod([{}], { nodeSelector: sel as Record<string, string> });
    if (terms) p.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } };
    expect(matchesNodeSelector(p, n)).toEqual(want);
  });

  it('taints: NoSchedule must be tolerated, PreferNoSchedule is ignored', () => {
    const tainted = node('n1', { cpu: '1' }, {}, { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] });
    const p = pod([{}]);
    expect(toleratesTaints(p, tainted)).toEqual(['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
    p.spec!.tolerations = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }];
    expect(toleratesTaints(p, tainted)).toEqual([]);
  });

  it('a node reports the reasons of its first failing filter only', () => {
    const p = pod([{ requests: { memory: '4Gi' } }], { nodeSelector: { disk: 'hdd' } });
    expect(filterNode(p, infoWith([]))).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
    const cordoned = node('n1', { memory: '1Gi' }, {}, { unschedulable: true });
    expect(filterNode(p, buildNodeInfos([cordoned], [])[0]!)).toEqual(['node(s) were unschedulable']);
  });
});

describe('fitErrorMessage', () => {
  it.each([
    [1, { n1: ['Insufficient memory'] }, '0/1 nodes are available: 1 Insufficient memory.'],
    [1, { n1: ['Insufficient cpu'] }, '0/1 nodes are available: 1 Insufficient cpu.'],
    [1, { n1: ['Insufficient cpu', 'Insufficient memory'] }, '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.'],
    [1, { n1: ["node(s) didn't match Pod's node affinity/selector"] }, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."],
    [
      3,
      { a: ['Insufficient memory'], b: ["node(s) didn't match Pod's node affinity/selector"], c: ['Insufficient memory'] },
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory.",
    ],
    [0, {}, 'no nodes available to schedule pods'],
  ])('%i nodes %j', (num, reasons, want) => {
    expect(fitErrorMessage(num, new Map(Object.entries(reasons)))).toBe(want);
  });
});

describe('schedulePod', () => {
  it('prefers the least allocated node', () => {
    const busy = node('a', { cpu: '4', memory: '4Gi' });
    const idle = node('b', { cpu: '4', memory: '4Gi' });
    const bound = pod([{ requests: { cpu: '2', memory: '2Gi' } }], { nodeName: 'a', name: 'q' });
    const p = pod([{ requests: { cpu: '1', memory: '1Gi' } }]);
    expect(schedulePod(p, [busy, idle], [bound])).toMatchObject({ nodeName: 'b' });
    const infos = buildNodeInfos([busy, idle], [bound]);
    expect(leastAllocatedScore(p, infos[0]!)).toBeLessThan(leastAllocatedScore(p, infos[1]!));
  });

  it('ties go to the first node by name', () => {
    expect(schedulePod(pod([{}]), [node('z', { cpu: '1', memory: '1Gi' }), node('m', { cpu: '1', memory: '1Gi' })], [])).toMatchObject({ nodeName: 'm' });
  });
});
