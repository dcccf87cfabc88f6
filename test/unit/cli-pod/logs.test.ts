// kctl logs in process: MemoryStore + FakeRuntime, pods written as the kubelet writes them.
import { beforeEach, describe, expect, it } from 'vitest';
import { IMAGE, createPod, kctl, runPod, setStatus, setup, type Env } from './harness.js';
import { toLogsOptions } from '../../../src/cli/commands/logs.js';
import type { StoredPod } from '../../../src/cli/pod-target.js';

let env: Env;
beforeEach(() => {
  env = setup();
});

const TWO = [
  { name: 'web', image: IMAGE, command: ['httpd'] },
  { name: 'side', image: IMAGE, command: ['httpd'] },
];

/** The pod's container restarted once: attempt 0 exited 1 after logging, attempt 1 runs. */
async function restartedPod(env: Env, opts: { keepLastState: boolean }): Promise<{ pod: StoredPod; old: string; cur: string }> {
  const { pod, sandbox, ids } = await runPod(env);
  const old = ids.web!;
  env.runtime.writeLog(old, 'first run');
  env.runtime.exitContainer(old, 1);
  const cur = await env.runtime.createContainer(sandbox, { container: pod.spec!.containers[0]!, attempt: 1 });
  await env.runtime.startContainer(cur);
  env.runtime.writeLog(cur, 'second run');
  const st = pod.status!.containerStatuses![0]!;
  const updated = await setStatus(env, 'web', {
    ...pod.status,
    containerStatuses: [
      {
        ...st,
        restartCount: 1,
        containerID: `docker://${cur}`,
        lastState: opts.keepLastState ? { terminated: { exitCode: 1, reason: 'Error', containerID: `docker://${old}` } } : {},
      },
    ],
  });
  return { pod: updated, old, cur };
}

