import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { isInBackOffSince, isInBackOffSinceUpdate, nextBackoff } from '../../../src/kubelet/backoff.js';
import { defaultImagePullPolicy, goDuration, hashContainer, podGraceSeconds } from '../../../src/kubelet/helpers.js';
import { NodeVolumeHost } from '../../../src/kubelet/volume-host.js';
import { containerMounts, podVolumes } from '../../../src/kubelet/volumes.js';
import { volumePayload, type ProjectionSources } from '../../../src/kubelet/projection.js';

describe('helpers', () => {
  it.each([
    [10_000, '10s'],
    [59_000, '59s'],
    [80_000, '1m20s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
  ])('goDuration(%i) = %s', (ms, want) => {
    expect(goDuration(ms)).toBe(want);
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123', 'IfNotPresent'],
  ])('defaultImagePullPolicy(%s) = %s', (image, want) => {
    expect(defaultImagePullPolicy(image)).toBe(want);
  });

  it('hashContainer changes with the spec (not with resources or key order)', () => {
    const a = hashContainer({ name: 'web', image: 'nginx:1.25', args: ['a'] });
    expect(hashContainer({ args: ['a'], image: 'nginx:1.25', name: 'web' })).toBe(a);
    expect(hashContainer({ name: 'web', image: 'nginx:1.25', args: ['a'], resources: { limits: { cpu: '1' } } })).toBe(a);
    expect(hashContainer({ name: 'web', image: 'nginx:1.26', args: ['a'] })).not.toBe(a);
  });

  it.each<[string, Pod, number]>([
    ['default', { spec: { containers: [] } }, 30],
    ['spec', { spec: { containers: [], terminationGracePeriodSeconds: 5 } }, 5],
    ['deletion', { metadata: { deletionTimestamp: 'x', deletionGracePeriodSeconds: 1 }, spec: { containers: [], terminationGracePeriodSeconds: 5 } }, 1],
  ])('podGraceSeconds: %s', (_n, p, want) => {
    expect(podGraceSeconds(p)).toBe(want);
  });
});

describe('back-off', () => {
  const p = { baseMs: 10_000, maxMs: 300_000 };
  it('starts at the base, doubles to the cap, starts over when stable for twice the cap', () => {
    let e = nextBackoff(undefined, 0, 0, p);
    const seen = [e.durationMs];
    for (let i = 0; i < 7; i++) seen.push((e = nextBackoff(e, 0, 0, p)).durationMs);
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(nextBackoff({ durationMs: 300_000, lastUpdateMs: 0 }, 600_001, 600_001, p).durationMs).toBe(10_000);
  });
  it('is in back-off since an event / since the last bump', () => {
    const e = { durationMs: 10_000, lastUpdateMs: 1_000 };
    expect(isInBackOffSince(e, 5_000, 14_999)).toBe(true);
    expect(isInBackOffSince(e, 5_000, 15_000)).toBe(false);
    expect(isInBackOffSince(undefined, 5_000, 5_000)).toBe(false);
    expect(isInBackOffSinceUpdate(e, 10_999)).toBe(true);
    expect(isInBackOffSinceUpdate(e, 11_000)).toBe(false);
  });
});

describe('volumes', () => {
  const pod: Pod = {
    metadata: { uid: 'u1' },
    spec: {
      containers: [],
      volumes: [
        { name: 'cache', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'conf/a.txt', mode: 0o600 }] } },
        { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
        { name: 'host', hostPath: { path: '/srv/data' } },
        { name: 'pvc', persistentVolumeClaim: { claimName: 'x' } },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'nfs', nfs: { server: 'nas', path: '/export' } },
      ],
    },
  };
  it('backs each volume type', () => {
    expect(podVolumes(pod, '/home/k').map((v) => [v.name, v.kind, v.hostPath ?? v.engine ?? v.reason])).toEqual([
      ['cache', 'emptyDir', '/home/k/pods/u1/volumes/cache'],
      ['cfg', 'configMap', '/home/k/pods/u1/volumes/cfg'],
      ['sec', 'secret', '/home/k/pods/u1/volumes/sec'],
      ['host', 'hostPath', '/srv/data'],
      ['pvc', 'persistentVolumeClaim', undefined], // resolved by storage-volumes.ts
      ['mem', 'emptyDir', { type: 'tmpfs', name: 'kctl-mem-u1-mem' }],
      ['nfs', 'unsupported', 'nfs volumes are not supported by kctl'],
    ]);
    expect(podVolumes(pod, '/home/k').find((v) => v.name === 'mem')!.tmpfsSizeBytes).toBe(64 * 2 ** 20);
    expect(podVolumes(pod, undefined)[0]).toMatchObject({ kind: 'unsupported', reason: 'emptyDir volumes need a kctl data directory' });
  });

  it('projects ConfigMap items and Secret keys as files', () => {
    const [, cfg, sec] = pod.spec!.volumes!;
    const src = (configMaps: ProjectionSources['configMaps'], secrets: ProjectionSources['secrets'] = {}): ProjectionSources => ({
      configMaps,
      secrets,
      nodeAllocatable: { cpu: 1, memory: 1 },
    });
    const f = volumePayload(pod, cfg!, src({ cfg: { data: { a: 'A', b: 'B' } } }));
    expect(f.map((x) => [x.path, Buffer.from(x.data).toString(), x.mode])).toEqual([['conf/a.txt', 'A', 0o600]]);
    const s = volumePayload(pod, sec!, src({}, { s: { data: { token: Buffer.from('t0k').toString('base64') } } }));
    expect(s.map((x) => [x.path, Buffer.from(x.data).toString(), x.mode])).toEqual([['token', 't0k', 0o400]]);
    expect(() => volumePayload(pod, cfg!, src({ cfg: null }))).toThrow('MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found');
    expect(() => volumePayload(pod, cfg!, src({ cfg: { data: {} } }))).toThrow(
      'MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: a',
    );
    const evil = { name: 'e', configMap: { name: 'e', items: [{ key: 'a', path: '../x' }] } };
    expect(() => volumePayload(pod, evil, src({ e: { data: { a: '1' } } }))).toThrow(/must be relative/);
  });

  it('mounts: host paths per mount, configMap/secret read-only, unsupported refused', () => {
    const vols = podVolumes(pod, '/h');
    const m = containerMounts({ name: 'c', volumeMounts: [{ name: 'cache', mountPath: '/c' }, { name: 'cfg', mountPath: '/cfg' }] }, vols);
    expect(m.volumes).toEqual({ cache: '/h/pods/u1/volumes/cache', cfg: '/h/pods/u1/volumes/cfg' });
    expect(m.container.volumeMounts?.map((x) => x.readOnly)).toEqual([undefined, true]);
    expect(() => containerMounts({ name: 'c', volumeMounts: [{ name: 'nfs', mountPath: '/p' }] }, vols)).toThrow(
      'volume "nfs": nfs volumes are not supported by kctl',
    );
    expect(containerMounts({ name: 'c', volumeMounts: [{ name: 'mem', mountPath: '/m' }] }, vols)).toMatchObject({
      volumes: {},
      engineVolumes: { mem: { type: 'tmpfs', name: 'kctl-mem-u1-mem' } },
    });
  });

  it('NodeVolumeHost makes 0777 dirs, writes files atomically with their mode, removes trees', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kctl-vol-'));
    try {
      const h = new NodeVolumeHost();
      await h.ensureDir(join(dir, 'pods/u/volumes/cache'), 0o777);
      expect((await stat(join(dir, 'pods/u/volumes/cache'))).mode & 0o777).toBe(0o777);
      await h.writeFile(join(dir, 'pods/u/volumes/cfg/a/b.txt'), Buffer.from('hello'), 0o640);
      expect(await readFile(join(dir, 'pods/u/volumes/cfg/a/b.txt'), 'utf8')).toBe('hello');
      expect((await stat(join(dir, 'pods/u/volumes/cfg/a/b.txt'))).mode & 0o777).toBe(0o640);
      await h.removeAll(join(dir, 'pods/u'));
      await expect(stat(join(dir, 'pods/u'))).rejects.toThrow();
      await h.removeAll(join(dir, 'pods/none'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
