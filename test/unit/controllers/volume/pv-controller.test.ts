import { beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { FakeRuntime } from '../../../../src/runtime/fake/fake-runtime.js';
import { EventRecorder } from '../../../../src/reconcile/events.js';
import { PersistentVolumeController } from '../../../../src/controllers/volume/pv-controller.js';
import type { PVCObj, PVObj, StorageClassObj } from '../../../../src/controllers/volume/binding.js';

function setup(opts: { ensureDefaultClass?: boolean } = {}) {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  const runtime = new FakeRuntime({ clock });
  const ctl = new PersistentVolumeController({
    store,
    runtime,
    events: new EventRecorder({ store, clock, component: 'persistentvolume-controller' }),
    provisionerEvents: new EventRecorder({ store, clock, component: 'kctl.io/local' }),
    ...opts,
  });
  /** store writes made by fn */
  const writes = async (fn: () => Promise<unknown>): Promise<number> => {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  };
  /** reconciles every key (as a resync does) until a pass writes nothing */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) {
      const n = await writes(async () => {
        for (const k of await ctl.resyncKeys()) await ctl.reconcile(k);
      });
      if (n === 0) return;
    }
    throw new Error('did not settle');
  };
  const claim = (name: string, spec: PVCObj['spec'] = {}): Promise<PVCObj> =>
    store.create<PVCObj>({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
    });
  const getClaim = (name: string) => store.tryGet<PVCObj>({ resource: 'persistentvolumeclaims', namespace: 'default', name });
  const getVolume = (name: string) => store.tryGet<PVObj>({ resource: 'persistentvolumes', name });
  const events = async (name: string) =>
    (await store.list<KubeObject & { reason: string; message: string; involvedObject: { name: string } }>('events')).items
      .filter((e) => e.involvedObject.name === name)
      .map((e) => `${e.reason}: ${e.message}`);
  const pod = (name: string, claimName: string, nodeName?: string) =>
    store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: {
        ...(nodeName ? { nodeName } : {}),
        containers: [{ name: 'c', image: 'busybox' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
      },
    } as KubeObject);
  return { clock, store, runtime, ctl, writes, settle, claim, getClaim, getVolume, events, pod };
}

type H = ReturnType<typeof setup>;

