import { describe, expect, it } from 'vitest';
import type { Toleration } from 'kubernetes-types/core/v1.js';
import {
  addOrUpdateDaemonPodTolerations,
  getTargetNodeName,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  replaceDaemonSetPodNodeNameNodeAffinity,
  surgeCount,
  unavailableCount,
  type DaemonSetObj,
  type NodeObj,
  type PodObj,
} from '../../../../src/controllers/daemonset/util.js';
import { planRollingUpdate, type NodeToDaemonPods } from '../../../../src/controllers/daemonset/daemon-pods.js';
import { stampTemplateGeneration } from '../../../../src/api/template-generation.js';
import { historyToDelete } from '../../../../src/controllers/daemonset/revision.js';

const ds = (spec: Record<string, unknown> = {}, annotations: Record<string, string> = { 'deprecated.daemonset.template.generation': '2' }): DaemonSetObj =>
  ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'u1', annotations },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ...spec },
  }) as DaemonSetObj;
const node = (name: string, labels: Record<string, string> = {}, taints: NodeObj['spec'] extends infer S ? (S extends { taints?: infer T } ? T : never) : never = undefined as never): NodeObj =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: taints ? { taints } : {} }) as NodeObj;

describe('addOrUpdateDaemonPodTolerations', () => {
  const base = ['not-ready:NoExecute', 'unreachable:NoExecute', 'disk-pressure:NoSchedule', 'memory-pressure:NoSchedule', 'pid-pressure:NoSchedule', 'unschedulable:NoSchedule'];
  const short = (ts: Toleration[] | undefined) => (ts ?? []).map((t) => `${t.key!.replace('node.kubernetes.io/', '')}:${t.effect}${t.tolerationSeconds !== undefined ? `/${t.tolerationSeconds}` : ''}`);
  it.each([
    { name: 'none', spec: {}, want: base },
    { name: 'hostNetwork adds network-unavailable', spec: { hostNetwork: true }, want: [...base, 'network-unavailable:NoSchedule'] },
    {
      name: 'an equal one is kept in place',
      spec: { tolerations: [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' }, { key: 'x', operator: 'Exists' }] },
      want: ['disk-pressure:NoSchedule', 'x:undefined', 'not-ready:NoExecute', 'unreachable:NoExecute', 'memory-pressure:NoSchedule', 'pid-pressure:NoSchedule', 'unschedulable:NoSchedule'],
    },
    {
      name: 'a matching one with tolerationSeconds is replaced',
      spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
      want: base,
    },
  ])('$name', ({ spec, want }) => {
    const s = { containers: [], ...spec } as never as { tolerations?: Toleration[]; containers: [] };
    addOrUpdateDaemonPodTolerations(s);
    expect(short(s.tolerations)).toEqual(want);
  });
});

describe('replaceDaemonSetPodNodeNameNodeAffinity / getTargetNodeName', () => {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] };
  it.each([
    { name: 'no affinity', in: undefined, want: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } },
    {
      name: 'pod affinity and preferred node terms kept',
      in: { podAffinity: {}, nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }] } },
      want: {
        podAffinity: {},
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }],
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] },
        },
      },
    },
    {
      name: 'required terms replaced',
      in: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
      want: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } },
    },
  ])('$name', ({ in: aff, want }) => {
    const out = replaceDaemonSetPodNodeNameNodeAffinity(aff as never, 'n1');
    expect(out).toEqual(want);
    expect(getTargetNodeName({ spec: { containers: [], affinity: out } })).toBe('n1');
  });

  it.each([
    { spec: { containers: [], nodeName: 'bound' }, want: 'bound' },
    { spec: { containers: [] }, want: undefined },
    { spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a', 'b'] }] }] } } } }, want: undefined },
  ])('target node of $spec', ({ spec, want }) => {
    expect(getTargetNodeName({ spec } as never)).toBe(want);
  });
});

describe('budgets and updated pods', () => {
  it.each([
    { ru: { maxUnavailable: 1, maxSurge: 0 }, n: 3, unavailable: 1, surge: 0 },
    { ru: { maxUnavailable: '10%', maxSurge: 0 }, n: 3, unavailable: 1, surge: 0 }, // rounds up
    { ru: { maxUnavailable: 0, maxSurge: '34%' }, n: 3, unavailable: 0, surge: 2 },
    { ru: { maxUnavailable: '50%' }, n: 5, unavailable: 3, surge: 0 },
  ])('$ru of $n nodes: unavailable $unavailable, surge $surge', ({ ru, n, unavailable, surge }) => {
    const d = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: ru } });
    expect(unavailableCount(d, n)).toBe(unavailable);
    expect(surgeCount(d, n)).toBe(surge);
  });

  it('OnDelete has no budgets', () => {
    expect(unavailableCount(ds({ updateStrategy: { type: 'OnDelete' } }), 3)).toBe(0);
  });

  it.each([
    { labels: { 'controller-revision-hash': 'h2' }, want: true },
    { labels: { 'pod-template-generation': '2' }, want: true },
    { labels: { 'controller-revision-hash': 'h1', 'pod-template-generation': '1' }, want: false },
    { labels: {}, want: false },
  ])('isPodUpdated($labels)', ({ labels, want }) => {
    expect(isPodUpdated({ metadata: { labels } }, 'h2', 2)).toBe(want);
  });
});

