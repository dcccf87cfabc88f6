// configMap / secret / projected / downwardAPI volumes in the kubelet: live re-sync, waiting for a missing
// object (watch-driven), tmpfs placement of secret volumes. The AtomicWriter itself: atomic-writer.test.ts.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import type { ContainerConfig } from '../../../src/runtime/runtime.js';
import type { WatchEvent } from '../../../src/store/store.js';
import { containerStatus, createPod, getPod, KEY, pass, setup, type Harness } from './harness.js';

const SHM = '/shm/kctl-test';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const secret = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  type: 'Opaque',
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});
const ev = (type: WatchEvent<KubeObject>['type'], object: KubeObject): WatchEvent<KubeObject> => ({ type, object, revision: 1 });

async function updateCm(h: Harness, name: string, data: Record<string, string>): Promise<KubeObject> {
  const cur = await h.store.get<KubeObject>({ resource: 'configmaps', namespace: 'default', name });
  return h.store.update({ ...cur, data });
}

const files = (h: Harness, dir: string): Record<string, string> =>
  Object.fromEntries((h.volumes.payloads.get(dir) ?? []).map((f) => [f.path, f.data]));

describe('Kubelet: configMap/secret volumes follow their objects', () => {
  it('a ConfigMap change re-writes the mounted files of the running pod, without a restart', async () => {
    const h = setup({ config: { secretVolumeDir: SHM } });
    const obj = await h.store.create(cm('cfg', { key: 'v1' }));
    const pod = await createPod(h, {
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
    });
    const dir = `/kctl/pods/${pod.metadata!.uid}/volumes/cfg`;
    expect(h.kubelet.keysFor(ev('ADDED', pod as unknown as KubeObject))).toEqual([KEY]);
    await pass(h);
    expect(files(h, dir)).toEqual({ key: 'v1' });
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();

    // the watch maps the ConfigMap to the pods that reference it
    const updated = await updateCm(h, 'cfg', { key: 'v2', other: 'x' });
    expect(h.kubelet.keysFor(ev('MODIFIED', updated))).toEqual([KEY]);
    expect(h.kubelet.keysFor(ev('MODIFIED', { ...obj, metadata: { ...obj.metadata, name: 'unrelated' } }))).toEqual([]);
    await pass(h);
    expect(files(h, dir)).toEqual({ key: 'v2', other: 'x' });
    expect(h.runtime.callsTo('createContainer')).toHaveLength(1);
    expect(h.runtime.callsTo('stopContainer')).toHaveLength(0);

    // level-triggered: a second pass writes nothing
    const before = JSON.stringify([...h.volumes.payloads]);
    const writes = h.runtime.calls.length;
    await pass(h);
    expect(JSON.stringify([...h.volumes.payloads])).toBe(before);
    expect(h.runtime.calls.slice(writes).filter((c) => c.method.startsWith('create') || c.method.startsWith('start'))).toEqual([]);
  });

  it('keeps the last files and shows one FailedMount when the ConfigMap goes away', async () => {
    const h = setup();
    await h.store.create(cm('cfg', { key: 'v1' }));
    const pod = await createPod(h, {
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
    });
    await pass(h);
    await h.store.delete({ resource: 'configmaps', namespace: 'default', name: 'cfg' });
    await pass(h);
    await pass(h);
    expect(files(h, `/kctl/pods/${pod.metadata!.uid}/volumes/cfg`)).toEqual({ key: 'v1' });
    expect(h.events.messages('FailedMount')).toEqual(['MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found']);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
  });

  it('downwardAPI and projected volumes: fields, labels (updated live), items and modes, on tmpfs', async () => {
    const h = setup({ config: { secretVolumeDir: SHM } });
    await h.store.create(cm('cfg', { a: 'A', b: 'B' }));
    await h.store.create(secret('creds', { user: 'admin', pass: 's3cr3t' }));
    await h.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
      spec: {
        nodeName: 'node1',
        volumes: [
          {
            name: 'info',
            downwardAPI: {
              items: [
                { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
                { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                { path: 'app', fieldRef: { fieldPath: "metadata.labels['app']" }, mode: 0o600 },
                { path: 'mem', resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } },
              ],
            },
          },
          {
            name: 'all',
            projected: {
              defaultMode: 0o440,
              sources: [
                { configMap: { name: 'cfg', items: [{ key: 'a', path: 'conf/a' }] } },
                { secret: { name: 'creds', items: [{ key: 'pass', path: 'db/pass', mode: 0o400 }] } },
                { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
                { secret: { name: 'absent', optional: true } },
              ],
            },
          },
        ],
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            resources: { limits: { memory: '64Mi' } },
            volumeMounts: [
              { name: 'info', mountPath: '/info' },
              { name: 'all', mountPath: '/all' },
            ],
          },
        ],
      },
    });
    const pod = await getPod(h);
    const uid = pod.metadata!.uid!;
    await pass(h);
    expect(h.volumes.payloads.get(`${SHM}/${uid}/info`)).toEqual([
      { path: 'name', data: 'web', mode: 0o644 },
      { path: 'labels', data: 'app="web"\ntier="front"', mode: 0o644 },
      { path: 'app', data: 'web', mode: 0o600 },
      { path: 'mem', data: '64', mode: 0o644 },
    ]);
    expect(h.volumes.payloads.get(`${SHM}/${uid}/all`)).toEqual([
      { path: 'conf/a', data: 'A', mode: 0o440 },
      { path: 'db/pass', data: 's3cr3t', mode: 0o400 },
      { path: 'ns', data: 'default', mode: 0o440 },
    ]);
    // the tmpfs root and the pod's directory are closed to other users; the volume dir is what containers need
    expect(h.volumes.dirs.get(SHM)).toBe(0o700);
    expect(h.volumes.dirs.get(`${SHM}/${uid}`)).toBe(0o700);
    expect(h.volumes.dirs.get(`${SHM}/${uid}/all`)).toBe(0o755);
    const cfg = h.runtime.callsTo('createContainer')[0]![1] as ContainerConfig;
    expect(cfg.volumes).toEqual({ info: `${SHM}/${uid}/info`, all: `${SHM}/${uid}/all` });
    expect(cfg.container.volumeMounts?.map((m) => m.readOnly)).toEqual([true, true]);

    // a label change reaches the file (the pod's MODIFIED event enqueues it)
    const cur = await h.store.get<KubeObject>({ resource: 'pods', namespace: 'default', name: 'web' });
    const next = await h.store.update({ ...cur, metadata: { ...cur.metadata, labels: { app: 'web', tier: 'back' } } });
    expect(h.kubelet.keysFor(ev('MODIFIED', next))).toEqual([KEY]);
    await pass(h);
    expect(h.volumes.payloads.get(`${SHM}/${uid}/info`)?.[1]).toEqual({ path: 'labels', data: 'app="web"\ntier="back"', mode: 0o644 });

    // the secret's change too; and its directory goes with the pod
    const s = await h.store.get<KubeObject>({ resource: 'secrets', namespace: 'default', name: 'creds' });
    const s2 = await h.store.update({ ...s, data: { user: b64('admin'), pass: b64('n3w') } });
    expect(h.kubelet.keysFor(ev('MODIFIED', s2))).toEqual([KEY]);
    await pass(h);
    expect(h.volumes.payloads.get(`${SHM}/${uid}/all`)?.[1]?.data).toBe('n3w');
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' }, { gracePeriodSeconds: 0 });
    await pass(h);
    await pass(h);
    expect(h.volumes.removed).toContain(`${SHM}/${uid}`);
    // no secret value in any event
    expect(JSON.stringify(h.events.events)).not.toContain('s3cr3t');
  });
});

