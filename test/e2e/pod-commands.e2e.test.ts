// logs / exec / port-forward / top through the built kctl (a child process, as a user runs it) against the real
// Docker engine. The test plays the kubelet: it makes the sandbox and containers with DockerRuntime and writes
// the Pod (status with docker://ids, the kctl.io/ports annotation) into a FileStore under $KCTL_HOME.
// Traffic goes to 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, KubeObject, Pod } from '../../src/api/types.js';
import { FileStore } from '../../src/store/file-store.js';
import { waitFor } from '../contracts/runtime-contract.js';
import { TEST_IMAGE, newTestRunId, testDockerRuntime, removeTestRun, requireDocker } from '../helpers/docker-env.js';
import { KCTL, REPO } from '../helpers/kctl-bin.js';

const haveDocker = await requireDocker();
const RUN = newTestRunId('podcmd');
const NETWORK = `kctl-${RUN}`;
const NODE = 'kctl-e2e-node';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.runIf(haveDocker)('pod commands on the real engine (built kctl)', () => {
  const rt = testDockerRuntime({ testRun: RUN });
  const home = mkdtempSync(join(tmpdir(), 'kctl-podcmd-'));
  const env = { ...process.env, KCTL_HOME: home, KCTL_NO_CONTROLLER: '1', KCTL_TEST_RUN: RUN, NO_COLOR: '1' };
  let store: FileStore;
  const entry = KCTL;

  const kctl = (args: string[], input = ''): Run => {
    const r = spawnSync(process.execPath, [entry, ...args], { input, env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  /** Plays the kubelet: runs the pod's containers on the engine and writes its status and ports annotation. */
  async function startPod(
    name: string,
    containers: Container[],
    opts: { labels?: Record<string, string>; history?: Record<string, Container> } = {},
  ): Promise<{ pod: Pod; ids: Record<string, string>; previous: Record<string, string> }> {
    let pod = (await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', ...(opts.labels ? { labels: opts.labels } : {}) },
      spec: { nodeName: NODE, containers },
    } as KubeObject)) as KubeObject & Pod;
    const ref = { uid: pod.metadata.uid!, name, namespace: 'default' };
    const ports = containers.flatMap((c) => (c.ports ?? []).map((p) => ({ containerPort: p.containerPort, ...(p.name ? { name: p.name } : {}) })));
    const sb = await rt.runPodSandbox({ pod: ref, attempt: 0, network: NETWORK, ports });
    const ids: Record<string, string> = {};
    const previous: Record<string, string> = {};
    for (const c of containers) {
      let attempt = 0;
      const first = opts.history?.[c.name];
      if (first) {
        // an earlier life of the container that ran to its end (exit 1): the kubelet restarted it
        const old = await rt.createContainer(sb, { container: first, attempt: 0 });
        await rt.startContainer(old);
        await waitFor(async () => (await rt.inspectContainer(old)).state === 'exited', `${c.name} attempt 0 to exit`);
        previous[c.name] = old;
        attempt = 1;
      }
      const id = await rt.createContainer(sb, { container: c, attempt });
      await rt.startContainer(id);
      ids[c.name] = id;
    }
    const st = await rt.podSandboxStatus(sb);
    if (st.ports.length) {
      pod.metadata.annotations = {
        'kctl.io/ports': JSON.stringify(st.ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, hostIP: '127.0.0.1', hostPort: p.hostPort }))),
      };
      pod = (await store.update(pod)) as KubeObject & Pod;
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status: Pod['status'] = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: true,
        started: true,
        restartCount: previous[c.name] ? 1 : 0,
        containerID: `docker://${ids[c.name]}`,
        state: { running: { startedAt: now } },
        lastState: previous[c.name] ? { terminated: { exitCode: 1, reason: 'Error', containerID: `docker://${previous[c.name]}` } } : {},
      })),
    };
    pod = (await store.updateStatus({ ...pod, status })) as KubeObject & Pod;
    return { pod, ids, previous };
  }

  const WEB: Container = { name: 'web', image: TEST_IMAGE, command: ['httpd', '-f', '-p', '80', '-h', '/www'], ports: [{ containerPort: 80, name: 'http' }] };
  const LOGGER: Container = { name: 'logger', image: TEST_IMAGE, command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line $i; done; exec sleep 3600'] };

  beforeAll(async () => {
    store = await FileStore.open(home);
    await store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    const node = await store.get<KubeObject & { status?: unknown }>({ resource: 'nodes', name: NODE });
    node.status = { capacity: { cpu: '2', memory: '4Gi' }, allocatable: { cpu: '2', memory: '4Gi' } };
    await store.updateStatus(node);
    await startPod('web', [WEB, LOGGER], { labels: { app: 'web' } });
    await startPod(
      'crash',
      [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'echo second life; exec sleep 3600'] }],
      { history: { app: { name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'echo first life; exit 1'] } } },
    );
    // the logger has written its lines
    await waitFor(async () => kctl(['logs', 'web', '-c', 'logger']).stdout.includes('line 5') || undefined, 'logger output');
  });

  afterAll(async () => {
    await store?.close();
    await removeTestRun(RUN);
    rmSync(home, { recursive: true, force: true });
  });

  it('logs: the default container notice, -c, --tail, --timestamps, --since', () => {
    const all = kctl(['logs', 'web']);
    expect(all).toEqual({ code: 0, stdout: '', stderr: 'Defaulted container "web" out of: web, logger\n' });
    expect(kctl(['logs', 'web', '-c', 'logger'])).toEqual({ code: 0, stdout: 'line 1\nline 2\nline 3\nline 4\nline 5\n', stderr: '' });
    expect(kctl(['logs', 'web', '-c', 'logger', '--tail', '2']).stdout).toBe('line 4\nline 5\n');
    const ts = kctl(['logs', 'web', '-c', 'logger', '--tail=1', '--timestamps']).stdout;
    expect(ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z line 5\n$/);
    expect(kctl(['logs', 'web', '-c', 'logger', '--since', '1h']).stdout).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(kctl(['logs', 'pod/web', '-c', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'error: container nope is not valid for pod web\n' });
    expect(kctl(['logs', '-l', 'app=web', '-c', 'logger', '--tail', '1'])).toEqual({ code: 0, stdout: '[pod/web/logger] line 5\n', stderr: '' });
  });

  it('logs -f streams lines as the container writes them, until interrupted', async () => {
    const child = spawn(process.execPath, [entry, 'logs', '-f', 'web', '-c', 'logger', '--tail', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await waitFor(async () => out === 'line 5\n' || undefined, 'the tail line', 30_000);
      // write to the main process's stdout, which is the container's log
      expect(kctl(['exec', 'web', '-c', 'logger', '--', 'sh', '-c', 'echo appended > /proc/1/fd/1']).code).toBe(0);
      await waitFor(async () => out === 'line 5\nappended\n' || undefined, 'the appended line', 30_000);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on('exit', r)));
    }
  });

  it('logs --previous reads the container before the current one', () => {
    expect(kctl(['logs', 'crash'])).toEqual({ code: 0, stdout: 'second life\n', stderr: '' });
    expect(kctl(['logs', 'crash', '--previous'])).toEqual({ code: 0, stdout: 'first life\n', stderr: '' });
    const none = kctl(['logs', 'web', '-c', 'logger', '-p']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^(error|Error from server \(BadRequest\)): previous terminated container "logger" in pod "web" not found\n$/);
  });

  it('exec passes exit codes and output through; -i streams stdin', () => {
    expect(kctl(['exec', 'web', '--', 'sh', '-c', 'exit 3'])).toEqual({ code: 3, stdout: '', stderr: 'Defaulted container "web" out of: web, logger\ncommand terminated with exit code 3\n' });
    expect(kctl(['exec', 'web', '-c', 'web', '--', 'cat', '/www/index.html'])).toEqual({ code: 0, stdout: '<h1>kctl test image</h1>\n', stderr: '' });
    expect(kctl(['exec', 'web', '-c', 'logger', '--', 'sh', '-c', 'echo to-err >&2; exit 0'])).toEqual({ code: 0, stdout: '', stderr: 'to-err\n' });
    expect(kctl(['exec', '-i', 'web', '-c', 'logger', '--', 'sh', '-c', 'tr a-z A-Z'], 'hello kctl\n')).toEqual({ code: 0, stdout: 'HELLO KCTL\n', stderr: '' });
    expect(kctl(['exec', 'crash', '--', 'hostname'])).toEqual({ code: 0, stdout: 'crash\n', stderr: '' });
  });

  it('exec -i ends when the command does, with stdin still open', async () => {
    const child = spawn(process.execPath, [entry, 'exec', '-i', 'web', '-c', 'logger', '--', 'head', '-1'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.write('first\nsecond\n'); // and never closed
    const t0 = Date.now();
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    child.stdin.destroy();
    expect({ code, out }).toEqual({ code: 0, out: 'first\n' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('port-forward serves the pod port on 127.0.0.1:LOCAL and says so per connection', async () => {
    const child = spawn(process.execPath, [entry, 'port-forward', 'pod/web', ':http'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      const m = await waitFor(async () => /^Forwarding from 127\.0\.0\.1:(\d+) -> 80\n/.exec(out) ?? (child.exitCode !== null ? (() => { throw new Error(`port-forward exited: ${err}`); })() : undefined), 'port-forward to listen', 30_000);
      const local = Number(m[1]);
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: local, path: '/', timeout: 5_000 }, (r) => {
            let body = '';
            r.on('data', (c) => (body += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
      expect(res).toEqual({ status: 200, body: '<h1>kctl test image</h1>\n' });
      await waitFor(async () => out.includes(`Handling connection for ${local}\n`) || undefined, 'the connection line');
      expect(out).toBe(`Forwarding from 127.0.0.1:${local} -> 80\nHandling connection for ${local}\n`);
      expect(err).toBe('');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on('exit', r)));
    }
    expect(kctl(['port-forward', 'web', '8081:81'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: port 81 is not published by pod "web": kctl reaches a pod only through the containerPorts it declares (published: 80/TCP)\n',
    });
  });

  it('top pod and top node from the engine\'s stats', () => {
    const pod = kctl(['top', 'pod', 'web']);
    expect(pod.stderr).toBe('');
    expect(pod.code).toBe(0);
    expect(pod.stdout).toMatch(/^NAME   CPU\(cores\)   MEMORY\(bytes\)   \nweb    \d+m +\d+Mi +\n$/);
    const containers = kctl(['top', 'pod', '--containers', '-l', 'app=web']);
    expect(containers.stdout).toMatch(/^POD   NAME     CPU\(cores\)   MEMORY\(bytes\)   \nweb   logger   \d+m +\d+Mi +\nweb   web      \d+m +\d+Mi +\n$/);
    const node = kctl(['top', 'node']);
    expect(node.code).toBe(0);
    expect(node.stdout).toMatch(new RegExp(`^NAME +CPU\\(cores\\) +CPU\\(%\\) +MEMORY\\(bytes\\) +MEMORY\\(%\\) +\\n${NODE} +\\d+m +\\d+% +\\d+Mi +\\d+% +\\n$`));
  });
});