describe('kctl logs POD', () => {
  it('prints every line of the running container, on stdout', async () => {
    const { ids } = await runPod(env);
    env.runtime.writeLog(ids.web!, 'hello');
    env.runtime.writeLog(ids.web!, 'to stderr', 'stderr');
    env.runtime.writeLog(ids.web!, 'world');
    expect(await kctl(env, ['logs', 'web'])).toEqual({ code: 0, stdout: 'hello\nto stderr\nworld\n', stderr: '' });
    expect(await kctl(env, ['logs', 'pod/web'])).toEqual({ code: 0, stdout: 'hello\nto stderr\nworld\n', stderr: '' });
  });

  it('--tail N, --timestamps, --since and --since-time filter as kubectl', async () => {
    const { ids } = await runPod(env);
    for (const l of ['a', 'b', 'c']) {
      env.runtime.writeLog(ids.web!, l);
      env.clock.advance(60_000);
    }
    expect((await kctl(env, ['logs', 'web', '--tail', '2'])).stdout).toBe('b\nc\n');
    expect((await kctl(env, ['logs', 'web', '--tail=0'])).stdout).toBe('');
    expect((await kctl(env, ['logs', 'web', '--tail', '1', '--timestamps'])).stdout).toBe('2026-01-01T00:02:00.000000000Z c\n');
    // now 00:03:00: --since 90s keeps the line of 00:02:00 only; 2m keeps 00:01:00 on
    expect((await kctl(env, ['logs', 'web', '--since', '90s'])).stdout).toBe('c\n');
    expect((await kctl(env, ['logs', 'web', '--since=2m'])).stdout).toBe('b\nc\n');
    expect((await kctl(env, ['logs', 'web', '--since-time', '2026-01-01T00:01:00Z'])).stdout).toBe('b\nc\n');
  });

  it('defaults to the first container with kubectl\'s notice; -c and the default-container annotation pick others', async () => {
    const { ids } = await runPod(env, { containers: TWO, initContainers: [{ name: 'setup', image: IMAGE }] });
    env.runtime.writeLog(ids.web!, 'from web');
    env.runtime.writeLog(ids.side!, 'from side');
    expect(await kctl(env, ['logs', 'web'])).toEqual({
      code: 0,
      stdout: 'from web\n',
      stderr: 'Defaulted container "web" out of: web, side, setup (init)\n',
    });
    expect(await kctl(env, ['logs', 'web', '-c', 'side'])).toEqual({ code: 0, stdout: 'from side\n', stderr: '' });
    expect(await kctl(env, ['logs', 'web', 'side'])).toEqual({ code: 0, stdout: 'from side\n', stderr: '' });

    const pod = await env.store.get<StoredPod>({ resource: 'pods', namespace: 'default', name: 'web' });
    pod.metadata.annotations = { ...pod.metadata.annotations, 'kubectl.kubernetes.io/default-container': 'side' };
    await env.store.update(pod);
    expect(await kctl(env, ['logs', 'web'])).toEqual({ code: 0, stdout: 'from side\n', stderr: '' });
  });

  it('--all-containers --prefix reads every container, each line prefixed [pod/NAME/CONTAINER]', async () => {
    const { ids } = await runPod(env, { containers: TWO });
    env.runtime.writeLog(ids.web!, 'w1');
    env.runtime.writeLog(ids.side!, 's1');
    expect(await kctl(env, ['logs', 'web', '--all-containers', '--prefix'])).toEqual({
      code: 0,
      stdout: '[pod/web/web] w1\n[pod/web/side] s1\n',
      stderr: '',
    });
    expect((await kctl(env, ['logs', 'web', '--all-containers'])).stdout).toBe('w1\ns1\n');
    // a bare --prefix before the pod name does not swallow it
    expect((await kctl(env, ['logs', '--prefix', 'web', '--all-containers'])).stdout).toBe('[pod/web/web] w1\n[pod/web/side] s1\n');
    expect((await kctl(env, ['logs', '--prefix', 'web', 'side'])).stdout).toBe('[pod/web/side] s1\n');
    expect((await kctl(env, ['logs', 'web', '--prefix', 'side'])).stdout).toBe('[pod/web/side] s1\n');
  });

  it('says `container x is not valid for pod p` for an unknown -c', async () => {
    await runPod(env);
    expect(await kctl(env, ['logs', 'web', '-c', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'error: container nope is not valid for pod web\n' });
  });

  it('says the container is waiting to start while the pod is ContainerCreating', async () => {
    await createPod(env);
    await setStatus(env, 'web', {
      phase: 'Pending',
      containerStatuses: [{ name: 'web', image: IMAGE, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    const r = await kctl(env, ['logs', 'web']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^(error|Error from server \(BadRequest\)): container "web" in pod "web" is waiting to start: ContainerCreating\n$/);
    // the same before the kubelet's first status
    await createPod(env, { name: 'fresh' });
    expect((await kctl(env, ['logs', 'fresh'])).stderr).toMatch(/container "web" in pod "fresh" is waiting to start: ContainerCreating\n$/);
    await setStatus(env, 'web', {
      phase: 'Pending',
      containerStatuses: [{ name: 'web', image: IMAGE, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }],
    });
    expect((await kctl(env, ['logs', 'web'])).stderr).toMatch(/container "web" in pod "web" is waiting to start: trying and failing to pull image\n$/);
  });

  it('prints nothing for a pod not yet scheduled (the API server answers an empty log)', async () => {
    await createPod(env, { nodeName: null });
    expect(await kctl(env, ['logs', 'web'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('pods "x" not found', async () => {
    expect(await kctl(env, ['logs', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
  });
});

describe('kctl logs --previous', () => {
  it('reads the container before the current one (lastState.terminated)', async () => {
    await restartedPod(env, { keepLastState: true });
    expect(await kctl(env, ['logs', 'web', '--previous'])).toEqual({ code: 0, stdout: 'first run\n', stderr: '' });
    expect(await kctl(env, ['logs', 'web', '-p'])).toEqual({ code: 0, stdout: 'first run\n', stderr: '' });
    expect((await kctl(env, ['logs', 'web'])).stdout).toBe('second run\n');
  });

  it('finds the previous attempt by the engine labels when the status lost it', async () => {
    await restartedPod(env, { keepLastState: false });
    expect(await kctl(env, ['logs', 'web', '-p'])).toEqual({ code: 0, stdout: 'first run\n', stderr: '' });
  });

  it('says kubectl\'s error when there is no previous container', async () => {
    await runPod(env);
    const r = await kctl(env, ['logs', 'web', '--previous']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^(error|Error from server \(BadRequest\)): previous terminated container "web" in pod "web" not found\n$/);
  });

  it('shows the last crash while the container waits in CrashLoopBackOff', async () => {
    const { pod, ids } = await runPod(env);
    env.runtime.writeLog(ids.web!, 'boom');
    env.runtime.exitContainer(ids.web!, 2);
    await setStatus(env, 'web', {
      ...pod.status,
      phase: 'Running',
      containerStatuses: [
        {
          ...pod.status!.containerStatuses![0]!,
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=web pod=web' } },
          lastState: { terminated: { exitCode: 2, reason: 'Error', containerID: `docker://${ids.web}` } },
        },
      ],
    });
    expect(await kctl(env, ['logs', 'web'])).toEqual({ code: 0, stdout: 'boom\n', stderr: '' });
  });
});

describe('kctl logs on workloads and selectors', () => {
  async function deployment(): Promise<void> {
    await env.store.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: IMAGE }] } } },
    });
  }

  it('deploy/NAME reads the first pod by kubectl\'s ByLogging order and says which', async () => {
    await deployment();
    await createPod(env, { name: 'web-pending', labels: { app: 'web' } });
    await setStatus(env, 'web-pending', { phase: 'Pending' });
    const { ids } = await runPod(env, { name: 'web-running', labels: { app: 'web' } });
    env.runtime.writeLog(ids.web!, 'served');
    await createPod(env, { name: 'other', labels: { app: 'other' } });
    expect(await kctl(env, ['logs', 'deploy/web'])).toEqual({ code: 0, stdout: 'served\n', stderr: 'Found 2 pods, using pod/web-running\n' });
    expect(await kctl(env, ['logs', 'deployments.apps/web'])).toEqual({ code: 0, stdout: 'served\n', stderr: 'Found 2 pods, using pod/web-running\n' });
  });

  it('deploy/NAME without pods waits for one, then times out as kubectl', async () => {
    await deployment();
    const pending = kctl(env, ['logs', 'deploy/web', '--pod-running-timeout', '5s']);
    await new Promise((r) => setTimeout(r, 20));
    env.clock.advance(5_000);
    expect(await pending).toEqual({ code: 1, stdout: '', stderr: 'error: timed out waiting for the condition\n' });

    // the pod seen ADDED has no status yet: kubectl then says the container is waiting to start
    const waiting = kctl(env, ['logs', 'deploy/web']);
    await new Promise((r) => setTimeout(r, 20));
    await runPod(env, { name: 'web-1', labels: { app: 'web' } });
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/container "web" in pod "web-1" is waiting to start: ContainerCreating\n$/);
  });

  it('svc/NAME uses the service selector; kinds without one say so', async () => {
    await env.store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const { ids } = await runPod(env, { name: 'web-1', labels: { app: 'web' } });
    env.runtime.writeLog(ids.web!, 'via svc');
    expect(await kctl(env, ['logs', 'svc/web'])).toEqual({ code: 0, stdout: 'via svc\n', stderr: '' });
    await env.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: {} });
    expect(await kctl(env, ['logs', 'cm/cfg'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n',
    });
  });

  it('-l prefixes each line with [pod/NAME/CONTAINER] and keeps the last 10 lines per container', async () => {
    const a = await runPod(env, { name: 'web-a', labels: { app: 'web' } });
    const b = await runPod(env, { name: 'web-b', labels: { app: 'web' } });
    await runPod(env, { name: 'db', labels: { app: 'db' } });
    for (let i = 1; i <= 12; i++) env.runtime.writeLog(a.ids.web!, `a${i}`);
    env.runtime.writeLog(b.ids.web!, 'b1');
    const r = await kctl(env, ['logs', '-l', 'app=web']);
    const expected = [...Array.from({ length: 10 }, (_, i) => `[pod/web-a/web] a${i + 3}`), '[pod/web-b/web] b1'].join('\n') + '\n';
    expect(r).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect((await kctl(env, ['logs', '-l', 'app=web', '--prefix=false', '--tail', '1'])).stdout).toBe('a12\nb1\n');
    expect(await kctl(env, ['logs', '-l', 'app=none'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  });
});

describe('kctl logs -f', () => {
  it('streams new lines until the container exits', async () => {
    const { ids } = await runPod(env);
    env.runtime.writeLog(ids.web!, 'before');
    const following = kctl(env, ['logs', '-f', 'web']);
    await new Promise((r) => setTimeout(r, 20));
    env.runtime.writeLog(ids.web!, 'after');
    env.runtime.exitContainer(ids.web!, 0);
    expect(await following).toEqual({ code: 0, stdout: 'before\nafter\n', stderr: '' });
  });

  it('follows several containers at once (-l -f), and refuses more streams than --max-log-requests', async () => {
    const a = await runPod(env, { name: 'web-a', labels: { app: 'web' } });
    const b = await runPod(env, { name: 'web-b', labels: { app: 'web' } });
    const following = kctl(env, ['logs', '-f', '-l', 'app=web']);
    await new Promise((r) => setTimeout(r, 20));
    env.runtime.writeLog(a.ids.web!, 'from a');
    env.runtime.writeLog(b.ids.web!, 'from b');
    env.runtime.exitContainer(a.ids.web!, 0);
    env.runtime.exitContainer(b.ids.web!, 0);
    const r = await following;
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').sort()).toEqual(['', '[pod/web-a/web] from a', '[pod/web-b/web] from b']);
    expect(await kctl(env, ['logs', '-f', '-l', 'app=web', '--max-log-requests', '1'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit\n',
    });
  });
});

describe('toLogsOptions', () => {
  const usage = (args: string[], f: Record<string, unknown>) => () => toLogsOptions(args, f);
  it.each([
    [[], {}, "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command"],
    [['web'], { selector: 'app=web' }, 'only a selector (-l) or a POD name is allowed'],
    [['web'], { since: '5s', sinceTime: '2026-01-01T00:00:00Z' }, 'at most one of `sinceTime` or `sinceSeconds` may be specified'],
    [['web'], { since: '5' }, 'invalid argument "5" for "--since" flag: time: missing unit in duration "5"'],
    [['web'], { since: '5x' }, 'invalid argument "5x" for "--since" flag: time: unknown unit "x" in duration "5x"'],
    [['web'], { tail: '-2' }, '--tail must be greater than or equal to -1'],
    [['web'], { allContainers: true, container: 'c' }, '--all-containers=true should not be specified with container name c'],
    [['web'], { sinceTime: 'yesterday' }, 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as RFC3339'],
  ])('%j %j → %s', (args, f, msg) => {
    expect(usage(args as string[], f)).toThrow(msg);
  });

  it('rounds --since up to whole seconds and defaults --tail to 10 with a selector', () => {
    expect(toLogsOptions(['web'], { since: '1500ms' }).sinceSeconds).toBe(2);
    expect(toLogsOptions(['web'], { since: '1h30m' }).sinceSeconds).toBe(5400);
    expect(toLogsOptions([], { selector: 'a=b' })).toMatchObject({ tail: 10, prefix: true });
    expect(toLogsOptions(['web'], {})).toMatchObject({ tail: -1, prefix: false });
  });
});