describe('Kubelet: a missing ConfigMap/Secret keeps the pod waiting until it appears', () => {
  it('a volume: FailedMount and ContainerCreating; the object appears, its watch event starts the pod', async () => {
    const h = setup();
    await createPod(h, {
      volumes: [{ name: 'cfg', configMap: { name: 'x' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
    });
    // the watch delivers the pod first: the kubelet learns what it references
    expect(h.kubelet.keysFor(ev('ADDED', (await getPod(h)) as unknown as KubeObject))).toEqual([KEY]);
    await pass(h);
    expect(h.events.messages('FailedMount')).toEqual(['MountVolume.SetUp failed for volume "cfg" : configmap "x" not found']);
    expect(containerStatus(await getPod(h))?.state?.waiting?.reason).toBe('ContainerCreating');
    const created = await h.store.create(cm('x', { key: 'v' }));
    expect(h.kubelet.keysFor(ev('ADDED', created))).toEqual([KEY]);
    await pass(h);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
  });

  it('env and envFrom: CreateContainerConfigError with upstream messages; a Secret appearing starts it', async () => {
    const h = setup();
    await createPod(h, {
      containers: [{ name: 'web', image: 'nginx:1.25', envFrom: [{ secretRef: { name: 'creds' } }, { configMapRef: { name: 'opt', optional: true } }] }],
    });
    expect(h.kubelet.keysFor(ev('ADDED', (await getPod(h)) as unknown as KubeObject))).toEqual([KEY]);
    await pass(h);
    expect(containerStatus(await getPod(h))?.state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "creds" not found' });
    const s = await h.store.create(secret('creds', { TOKEN: 'abc' }));
    // the optional ConfigMap is still absent: it does not block
    expect(h.kubelet.keysFor(ev('ADDED', s))).toEqual([KEY]);
    await pass(h);
    const st = containerStatus(await getPod(h));
    expect(st?.state?.running).toBeDefined();
  });

  it('optional volumes do not block: an empty directory', async () => {
    const h = setup();
    const pod = await createPod(h, {
      volumes: [{ name: 'cfg', configMap: { name: 'x', optional: true } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
    });
    await pass(h);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
    expect(h.volumes.payloads.get(`/kctl/pods/${pod.metadata!.uid}/volumes/cfg`)).toEqual([]);
  });
});
