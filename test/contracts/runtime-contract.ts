// The behaviour every ContainerRuntime must show. Run against FakeRuntime (test/unit/runtime/) and against
// DockerRuntime on the real engine (test/e2e/runtime.e2e.test.ts), so the fake stays faithful.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RuntimeError,
  type ContainerRuntime,
  type ContainerStatus,
  type PodRef,
  type RuntimeEvent,
} from '../../src/runtime/runtime.js';
import { ATTEMPT, CONTAINER_NAME, MANAGED_BY, POD_NAME, POD_NAMESPACE, POD_UID, TEST_RUN, containerName, sandboxName } from '../../src/runtime/names.js';

export interface RuntimeHarness {
  runtime: ContainerRuntime;
  /** an image present locally with busybox (sh, echo, cat, sleep, httpd ...) */
  image: string;
  /** network the pods join */
  network: string;
  /** the kctl.io/test-run label value everything made carries */
  testRun: string;
  /** lets `ms` of container time pass (a real wait on the engine; advancing the clock for the fake) */
  elapse(ms: number): Promise<void>;
  /** removes what the suite made */
  cleanup(): Promise<void>;
}

/** Polls until `fn` returns a value other than undefined/false (real time, 25 ms steps). */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<RuntimeError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RuntimeError);
    return e as RuntimeError;
  }
  throw new Error('expected a rejection');
}

