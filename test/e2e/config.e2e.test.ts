// ConfigMaps and Secrets on the real Docker engine, end to end through the built CLI (issue 6, "Behaviour that
// must hold"): a pod waits for its missing ConfigMap and starts when it appears; a ConfigMap change reaches a
// mounted file in the running pod without a restart; an env change needs `rollout restart`; a Secret mounted
// as a file is in no file of $KCTL_HOME nor in `docker inspect`, and sits on tmpfs behind a 0700 directory;
// `kctl.io/restart-on-config-change` rolls a Deployment after a ConfigMap edit.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { defaultSecretVolumeDir } from '../../src/kubelet/atomic-writer.js';
import { E2eCluster, TEST_IMAGE, containerStatus, dockerCli, podManifest, type StoredPod } from '../helpers/e2e-cluster.js';

// CI: throws (the suite fails) when the engine or the test image is missing; elsewhere false (skips, saying why)
const haveDocker = await requireDocker();

const IMG = { image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent' };
const SLEEP = { ...IMG, command: ['sleep', '3600'] };
/** never typed anywhere else: a hit in a grep can only be a leak */
const SECRET_VALUE = `kctl-e2e-${randomBytes(12).toString('hex')}`;

const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

function deployment(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, annotations },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          volumes: [{ name: 'cfg', configMap: { name: 'mode' } }],
          containers: [
            {
              name: 'app',
              ...SLEEP,
              env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'mode', key: 'MODE' } } }],
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
            },
          ],
        },
      },
    },
  };
}

/** Every regular file under dir (symlinks not followed). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

describe.runIf(haveDocker)('ConfigMaps and Secrets on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('config');
  const running = (p: StoredPod) => !!containerStatus(p, 'app')?.state?.running;
  const exec = (pod: string, ...cmd: string[]) => cluster.kctl(['exec', pod, '--', ...cmd]);
  /** the one pod of a Deployment that is running and not terminating, when there is exactly one */
  const onlyPod = async (app: string, not?: string): Promise<StoredPod | undefined> => {
    const list = JSON.parse(await cluster.ok(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])) as { items: StoredPod[] };
    const live = list.items.filter((p) => !p.metadata.deletionTimestamp);
    return live.length === 1 && live[0]!.metadata.name !== not && running(live[0]!) ? live[0] : undefined;
  };

  beforeAll(async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: SECRET_VALUE } });
  });

  afterAll(async () => {
    await cluster.dispose();
    // the home's tmpfs root (its pods' directories went with them)
    const shm = defaultSecretVolumeDir(cluster.home);
    if (shm) await rm(shm, { recursive: true, force: true });
  });

  it('a pod waits for its ConfigMap, then follows its changes in a mounted file; the Secret file leaks nowhere', async () => {
    await cluster.apply(
      podManifest('files', {
        volumes: [
          { name: 'cfg', configMap: { name: 'app-cfg' } },
          { name: 'secret', secret: { secretName: 'creds' } },
        ],
        containers: [
          {
            name: 'app',
            ...SLEEP,
            volumeMounts: [
              { name: 'cfg', mountPath: '/etc/cfg' },
              { name: 'secret', mountPath: '/etc/secret' },
            ],
          },
        ],
      }),
    );
    await cluster.waitForEvent('files', 'FailedMount', (e) => e.message === 'MountVolume.SetUp failed for volume "cfg" : configmap "app-cfg" not found');
    expect((await cluster.podRow('files'))?.status).toBe('ContainerCreating');

    // the ConfigMap appears: the pod starts by itself
    await cluster.apply(cm('app-cfg', { key: 'v1' }));
    const pod = await cluster.waitForPod('files', 'running', running, 30_000);
    expect((await exec('files', 'cat', '/etc/cfg/key')).stdout).toBe('v1');
    expect((await exec('files', 'cat', '/etc/secret/password')).stdout).toBe(SECRET_VALUE);

    // a change shows in the running container, same container, no restart
    const changedAt = Date.now();
    await cluster.apply(cm('app-cfg', { key: 'v2' }));
    await cluster.waitFor('the mounted file to show v2', async () => (await exec('files', 'cat', '/etc/cfg/key')).stdout === 'v2', 20_000);
    // a figure, not a pass mark (timings are noisy): the target is 2 s
    console.log(`[config e2e] the mounted file showed the change ${Date.now() - changedAt} ms after kctl apply began`);
    const after = (await cluster.pod('files'))!;
    expect(containerStatus(after, 'app')?.containerID).toBe(containerStatus(pod, 'app')?.containerID);
    expect(containerStatus(after, 'app')?.restartCount).toBe(0);

    // no plaintext secret in any file of the home, nor in what the engine shows of the pod's containers
    const leaks: string[] = [];
    for (const f of await filesUnder(cluster.home)) if ((await readFile(f)).includes(SECRET_VALUE)) leaks.push(f);
    expect(leaks).toEqual([]);
    const containers = await cluster.containers(pod.metadata.uid);
    expect(containers.length).toBeGreaterThanOrEqual(2); // the sandbox and the app
    const inspect = await dockerCli(['inspect', ...containers.map((c) => c.Id)]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).not.toContain(SECRET_VALUE);

    // the secret's files: on tmpfs, behind 0700 directories, gone with the pod
    const mounts = (JSON.parse(inspect.stdout) as { Mounts?: { Source: string; Destination: string }[] }[]).flatMap((c) => c.Mounts ?? []);
    const source = mounts.find((m) => m.Destination === '/etc/secret')!.Source;
    expect(source).toMatch(/^\/dev\/shm\/kctl-[0-9a-f]{12}\//);
    expect((await stat(dirname(source))).mode & 0o777).toBe(0o700);
    expect((await stat(dirname(dirname(source)))).mode & 0o777).toBe(0o700);
    await cluster.ok(['delete', 'pod', 'files']);
    await cluster.waitForGone('files');
    await cluster.waitFor('the secret volume to be removed', async () => !(await stat(source).then(() => true, () => false)), 20_000);
  });

  it('env follows a ConfigMap only after `rollout restart`; an annotated Deployment rolls by itself', async () => {
    await cluster.apply([
      cm('mode', { MODE: 'a' }),
      deployment('manual'),
      deployment('auto', { 'kctl.io/restart-on-config-change': 'true' }),
    ]);
    const manual = await cluster.waitFor('deploy/manual to run', () => onlyPod('manual'));
    const auto = await cluster.waitFor('deploy/auto to run', () => onlyPod('auto'));
    const envOf = async (pod: string) => (await exec(pod, 'sh', '-c', 'echo -n $MODE')).stdout;
    expect(await envOf(manual.metadata.name)).toBe('a');

    await cluster.apply(cm('mode', { MODE: 'b' }));
    // the mounted file follows; the environment of the running container does not
    await cluster.waitFor('the mounted MODE to show b', async () => (await exec(manual.metadata.name, 'cat', '/etc/cfg/MODE')).stdout === 'b', 20_000);
    expect(await envOf(manual.metadata.name)).toBe('a');

    // the annotated Deployment rolled by itself to a pod with the new environment
    const autoNext = await cluster.waitFor('deploy/auto to roll', () => onlyPod('auto', auto.metadata.name));
    expect(await envOf(autoNext.metadata.name)).toBe('b');
    expect((await onlyPod('manual'))?.metadata.name).toBe(manual.metadata.name);

    await cluster.ok(['rollout', 'restart', 'deploy/manual']);
    const manualNext = await cluster.waitFor('deploy/manual to roll', () => onlyPod('manual', manual.metadata.name));
    expect(await envOf(manualNext.metadata.name)).toBe('b');
  });
});
