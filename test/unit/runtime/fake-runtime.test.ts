import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { FakeRuntime, nanoTimestamp } from '../../../src/runtime/fake/fake-runtime.js';
import { RuntimeError, type RuntimeEvent } from '../../../src/runtime/runtime.js';
import { runtimeContract } from '../../contracts/runtime-contract.js';

const IMAGE = 'kctl-test/busybox:1';

runtimeContract('FakeRuntime', async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ clock, images: [IMAGE], testRun: 'unit' });
  return {
    runtime,
    image: IMAGE,
    network: 'kctl-unit',
    testRun: 'unit',
    elapse: async (ms) => {
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
    cleanup: async () => undefined,
  };
});

describe('FakeRuntime knobs', () => {
  const pod = { uid: '0a1b2c3d-4e5f-6789-abcd-ef0123456789', name: 'web', namespace: 'default' };
  const setup = async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: [IMAGE] });
    const sb = await rt.runPodSandbox({ pod, attempt: 0 });
    const id = await rt.createContainer(sb, { attempt: 0, container: { name: 'app', image: IMAGE, command: ['httpd', '-f'] } });
    await rt.startContainer(id);
    return { clock, rt, sb, id };
  };

  it('records every port call with its arguments', async () => {
    const { rt, sb, id } = await setup();
    expect(rt.callNames()).toEqual(['runPodSandbox', 'createContainer', 'startContainer']);
    expect(rt.callsTo('startContainer')).toEqual([[id]]);
    expect((rt.callsTo('createContainer')[0] as unknown[])[0]).toBe(sb);
    rt.resetCalls();
    await rt.stopContainer(id, 30);
    expect(rt.calls).toEqual([{ method: 'stopContainer', args: [id, 30] }]);
  });

  it('throws an injected error the given number of times, still recording the calls', async () => {
    const { rt, id } = await setup();
    const boom = new RuntimeError('Runtime', 'engine hiccup');
    rt.injectError('inspectContainer', boom, 2);
    await expect(rt.inspectContainer(id)).rejects.toBe(boom);
    await expect(rt.inspectContainer(id)).rejects.toBe(boom);
    await expect(rt.inspectContainer(id)).resolves.toMatchObject({ state: 'running' });
    expect(rt.callsTo('inspectContainer')).toHaveLength(3);
    rt.injectError('listContainers', boom, Infinity);
    await expect(rt.listContainers()).rejects.toBe(boom);
    rt.clearErrors();
    await expect(rt.listContainers()).resolves.toHaveLength(1);
  });

  it('exitContainer and oomKill end a running container and emit oom/die events', async () => {
    const { rt, id, sb } = await setup();
    const ac = new AbortController();
    const events: RuntimeEvent[] = [];
    const reading = (async () => {
      for await (const e of rt.events(ac.signal)) {
        events.push(e);
        if (events.length === 5) ac.abort();
      }
    })();
    rt.oomKill(id);
    expect(await rt.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true, reason: 'OOMKilled' });
    const again = await rt.createContainer(sb, { attempt: 1, container: { name: 'app', image: IMAGE } });
    await rt.startContainer(again);
    rt.exitContainer(again, 1);
    expect(await rt.inspectContainer(again)).toMatchObject({ exitCode: 1, reason: 'Error', oomKilled: false });
    rt.forceRemove(again);
    await reading;
    expect(events.map((e) => [e.type, e.containerId, e.exitCode])).toEqual([
      ['oom', id, undefined],
      ['die', id, 137],
      ['start', again, undefined],
      ['die', again, 1],
      ['destroy', again, undefined],
    ]);
    expect(() => rt.exitContainer(again, 0)).toThrow(/no such container/i);
  });

  it('a sleeping script moves on when the clock advances', async () => {
    const { rt, clock, sb } = await setup();
    const id = await rt.createContainer(sb, { attempt: 0, container: { name: 'job', image: IMAGE, command: ['sh', '-c', 'echo start; sleep 10; echo end; exit 7'] } });
    await rt.startContainer(id);
    clock.advance(9_999);
    expect((await rt.inspectContainer(id)).state).toBe('running');
    clock.advance(1);
    expect(await rt.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 7 });
    const lines: string[] = [];
    for await (const l of rt.logs(id, { timestamps: true })) lines.push(l);
    expect(lines).toEqual(['2026-01-01T00:00:00.000000000Z start', '2026-01-01T00:00:10.000000000Z end']);
  });

  it('writeLog feeds a follower; setExecHandler and setStats decide exec and stats', async () => {
    const { rt, id } = await setup();
    const ac = new AbortController();
    const got: string[] = [];
    const follow = (async () => {
      for await (const l of rt.logs(id, { follow: true, signal: ac.signal })) {
        got.push(l);
        if (got.length === 2) ac.abort();
      }
    })();
    rt.writeLog(id, 'a');
    rt.writeLog(id, 'b', 'stderr');
    await follow;
    expect(got).toEqual(['a', 'b']);
    rt.setExecHandler((_id, cmd) => (cmd[0] === 'probe' ? { exitCode: 1, stdout: '', stderr: 'unhealthy' } : undefined));
    expect(await rt.exec(id, ['probe'])).toEqual({ exitCode: 1, stdout: '', stderr: 'unhealthy' });
    expect((await rt.exec(id, ['sh', '-c', 'echo fine'])).stdout).toBe('fine\n');
    rt.setStats(id, { cpuMillicores: 250, memoryBytes: 64 * 2 ** 20 });
    expect(await rt.stats(id)).toMatchObject({ cpuMillicores: 250, memoryBytes: 64 * 2 ** 20 });
  });

  it('keeps the create options convert.ts made and passes warnings to onWarning', async () => {
    const { rt, sb } = await setup();
    const warnings: string[] = [];
    const id = await rt.createContainer(sb, {
      attempt: 0,
      onWarning: (w) => warnings.push(w),
      container: {
        name: 'limited',
        image: IMAGE,
        resources: { limits: { memory: '64Mi', cpu: '500m', 'ephemeral-storage': '1Gi' } },
      },
    });
    const o = rt.createOptions(id);
    expect(o.HostConfig).toMatchObject({ Memory: 64 * 2 ** 20, NanoCpus: 500_000_000, NetworkMode: `container:${sb}` });
    expect(warnings).toEqual(['resource ephemeral-storage is not supported; ignored']);
  });

  it('pulls only what its registry holds, reporting progress', async () => {
    const rt = new FakeRuntime({ registry: ['nginx:1.27'] });
    const progress: string[] = [];
    await rt.pullImage('nginx:1.27', (p) => progress.push(p.status));
    expect(await rt.imageExists('nginx:1.27')).toBe(true);
    expect(progress).toEqual(['Pulling from nginx:1.27', 'Pull complete']);
    await expect(rt.pullImage('nginx:9')).rejects.toMatchObject({ code: 'Runtime', reason: 'ImagePull' });
  });

  it('runAsNonRoot is checked against the image user', async () => {
    const { rt, sb } = await setup();
    rt.addImage('nonroot:1', { user: '1000' });
    await expect(
      rt.createContainer(sb, { attempt: 0, container: { name: 'a', image: 'nonroot:1', securityContext: { runAsNonRoot: true } } }),
    ).resolves.toBeTruthy();
    await expect(
      rt.createContainer(sb, { attempt: 0, container: { name: 'b', image: IMAGE, securityContext: { runAsNonRoot: true } } }),
    ).rejects.toMatchObject({ reason: 'CreateContainerConfigError', message: 'container has runAsNonRoot and image will run as root (pod: "web", container: b)' });
  });

  it('formats timestamps as Docker does (nanoseconds)', () => {
    expect(nanoTimestamp(new Date('2026-03-04T05:06:07.089Z'))).toBe('2026-03-04T05:06:07.089000000Z');
  });
});