export function runtimeContract(name: string, make: () => Promise<RuntimeHarness>): void {
  describe(`ContainerRuntime contract: ${name}`, () => {
    let h: RuntimeHarness;
    let rt: ContainerRuntime;
    let n = 0;

    beforeAll(async () => {
      h = await make();
      rt = h.runtime;
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    const newPod = (prefix = 'pod'): PodRef => ({ uid: randomUUID(), name: `${prefix}-${++n}`, namespace: 'contract' });
    const sandbox = (pod: PodRef, extra: { attempt?: number; ports?: { containerPort: number; protocol?: 'TCP' | 'UDP'; name?: string }[] } = {}) =>
      rt.runPodSandbox({ pod, attempt: extra.attempt ?? 0, network: h.network, ...(extra.ports ? { ports: extra.ports } : {}) });
    const shell = (cname: string, script: string, attempt = 0) => ({
      attempt,
      container: { name: cname, image: h.image, command: ['sh', '-c', script] },
    });
    /** sandbox + one started container running `script` */
    const runShell = async (script: string, cname = 'main') => {
      const pod = newPod();
      const sb = await sandbox(pod);
      const id = await rt.createContainer(sb, shell(cname, script));
      await rt.startContainer(id);
      return { pod, sb, id };
    };
    const exited = (id: string) =>
      waitFor(async () => {
        const s = await rt.inspectContainer(id);
        return s.state === 'exited' ? s : undefined;
      }, `container ${id} to exit`);

    describe('sandboxes', () => {
      it('runPodSandbox is idempotent for the same pod uid and attempt, and a new attempt is a new sandbox', async () => {
        const pod = newPod();
        const a = await sandbox(pod);
        const b = await sandbox(pod);
        const c = await sandbox(pod, { attempt: 1 });
        expect(b).toBe(a);
        expect(c).not.toBe(a);
        const st = await rt.podSandboxStatus(a);
        expect(st).toMatchObject({ id: a, name: sandboxName(pod, 0), pod, attempt: 0, state: 'ready', network: h.network });
        expect(st.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(st.labels).toMatchObject({
          [MANAGED_BY]: 'kctl',
          [POD_UID]: pod.uid,
          [POD_NAME]: pod.name,
          [POD_NAMESPACE]: pod.namespace,
          [ATTEMPT]: '0',
          [TEST_RUN]: h.testRun,
        });
        const listed = await rt.listPodSandboxes({ podUid: pod.uid });
        expect(listed.map((s) => s.id).sort()).toEqual([a, c].sort());
      });

      it('publishes each containerPort once on 127.0.0.1 with its own ephemeral host port', async () => {
        const pod = newPod();
        const sb = await sandbox(pod, {
          ports: [
            { containerPort: 8080, name: 'http' },
            { containerPort: 9090 },
            { containerPort: 8080, protocol: 'TCP', name: 'again' },
            { containerPort: 5353, protocol: 'UDP', name: 'dns' },
          ],
        });
        const st = await rt.podSandboxStatus(sb);
        const ports = [...st.ports].sort((x, y) => x.containerPort - y.containerPort);
        expect(ports.map((p) => [p.containerPort, p.protocol, p.hostIp, p.name])).toEqual([
          [5353, 'UDP', '127.0.0.1', 'dns'],
          [8080, 'TCP', '127.0.0.1', 'http'],
          [9090, 'TCP', '127.0.0.1', undefined],
        ]);
        for (const p of ports) expect(p.hostPort).toBeGreaterThan(0);
        expect(new Set(ports.filter((p) => p.protocol === 'TCP').map((p) => p.hostPort)).size).toBe(2);
      });

      it('stopPodSandbox makes it notready without ports; running it again restarts the same sandbox; remove makes it NotFound', async () => {
        const pod = newPod();
        const sb = await sandbox(pod, { ports: [{ containerPort: 8080 }] });
        await rt.stopPodSandbox(sb);
        const stopped = await rt.podSandboxStatus(sb);
        expect(stopped.state).toBe('notready');
        expect(stopped.ports).toEqual([]);
        expect(stopped.podIP).toBeUndefined();
        expect(await rt.listPodSandboxes({ podUid: pod.uid, state: 'ready' })).toEqual([]);
        expect(await sandbox(pod, { ports: [{ containerPort: 8080 }] })).toBe(sb);
        expect((await rt.podSandboxStatus(sb)).state).toBe('ready');
        await rt.stopPodSandbox(sb);
        await rt.removePodSandbox(sb);
        await rt.removePodSandbox(sb); // absent: no error
        await rt.stopPodSandbox(sb);
        const e = await rejection(rt.podSandboxStatus(sb));
        expect(e.code).toBe('RuntimeNotFound');
        expect(await rt.listPodSandboxes({ podUid: pod.uid })).toEqual([]);
      });
    });

    describe('containers', () => {
      it('creates a container with the deterministic name and labels, starts it and lists it by pod uid', async () => {
        const pod = newPod('web');
        const sb = await sandbox(pod);
        const id = await rt.createContainer(sb, shell('app', 'sleep 3600'));
        const created = await rt.inspectContainer(id);
        expect(created).toMatchObject({ id, state: 'created', name: containerName(pod, 'app', 0), containerName: 'app', attempt: 0, sandboxId: sb, pod });
        expect(created.startedAt).toBeUndefined();
        await rt.startContainer(id);
        await rt.startContainer(id); // already running: no error
        const running = await rt.inspectContainer(id);
        expect(running.state).toBe('running');
        expect(Date.parse(running.startedAt!)).not.toBeNaN();
        expect(running.exitCode).toBeUndefined();
        expect(running.labels).toMatchObject({ [POD_UID]: pod.uid, [CONTAINER_NAME]: 'app', [TEST_RUN]: h.testRun });
        const list = await rt.listContainers({ podUid: pod.uid });
        expect(list.map((c) => [c.id, c.containerName, c.attempt, c.sandboxId, c.state])).toEqual([[id, 'app', 0, sb, 'running']]);
        expect((await rt.listContainers({ podUid: pod.uid, state: 'exited' })).length).toBe(0);
        expect((await rt.listContainers({ labels: { [POD_UID]: pod.uid, [CONTAINER_NAME]: 'app' } })).length).toBe(1);
        expect((await rt.listContainers({ labels: { [POD_UID]: pod.uid, [CONTAINER_NAME]: 'other' } })).length).toBe(0);
      });

      it('refuses a second container with the same name and attempt (RuntimeConflict), accepts the next attempt', async () => {
        const pod = newPod();
        const sb = await sandbox(pod);
        await rt.createContainer(sb, shell('app', 'sleep 3600'));
        const e = await rejection(rt.createContainer(sb, shell('app', 'sleep 3600')));
        expect(e.code).toBe('RuntimeConflict');
        const next = await rt.createContainer(sb, shell('app', 'sleep 3600', 1));
        expect((await rt.inspectContainer(next)).attempt).toBe(1);
        expect((await rt.listContainers({ podUid: pod.uid })).length).toBe(2);
      });

      it('says RuntimeNotFound for an unknown sandbox, container or image', async () => {
        expect((await rejection(rt.createContainer('no-such-sandbox-0000', shell('app', 'true')))).code).toBe('RuntimeNotFound');
        expect((await rejection(rt.inspectContainer('no-such-container-0000'))).code).toBe('RuntimeNotFound');
        expect((await rejection(rt.startContainer('no-such-container-0000'))).code).toBe('RuntimeNotFound');
        const sb = await sandbox(newPod());
        const e = await rejection(rt.createContainer(sb, { attempt: 0, container: { name: 'app', image: 'kctl-test/absent:0' } }));
        expect(e.code).toBe('RuntimeNotFound');
        expect(e.reason).toBe('ImageNotPresent');
      });

      it('refuses a spec it cannot honour with CreateContainerConfigError', async () => {
        const sb = await sandbox(newPod());
        const priv = await rejection(
          rt.createContainer(sb, { attempt: 0, container: { name: 'p', image: h.image, securityContext: { privileged: true } } }),
        );
        expect(priv.reason).toBe('CreateContainerConfigError');
        expect(priv.message).toMatch(/privileged/);
        const vol = await rejection(
          rt.createContainer(sb, { attempt: 0, container: { name: 'v', image: h.image, volumeMounts: [{ name: 'data', mountPath: '/data' }] } }),
        );
        expect(vol.message).toBe('cannot find volume "data" to mount into container "v"');
      });

      it('records exit code, reason and times when the process exits', async () => {
        const fail = await runShell('exit 3');
        const s: ContainerStatus = await exited(fail.id);
        expect(s).toMatchObject({ state: 'exited', exitCode: 3, reason: 'Error', oomKilled: false });
        // Docker stamps StartedAt after the process began; one that exits at once can "finish" a hair earlier
        expect(Date.parse(s.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(s.startedAt!) - 50);
        const ok = await runShell('true');
        expect(await exited(ok.id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
        expect((await rt.listContainers({ podUid: ok.pod.uid, state: 'exited' })).map((c) => c.id)).toEqual([ok.id]);
      });

      it('stops with SIGTERM (a trapping process exits with its own code) or SIGKILL after the grace period (137)', async () => {
        const trapping = await runShell("trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done");
        await waitFor(async () => (await collect(rt.logs(trapping.id))).includes('ready'), 'trap installed');
        await rt.stopContainer(trapping.id, 10);
        expect(await rt.inspectContainer(trapping.id)).toMatchObject({ state: 'exited', exitCode: 0 });
        const stubborn = await runShell('sleep 3600'); // PID 1 ignores SIGTERM
        await rt.stopContainer(stubborn.id, 1);
        expect(await rt.inspectContainer(stubborn.id)).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
        await rt.stopContainer(stubborn.id, 1); // already stopped: no error
        await rt.stopContainer('no-such-container-0000', 1); // absent: no error
      });

      it('removes a container (running or not); absent is no error', async () => {
        const { pod, id } = await runShell('sleep 3600');
        await rt.removeContainer(id);
        await rt.removeContainer(id);
        expect((await rejection(rt.inspectContainer(id))).code).toBe('RuntimeNotFound');
        expect(await rt.listContainers({ podUid: pod.uid })).toEqual([]);
      });
    });

    describe('logs', () => {
      it('gives the lines of stdout and stderr without newlines (each stream in order); tail and timestamps', async () => {
        const { id } = await runShell('echo one; echo two; echo three; echo oops >&2; exit 0');
        await exited(id);
        const all = await collect(rt.logs(id));
        // the engine reads stdout and stderr through separate pipes: order across the two is not kept
        expect(all.filter((l) => l !== 'oops')).toEqual(['one', 'two', 'three']);
        expect(all.filter((l) => l === 'oops')).toHaveLength(1);
        const quiet = await runShell('echo a; echo b; echo c; exit 0');
        await exited(quiet.id);
        expect(await collect(rt.logs(quiet.id, { tail: 2 }))).toEqual(['b', 'c']);
        expect(await collect(rt.logs(quiet.id, { tail: 0 }))).toEqual([]);
        const ts = await collect(rt.logs(quiet.id, { timestamps: true }));
        expect(ts).toHaveLength(3);
        expect(ts[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z a$/);
        expect(await collect(rt.logs(quiet.id, { since: new Date(Date.now() + 3_600_000) }))).toEqual([]);
      });

      it('follows until the container exits', async () => {
        const { id } = await runShell('echo first; sleep 1; echo second; exit 0');
        await waitFor(async () => (await collect(rt.logs(id))).includes('first'), 'first line');
        const lines: string[] = [];
        const done = (async () => {
          for await (const l of rt.logs(id, { follow: true })) lines.push(l);
        })();
        await h.elapse(1_000);
        await done;
        expect(lines).toEqual(['first', 'second']);
      });

      it('stops following when the signal aborts', async () => {
        const { id } = await runShell('echo hello; sleep 3600');
        const ac = new AbortController();
        const lines: string[] = [];
        const done = (async () => {
          for await (const l of rt.logs(id, { follow: true, signal: ac.signal })) {
            lines.push(l);
            ac.abort();
          }
        })();
        await done;
        expect(lines).toEqual(['hello']);
      });

      it('says RuntimeNotFound for an unknown container', async () => {
        expect((await rejection(collect(rt.logs('no-such-container-0000')))).code).toBe('RuntimeNotFound');
      });
    });

    describe('exec', () => {
      it('passes the exit code through and keeps stdout and stderr apart; stdin reaches the process', async () => {
        const { id } = await runShell('sleep 3600');
        expect(await rt.exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
        expect(await rt.exec(id, ['true'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
        expect((await rt.exec(id, ['false'])).exitCode).toBe(1);
        expect(await rt.exec(id, ['cat'], { stdin: 'from stdin\n' })).toEqual({ exitCode: 0, stdout: 'from stdin\n', stderr: '' });
        expect((await rt.exec(id, ['no-such-binary'])).exitCode).toBe(126);
      });

      it('refuses a container that is not running (RuntimeConflict, NotRunning)', async () => {
        const { id } = await runShell('exit 0');
        await exited(id);
        const e = await rejection(rt.exec(id, ['true']));
        expect(e.code).toBe('RuntimeConflict');
        expect(e.reason).toBe('NotRunning');
      });

      it('streams an interactive exec and returns its exit code', async () => {
        const { id } = await runShell('sleep 3600');
        const { PassThrough } = await import('node:stream');
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        stdout.on('data', (c: Buffer) => out.push(c));
        stderr.on('data', (c: Buffer) => err.push(c));
        const stdin = new PassThrough();
        stdin.end('piped\n');
        const code = await rt.execStream(id, ['sh', '-c', 'cat; echo oops >&2; exit 4'], { stdin, stdout, stderr });
        expect(code).toBe(4);
        expect(Buffer.concat(out).toString()).toBe('piped\n');
        expect(Buffer.concat(err).toString()).toBe('oops\n');
      });
    });

    describe('events', () => {
      it('reports start, die (with exit code) and destroy of kctl containers, and ends when aborted', async () => {
        const ac = new AbortController();
        const seen: RuntimeEvent[] = [];
        const stream = rt.events(ac.signal);
        const pod = newPod();
        const sb = await sandbox(pod);
        const id = await rt.createContainer(sb, shell('app', 'exit 2'));
        const reading = (async () => {
          for await (const e of stream) {
            if (e.containerId === id) seen.push(e);
            if (e.containerId === id && e.type === 'destroy') ac.abort();
          }
        })();
        await rt.startContainer(id);
        await exited(id);
        await rt.removeContainer(id);
        await reading;
        expect(seen.map((e) => e.type)).toEqual(['start', 'die', 'destroy']);
        expect(seen[1]!.exitCode).toBe(2);
        expect(seen[0]!.labels).toMatchObject({ [POD_UID]: pod.uid, [CONTAINER_NAME]: 'app' });
        expect(seen[0]!.time).toBeInstanceOf(Date);
      });
    });

    describe('images, node and networks', () => {
      it('knows which images are present; a failed pull is a RuntimeError with reason ImagePull', async () => {
        expect(await rt.imageExists(h.image)).toBe(true);
        expect(await rt.imageExists('kctl-test/absent:0')).toBe(false);
        const ref = '127.0.0.1:1/kctl-test/absent:0'; // a registry on loopback that is not there
        const e = await rejection(rt.pullImage(ref));
        expect(e.code).toBe('Runtime');
        expect(e.reason).toBe('ImagePull');
        expect(e.message).toContain(`failed to pull image "${ref}"`);
      });

      it('reports capacity and version', async () => {
        const info = await rt.info();
        expect(info.cpus).toBeGreaterThan(0);
        expect(info.memoryBytes).toBeGreaterThan(0);
        expect(info.engineVersion).not.toBe('');
        expect(info.architecture).not.toBe('');
        const v = await rt.version();
        expect(v.runtimeVersion).toBe(info.engineVersion);
        expect(v.apiVersion).toMatch(/^\d+\.\d+$/);
      });

      it('gives stats of a running container and refuses a stopped one', async () => {
        const { id } = await runShell('sleep 3600');
        const s = await rt.stats(id);
        expect(s.memoryBytes).toBeGreaterThanOrEqual(0);
        expect(s.time).toBeInstanceOf(Date);
        await rt.stopContainer(id, 0);
        expect((await rejection(rt.stats(id))).reason).toBe('NotRunning');
      });

      it('ensureNetwork is idempotent; removeNetwork of an absent network is no error', async () => {
        const name = `${h.network}-extra`;
        const a = await rt.ensureNetwork(name, { 'kctl.io/namespace': 'contract' });
        const b = await rt.ensureNetwork(name);
        expect(b.id).toBe(a.id);
        expect(a.name).toBe(name);
        expect(a.labels).toMatchObject({ 'kctl.io/namespace': 'contract', [MANAGED_BY]: 'kctl' });
        await rt.removeNetwork(name);
        await rt.removeNetwork(name);
        const c = await rt.ensureNetwork(name);
        expect(c.id).not.toBe(a.id);
        await rt.removeNetwork(name);
      });

      it('runHelper is idempotent by name, brings networks and aliases to what is asked, and listHelpers/removeHelper find it', async () => {
        const net = `${h.network}-helper`;
        const name = `kctl_contract_helper_${h.testRun}`;
        const cfg = { name, command: ['/pause'], binds: [], networks: { [net]: ['svc-a', 'svc-a.contract'] }, labels: { 'kctl.io/service': 'contract.a' } };
        try {
          const a = await rt.runHelper(cfg);
          expect(a).toMatchObject({ name, running: true, labels: { 'kctl.io/service': 'contract.a', [MANAGED_BY]: 'kctl' } });
          expect(a.addresses[net]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
          const b = await rt.runHelper(cfg);
          expect(b.id).toBe(a.id);
          // other aliases: the same container, still running on that network
          const c = await rt.runHelper({ ...cfg, networks: { [net]: ['svc-b'] } });
          expect(c.id).toBe(a.id);
          expect(c.running).toBe(true);
          expect(c.addresses[net]).toBeDefined();
          expect((await rt.listHelpers({ 'kctl.io/service': 'contract.a' })).map((x) => x.id)).toEqual([a.id]);
          expect(await rt.listHelpers({ 'kctl.io/service': 'none' })).toEqual([]);
        } finally {
          await rt.removeHelper(name);
          await rt.removeHelper(name);
        }
        expect(await rt.listHelpers({ 'kctl.io/service': 'contract.a' })).toEqual([]);
        await rt.removeNetwork(net);
      });

      it('createVolume is idempotent and labels the volume; removeVolume refuses while a container uses it, absent is no error', async () => {
        const name = `kctl-contract-${h.testRun}-${++n}`;
        const a = await rt.createVolume(name, { 'kctl.io/persistent-volume': 'pv-contract' });
        const b = await rt.createVolume(name);
        expect(b.name).toBe(name);
        expect(a.labels).toMatchObject({ 'kctl.io/persistent-volume': 'pv-contract', [MANAGED_BY]: 'kctl', [TEST_RUN]: h.testRun });
        expect((await rt.listVolumes({ 'kctl.io/persistent-volume': 'pv-contract' })).map((v) => v.name)).toEqual([name]);
        expect(await rt.listVolumes({ 'kctl.io/persistent-volume': 'none' })).toEqual([]);
        const mem = `${name}-mem`;
        await rt.createVolume(mem, { 'kctl.io/persistent-volume': 'pv-contract' }, { tmpfs: { sizeBytes: 8 * 2 ** 20 } });
        const sb = await sandbox(newPod());
        const id = await rt.createContainer(sb, {
          attempt: 0,
          container: { name: 'v', image: h.image, command: ['sleep', '3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'mem', mountPath: '/mem' }] },
          engineVolumes: { data: { type: 'volume', name }, mem: { type: 'tmpfs', name: mem } },
        });
        expect((await rejection(rt.removeVolume(name))).code).toBe('RuntimeConflict');
        await rt.removeContainer(id);
        await rt.removeVolume(name);
        await rt.removeVolume(name);
        await rt.removeVolume(mem);
        expect(await rt.listVolumes({ 'kctl.io/persistent-volume': 'pv-contract' })).toEqual([]);
      });
    });
  });
}
