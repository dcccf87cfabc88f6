// The kubelet with storage volumes: a claim's Docker volume and a medium: Memory tmpfs reach the runtime; a
// hostPath of the wrong type or an unbound claim keeps the pod in ContainerCreating with a FailedMount event.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import type { ContainerConfig } from '../../../src/runtime/runtime.js';
import { containerStatus, createPod, getPod, pass, setup } from './harness.js';

const createCfgs = (h: ReturnType<typeof setup>): ContainerConfig[] => h.runtime.callsTo('createContainer').map((a) => a[1] as ContainerConfig);

async function boundClaim(h: ReturnType<typeof setup>, name: string, pv: string, phase = 'Bound'): Promise<void> {
  const c = await h.store.create<KubeObject>({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { volumeName: pv } });
  await h.store.updateStatus({ ...c, status: { phase } });
}

describe('Kubelet: storage volumes', () => {
  it('mounts the bound PV\'s Docker volume (subPath too) and a Memory emptyDir as a sized tmpfs volume the sandbox holds', async () => {
    const h = setup();
    await boundClaim(h, 'data', 'pvc-1');
    await h.store.create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1' }, spec: { csi: { driver: 'kctl.io/local', volumeHandle: 'kctl-pvc-1' } } } as KubeObject);
    await h.runtime.createVolume('kctl-pvc-1');
    await createPod(h, {
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
      ],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          volumeMounts: [
            { name: 'data', mountPath: '/data' },
            { name: 'data', mountPath: '/logs', subPath: 'logs' },
            { name: 'cache', mountPath: '/cache' },
          ],
        },
      ],
    });
    await pass(h);
    const [cfg] = createCfgs(h);
    const uid = (await getPod(h)).metadata!.uid!;
    const mem = `kctl-mem-${uid}-cache`;
    expect(cfg!.engineVolumes).toEqual({ data: { type: 'volume', name: 'kctl-pvc-1' }, cache: { type: 'tmpfs', name: mem } });
    // the tmpfs volume is made before the sandbox, sized, labelled with the pod, and held by the sandbox
    expect(h.runtime.callsTo('createVolume').find((c) => c[0] === mem)).toEqual([mem, { 'kctl.io/pod-uid': uid }, { tmpfs: { sizeBytes: 16 * 2 ** 20 } }]);
    expect((h.runtime.callsTo('runPodSandbox')[0]![0] as { holdVolumes?: string[] }).holdVolumes).toEqual([mem]);
    const id = (await h.runtime.listContainers())[0]!.id;
    const hc = h.runtime.createOptions(id).HostConfig!;
    expect(hc.Binds).toEqual(['kctl-pvc-1:/data:rw', '/fake/volumes/kctl-pvc-1/_data/logs:/logs:rw', `${mem}:/cache:rw`]);
    expect(h.volumes.dirs.has(`/kctl/pods/${uid}/volumes/cache`)).toBe(false);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();

    // the pod gone: its tmpfs volume goes too (the claim's volume stays)
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' });
    await pass(h);
    await h.kubelet.whenIdle();
    await pass(h);
    expect((await h.runtime.listVolumes()).map((v) => v.name)).toEqual(['kctl-pvc-1']);
  });

  it('an unbound claim: FailedMount, ContainerCreating; it starts once the claim is bound', async () => {
    const h = setup();
    await boundClaim(h, 'data', '', 'Pending');
    await createPod(h, {
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    });
    await pass(h);
    expect(h.events.events.find((e) => e.reason === 'FailedMount')?.message).toBe(
      'Unable to attach or mount volumes: unmounted volumes=[data]: error processing PVC default/data: PVC default/data has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")',
    );
    expect(containerStatus(await getPod(h))?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(createCfgs(h)).toEqual([]);
  });

  it('a hostPath of type Directory that does not exist: FailedMount with upstream\'s message, ContainerCreating', async () => {
    const h = setup();
    await createPod(h, {
      volumes: [{ name: 'host', hostPath: { path: '/nonexistent/kctl-test-dir', type: 'Directory' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'host', mountPath: '/h' }] }],
    });
    await pass(h);
    expect(h.events.events.find((e) => e.reason === 'FailedMount')?.message).toBe(
      'MountVolume.SetUp failed for volume "host" : hostPath type check failed: /nonexistent/kctl-test-dir is not a directory',
    );
    expect(containerStatus(await getPod(h))?.state?.waiting?.reason).toBe('ContainerCreating');
  });
});
