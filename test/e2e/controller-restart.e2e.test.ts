// The controller process is restart-safe: `kill -9` of it, changes made while it is down, then a restart
// (by the next mutating command) converge without duplicate and without orphan containers.
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, containerIdOf, containerStatus, podManifest, sleep, type StoredPod } from '../helpers/e2e-cluster.js';
import type Docker from 'dockerode';

const haveDocker = await requireDocker();

const IMG = { image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent' };
const sleeper = (name: string, containers = ['app']) =>
  podManifest(name, { containers: containers.map((c) => ({ name: c, ...IMG, command: ['sleep', '3600'] })) });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function killController(cluster: E2eCluster): Promise<number> {
  const pid = await cluster.controllerPid();
  expect(pid, 'a controller runs').toBeGreaterThan(0);
  process.kill(pid!, 'SIGKILL');
  await cluster.waitFor(`controller pid ${pid} to die`, async () => !isAlive(pid!));
  return pid!;
}

/** By container name: how many containers of the pod (any state), and how many running. */
function tally(cs: Docker.ContainerInfo[]): Record<string, { all: number; running: number }> {
  const out: Record<string, { all: number; running: number }> = {};
  for (const c of cs) {
    const n = c.Labels['kctl.io/container-name']!;
    out[n] ??= { all: 0, running: 0 };
    out[n].all++;
    if (c.State === 'running') out[n].running++;
  }
  return out;
}

const allRunning = (p: StoredPod) => (p.status?.containerStatuses ?? []).length > 0 && p.status!.containerStatuses!.every((c) => c.state?.running && c.ready);

describe.runIf(haveDocker)('controller kill -9 and restart', () => {
  const cluster = E2eCluster.create('restart');
  afterAll(async () => {
    await cluster.dispose();
  });

  it('adopts running containers, removes those of pods deleted while it was down, runs pods created meanwhile', async () => {
    await cluster.apply([sleeper('keep', ['a', 'b']), sleeper('graceful'), sleeper('forced')]);
    const before: Record<string, StoredPod> = {};
    for (const n of ['keep', 'graceful', 'forced']) before[n] = await cluster.waitForPod(n, 'running and ready', allRunning);
    const keepIds = (await cluster.containers(before.keep!.metadata.uid)).map((c) => c.Id).sort();
    expect(keepIds).toHaveLength(3); // sandbox + a + b

    const oldPid = await killController(cluster);
    // while it is down (KCTL_NO_CONTROLLER: these commands must not start a new one):
    const noCtl = { KCTL_NO_CONTROLLER: '1' };
    await cluster.ok(['delete', 'pod', 'graceful', '--wait=false'], { env: noCtl }); // stays Terminating in the store
    await cluster.ok(['delete', 'pod', 'forced', '--grace-period=0', '--force'], { env: noCtl }); // gone from the store at once
    await cluster.apply(sleeper('newcomer'), noCtl);
    expect((await cluster.podRow('graceful'))?.status).toBe('Terminating');
    expect(await cluster.pod('forced')).toBeUndefined();
    expect((await cluster.containers(before.forced!.metadata.uid)).filter((c) => c.State === 'running')).toHaveLength(2);
    expect(await cluster.controllerPid()).toBeUndefined();

    // the next mutating command starts a new controller (the dead one's lock is broken at once)
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'poke' }, data: { a: '1' } });
    const newPid = await cluster.waitFor('a new controller', () => cluster.controllerPid());
    expect(newPid).not.toBe(oldPid);

    await cluster.waitForPod('newcomer', 'running and ready', allRunning);
    await cluster.waitForGone('graceful');
    await cluster.waitFor('the force-deleted pod\'s containers to be removed', async () => (await cluster.containers(before.forced!.metadata.uid)).length === 0);
    expect(await cluster.containers(before.graceful!.metadata.uid)).toEqual([]);

    // the pod that kept running was adopted: the same containers, no restart, nothing new
    const keep = await cluster.waitForPod('keep', 'ready', allRunning);
    expect((await cluster.containers(keep.metadata.uid)).map((c) => c.Id).sort()).toEqual(keepIds);
    expect(containerIdOf(keep, 'a')).toBe(containerIdOf(before.keep!, 'a'));
    expect(containerStatus(keep, 'a')!.restartCount).toBe(0);
    expect(containerStatus(keep, 'b')!.restartCount).toBe(0);
    // and nothing else runs for this test run than the two live pods
    const uids = new Set((await cluster.containers()).map((c) => c.Labels['kctl.io/pod-uid']));
    const newcomer = (await cluster.pod('newcomer'))!;
    expect([...uids].sort()).toEqual([keep.metadata.uid, newcomer.metadata.uid].sort());
  });

  it('converges without duplicates when killed in the middle of starting pods', async () => {
    const names = ['burst-1', 'burst-2', 'burst-3', 'burst-4'];
    await cluster.apply(names.map((n) => sleeper(n, ['x', 'y'])));
    // kill it while it is creating sandboxes and containers
    const burst = async () => (await cluster.containers()).filter((c) => c.Labels['kctl.io/pod-name']?.startsWith('burst-'));
    await cluster.waitFor('some container of the burst to exist', async () => (await burst()).length > 0, 20_000);
    await killController(cluster);
    // it was killed half-way: not all of the 4 sandboxes and 8 containers run
    expect((await burst()).filter((c) => c.State === 'running').length).toBeLessThan(12);
    await sleep(200);
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'poke' }, data: { a: '2' } });
    for (const n of names) await cluster.waitForPod(n, 'running and ready', allRunning);
    for (const n of names) {
      const pod = (await cluster.pod(n))!;
      const t = tally(await cluster.containers(pod.metadata.uid));
      // exactly one running sandbox and one running container per spec container; nothing left over
      expect(t, `containers of ${n}`).toEqual({ POD: { all: 1, running: 1 }, x: { all: 1, running: 1 }, y: { all: 1, running: 1 } });
    }
    await cluster.ok(['delete', 'pod', ...names, '--wait=false']);
  });
});

describe.runIf(haveDocker)('engine unreachable', () => {
  const cluster = E2eCluster.create('noengine', { DOCKER_HOST: 'unix:///nonexistent.sock' });
  afterAll(async () => {
    await cluster.dispose();
  });

  it('kctl controller says so in one line and keeps retrying', async () => {
    const ctl = cluster.spawnKctl(['controller']);
    await cluster.waitFor('the unreachable-engine line', async () => ctl.output().includes('cannot reach the Docker engine'), 20_000);
    await sleep(2_500); // it retries meanwhile, without repeating the line
    expect(ctl.child.exitCode).toBeNull();
    ctl.child.kill('SIGTERM');
    await ctl.exited;
    const lines = ctl.output().split('\n').filter((l) => l.includes('cannot reach the Docker engine'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot reach the Docker engine at unix:\/\/\/nonexistent\.sock: \S/);
  });
});
