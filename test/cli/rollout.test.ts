// The built kctl, run as a user runs it, over a real FileStore with KCTL_NO_CONTROLLER=1: the workload verbs
// (scale, rollout, set image, wait, get -w, apply --wait). The controller's part (status, ReplicaSets) is written
// by hand, with `kctl patch --subresource=status` and `kctl create`, as the deployment controller would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-rollout-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const file = (name: string, text: string): string => {
  const p = join(t.home, name);
  writeFileSync(p, text);
  return p;
};

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: "${image}"}
`;

const jsonpath = (args: string[], path: string): string => k.run(['get', ...args, '-o', `jsonpath=${path}`]).stdout;
const imageOf = () => jsonpath(['deploy', 'web'], '{.spec.template.spec.containers[0].image}');

/** What the deployment controller does for the current template: a ReplicaSet with the next revision. */
function controllerMakesReplicaSet(revision: number, hash: string, changeCause?: string): void {
  const d = JSON.parse(k.run(['get', 'deploy', 'web', '-o', 'json']).stdout);
  const template = { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels: { ...d.spec.template.metadata.labels, 'pod-template-hash': hash } } };
  const rs = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      labels: template.metadata.labels,
      annotations: { 'deployment.kubernetes.io/revision': String(revision), ...(changeCause ? { 'kubernetes.io/change-cause': changeCause } : {}) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 0, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template },
  };
  const r = k.run(['create', '-f', '-'], { input: JSON.stringify(rs) });
  expect(r.stderr).toBe('');
  expect(k.run(['annotate', 'deploy', 'web', `deployment.kubernetes.io/revision=${revision}`, '--overwrite']).code).toBe(0);
}

/** The controller's status write (observedGeneration = the current generation). */
function controllerWritesStatus(status: Record<string, unknown>): void {
  const generation = Number(jsonpath(['deploy', 'web'], '{.metadata.generation}'));
  const r = k.run(['patch', 'deploy', 'web', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { observedGeneration: generation, ...status } })]);
  expect(r.stderr).toBe('');
}

const complete = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] };

describe('a rollout, its history and its undo', () => {
  beforeAll(() => {
    expect(k.run(['apply', '-f', file('web.yaml', deployment('kctl-test/busybox:1'))]).stdout).toBe('deployment.apps/web created\n');
    controllerMakesReplicaSet(1, 'aaaa1', 'initial');
  });

  it('rollout status reports the controller\'s progress and succeeds when complete', () => {
    controllerWritesStatus({ replicas: 2, updatedReplicas: 2, availableReplicas: 1 });
    expect(k.run(['rollout', 'status', 'deploy/web', '--watch=false'])).toEqual({
      code: 0,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...\n',
      stderr: '',
    });
    const timedOut = k.run(['rollout', 'status', 'deploy/web', '--timeout=1s']);
    expect(timedOut).toEqual({ code: 1, stdout: 'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...\n', stderr: 'error: timed out waiting for the condition\n' });
    controllerWritesStatus(complete);
    expect(k.run(['rollout', 'status', 'deployment', 'web'])).toEqual({ code: 0, stdout: 'deployment "web" successfully rolled out\n', stderr: '' });
  });

  it('follows status written by another process while it waits', async () => {
    expect(k.run(['set', 'image', 'deploy/web', 'app=kctl-test/busybox:2'])).toEqual({ code: 0, stdout: 'deployment.apps/web image updated\n', stderr: '' });
    const waiting = k.start(['rollout', 'status', 'deploy/web', '--timeout=60s']);
    // each write only after the verb has printed what it saw before, so every state is observed
    await waiting.stdoutHas('Waiting for deployment spec update to be observed...\n');
    controllerMakesReplicaSet(2, 'bbbb2');
    controllerWritesStatus({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 });
    await waiting.stdoutHas('1 out of 2 new replicas have been updated...\n');
    controllerWritesStatus(complete);
    const r = await waiting.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'Waiting for deployment spec update to be observed...',
      'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
      'deployment "web" successfully rolled out',
      '',
    ]);
  });

  it('history lists both revisions; --revision shows a template', () => {
    expect(k.run(['rollout', 'history', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         initial\n2         <none>\n\n', stderr: '' });
    const one = k.run(['rollout', 'history', 'deploy/web', '--revision=1']);
    expect(one.stdout).toMatch(/^deployment\.apps\/web with revision #1\nPod Template:\n  Labels:\s+app=web\n\s+pod-template-hash=aaaa1\n  Annotations:\s+kubernetes\.io\/change-cause: initial\n  Containers:\n   app:\n    Image:\s+kctl-test\/busybox:1\n/);
  });

  it('undo goes back to the previous template; undo again returns', () => {
    expect(k.run(['rollout', 'undo', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web rolled back\n', stderr: '' });
    expect(imageOf()).toBe('kctl-test/busybox:1');
    expect(jsonpath(['deploy', 'web'], '{.spec.template.metadata.labels}')).toBe('{"app":"web"}');
    expect(k.run(['rollout', 'undo', 'deploy/web', '--to-revision=1']).stdout).toBe(
      'deployment.apps/web skipped rollback (current template already matches revision 1)\n',
    );
    expect(k.run(['rollout', 'undo', 'deploy/web', '--to-revision=7'])).toEqual({ code: 1, stdout: '', stderr: 'error: unable to find specified revision 7 in history\n' });
    // the controller reuses revision 1's ReplicaSet as revision 3
    expect(k.run(['annotate', 'rs', 'web-aaaa1', 'deployment.kubernetes.io/revision=3', '--overwrite']).code).toBe(0);
    expect(k.run(['rollout', 'undo', 'deploy/web']).stdout).toBe('deployment.apps/web rolled back\n');
    expect(imageOf()).toBe('kctl-test/busybox:2');
  });

  it('pause, resume, restart', () => {
    expect(k.run(['rollout', 'pause', 'deploy/web']).stdout).toBe('deployment.apps/web paused\n');
    expect(k.run(['rollout', 'pause', 'deploy/web'])).toEqual({ code: 1, stdout: '', stderr: 'error: deployments.apps "web" is already paused\n' });
    expect(k.run(['rollout', 'resume', 'deploy/web']).stdout).toBe('deployment.apps/web resumed\n');
    expect(k.run(['rollout', 'restart', 'deploy/web']).stdout).toBe('deployment.apps/web restarted\n');
    expect(jsonpath(['deploy', 'web'], '{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  });

  it('scale, with the --current-replicas precondition', () => {
    expect(k.run(['scale', 'deploy/web', '--current-replicas=3', '--replicas=4'])).toEqual({ code: 1, stdout: '', stderr: 'error: Expected replicas to be 3, was 2\n' });
    expect(k.run(['scale', 'deploy/web', '--replicas=4'])).toEqual({ code: 0, stdout: 'deployment.apps/web scaled\n', stderr: '' });
    expect(jsonpath(['deploy', 'web'], '{.spec.replicas}')).toBe('4');
    // a manifest that never set replicas would keep the scaled count; this one sets 2
    expect(k.run(['apply', '-f', join(t.home, 'web.yaml')]).stdout).toBe('deployment.apps/web configured\n');
  });
});

describe('wait and get -w', () => {
  it('wait --for=condition and the timeout message', () => {
    controllerWritesStatus(complete);
    expect(k.run(['wait', '--for=condition=Available', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web condition met\n', stderr: '' });
    expect(k.run(['wait', '--for=condition=Available=false', 'deploy/web', '--timeout=1s'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: timed out waiting for the condition on deployments/web\n',
    });
  });

  it('wait --for=delete sees a delete made by another process', async () => {
    expect(k.run(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: doomed}\n' }).code).toBe(0);
    const waiting = k.start(['wait', '--for=delete', 'configmap/doomed', '--timeout=30s']);
    await waiting.watching();
    expect(k.run(['delete', 'cm', 'doomed']).stdout).toBe('configmap "doomed" deleted\n');
    expect(await waiting.done).toEqual({ code: 0, stdout: 'configmap/doomed condition met\n', stderr: '' });
  });

  it('get -w prints the listing, then each change, until --watch-timeout', async () => {
    const watching = k.start(['get', 'cm', '-l', 'watch=me', '-w', '--watch-timeout=10s']);
    await watching.watching();
    expect(k.run(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seen, labels: {watch: me}}\ndata: {a: "1"}\n' }).code).toBe(0);
    expect(k.run(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unseen}\n' }).code).toBe(0);
    expect(k.run(['patch', 'cm', 'seen', '--type=merge', '-p', '{"data":{"b":"2"}}']).code).toBe(0);
    const r = await watching.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME   DATA   AGE\nseen   1      \d+s\nseen   2      \d+s\n$/);
  });

  it('apply --wait returns once the pod is Ready', async () => {
    const pod = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: kctl-test/busybox:1}]}\n');
    const applying = k.start(['apply', '-f', pod, '--wait', '--timeout=30s']);
    await applying.watching();
    const patched = k.run(['patch', 'pod', 'p', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}']);
    expect(patched.stderr).toBe('');
    expect(await applying.done).toEqual({ code: 0, stdout: 'pod/p created\n', stderr: '' });
  });
});
