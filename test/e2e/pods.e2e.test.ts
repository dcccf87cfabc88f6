// Pods on the real Docker engine, end to end through the built CLI: `kctl apply` starts the background
// controller, which schedules, runs, probes and restarts; the tests look only at what a user sees (`kctl get`,
// `kctl describe`, events, the engine's containers, HTTP on 127.0.0.1).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import {
  E2eCluster,
  TEST_IMAGE,
  condition,
  containerIdOf,
  containerStatus,
  dockerCli,
  hostPortOf,
  podManifest,
  type StoredPod,
} from '../helpers/e2e-cluster.js';

// CI: throws (the suite fails) when the engine or the test image is missing; elsewhere false (skips, saying why)
const haveDocker = await requireDocker();

const IMG = { image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent' };
const MISSING_IMAGE = '127.0.0.1:1/kctl-test/missing:1'; // a pull goes to 127.0.0.1:1 and is refused at once

function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 2_000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const running = (p: StoredPod, c: string) => !!containerStatus(p, c)?.state?.running;

describe.runIf(haveDocker)('pods on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('pods');

  beforeAll(async () => {
    // the first mutating command starts the controller in the background
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warm-up' }, data: { a: 'b' } });
  });

  afterAll(async () => {
    await cluster.dispose();
  });

  it('runs a two-container pod whose containers talk over localhost, and publishes its port on 127.0.0.1', async () => {
    await cluster.apply(
      podManifest('duo', {
        containers: [
          {
            name: 'web',
            ...IMG,
            command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
            ports: [{ containerPort: 8080 }],
          },
          {
            name: 'client',
            ...IMG,
            command: ['sleep', '3600'],
            // ready only when the other container answers on localhost
            readinessProbe: { exec: { command: ['wget', '-qO-', 'http://localhost:8080/'] }, periodSeconds: 1 },
          },
        ],
      }),
    );
    const row = await cluster.waitForRow('duo', '2/2 Running', (r) => r.ready === '2/2' && r.status === 'Running');
    expect(row.restarts).toBe(0);
    const pod = (await cluster.pod('duo'))!;
    expect(condition(pod, 'Ready')).toBe('True');
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // both containers and the sandbox share the pod's uid label; nothing else was made
    const cs = await cluster.containers(pod.metadata.uid);
    expect(cs.filter((c) => c.State === 'running')).toHaveLength(3);

    const port = hostPortOf(pod, 8080);
    expect(port).toBeGreaterThan(0);
    const res = await httpGet(port!);
    expect(res).toEqual({ status: 200, body: '<h1>kctl test image</h1>\n' });
  });

  it('shows CrashLoopBackOff with growing restarts and the last exit code', async () => {
    await cluster.apply(podManifest('crasher', { containers: [{ name: 'c', ...IMG, command: ['sh', '-c', 'exit 1'] }] }));
    const seen = new Set<string>();
    const row = await cluster.waitForRow('crasher', 'CrashLoopBackOff with RESTARTS >= 2', (r) => {
      seen.add(r.status);
      return r.status === 'CrashLoopBackOff' && r.restarts >= 2;
    });
    expect(row.ready).toBe('0/1');
    const pod = (await cluster.pod('crasher'))!;
    const cs = containerStatus(pod, 'c')!;
    expect(cs.restartCount).toBeGreaterThanOrEqual(2);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.ready).toBe(false);
    // RESTARTS keeps growing (back-off 500 ms doubling, capped at 4 s in tests)
    const later = await cluster.waitForRow('crasher', `RESTARTS > ${cs.restartCount}`, (r) => r.restarts > cs.restartCount!);
    expect(later.restarts).toBeGreaterThan(cs.restartCount!);
    const backOff = await cluster.waitForEvent('crasher', 'BackOff');
    expect(backOff.type).toBe('Warning');
    expect(backOff.message).toMatch(/^Back-off restarting failed container c in pod crasher_default\(/);
    expect(backOff.count ?? 1).toBeGreaterThanOrEqual(1);
    await cluster.ok(['delete', 'pod', 'crasher', '--wait=false']);
  });

  it('restarts a container whose liveness probe fails (Unhealthy, Killing, restartCount+1)', async () => {
    await cluster.apply(
      podManifest('lively', {
        containers: [
          {
            name: 'app',
            ...IMG,
            command: ['sh', '-c', 'touch /tmp/healthy; exec sleep 3600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
      }),
    );
    const pod = await cluster.waitForPod('lively', 'app running', (p) => running(p, 'app'));
    const firstId = containerIdOf(pod, 'app');
    // let a few probes pass first: no restart while the file is there
    await new Promise((r) => setTimeout(r, 2_500));
    expect(containerStatus((await cluster.pod('lively'))!, 'app')!.restartCount).toBe(0);

    expect((await dockerCli(['exec', firstId, 'rm', '/tmp/healthy'])).code).toBe(0);
    const after = await cluster.waitForPod('lively', 'restartCount 1 and running again', (p) => containerStatus(p, 'app')!.restartCount === 1 && running(p, 'app'));
    expect(containerIdOf(after, 'app')).not.toBe(firstId);
    expect(containerStatus(after, 'app')!.lastState?.terminated).toBeDefined();
    const unhealthy = await cluster.waitForEvent('lively', 'Unhealthy');
    expect(unhealthy.type).toBe('Warning');
    expect(unhealthy.message).toMatch(/^Liveness probe failed: /);
    const killing = await cluster.waitForEvent('lively', 'Killing');
    expect(killing.message).toBe('Container app failed liveness probe, will be restarted');
    // the new container made the file again: it stays up
    const row = await cluster.waitForRow('lively', '1/1 Running', (r) => r.ready === '1/1' && r.status === 'Running');
    expect(row.restarts).toBe(1);
    await cluster.ok(['delete', 'pod', 'lively', '--wait=false']);
  });

  it('flips READY with an httpGet readiness probe served by httpd (0/1 when the file goes, 1/1 when it is back)', async () => {
    await cluster.apply(
      podManifest('ready', {
        containers: [
          {
            name: 'web',
            ...IMG,
            command: ['sh', '-c', 'echo ok > /www/ready.html && exec httpd -f -p 8080 -h /www'],
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/ready.html', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    await cluster.waitForRow('ready', '1/1 Running', (r) => r.ready === '1/1' && r.status === 'Running');
    const id = containerIdOf((await cluster.pod('ready'))!, 'web');

    expect((await dockerCli(['exec', id, 'rm', '/www/ready.html'])).code).toBe(0);
    const notReady = await cluster.waitForRow('ready', '0/1 Running', (r) => r.ready === '0/1');
    expect(notReady).toMatchObject({ status: 'Running', restarts: 0 });
    const pod = (await cluster.pod('ready'))!;
    expect(condition(pod, 'Ready')).toBe('False');
    expect(condition(pod, 'ContainersReady')).toBe('False');
    const unhealthy = await cluster.waitForEvent('ready', 'Unhealthy');
    expect(unhealthy.message).toMatch(/^Readiness probe failed: HTTP probe failed with statuscode: 404/);

    expect((await dockerCli(['exec', id, 'sh', '-c', 'echo ok > /www/ready.html'])).code).toBe(0);
    await cluster.waitForRow('ready', '1/1 again', (r) => r.ready === '1/1' && r.status === 'Running');
    // readiness never restarts anything
    expect(containerStatus((await cluster.pod('ready'))!, 'web')!.restartCount).toBe(0);
    await cluster.ok(['delete', 'pod', 'ready', '--wait=false']);
  });

  it('runs init containers in order, before the app, sharing an emptyDir', async () => {
    await cluster.apply(
      podManifest('initd', {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          // the first takes a while, so that `kctl get pods` shows Init:0/2; the second checks it ran
          { name: 'first', ...IMG, command: ['sh', '-c', 'sleep 2; echo one > /work/a'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'second', ...IMG, command: ['sh', '-c', 'test -f /work/a && echo two > /work/b'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        ],
        containers: [
          {
            name: 'app',
            ...IMG,
            command: ['sleep', '3600'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
            readinessProbe: { exec: { command: ['sh', '-c', 'test "$(cat /work/a /work/b)" = "$(printf "one\\ntwo")"'] }, periodSeconds: 1 },
          },
        ],
      }),
    );
    const init = await cluster.waitForRow('initd', 'Init:0/2', (r) => r.status === 'Init:0/2' || r.status === 'Running');
    expect(init.status).toBe('Init:0/2');
    expect(init.ready).toBe('0/1');
    await cluster.waitForRow('initd', '1/1 Running', (r) => r.ready === '1/1' && r.status === 'Running');
    const pod = (await cluster.pod('initd'))!;
    const [first, second] = pod.status!.initContainerStatuses!;
    expect(first).toMatchObject({ name: 'first', ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(second).toMatchObject({ name: 'second', ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    const t = (s: string | undefined) => new Date(s!).getTime();
    expect(t(second!.state!.terminated!.startedAt)).toBeGreaterThanOrEqual(t(first!.state!.terminated!.finishedAt));
    expect(t(containerStatus(pod, 'app')!.state!.running!.startedAt)).toBeGreaterThanOrEqual(t(second!.state!.terminated!.finishedAt));
    expect(condition(pod, 'Initialized')).toBe('True');
    await cluster.ok(['delete', 'pod', 'initd', '--wait=false']);
  });

  it('recreates a container removed behind its back (docker rm -f) and counts a restart', async () => {
    await cluster.apply(podManifest('victim', { containers: [{ name: 'app', ...IMG, command: ['sleep', '3600'] }] }));
    const pod = await cluster.waitForPod('victim', 'app running', (p) => running(p, 'app'));
    const id = containerIdOf(pod, 'app');
    expect((await dockerCli(['rm', '-f', id])).code).toBe(0);
    const row = await cluster.waitForRow('victim', 'Running with RESTARTS 1', (r) => r.restarts === 1 && r.status === 'Running' && r.ready === '1/1');
    expect(row.ready).toBe('1/1');
    const after = (await cluster.pod('victim'))!;
    expect(containerIdOf(after, 'app')).not.toBe(id);
    expect(containerStatus(after, 'app')!.restartCount).toBe(1);
    // one app container and the sandbox: no duplicate
    const cs = await cluster.containers(pod.metadata.uid);
    expect(cs.map((c) => c.Labels['kctl.io/container-name']).sort()).toEqual(['POD', 'app']);
    await cluster.ok(['delete', 'pod', 'victim', '--wait=false']);
  });

  describe('STATUS column of kctl get pods', () => {
    it('ContainerCreating while a volume cannot be set up, then Running', async () => {
      await cluster.apply(
        podManifest('creating', {
          volumes: [{ name: 'cfg', configMap: { name: 'late-config' } }],
          containers: [{ name: 'app', ...IMG, command: ['sleep', '3600'], volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }],
        }),
      );
      const row = await cluster.waitForRow('creating', 'ContainerCreating', (r) => r.status === 'ContainerCreating');
      expect(row.ready).toBe('0/1');
      const ev = await cluster.waitForEvent('creating', 'FailedMount');
      expect(ev.message).toContain('configmap "late-config" not found');
      await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late-config' }, data: { k: 'v' } });
      await cluster.waitForRow('creating', 'Running', (r) => r.status === 'Running' && r.ready === '1/1');
      await cluster.ok(['delete', 'pod', 'creating', '--wait=false']);
    });

    it('Completed, Error, ErrImageNeverPull, ImagePullBackOff', async () => {
      await cluster.apply([
        podManifest('done-ok', { restartPolicy: 'Never', containers: [{ name: 'c', ...IMG, command: ['sh', '-c', 'exit 0'] }] }),
        podManifest('done-bad', { restartPolicy: 'Never', containers: [{ name: 'c', ...IMG, command: ['sh', '-c', 'exit 1'] }] }),
        podManifest('never-pull', { containers: [{ name: 'c', image: MISSING_IMAGE, imagePullPolicy: 'Never', command: ['true'] }] }),
        podManifest('pull-fails', { containers: [{ name: 'c', image: MISSING_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['true'] }] }),
      ]);
      const want: Record<string, string> = { 'done-ok': 'Completed', 'done-bad': 'Error', 'never-pull': 'ErrImageNeverPull', 'pull-fails': 'ImagePullBackOff' };
      const rows = await cluster.waitFor('the four statuses', async () => {
        const rows = await cluster.podRows(...Object.keys(want));
        return rows.every((r) => want[r.name] === r.status) ? rows : undefined;
      });
      expect(rows.map((r) => [r.name, r.ready, r.status, r.restarts])).toEqual([
        ['done-ok', '0/1', 'Completed', 0],
        ['done-bad', '0/1', 'Error', 0],
        ['never-pull', '0/1', 'ErrImageNeverPull', 0],
        ['pull-fails', '0/1', 'ImagePullBackOff', 0],
      ]);
      const ok = (await cluster.pod('done-ok'))!;
      expect(ok.status?.phase).toBe('Succeeded');
      expect(containerStatus(ok, 'c')!.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      const bad = (await cluster.pod('done-bad'))!;
      expect(bad.status?.phase).toBe('Failed');
      expect(containerStatus(bad, 'c')!.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      const never = await cluster.waitForEvent('never-pull', 'ErrImageNeverPull', (e) => e.type === 'Warning');
      expect(never.message).toContain(`Container image "${MISSING_IMAGE}" is not present with pull policy of Never`);
      const pulled = await cluster.waitForEvent('pull-fails', 'Failed', (e) => /^Failed to pull image/.test(e.message ?? ''));
      expect(pulled.message).toContain(MISSING_IMAGE);
      await cluster.waitForEvent('pull-fails', 'BackOff', (e) => e.message === `Back-off pulling image "${MISSING_IMAGE}"`);
      await cluster.ok(['delete', 'pod', 'done-ok', 'done-bad', 'never-pull', 'pull-fails', '--wait=false']);
    });

    it('Terminating while a deleted pod stops, then gone with its containers', async () => {
      await cluster.apply(
        podManifest('slowstop', {
          terminationGracePeriodSeconds: 3,
          // sleep as PID 1 ignores SIGTERM: the stop takes the whole grace period
          containers: [{ name: 'app', ...IMG, command: ['sleep', '3600'] }],
        }),
      );
      const pod = await cluster.waitForPod('slowstop', 'running', (p) => running(p, 'app'));
      await cluster.ok(['delete', 'pod', 'slowstop', '--wait=false']);
      const row = await cluster.waitForRow('slowstop', 'Terminating', (r) => r.status === 'Terminating', 10_000);
      expect(row.name).toBe('slowstop');
      await cluster.waitForGone('slowstop', 30_000);
      expect(await cluster.containers(pod.metadata.uid)).toEqual([]);
      const killing = await cluster.waitForEvent('slowstop', 'Killing');
      expect(killing.message).toBe('Stopping container app');
    });
  });

  it('runtime commands say in one line that the engine cannot be reached', async () => {
    await cluster.apply(podManifest('quiet', { containers: [{ name: 'app', ...IMG, command: ['sleep', '3600'] }] }));
    await cluster.waitForRow('quiet', 'Running', (r) => r.status === 'Running');
    const env = { DOCKER_HOST: 'unix:///nonexistent.sock', KCTL_NO_CONTROLLER: '1' };
    for (const args of [['logs', 'quiet'], ['exec', 'quiet', '--', 'true'], ['top', 'pod', 'quiet']]) {
      const r = await cluster.kctl(args, { env });
      expect(r.code, `kctl ${args.join(' ')}`).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: cannot reach the Docker engine at unix:\/\/\/nonexistent\.sock: [^\n]+\n$/);
    }
    await cluster.ok(['delete', 'pod', 'quiet', '--wait=false']);
  });

  it('kctl describe pod shows the Events section', async () => {
    await cluster.apply(podManifest('described', { containers: [{ name: 'app', ...IMG, command: ['sleep', '3600'] }] }));
    await cluster.waitForRow('described', 'Running', (r) => r.status === 'Running');
    const out = await cluster.waitFor('Started in describe', async () => {
      const o = await cluster.ok(['describe', 'pod', 'described']);
      return /Started\s.*Started container app/.test(o) ? o : undefined;
    });
    const events = out.slice(out.indexOf('\nEvents:'));
    expect(events).toMatch(/^\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----\s+------\s+----\s+----\s+-------\n/);
    for (const re of [
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/described to \S+/,
      /Normal\s+Pulled\s+\S+\s+kubelet\s+Container image "kctl-test\/busybox:1" already present on machine/,
      /Normal\s+Created\s+\S+\s+kubelet\s+Created container app/,
      /Normal\s+Started\s+\S+\s+kubelet\s+Started container app/,
    ])
      expect(events).toMatch(re);
    expect(out).toMatch(/^Status:\s+Running$/m);
    await cluster.ok(['delete', 'pod', 'described', '--wait=false']);
  });
});