describe('nodeShouldRunDaemonPod', () => {
  it.each([
    { name: 'plain node', n: node('n1'), d: ds(), want: { shouldRun: true, shouldContinueRunning: true } },
    { name: 'selector mismatch', n: node('n1', { a: 'b' }), d: ds({ template: { spec: { containers: [], nodeSelector: { a: 'c' } } } }), want: { shouldRun: false, shouldContinueRunning: false } },
    { name: 'NoSchedule taint', n: node('n1', {}, [{ key: 'k', effect: 'NoSchedule' }]), d: ds(), want: { shouldRun: false, shouldContinueRunning: true } },
    { name: 'NoExecute taint', n: node('n1', {}, [{ key: 'k', effect: 'NoExecute' }]), d: ds(), want: { shouldRun: false, shouldContinueRunning: false } },
    { name: 'not-ready NoExecute (tolerated)', n: node('n1', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), d: ds(), want: { shouldRun: true, shouldContinueRunning: true } },
    {
      name: 'Exists toleration of everything',
      n: node('n1', {}, [{ key: 'k', value: 'v', effect: 'NoExecute' }]),
      d: ds({ template: { spec: { containers: [], tolerations: [{ operator: 'Exists' }] } } }),
      want: { shouldRun: true, shouldContinueRunning: true },
    },
  ])('$name', ({ n, d, want }) => {
    expect(nodeShouldRunDaemonPod(n, d)).toEqual(want);
  });
});

describe('planRollingUpdate (maxUnavailable, three nodes)', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  const pod = (name: string, nodeName: string, hash: string, ready: boolean): PodObj =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { 'controller-revision-hash': hash }, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { nodeName, containers: [] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
    }) as PodObj;
  const nodes = [node('a'), node('b'), node('c')];
  const byNode = (pods: PodObj[]): NodeToDaemonPods => new Map(pods.map((p) => [p.spec!.nodeName!, [p]]));
  it.each([
    { name: 'all old and available, maxUnavailable 1: one goes', mu: 1, pods: [pod('pa', 'a', 'old', true), pod('pb', 'b', 'old', true), pod('pc', 'c', 'old', true)], del: ['pa'] },
    { name: 'maxUnavailable 2: two go', mu: 2, pods: [pod('pa', 'a', 'old', true), pod('pb', 'b', 'old', true), pod('pc', 'c', 'old', true)], del: ['pa', 'pb'] },
    { name: 'a new pod not yet ready uses the budget', mu: 1, pods: [pod('pa', 'a', 'new', false), pod('pb', 'b', 'old', true), pod('pc', 'c', 'old', true)], del: [] },
    { name: 'an unavailable old pod is always replaced', mu: 1, pods: [pod('pa', 'a', 'new', false), pod('pb', 'b', 'old', false), pod('pc', 'c', 'old', true)], del: ['pb'] },
    { name: 'a node without a pod counts as unavailable', mu: 1, pods: [pod('pb', 'b', 'old', true), pod('pc', 'c', 'old', true)], del: [] },
  ])('$name', ({ mu, pods, del }) => {
    const d = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: mu, maxSurge: 0 } } }, {});
    const plan = planRollingUpdate(d, nodes, byNode(pods), 'new', now);
    expect(plan.podsToDelete.map((p) => p.metadata.name)).toEqual(del);
    expect(plan.nodesToCreate).toEqual([]);
  });

  it('maxSurge 1: surges on one node; deletes the old pod where the new one is available', () => {
    const d = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }, {});
    const first = planRollingUpdate(d, nodes, byNode([pod('pa', 'a', 'old', true), pod('pb', 'b', 'old', true), pod('pc', 'c', 'old', true)]), 'new', now);
    expect(first).toEqual({ podsToDelete: [], nodesToCreate: ['a'] });
    const m: NodeToDaemonPods = new Map([
      ['a', [pod('pa', 'a', 'old', true), pod('na', 'a', 'new', true)]],
      ['b', [pod('pb', 'b', 'old', true)]],
      ['c', [pod('pc', 'c', 'old', true)]],
    ]);
    const second = planRollingUpdate(d, nodes, m, 'new', now);
    expect(second.podsToDelete.map((p) => p.metadata.name)).toEqual(['pa']);
    expect(second.nodesToCreate).toEqual(['b']);
  });
});

describe('template generation (the API server stamps it)', () => {
  const tpl = (image: string) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x' }, spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }) as never as DaemonSetObj;
  it.each([
    { name: 'create', stored: undefined, next: tpl('a'), want: '1' },
    { name: 'create keeps a given value', stored: undefined, next: { ...tpl('a'), metadata: { name: 'x', annotations: { 'deprecated.daemonset.template.generation': '4' } } }, want: '4' },
    { name: 'update without template change', stored: { ...tpl('a'), metadata: { name: 'x', annotations: { 'deprecated.daemonset.template.generation': '3' } } }, next: tpl('a'), want: '3' },
    { name: 'update with a new template', stored: { ...tpl('a'), metadata: { name: 'x', annotations: { 'deprecated.daemonset.template.generation': '3' } } }, next: tpl('b'), want: '4' },
  ])('$name → $want', ({ stored, next, want }) => {
    const n = structuredClone(next) as DaemonSetObj;
    stampTemplateGeneration(n, stored as DaemonSetObj | undefined);
    expect(n.metadata.annotations!['deprecated.daemonset.template.generation']).toBe(want);
  });
});

describe('historyToDelete', () => {
  const rev = (n: number, hash: string) => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: `r${n}`, labels: { 'controller-revision-hash': hash } }, revision: n });
  it('deletes the oldest beyond the limit, skipping those pods still run', () => {
    const old = [rev(3, 'c'), rev(1, 'a'), rev(2, 'b')];
    expect(historyToDelete(old as never, new Set(['a']), 1).map((r) => r.metadata.name)).toEqual(['r2', 'r3']);
    expect(historyToDelete(old as never, new Set(), 3)).toEqual([]);
  });
});