describe('PersistentVolumeController', () => {
  let h: H;
  beforeEach(() => {
    h = setup();
  });

  it('creates the default StorageClass at start when absent, and leaves an existing one alone', async () => {
    await h.settle();
    const sc = await h.store.get<StorageClassObj>({ resource: 'storageclasses', name: 'local' });
    expect(sc).toMatchObject({
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kctl.io/local',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    // deleted by the user: a running controller does not bring it back
    await h.store.delete({ resource: 'storageclasses', name: 'local' });
    await h.settle();
    expect(await h.store.tryGet({ resource: 'storageclasses', name: 'local' })).toBeUndefined();
  });

  it('provisions a Docker volume and a PV pvc-<uid> for a claim without class, and binds both ways; a second pass writes nothing', async () => {
    await h.settle();
    const c = await h.claim('data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } });
    await h.settle();
    const uid = c.metadata.uid!;
    const pvc = (await h.getClaim('data'))!;
    expect(pvc.spec).toMatchObject({ storageClassName: 'local', volumeName: `pvc-${uid}` });
    expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(pvc.metadata.annotations).toEqual({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'kctl.io/local',
      'volume.beta.kubernetes.io/storage-provisioner': 'kctl.io/local',
    });
    expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    const pv = (await h.getVolume(`pvc-${uid}`))!;
    expect(pv.spec).toMatchObject({
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid },
      csi: { driver: 'kctl.io/local', volumeHandle: `kctl-pvc-${uid}` },
    });
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pv.status?.phase).toBe('Bound');
    expect([...h.runtime.volumes.keys()]).toEqual([`kctl-pvc-${uid}`]);
    expect(h.runtime.volumes.get(`kctl-pvc-${uid}`)?.labels).toMatchObject({ 'kctl.io/persistent-volume': `pvc-${uid}` });
    expect(await h.events('data')).toEqual([
      "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'kctl.io/local' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
      'Provisioning: External provisioner is provisioning volume for claim "default/data"',
      `ProvisioningSucceeded: Successfully provisioned volume pvc-${uid}`,
    ]);
    // level-triggered: every key again writes nothing, creates no second volume
    expect(await h.writes(async () => {
      for (const k of await h.ctl.resyncKeys()) await h.ctl.reconcile(k);
    })).toBe(0);
    expect(h.runtime.volumes.size).toBe(1);
  });

  it('binds a claim to a matching static PV instead of provisioning', async () => {
    await h.settle();
    await h.store.create<PVObj>({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'disk1' },
      spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: '/srv/disk1' }, persistentVolumeReclaimPolicy: 'Retain' },
    });
    await h.settle();
    expect((await h.getVolume('disk1'))?.status?.phase).toBe('Available');
    await h.claim('data', { storageClassName: 'manual' });
    await h.settle();
    expect((await h.getClaim('data'))?.spec?.volumeName).toBe('disk1');
    expect((await h.getClaim('data'))?.status).toMatchObject({ phase: 'Bound', capacity: { storage: '5Gi' } });
    const pv = (await h.getVolume('disk1'))!;
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(h.runtime.volumes.size).toBe(0);
    // Retain: the claim deleted, the volume is Released and kept
    await h.store.delete({ resource: 'persistentvolumeclaims', namespace: 'default', name: 'data' });
    await h.settle();
    expect(await h.getClaim('data')).toBeUndefined();
    expect((await h.getVolume('disk1'))?.status?.phase).toBe('Released');
  });

  it('a claim with storageClassName "" and no volume stays Pending with FailedBinding; one of an unknown class says so', async () => {
    await h.settle();
    await h.claim('none', { storageClassName: '' });
    await h.claim('typo', { storageClassName: 'fast' });
    await h.settle();
    expect((await h.getClaim('none'))?.status?.phase).toBe('Pending');
    expect(await h.events('none')).toEqual(['FailedBinding: no persistent volumes available for this claim and no storage class is set']);
    expect(await h.events('typo')).toEqual(['ProvisioningFailed: storageclass.storage.k8s.io "fast" not found']);
    // the class appears: the pending claim is provisioned
    const keys = h.ctl.keysFor({
      type: 'ADDED',
      revision: 0,
      object: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } },
    });
    expect(keys).toContain('persistentvolumeclaims/default/typo');
    await h.store.create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'kctl.io/local', reclaimPolicy: 'Retain' } as KubeObject);
    await h.settle();
    expect((await h.getClaim('typo'))?.status?.phase).toBe('Bound');
  });

  it('reclaim Delete: a deleted claim waits for its pod (pvc-protection), then the PV and the Docker volume go', async () => {
    await h.settle();
    const c = await h.claim('data');
    await h.settle();
    const uid = c.metadata.uid!;
    await h.pod('app', 'data', 'node1');
    await h.store.delete({ resource: 'persistentvolumeclaims', namespace: 'default', name: 'data' });
    await h.settle();
    // still used by a scheduled pod: kept (Terminating), its volume Bound
    expect((await h.getClaim('data'))?.metadata.deletionTimestamp).toBeDefined();
    expect((await h.getVolume(`pvc-${uid}`))?.status?.phase).toBe('Bound');
    expect(h.runtime.volumes.size).toBe(1);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'app' }, { gracePeriodSeconds: 0 });
    await h.settle();
    expect(await h.getClaim('data')).toBeUndefined();
    expect(await h.getVolume(`pvc-${uid}`)).toBeUndefined();
    expect(h.runtime.volumes.size).toBe(0);
  });

  it('claim and PV deleted together (delete pvc,pv --all): the volume is still reclaimed and the PV goes', async () => {
    await h.settle();
    const c = await h.claim('data');
    await h.settle();
    const pv = `pvc-${c.metadata.uid}`;
    await h.store.delete({ resource: 'persistentvolumeclaims', namespace: 'default', name: 'data' });
    await h.store.delete({ resource: 'persistentvolumes', name: pv });
    await h.settle();
    expect(await h.getClaim('data')).toBeUndefined();
    expect(await h.getVolume(pv)).toBeUndefined();
    expect(h.runtime.volumes.size).toBe(0);
  });

  it('a hand-written PV naming a Docker volume kctl did not make for it never deletes that volume', async () => {
    await h.settle();
    await h.runtime.createVolume('someone-elses-data');
    await h.store.create<PVObj>({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'static' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local',
        csi: { driver: 'kctl.io/local', volumeHandle: 'someone-elses-data' },
      },
    });
    await h.claim('data', { storageClassName: 'local', volumeName: 'static' });
    await h.settle();
    expect((await h.getVolume('static'))?.status?.phase).toBe('Bound');
    await h.store.delete({ resource: 'persistentvolumeclaims', namespace: 'default', name: 'data' });
    await h.settle();
    expect((await h.getVolume('static'))?.status?.phase).toBe('Failed');
    expect(await h.events('static')).toContainEqual(expect.stringMatching(/^VolumeFailedDelete: .*no deletable volume plugin matched/));
    expect([...h.runtime.volumes.keys()]).toEqual(['someone-elses-data']);
  });

  it('reclaim Delete retries while a container still holds the Docker volume', async () => {
    await h.settle();
    const c = await h.claim('data');
    await h.settle();
    const uid = c.metadata.uid!;
    h.runtime.addImage('busybox');
    const sb = await h.runtime.runPodSandbox({ pod: { uid: 'p1', name: 'p', namespace: 'default' }, attempt: 0 });
    await h.runtime.createContainer(sb, {
      attempt: 0,
      container: { name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
      engineVolumes: { data: { type: 'volume', name: `kctl-pvc-${uid}` } },
    });
    await h.store.delete({ resource: 'persistentvolumeclaims', namespace: 'default', name: 'data' });
    await h.settle();
    expect((await h.getVolume(`pvc-${uid}`))?.status?.phase).toBe('Released');
    expect(await h.ctl.reconcile(`persistentvolumes/pvc-${uid}`)).toEqual({ requeueAfterMs: 2000 });
    for (const x of await h.runtime.listContainers()) await h.runtime.removeContainer(x.id);
    await h.settle();
    expect(await h.getVolume(`pvc-${uid}`)).toBeUndefined();
    expect(h.runtime.volumes.size).toBe(0);
  });

  it('provisions claims named like a StatefulSet volumeClaimTemplate claim, and keeps an explicit class', async () => {
    await h.settle();
    await h.store.create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'keep' }, provisioner: 'kctl.io/local', reclaimPolicy: 'Retain' } as KubeObject);
    await h.claim('www-web-0', { storageClassName: 'keep' });
    await h.settle();
    const pvc = (await h.getClaim('www-web-0'))!;
    expect(pvc.spec?.storageClassName).toBe('keep');
    expect((await h.getVolume(pvc.spec!.volumeName!))?.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    await h.store.delete({ resource: 'persistentvolumeclaims', namespace: 'default', name: 'www-web-0' });
    await h.settle();
    expect((await h.getVolume(pvc.spec!.volumeName!))?.status?.phase).toBe('Released');
    expect(h.runtime.volumes.size).toBe(1); // Retain keeps the data
  });

  it('WaitForFirstConsumer: provisions once a pod uses the claim', async () => {
    await h.settle();
    await h.store.create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'wffc' }, provisioner: 'kctl.io/local', volumeBindingMode: 'WaitForFirstConsumer' } as KubeObject);
    await h.claim('data', { storageClassName: 'wffc' });
    await h.settle();
    expect(await h.events('data')).toEqual(['WaitForFirstConsumer: waiting for first consumer to be created before binding']);
    await h.pod('app', 'data');
    await h.settle();
    expect((await h.getClaim('data'))?.status?.phase).toBe('Bound');
  });

  it('a bound claim whose PV vanished is Lost', async () => {
    await h.settle();
    await h.claim('data');
    await h.settle();
    const name = (await h.getClaim('data'))!.spec!.volumeName!;
    const pv = (await h.getVolume(name))!;
    await h.store.update<PVObj>({ ...pv, metadata: { ...pv.metadata, finalizers: [] } });
    await h.store.delete({ resource: 'persistentvolumes', name });
    await h.ctl.reconcile('persistentvolumeclaims/default/data');
    expect((await h.getClaim('data'))?.status?.phase).toBe('Lost');
    expect(await h.events('data')).toContain('ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  });
});
