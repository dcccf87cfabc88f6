import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPathType, setUpStorageVolumes, type HostFileType, type HostPathOps } from '../../../src/kubelet/storage-volumes.js';
import { NodeHostPaths } from '../../../src/kubelet/volume-host.js';
import { podVolumes } from '../../../src/kubelet/volumes.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { KubeObject, Pod } from '../../../src/api/types.js';

/** a file system of path → type */
function fakeOps(fs: Record<string, HostFileType>): HostPathOps & { made: string[] } {
  const made: string[] = [];
  return {
    made,
    fileType: async (p) => fs[p],
    makeDir: async (p) => void made.push(`dir ${p}`),
    makeFile: async (p) => void made.push(`file ${p}`),
  };
}

describe('checkHostPathType (upstream wording)', () => {
  const fs = { '/d': 'Directory', '/f': 'File', '/s': 'Socket', '/c': 'CharDevice', '/b': 'BlockDevice' } as const;
  it.each<[string, string, string | undefined]>([
    ['/missing', '', undefined],
    ['/d', 'Directory', undefined],
    ['/f', 'Directory', 'hostPath type check failed: /f is not a directory'],
    ['/missing', 'Directory', 'hostPath type check failed: /missing is not a directory'],
    ['/d', 'DirectoryOrCreate', undefined],
    ['/f', 'DirectoryOrCreate', 'hostPath type check failed: /f is not a directory'],
    ['/f', 'File', undefined],
    ['/d', 'File', 'hostPath type check failed: /d is not a file'],
    ['/d', 'FileOrCreate', 'hostPath type check failed: /d is not a file'],
    ['/s', 'Socket', undefined],
    ['/f', 'Socket', 'hostPath type check failed: /f is not a socket file'],
    ['/c', 'CharDevice', undefined],
    ['/f', 'CharDevice', 'hostPath type check failed: /f is not a character device'],
    ['/b', 'BlockDevice', undefined],
    ['/c', 'BlockDevice', 'hostPath type check failed: /c is not a block device'],
    ['/d', 'Pipe', 'Pipe is an invalid volume type'],
  ])('%s as %j', async (path, type, err) => {
    const p = checkHostPathType('v', path, type, fakeOps(fs));
    if (err) await expect(p).rejects.toThrow(`MountVolume.SetUp failed for volume "v" : ${err}`);
    else await expect(p).resolves.toBeUndefined();
  });

  it('DirectoryOrCreate / FileOrCreate create what is missing', async () => {
    const ops = fakeOps({});
    await checkHostPathType('v', '/new', 'DirectoryOrCreate', ops);
    await checkHostPathType('v', '/new.txt', 'FileOrCreate', ops);
    expect(ops.made).toEqual(['dir /new', 'file /new.txt']);
  });

  it('NodeHostPaths tells types apart and creates dirs and empty files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kctl-hp-'));
    try {
      const ops = new NodeHostPaths();
      await writeFile(join(dir, 'f'), 'x');
      const sock = join(dir, 's.sock');
      const srv = createServer().listen(sock);
      await new Promise((r) => srv.once('listening', r));
      expect([await ops.fileType(dir), await ops.fileType(join(dir, 'f')), await ops.fileType(sock), await ops.fileType('/dev/null'), await ops.fileType(join(dir, 'no'))]).toEqual([
        'Directory',
        'File',
        'Socket',
        'CharDevice',
        undefined,
      ]);
      srv.close();
      await checkHostPathType('v', join(dir, 'a/b'), 'DirectoryOrCreate', ops);
      await checkHostPathType('v', join(dir, 'a/b/empty'), 'FileOrCreate', ops);
      expect((await stat(join(dir, 'a/b/empty'))).size).toBe(0);
      await expect(checkHostPathType('v', join(dir, 'none/x'), 'FileOrCreate', ops)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('setUpStorageVolumes: persistentVolumeClaim', () => {
  const pod = (claimName: string, readOnly = false): Pod & KubeObject =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u1' },
      spec: { containers: [], volumes: [{ name: 'data', persistentVolumeClaim: { claimName, readOnly } }] },
    }) as Pod & KubeObject;
  const claim = async (store: MemoryStore, name: string, volumeName?: string, phase = 'Bound') => {
    const c = await store.create<KubeObject>({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: volumeName ? { volumeName } : {} });
    await store.updateStatus({ ...c, status: { phase } });
  };

  it('mounts the Docker volume of a kctl.io/local PV, the path of a hostPath PV', async () => {
    const store = new MemoryStore();
    await claim(store, 'data', 'pvc-1');
    await store.create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1' }, spec: { csi: { driver: 'kctl.io/local', volumeHandle: 'kctl-pvc-1' } } } as KubeObject);
    await claim(store, 'host', 'disk');
    await store.create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'disk' }, spec: { hostPath: { path: '/srv/disk' } } } as KubeObject);
    const vols = podVolumes(pod('data'), '/h');
    await setUpStorageVolumes(store, pod('data'), vols, undefined);
    expect(vols[0]?.engine).toEqual({ type: 'volume', name: 'kctl-pvc-1' });
    const hv = podVolumes(pod('host'), '/h');
    await setUpStorageVolumes(store, pod('host'), hv, undefined);
    expect(hv[0]?.hostPath).toBe('/srv/disk');
  });

  it.each<[string, (s: MemoryStore) => Promise<void>, string]>([
    ['missing', async () => undefined, 'failed to fetch PVC from API server: persistentvolumeclaims "data" not found'],
    ['unbound', (s) => claim(s, 'data', undefined, 'Pending'), 'PVC default/data has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")'],
    ['PV gone', (s) => claim(s, 'data', 'pv9'), 'failed to fetch PV pv9 from API server: persistentvolumes "pv9" not found'],
  ])('refuses a claim %s (FailedMount)', async (_n, make, msg) => {
    const store = new MemoryStore();
    await make(store);
    await expect(setUpStorageVolumes(store, pod('data'), podVolumes(pod('data'), '/h'), undefined)).rejects.toThrow(
      `Unable to attach or mount volumes: unmounted volumes=[data]: error processing PVC default/data: ${msg}`,
    );
  });
});
