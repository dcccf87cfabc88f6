// kctl wait, kctl get -w and kctl apply --wait in process (MemoryStore + FakeClock).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { createDeployment, getDeployment, IMAGE, kctl, patchDeployment, setDeploymentStatus, settle, setup, start, timersSet, warmUp, outputIs, type Env } from './harness.js';

let env: Env;
beforeAll(warmUp, 60_000);
beforeEach(() => {
  env = setup();
});

const podRef = (name: string) => ({ resource: 'pods', namespace: 'default', name });

async function createPod(name: string, labels: Record<string, string> = { run: name }): Promise<KubeObject> {
  return env.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: IMAGE }] } });
}

async function setPodStatus(name: string, status: Record<string, unknown>): Promise<KubeObject> {
  const p = await env.store.get(podRef(name));
  return env.store.updateStatus({ ...p, status });
}

const ready = (v: 'True' | 'False') => ({ phase: 'Running', conditions: [{ type: 'Ready', status: v }] });
const available = { replicas: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] };

describe('kctl wait --for=condition', () => {
  it('met already: `condition met`, exit 0', async () => {
    await createDeployment(env, { replicas: 1 });
    await setDeploymentStatus(env, available);
    expect(await kctl(env, ['wait', '--for=condition=Available', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web condition met\n', stderr: '' });
    expect((await kctl(env, ['wait', '--for', 'condition=available=TRUE', 'deployment', 'web'])).code).toBe(0);
    expect(await kctl(env, ['wait', '--for=condition=Available=false', 'deploy/web', '--timeout=0'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: condition not met for deployments/web\n',
    });
  });

  it('waits for the condition to appear; a newer generation must be observed first', async () => {
    await createDeployment(env, { replicas: 1 });
    await setDeploymentStatus(env, available);
    await patchDeployment(env, (d) => ((d.spec as { replicas: number }).replicas = 2));
    const run = start(env, ['wait', '--for=condition=Available', 'deploy/web']);
    await settle();
    expect(run.out.text).toBe('');
    await setDeploymentStatus(env, available); // now observedGeneration = 2
    expect(await run.done).toEqual({ code: 0, stdout: 'deployment.apps/web condition met\n', stderr: '' });
  });

  it('times out after 30s by default, naming the object', async () => {
    await createPod('p');
    const before = env.clock.timersSet;
    const run = start(env, ['wait', '--for=condition=Ready', 'pod/p']);
    await timersSet(env, before + 1);
    await setPodStatus('p', ready('False'));
    await settle();
    env.clock.advance(29_999);
    await settle();
    expect(run.out.text).toBe('');
    env.clock.advance(1);
    expect(await run.done).toEqual({ code: 1, stdout: '', stderr: 'error: timed out waiting for the condition on pods/p\n' });
  });

  it('-l and --all wait for every match in turn; none is an error', async () => {
    await createPod('a', { tier: 'fe' });
    await createPod('b', { tier: 'fe' });
    await setPodStatus('a', ready('True'));
    const run = start(env, ['wait', '--for=condition=Ready', 'pods', '-l', 'tier=fe', '--timeout=1m']);
    expect(await outputIs(run, 'pod/a condition met\n')).toBe('pod/a condition met\n');
    await setPodStatus('b', ready('True'));
    expect(await run.done).toEqual({ code: 0, stdout: 'pod/a condition met\npod/b condition met\n', stderr: '' });
    expect((await kctl(env, ['wait', '--for=condition=Ready', 'pods', '--all'])).stdout).toBe('pod/a condition met\npod/b condition met\n');
    expect(await kctl(env, ['wait', '--for=condition=Ready', 'pods', '-l', 'tier=none'])).toEqual({ code: 1, stdout: '', stderr: 'error: no matching resources found\n' });
    expect((await kctl(env, ['wait', '--for=condition=Ready', 'pods'])).stderr).toBe('error: resource(s) were provided, but no name was specified\n');
    expect((await kctl(env, ['wait', '--for=condition=Ready', 'pod/zz'])).stderr).toBe('Error from server (NotFound): pods "zz" not found\n');
  });

  it('--for=jsonpath', async () => {
    await createPod('p');
    const run = start(env, ['wait', '--for=jsonpath={.status.phase}=Running', 'pod/p']);
    await settle();
    await setPodStatus('p', { phase: 'Pending' });
    await settle();
    expect(run.out.text).toBe('');
    await setPodStatus('p', { phase: 'Running' });
    expect(await run.done).toEqual({ code: 0, stdout: 'pod/p condition met\n', stderr: '' });
    expect((await kctl(env, ['wait', "--for=jsonpath='{.status.phase}'", 'pod/p'])).stdout).toBe('pod/p condition met\n');
  });

  it('bad --for values are refused before anything is read', async () => {
    expect(await kctl(env, ['wait', 'pod/p'])).toEqual({ code: 1, stdout: '', stderr: 'error: unrecognized condition: ""\n' });
    expect((await kctl(env, ['wait', '--for=Ready', 'pod/p'])).stderr).toContain('error: unrecognized condition: "Ready"\n');
  });
});

describe('kctl wait --for=delete|create', () => {
  it('delete: prints `condition met` once the object is gone', async () => {
    await createPod('p');
    const run = start(env, ['wait', '--for=delete', 'pod/p', '--timeout=60s']);
    await settle();
    expect(run.out.text).toBe('');
    await env.store.delete(podRef('p'));
    expect(await run.done).toEqual({ code: 0, stdout: 'pod/p condition met\n', stderr: '' });
  });

  it('delete: an object that does not exist is done at once; timeout names the object', async () => {
    expect(await kctl(env, ['wait', '--for=delete', 'pod/none'])).toEqual({ code: 0, stdout: '', stderr: '' });
    await createPod('p');
    const before = env.clock.timersSet;
    const run = start(env, ['wait', '--for=delete', 'pod/p', '--timeout=5s']);
    await timersSet(env, before + 1);
    env.clock.advance(5_000);
    expect(await run.done).toEqual({ code: 1, stdout: '', stderr: 'error: timed out waiting for the condition on pods/p\n' });
    expect(await kctl(env, ['wait', '--for=delete', 'pod/p', '--timeout=0'])).toEqual({ code: 1, stdout: '', stderr: 'error: condition not met for pods/p\n' });
  });

  it('create: waits for the object to exist', async () => {
    const run = start(env, ['wait', '--for=create', 'pod/later', '--timeout=10s']);
    await settle();
    await createPod('other');
    await settle();
    expect(run.out.text).toBe('');
    await createPod('later');
    expect(await run.done).toEqual({ code: 0, stdout: 'pod/later condition met\n', stderr: '' });
    const before = env.clock.timersSet;
    const never = start(env, ['wait', '--for=create', 'pod/never', '--timeout=10s']);
    await timersSet(env, before + 1);
    env.clock.advance(10_000);
    expect(await never.done).toEqual({ code: 1, stdout: '', stderr: 'error: timed out waiting for the condition\n' });
  });
});

describe('kctl get -w', () => {
  it('prints the table, then one row per change (deleted objects as their last state), until --watch-timeout', async () => {
    await createPod('a');
    const run = start(env, ['get', 'pods', '-w', '--watch-timeout=1m']);
    expect(await outputIs(run, 'NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Pending   0          0s\n')).toBe('NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Pending   0          0s\n');
    await setPodStatus('a', { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] });
    await settle();
    await createPod('bb');
    await settle();
    await env.store.delete(podRef('a'));
    await settle();
    // another kind never shows up
    await createDeployment(env);
    await settle();
    await timersSet(env, 1);
    env.clock.advance(60_000);
    expect(await run.done).toEqual({
      code: 0,
      stdout: [
        'NAME   READY   STATUS    RESTARTS   AGE',
        'a      0/1     Pending   0          0s',
        'a      1/1     Running   0          0s',
        'bb     0/1     Pending   0          0s',
        'a      1/1     Running   0          0s',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--watch-only prints the header with the first change; names and -l filter the changes', async () => {
    await createPod('a', { app: 'x' });
    await createPod('b', { app: 'y' });
    const run = start(env, ['get', 'pods', '--watch-only', '-l', 'app=y', '--watch-timeout=10s']);
    const named = start(env, ['get', 'pod', 'a', '-w', '-o', 'name', '--watch-timeout=10s']);
    await timersSet(env, 2);
    expect(run.out.text).toBe('');
    await setPodStatus('a', { phase: 'Running' });
    await setPodStatus('b', { phase: 'Failed' });
    await settle();
    env.clock.advance(10_000);
    expect(await run.done).toEqual({ code: 0, stdout: 'NAME   READY   STATUS   RESTARTS   AGE\nb      0/1     Failed   0          0s\n', stderr: '' });
    expect(await named.done).toEqual({ code: 0, stdout: 'pod/a\npod/a\n', stderr: '' });
  });

  it('Ctrl-C ends the watch with exit 0', async () => {
    await createPod('a');
    const run = start(env, ['get', 'pod', 'a', '-w']);
    await outputIs(run, 'NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Pending   0          0s\n');
    await settle();
    run.interrupt();
    expect(await run.done).toEqual({ code: 0, stdout: 'NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Pending   0          0s\n', stderr: '' });
  });

  it('deployments; several kinds are refused', async () => {
    await createDeployment(env, { replicas: 2 });
    const run = start(env, ['get', 'deploy', '-w', '--watch-timeout=5s']);
    await outputIs(run, 'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/2     0            0           0s\n');
    await timersSet(env, 1);
    await setDeploymentStatus(env, { replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 });
    await settle();
    env.clock.advance(5_000);
    expect((await run.done).stdout).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/2     0            0           0s\nweb    1/2     2            1           0s\n');
    expect(await kctl(env, ['get', 'pods,deploy', '-w'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: watch is only supported on individual resources and resource collections - more than 1 resource was found\n',
    });
  });
});

describe('kctl apply --wait', () => {
  let dir = '';
  let deployYaml = '';
  let podYaml = '';
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kctl-apply-wait-'));
    deployYaml = file(
      'web.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: ${IMAGE}}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`,
    );
    podYaml = file('pod.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: ${IMAGE}}]}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns once the Deployment has rolled out', async () => {
    const run = start(env, ['apply', '-f', deployYaml, '--wait']);
    expect(await outputIs(run, 'deployment.apps/web created\nconfigmap/cfg created\n')).toBe('deployment.apps/web created\nconfigmap/cfg created\n');
    await settle();
    await setDeploymentStatus(env, { replicas: 1, updatedReplicas: 1 });
    await settle();
    await setDeploymentStatus(env, available);
    expect(await run.done).toEqual({ code: 0, stdout: 'deployment.apps/web created\nconfigmap/cfg created\n', stderr: '' });
    expect((await getDeployment(env)).metadata.generation).toBe(1);
  });

  it('waits for a Pod to be Ready; --timeout bounds it', async () => {
    const run = start(env, ['apply', '-f', podYaml, '--wait', '--timeout=20s']);
    await outputIs(run, 'pod/p created\n');
    await settle();
    await setPodStatus('p', ready('True'));
    expect(await run.done).toEqual({ code: 0, stdout: 'pod/p created\n', stderr: '' });
    await setPodStatus('p', ready('False'));
    const before = env.clock.timersSet;
    const slow = start(env, ['apply', '-f', podYaml, '--wait', '--timeout=20s']);
    await outputIs(slow, 'pod/p unchanged\n');
    await timersSet(env, before + 1);
    env.clock.advance(20_000);
    expect(await slow.done).toEqual({ code: 1, stdout: 'pod/p unchanged\n', stderr: 'error: timed out waiting for the condition on pods/p\n' });
  });

  it('a Deployment past its progress deadline fails the apply', async () => {
    const run = start(env, ['apply', '-f', deployYaml, '--wait']);
    await outputIs(run, 'deployment.apps/web created\nconfigmap/cfg created\n');
    await settle();
    await setDeploymentStatus(env, { replicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(await run.done).toEqual({ code: 1, stdout: 'deployment.apps/web created\nconfigmap/cfg created\n', stderr: 'error: deployment "web" exceeded its progress deadline\n' });
  });
});

describe('get -w table layout (liggitt/tabwriter RememberWidths)', async () => {
  const { WatchTable } = await import('../../../src/cli/rollout/watch-table.js');
  const { resolveResource } = await import('../../../src/api/kinds.js');
  const now = new Date('2026-01-01T00:00:10Z');
  const pod = (name: string, waiting?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: IMAGE }] },
    status: { phase: waiting ? 'Pending' : 'Running', containerStatuses: [{ name: 'c', ready: !waiting, restartCount: 0, state: waiting ? { waiting: { reason: waiting } } : { running: {} } }] },
  });

  it('later rows keep the widths seen so far, and a wider cell widens its column from then on', () => {
    const t = new WatchTable(resolveResource('pods')!, {});
    expect(t.print([pod('web-1', 'Pending')], now)).toBe('NAME    READY   STATUS    RESTARTS   AGE\nweb-1   0/1     Pending   0          10s\n');
    expect(t.print([pod('web-1', 'ContainerCreating')], now)).toBe('web-1   0/1     ContainerCreating   0          10s\n');
    expect(t.print([pod('web-1')], now)).toBe('web-1   1/1     Running             0          10s\n');
    expect(t.print([], now)).toBe('');
  });

  it('--no-headers, -A and --show-labels columns', () => {
    const t = new WatchTable(resolveResource('pods')!, { noHeaders: true, allNamespaces: true, showLabels: true });
    expect(t.print([pod('a')], now)).toBe('default   a     1/1   Running   0     10s   <none>\n');
  });
});
