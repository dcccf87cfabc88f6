// DockerRuntime on the real engine: the shared contract, then what only a real engine can show
// (traffic on published loopback ports, shared localhost, grace periods, limits, mounts).
// Traffic goes to 127.0.0.1 only; pod IPs are read, never connected to.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerConfig, PodRef } from '../../src/runtime/runtime.js';
import { runtimeContract, waitFor } from '../contracts/runtime-contract.js';
import { TEST_IMAGE, newTestRunId, testDockerRuntime, removeImage, removeTestRun, requireDocker } from '../helpers/docker-env.js';

const haveDocker = await requireDocker();
const RUN = newTestRunId('rt');
const NETWORK = `kctl-${RUN}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.runIf(haveDocker)('DockerRuntime (real engine)', () => {
  runtimeContract('DockerRuntime', async () => ({
    runtime: testDockerRuntime({ testRun: RUN }),
    image: TEST_IMAGE,
    network: NETWORK,
    testRun: RUN,
    elapse: (ms) => sleep(ms),
    cleanup: async () => {
      await removeTestRun(RUN);
    },
  }));

  describe('on the engine only', () => {
    const rt = testDockerRuntime({ testRun: RUN });
    const hostDirs: string[] = [];
    let n = 0;
    const newPod = (): PodRef => ({ uid: randomUUID(), name: `e2e-${++n}`, namespace: 'e2e' });
    const app = (name: string, extra: Partial<ContainerConfig['container']> = {}, cfg: Partial<ContainerConfig> = {}): ContainerConfig => ({
      attempt: 0,
      container: { name, image: TEST_IMAGE, command: ['sleep', '3600'], ...extra },
      ...cfg,
    });
    const start = async (sb: string, cfg: ContainerConfig) => {
      const id = await rt.createContainer(sb, cfg);
      await rt.startContainer(id);
      return id;
    };

    afterAll(async () => {
      await removeTestRun(RUN);
      for (const d of hostDirs) rmSync(d, { recursive: true, force: true });
    });

    it('serves a pod port on its published 127.0.0.1 port; the pod containers share localhost and hostname', async () => {
      const pod = newPod();
      const sb = await rt.runPodSandbox({ pod, attempt: 0, network: NETWORK, ports: [{ containerPort: 8080 }] });
      await start(sb, app('web', { command: ['httpd', '-f', '-p', '8080', '-h', '/www'] }));
      const side = await start(sb, app('sidecar'));
      const st = await rt.podSandboxStatus(sb);
      const port = st.ports.find((p) => p.containerPort === 8080)!;
      expect(port.hostIp).toBe('127.0.0.1');
      const res = await waitFor(() => httpGet(port.hostPort).catch(() => undefined), 'httpd to answer');
      expect(res).toEqual({ status: 200, body: '<h1>kctl test image</h1>\n' });
      const viaLocalhost = await rt.exec(side, ['wget', '-qO-', 'http://127.0.0.1:8080/']);
      expect(viaLocalhost).toMatchObject({ exitCode: 0, stdout: '<h1>kctl test image</h1>\n' });
      expect((await rt.exec(side, ['hostname'])).stdout).toBe(`${pod.name}\n`);
    });

    it('the pause container exits 0 on SIGTERM at once, not after the grace period', async () => {
      const sb = await rt.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK });
      const t0 = Date.now();
      await rt.stopPodSandbox(sb);
      expect(Date.now() - t0).toBeLessThan(3_000);
      expect(await rt.inspectContainer(sb)).toMatchObject({ state: 'exited', exitCode: 0 });
    });

    it('waits the grace period before SIGKILL', async () => {
      const sb = await rt.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK });
      const id = await start(sb, app('stubborn'));
      const t0 = Date.now();
      await rt.stopContainer(id, 2);
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(1_900);
      expect(took).toBeLessThan(10_000);
      expect((await rt.inspectContainer(id)).exitCode).toBe(137);
    });

    it('applies command/args, env with $(VAR) expansion, workingDir, runAsUser, read-only rootfs and limits', async () => {
      const sb = await rt.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK });
      const id = await start(
        sb,
        app(
          'cfg',
          {
            command: ['sh', '-c'],
            args: ['echo "$(GREETING) from $PWD as $(id -u):$(id -g)"; sleep 3600'],
            workingDir: '/tmp',
            securityContext: { runAsUser: 65534, runAsGroup: 65534, readOnlyRootFilesystem: true },
            resources: { limits: { memory: '64Mi', cpu: '250m' } },
          },
          { env: [{ name: 'GREETING', value: 'hello' }] },
        ),
      );
      const line = await waitFor(async () => {
        const lines: string[] = [];
        for await (const l of rt.logs(id)) lines.push(l);
        return lines[0];
      }, 'first log line');
      expect(line).toBe('hello from /tmp as 65534:65534');
      const ro = await rt.exec(id, ['touch', '/x']);
      expect(ro.exitCode).not.toBe(0);
      expect(ro.stderr).toMatch(/Read-only file system/);
      const mem = await rt.exec(id, ['sh', '-c', 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes']);
      expect(mem.stdout.trim()).toBe(String(64 * 2 ** 20));
    });

    it('args alone keep the image entrypoint; command alone drops the image CMD', async () => {
      const sb = await rt.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK });
      const argsOnly = await start(sb, { attempt: 0, container: { name: 'a', image: TEST_IMAGE, args: ['echo', 'args only'] } });
      const cmdOnly = await start(sb, { attempt: 0, container: { name: 'c', image: TEST_IMAGE, command: ['echo', 'command only'] } });
      for (const [id, want] of [
        [argsOnly, 'args only'],
        [cmdOnly, 'command only'],
      ] as const) {
        await waitFor(async () => (await rt.inspectContainer(id)).state === 'exited', 'exit');
        const lines: string[] = [];
        for await (const l of rt.logs(id)) lines.push(l);
        expect(lines).toEqual([want]);
      }
    });

    it('shares an emptyDir host directory between the pod containers', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kctl-emptydir-'));
      hostDirs.push(dir);
      const sb = await rt.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK });
      const mounts = { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] };
      const writer = await start(sb, app('writer', { ...mounts, command: ['sh', '-c', 'echo shared > /cache/f; sleep 3600'] }, { volumes: { cache: dir } }));
      const reader = await start(sb, app('reader', { volumeMounts: [{ name: 'cache', mountPath: '/data', readOnly: true }] }, { volumes: { cache: dir } }));
      await waitFor(async () => (await rt.exec(writer, ['test', '-f', '/cache/f'])).exitCode === 0, 'file written');
      expect((await rt.exec(reader, ['cat', '/data/f'])).stdout).toBe('shared\n');
      expect((await rt.exec(reader, ['touch', '/data/g'])).exitCode).not.toBe(0);
    });

    it('builds the pause image locally when missing, once', async () => {
      const ref = `kctl.io/pause:${RUN}`;
      const own = testDockerRuntime({ testRun: RUN, pauseImage: ref });
      try {
        const t0 = performance.now();
        expect(await own.ensurePauseImage()).toEqual({ built: true });
        const ms = performance.now() - t0;
        expect(await own.ensurePauseImage()).toEqual({ built: true }); // memoized in this runtime
        expect(await testDockerRuntime({ pauseImage: ref }).ensurePauseImage()).toEqual({ built: false });
        const sb = await own.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK });
        expect((await own.podSandboxStatus(sb)).state).toBe('ready');
        console.log(`[measure] pause image build: ${ms.toFixed(0)} ms`);
        await own.removePodSandbox(sb);
      } finally {
        await removeImage(ref);
      }
    });

    it('starts a sandbox and a container quickly (median of 5)', async () => {
      const times: number[] = [];
      await rt.ensurePauseImage();
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const sb = await rt.runPodSandbox({ pod: newPod(), attempt: 0, network: NETWORK, ports: [{ containerPort: 8080 }] });
        await start(sb, app('web', { command: ['httpd', '-f', '-p', '8080', '-h', '/www'] }));
        times.push(performance.now() - t0);
      }
      console.log(`[measure] sandbox+container start: median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
      expect(median(times)).toBeLessThan(5_000);
    });
  });
});
