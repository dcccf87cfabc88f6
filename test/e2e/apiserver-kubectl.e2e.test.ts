// The real kubectl (v1.32, /usr/bin/kubectl) drives kctl through $KCTL_HOME/kubeconfig: the controller serves the
// Kubernetes API on 127.0.0.1 (here on a free port: KCTL_API_PORT=0, so parallel runs never collide).
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, waitFor, type Run } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();
const KUBECTL = process.env.KCTL_E2E_KUBECTL ?? '/usr/bin/kubectl';

describe.runIf(haveDocker)('the real kubectl through $KCTL_HOME/kubeconfig', () => {
  const cluster = E2eCluster.create('api-kubectl', { KCTL_API_PORT: '0' });
  const kubeconfig = join(cluster.home, 'kubeconfig');

  /** Runs kubectl with the kubeconfig (and a HOME of its own: its discovery cache stays in the test's folder). */
  const kubectl = (args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        KUBECTL,
        args,
        { env: { PATH: process.env.PATH ?? '', HOME: join(cluster.home, '..'), KUBECONFIG: kubeconfig }, timeout: opts.timeoutMs ?? 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(opts.input ?? '');
    });

  beforeAll(async () => {
    // the first mutating command starts the background controller, which starts the API server
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello' }, data: { a: '1' } });
    await waitFor('the kubeconfig', () => existsSync(kubeconfig), { describe: () => cluster.controllerLog() });
  });
  afterAll(async () => {
    await cluster.dispose();
  });

  it('writes a 0600 kubeconfig with cluster kctl, user kctl-admin, context kctl', () => {
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    const text = readFileSync(kubeconfig, 'utf8');
    expect(text).toMatch(/^current-context: kctl$/m);
    expect(text).toMatch(/^ {4}server: https:\/\/127\.0\.0\.1:\d+$/m);
    expect(text).toMatch(/^- name: kctl-admin$/m);
    for (const f of ['ca.key', 'apiserver.key', 'admin.key']) expect(statSync(join(cluster.home, 'pki', f)).mode & 0o777).toBe(0o600);
  });

  it('kubectl version shows the server version', async () => {
    const r = await kubectl(['version']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Server Version: v1\.32\.4\+kctl$/m);
    expect(r.code).toBe(0);
  });

  it('health checks answer ok', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) expect((await kubectl(['get', '--raw', p])).stdout).toBe('ok');
  });

  const web = (replicas: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
        },
        ...extra,
      },
    });

  it('kubectl apply creates, then patches; rollout status waits; get prints what kctl get prints', async () => {
    const created = await kubectl(['apply', '-f', '-'], { input: web(2) });
    expect([created.code, created.stdout, created.stderr]).toEqual([0, 'deployment.apps/web created\n', '']);
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(rollout.stdout).toMatch(/deployment "web" successfully rolled out\n$/);
    expect(rollout.code).toBe(0);
    // the same table from both (AGE may tick between the two runs: retry until they agree)
    await waitFor('kubectl get pods and kctl get pods to print the same', async () => {
      const [a, b] = await Promise.all([kubectl(['get', 'pods']), cluster.kctl(['get', 'pods'])]);
      return a.stdout === b.stdout && a.stdout.split('\n').length === 4 && a.stdout;
    });
    await waitFor('the deployment tables to agree', async () => {
      const [a, b] = await Promise.all([kubectl(['get', 'deploy', '-o', 'wide']), cluster.kctl(['get', 'deploy', '-o', 'wide'])]);
      return a.stdout === b.stdout && a.stdout;
    });
    const configured = await kubectl(['apply', '-f', '-'], { input: web(1) });
    expect([configured.code, configured.stdout]).toEqual([0, 'deployment.apps/web configured\n']);
    const unchanged = await kubectl(['apply', '-f', '-'], { input: web(1) });
    expect(unchanged.stdout).toBe('deployment.apps/web unchanged\n');
    expect(JSON.parse(await cluster.ok(['get', 'deploy', 'web', '-o', 'json'])).spec.replicas).toBe(1);
  });

  it('errors: exact messages and exit codes', async () => {
    const nf = await kubectl(['get', 'deployments.apps', 'nope']);
    expect([nf.code, nf.stdout, nf.stderr]).toEqual([1, '', 'Error from server (NotFound): deployments.apps "nope" not found\n']);
    const strict = await kubectl(['apply', '-f', '-'], { input: web(1, { bogus: 1 }).replace('"name":"web"', '"name":"web2"') });
    expect(strict.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.bogus"\n',
    );
    expect(strict.code).toBe(1);
    const invalid = await kubectl(['apply', '-f', '-'], { input: web(-1).replace('"name":"web"', '"name":"web3"') });
    expect(invalid.stderr).toMatch(/^The Deployment "web3" is invalid: spec\.replicas: Invalid value: -1: /);
    expect(invalid.code).toBe(1);
  });

  it('a kctl change is seen by kubectl, and the reverse', async () => {
    await cluster.ok(['label', 'deploy', 'web', 'tier=front']);
    expect((await kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.labels.tier}'])).stdout).toBe('front');
    const ann = await kubectl(['annotate', 'deploy', 'web', 'owner=team-a']);
    expect(ann.stdout).toBe('deployment.apps/web annotated\n');
    expect(await cluster.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.owner}'])).toBe('team-a');
    const scaled = await kubectl(['scale', 'deploy/web', '--replicas=2']);
    expect(scaled.stdout).toBe('deployment.apps/web scaled\n');
    expect(JSON.parse(await cluster.ok(['get', 'deploy', 'web', '-o', 'json'])).spec.replicas).toBe(2);
  });

  it('kubectl get -w sees a change made with kctl', async () => {
    const child = spawn(KUBECTL, ['get', 'configmaps', '-w', '--output-watch-events'], {
      env: { PATH: process.env.PATH ?? '', HOME: join(cluster.home, '..'), KUBECONFIG: kubeconfig },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await waitFor('the watch to list', () => out.includes('hello'));
      await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' }, data: { a: '1' } });
      await waitFor('the ADDED event', () => /^ADDED\s+watched\s+1\s/m.test(out) && out, { timeoutMs: 30_000 });
      await cluster.ok(['delete', 'configmap', 'watched']);
      await waitFor('the DELETED event', () => /^DELETED\s+watched\s/m.test(out) && out, { timeoutMs: 30_000 });
    } finally {
      child.kill();
    }
  });

  it('kubectl apply --server-side takes over from client-side apply; a conflict names the field and its manager', async () => {
    const ssa = await kubectl(['apply', '--server-side', '-f', '-'], { input: web(2) });
    expect([ssa.code, ssa.stdout, ssa.stderr]).toEqual([0, 'deployment.apps/web serverside-applied\n', '']);
    const cm = (v: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: v } });
    expect((await kubectl(['apply', '--server-side', '--field-manager=alice', '-f', '-'], { input: cm('1') })).code).toBe(0);
    const conflict = await kubectl(['apply', '--server-side', '--field-manager=bob', '-f', '-'], { input: cm('2') });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "alice": \.data\.k\n/);
    const forced = await kubectl(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-'], { input: cm('2') });
    expect(forced.stdout).toBe('configmap/owned serverside-applied\n');
    expect(await cluster.ok(['get', 'configmap', 'owned', '-o', 'jsonpath={.data.k}'])).toBe('2');
  });

  it('describe, and delete waits until the object is gone', async () => {
    const d = await kubectl(['describe', 'deploy', 'web']);
    expect(d.stdout).toMatch(/^Name:\s+web$/m);
    expect(d.stdout).toMatch(/^Replicas:\s+2 desired/m);
    const del = await kubectl(['delete', 'deploy', 'web'], { timeoutMs: 60_000 });
    expect([del.code, del.stdout]).toEqual([0, 'deployment.apps "web" deleted\n']);
    expect(await cluster.kctl(['get', 'deploy', 'web'])).toMatchObject({ code: 1 });
  });
});
