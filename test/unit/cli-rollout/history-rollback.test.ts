// rollout history and undo's pure halves: revisions in order with change-causes, one revision's template, and
// kubectl's choice of the ReplicaSet to roll back to.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { deploymentHistory, describePodTemplate, formatHistoryTable, viewDeploymentHistory } from '../../../src/cli/rollout/history.js';
import { planRollback, rollbackTarget } from '../../../src/cli/rollout/rollback.js';
import { equalIgnoreHash, newReplicaSetOf } from '../../../src/cli/rollout/replicasets.js';

const template = (image: string, extra: Record<string, string> = {}) => ({ metadata: { labels: { app: 'web', ...extra } }, spec: { containers: [{ name: 'web', image }] } });

const deployment = (image: string, annotations: Record<string, string> = {}, paused = false): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'd1', annotations: { 'deployment.kubernetes.io/revision': '3', ...annotations } },
  spec: { replicas: 2, ...(paused ? { paused: true } : {}), selector: { matchLabels: { app: 'web' } }, template: template(image) },
});

let seq = 0;
const rs = (revision: string | undefined, image: string, opts: { owner?: string; changeCause?: string; annotations?: Record<string, string> } = {}): KubeObject => {
  seq++;
  const hash = `h${seq}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'default',
      uid: `rs${seq}`,
      creationTimestamp: `2026-01-01T00:0${seq % 10}:00Z`,
      annotations: {
        ...(revision !== undefined ? { 'deployment.kubernetes.io/revision': revision } : {}),
        ...(opts.changeCause ? { 'kubernetes.io/change-cause': opts.changeCause } : {}),
        ...opts.annotations,
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: opts.owner ?? 'd1', controller: true }],
    },
    spec: { template: template(image, { 'pod-template-hash': hash }) },
  };
};

describe('history', () => {
  const r1 = rs('1', 'web:1', { changeCause: 'kctl apply -f web.yaml' });
  const r3 = rs('3', 'web:3');
  const r2 = rs('2', 'web:2', { changeCause: 'image to 2' });
  const foreign = rs('7', 'web:7', { owner: 'other' });
  const bad = rs('x', 'web:x');

  it('lists the controlled ReplicaSets by revision, skipping foreign ones and bad revisions', () => {
    const h = deploymentHistory(deployment('web:3'), [r3, foreign, r1, bad, r2]);
    expect(h.map((e) => [e.revision, e.changeCause])).toEqual([
      [1, 'kctl apply -f web.yaml'],
      [2, 'image to 2'],
      [3, undefined],
    ]);
    expect(formatHistoryTable(h)).toBe('REVISION  CHANGE-CAUSE\n1         kctl apply -f web.yaml\n2         image to 2\n3         <none>\n');
  });

  it('no ReplicaSets: kubectl\'s message; an unknown revision is an error', () => {
    expect(viewDeploymentHistory(deployment('web:3'), [foreign], 0)).toBe('No rollout history found.');
    expect(() => viewDeploymentHistory(deployment('web:3'), [r1], 5)).toThrow('unable to find the specified revision');
  });

  it('--revision shows that template as describe does, with the change-cause among its annotations', () => {
    const text = viewDeploymentHistory(deployment('web:3'), [r1, r2, r3], 2);
    expect(text.split('\n').slice(0, 3)).toEqual(['Pod Template:', `  Labels:       app=web`, `                pod-template-hash=${r2.metadata.name.slice(4)}`]);
    expect(text).toContain('  Annotations:  kubernetes.io/change-cause: image to 2\n');
    expect(text).toMatch(/\n  Containers:\n   web:\n    Image:\s+web:2\n/);
    expect(text.endsWith('\n')).toBe(true);
    expect(describePodTemplate(template('a:1'))).toMatch(/^Pod Template:\n  Labels:  app=web\n  Containers:\n/);
  });
});

describe('undo: which revision (kubectl deploymentRevision)', () => {
  const r1 = rs('1', 'web:1', { changeCause: 'first' });
  const r2 = rs('2', 'web:2');
  const r3 = rs('3', 'web:3');
  const r5foreign = rs('5', 'web:5', { owner: 'other' });
  const d = deployment('web:3');

  it.each([
    [0, 'web:2'],
    [1, 'web:1'],
    [2, 'web:2'],
    [3, 'web:3'],
  ])('--to-revision=%i → %s', (to, image) => {
    const t = rollbackTarget(d, [r3, r1, r2, r5foreign], to);
    expect((t.spec as { template: ReturnType<typeof template> }).template.spec.containers[0]!.image).toBe(image);
  });

  it('errors as kubectl', () => {
    expect(() => rollbackTarget(d, [r1, r2, r3, r5foreign], 5)).toThrow('unable to find specified revision 5 in history');
    expect(() => rollbackTarget(d, [r1], -1)).toThrow('unable to find specified revision -1 in history');
    expect(() => rollbackTarget(d, [r3], 0)).toThrow('no rollout history found for deployment "web"');
  });

  it('restores the template without the hash label and takes the ReplicaSet\'s annotations', () => {
    const cur = deployment('web:3', { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'kubernetes.io/change-cause': 'third', team: 'a' });
    const plan = planRollback(cur, [r1, r2, r3], 1);
    expect(plan.action).toBe('rolled back');
    if (plan.action !== 'rolled back') return;
    expect((plan.deployment.spec as { template: unknown }).template).toEqual(template('web:1'));
    // kubectl replaces the annotations: its own bookkeeping kept, the ReplicaSet's others copied
    expect(plan.deployment.metadata.annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '3',
      'kubernetes.io/change-cause': 'first',
    });
    expect((plan.deployment.spec as { replicas: number }).replicas).toBe(2);
  });

  it('skips when the template already matches; refuses a paused Deployment', () => {
    const plan = planRollback(deployment('web:2'), [r1, r2, r3], 2);
    expect(plan).toMatchObject({ action: 'skipped', message: 'skipped rollback (current template already matches revision 2)' });
    expect(() => planRollback(deployment('web:3', {}, true), [r1, r2, r3], 0)).toThrow(
      "you cannot rollback a paused deployment; resume it first with 'kctl rollout resume' and try again",
    );
  });

  it('undo twice toggles between the last two revisions (the controller renumbers the reused ReplicaSet)', () => {
    // after undo to 2, the controller gives web:2's ReplicaSet revision 4
    const r2as4 = { ...r2, metadata: { ...r2.metadata, annotations: { 'deployment.kubernetes.io/revision': '4', 'deployment.kubernetes.io/revision-history': '2' } } };
    const plan = planRollback(deployment('web:2'), [r1, r2as4, r3], 0);
    expect(plan.action === 'rolled back' && (plan.deployment.spec as { template: ReturnType<typeof template> }).template.spec.containers[0]!.image).toBe('web:3');
  });
});

describe('ReplicaSet helpers', () => {
  it('equalIgnoreHash ignores only the pod-template-hash label', () => {
    expect(equalIgnoreHash(template('a', { 'pod-template-hash': 'x' }), template('a'))).toBe(true);
    expect(equalIgnoreHash({ metadata: { labels: { 'pod-template-hash': 'x' } }, spec: {} }, { spec: {} })).toBe(true);
    expect(equalIgnoreHash(template('a', { tier: 'fe' }), template('a'))).toBe(false);
    expect(equalIgnoreHash(template('a'), template('b'))).toBe(false);
  });

  it('the new ReplicaSet is the oldest one running the current template', () => {
    const a = rs('1', 'web:9');
    const b = rs('2', 'web:9');
    expect(newReplicaSetOf(deployment('web:9'), [b, a])).toBe(a);
    expect(newReplicaSetOf(deployment('web:8'), [b, a])).toBeUndefined();
  });
});
