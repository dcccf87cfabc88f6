// The real kubectl (v1.32, /usr/bin/kubectl) drives kctl through $KCTL_HOME/kubeconfig: the controller serves the
// Kubernetes API on 127.0.0.1 (here on a free port: KCTL_API_PORT=0, so parallel runs never collide).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, waitFor, type Run } from '../helpers/e2e-cluster.js';

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
});
