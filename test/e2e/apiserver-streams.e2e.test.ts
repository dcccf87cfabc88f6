// The real kubectl (v1.32) over kctl's API server, for the pod subresources that stream: logs (and -f),
// exec over v5.channel.k8s.io (exit codes, stdin), and port-forward (SPDY tunnelled in a WebSocket), on the
// real Docker engine. The API port is free-chosen (KCTL_API_PORT=0); everything stays on 127.0.0.1.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, waitFor, type Run } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();
const KUBECTL = process.env.KCTL_E2E_KUBECTL ?? '/usr/bin/kubectl';

describe.runIf(haveDocker)('kubectl logs / exec / port-forward through the API server', () => {
  const cluster = E2eCluster.create('api-streams', { KCTL_API_PORT: '0' });
  const kubeconfig = join(cluster.home, 'kubeconfig');
  const kubectlEnv = { PATH: process.env.PATH ?? '', HOME: join(cluster.home, '..'), KUBECONFIG: kubeconfig };

  const kubectl = (args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, args, { env: kubectlEnv, timeout: opts.timeoutMs ?? 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(opts.input ?? '');
    });

  const pod = (name: string, command: string[], extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command, ...extra }], terminationGracePeriodSeconds: 1 },
  });

  beforeAll(async () => {
    await cluster.apply([
      pod('talk', ['sh', '-c', 'echo line 1; echo line 2; echo line 3; exec httpd -f -p 80 -h /www'], { ports: [{ containerPort: 80, name: 'http' }] }),
    ]);
    await waitFor('the kubeconfig', () => existsSync(kubeconfig), { describe: () => cluster.controllerLog() });
    await cluster.waitForPod('talk', 'Running', (p) => p.status?.phase === 'Running' && (p.status.containerStatuses?.[0]?.ready ?? false));
  });
  afterAll(async () => {
    await cluster.dispose();
  });

  it('kubectl logs, with --tail and --timestamps', async () => {
    const all = await kubectl(['logs', 'talk']);
    expect(all).toEqual({ code: 0, stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
    expect((await kubectl(['logs', 'talk', '--tail=1'])).stdout).toBe('line 3\n');
    expect((await kubectl(['logs', 'talk', '--tail=1', '--timestamps'])).stdout).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z line 3\n$/);
    expect((await kubectl(['logs', 'talk', '--limit-bytes=8'])).stdout).toBe('line 1\nl');
    const wrong = await kubectl(['logs', 'talk', '-c', 'nope']);
    expect(wrong.stderr).toBe('error: container nope is not valid for pod talk\n');
    expect(wrong.code).toBe(1);
  });

  it('kubectl logs -f streams until the container ends', async () => {
    const short = pod('short', ['sh', '-c', 'echo first; sleep 4; echo second']);
    await cluster.apply({ ...short, spec: { ...short.spec, restartPolicy: 'Never' } });
    await cluster.waitForPod('short', 'Running', (p) => p.status?.phase === 'Running');
    const child = spawn(KUBECTL, ['logs', '-f', 'short'], { env: kubectlEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect({ code, out, err }).toEqual({ code: 0, out: 'first\nsecond\n', err: '' });
  });

  it('kubectl exec passes the exit code through the error channel', async () => {
    const r = await kubectl(['exec', 'talk', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: 'hi\n', stderr: 'oops\ncommand terminated with exit code 3\n' });
    expect(await kubectl(['exec', 'talk', '--', 'true'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('kubectl exec -i: a stdin round trip, ended by v5\'s close', async () => {
    const r = await kubectl(['exec', '-i', 'talk', '--', 'sh', '-c', 'cat; echo done'], { input: 'hello\nworld\n' });
    expect(r).toEqual({ code: 0, stdout: 'hello\nworld\ndone\n', stderr: '' });
  });

  it('kubectl exec into a container that is not there', async () => {
    const r = await kubectl(['exec', 'talk', '-c', 'nope', '--', 'true']);
    expect(r.stderr).toBe('Error from server (BadRequest): container nope is not valid for pod talk\n');
    expect(r.code).toBe(1);
  });

  it('kubectl port-forward tunnels connections to the pod\'s port', async () => {
    const child = spawn(KUBECTL, ['port-forward', 'pod/talk', ':80'], { env: kubectlEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      const m = await waitFor(
        'port-forward to listen',
        () => {
          if (child.exitCode !== null) throw new Error(`port-forward exited ${child.exitCode}: ${err}`);
          return /Forwarding from 127\.0\.0\.1:(\d+) -> 80\n/.exec(out) ?? undefined;
        },
        { timeoutMs: 30_000 },
      );
      const local = Number(m[1]);
      const get = (): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: local, path: '/', timeout: 10_000 }, (r) => {
              let body = '';
              r.on('data', (c) => (body += c));
              r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
            })
            .on('error', reject);
        });
      expect(await get()).toEqual({ status: 200, body: '<h1>kctl test image</h1>\n' });
      // a second connection over the same session
      expect(await get()).toEqual({ status: 200, body: '<h1>kctl test image</h1>\n' });
      await waitFor('the connection lines', () => out.split(`Handling connection for ${local}\n`).length === 3 || undefined, { timeoutMs: 10_000 });
      expect(err).toBe('');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on('exit', r)));
    }
  });
});
