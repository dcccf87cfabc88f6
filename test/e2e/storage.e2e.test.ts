// Storage on the real Docker engine, through the built CLI: the default StorageClass provisions a Docker volume
// per claim, a pod waits Pending for its missing claim, data outlives the pod, reclaim Delete removes the volume,
// and an emptyDir of medium Memory is a sized tmpfs in the container.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, containerIdOf, containerStatus, dockerCli, podManifest, waitFor } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();

const IMG = { image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent' };
const claimManifest = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};
const withClaim = (name: string, script: string) =>
  podManifest(name, {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'app',
        ...IMG,
        command: ['sh', '-c', script],
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'cache', mountPath: '/cache' },
        ],
      },
    ],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    ],
  });

describe.runIf(haveDocker)('storage on the Docker engine (PVC, PV, StorageClass, emptyDir Memory)', () => {
  const cluster = E2eCluster.create('storage');
  const docker = new Docker();
  const volumeExists = async (name: string) => (await docker.listVolumes({ filters: { name: [name] } })).Volumes?.some((v) => v.Name === name) ?? false;

  beforeAll(async () => {
    // the pod first: its claim does not exist yet (this also starts the controller)
    await cluster.apply(withClaim('writer', 'echo kept-across-pods > /data/msg; sleep 3600'));
  });

  afterAll(async () => {
    await cluster.dispose();
  });

  it('keeps a pod whose claim is missing Pending with the scheduler\'s message, and runs it once the claim is Bound', async () => {
    const ev = await cluster.waitForEvent('writer', 'FailedScheduling');
    expect(ev.message).toBe(
      '0/1 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    expect((await cluster.pod('writer'))?.status?.phase).toBe('Pending');

    await cluster.apply(claimManifest);
    const pvc = await waitFor('the claim to be Bound', async () => {
      const out = await cluster.ok(['get', 'pvc', 'data', '-o', 'json']);
      const o = JSON.parse(out) as { metadata: { uid: string }; status?: { phase?: string } };
      return o.status?.phase === 'Bound' ? o : undefined;
    });
    const pv = `pvc-${pvc.metadata.uid}`;
    expect(await cluster.ok(['get', 'pvc'])).toMatch(
      new RegExp(`^NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS\\s+VOLUMEATTRIBUTESCLASS\\s+AGE\\ndata\\s+Bound\\s+${pv}\\s+1Gi\\s+RWO\\s+local\\s+<unset>\\s+\\S+\\n$`),
    );
    expect(await cluster.ok(['get', 'pv'])).toMatch(new RegExp(`\\n${pv}\\s+1Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/data\\s+local\\s+<unset>\\s+\\S+\\n$`));
    expect(await cluster.ok(['get', 'sc'])).toMatch(/\nlocal \(default\)\s+kctl\.io\/local\s+Delete\s+Immediate\s+false\s+\S+\n$/);
    expect(await volumeExists(`kctl-${pv}`)).toBe(true);
    await cluster.waitForPod('writer', 'running', (p) => !!containerStatus(p, 'app')?.state?.running);
  });

  it('mounts an emptyDir of medium Memory as a tmpfs of its sizeLimit', async () => {
    const mounts = await cluster.ok(['exec', 'writer', '--', 'cat', '/proc/mounts']);
    const cache = mounts.split('\n').find((l) => l.split(' ')[1] === '/cache');
    expect(cache).toMatch(/^tmpfs \/cache tmpfs rw,.*size=16384k/);
  });

  it('a Memory emptyDir is shared by the pod\'s containers and outlives a container restart; it goes with the pod', async () => {
    const mount = [{ name: 'mem', mountPath: '/mem' }];
    await cluster.apply(
      podManifest('shm', {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'a', ...IMG, command: ['sh', '-c', 'echo from-a > /mem/f; sleep 3600'], volumeMounts: mount },
          { name: 'b', ...IMG, command: ['sleep', '3600'], volumeMounts: mount },
        ],
        volumes: [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
      }),
    );
    const pod = await cluster.waitForPod('shm', 'running', (p) => !!containerStatus(p, 'a')?.state?.running && !!containerStatus(p, 'b')?.state?.running);
    await waitFor('b to see what a wrote', async () => (await cluster.kctl(['exec', 'shm', '-c', 'b', '--', 'cat', '/mem/f'])).stdout.trim() === 'from-a' || undefined);
    // b dies and comes back: the tmpfs (held by the pod's sandbox) still has the file
    await cluster.ok(['exec', 'shm', '-c', 'b', '--', 'sh', '-c', 'echo from-b > /mem/g']);
    expect((await dockerCli(['kill', containerIdOf(pod, 'b')!])).code).toBe(0);
    await cluster.waitForPod('shm', 'b restarted', (p) => (containerStatus(p, 'b')?.restartCount ?? 0) >= 1 && !!containerStatus(p, 'b')?.state?.running);
    expect((await cluster.ok(['exec', 'shm', '-c', 'b', '--', 'cat', '/mem/f', '/mem/g'])).trim()).toBe('from-a\nfrom-b');
    const vol = `kctl-mem-${pod.metadata.uid}-mem`;
    expect(await volumeExists(vol)).toBe(true);
    await cluster.ok(['delete', 'pod', 'shm']);
    await cluster.waitForGone('shm');
    await waitFor('the tmpfs volume to be removed', async () => !(await volumeExists(vol)) || undefined);
  });

  it('keeps the data when the pod is deleted and another one mounts the claim', async () => {
    await waitFor('the file written', async () => (await cluster.kctl(['exec', 'writer', '--', 'cat', '/data/msg'])).stdout.trim() === 'kept-across-pods');
    await cluster.ok(['delete', 'pod', 'writer']);
    await cluster.waitForGone('writer');
    await cluster.apply(withClaim('reader', 'cat /data/msg; sleep 3600'));
    await cluster.waitForPod('reader', 'running', (p) => !!containerStatus(p, 'app')?.state?.running);
    expect((await cluster.ok(['exec', 'reader', '--', 'cat', '/data/msg'])).trim()).toBe('kept-across-pods');
  });

  it('reclaim policy Delete: deleting the claim (once its pod is gone) removes the PV and the Docker volume', async () => {
    const uid = JSON.parse(await cluster.ok(['get', 'pvc', 'data', '-o', 'json'])).metadata.uid as string;
    await cluster.ok(['delete', 'pvc', 'data', '--wait=false']);
    // pvc-protection: still used by a pod
    expect(JSON.parse(await cluster.ok(['get', 'pvc', 'data', '-o', 'json'])).metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await cluster.ok(['delete', 'pod', 'reader']);
    await waitFor('the claim, the PV and the Docker volume to be gone', async () => {
      const pvc = await cluster.kctl(['get', 'pvc', 'data']);
      const pv = await cluster.kctl(['get', 'pv', `pvc-${uid}`]);
      return pvc.code !== 0 && pv.code !== 0 && !(await volumeExists(`kctl-pvc-${uid}`));
    });
  });
});
