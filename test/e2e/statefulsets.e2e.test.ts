// StatefulSets on the real Docker engine through the built CLI (issue 6, "Behaviour that must hold"): OrderedReady
// makes web-0 before web-1 (web-1 only once web-0 is Ready), scale-down removes the highest ordinal first, and each
// ordinal keeps its own claim: data written by web-0 survives the pod's deletion, and 3 → 1 → 3 keeps every
// ordinal's data. One set, at most three pods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, condition, docker, sleep, type StoredPod } from '../helpers/e2e-cluster.js';
import { FileStore } from '../../src/store/file-store.js';
import type { KubeObject } from '../../src/api/types.js';

// CI: throws (the suite fails) when the engine or the test image is missing; elsewhere false (skips, saying why)
const haveDocker = await requireDocker();

/** `web`: httpd serving /data (the claim), Ready 2 s after start, so OrderedReady has a window to be watched in. */
function statefulSet(replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web' },
    spec: {
      replicas,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'web',
              image: TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'touch /data/index.html && exec httpd -f -p 80 -h /data'],
              ports: [{ containerPort: 80 }],
              readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 2, periodSeconds: 1 },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } }],
    },
  };
}

const isReady = (p: StoredPod | undefined): boolean => !!p && !p.metadata.deletionTimestamp && condition(p, 'Ready') === 'True';

describe.runIf(haveDocker)('statefulsets on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('sts');
  let store: FileStore;

  const pods = async (): Promise<Map<string, StoredPod>> =>
    new Map(((await store.list('pods', { namespace: 'default' })).items as unknown as StoredPod[]).filter((p) => p.metadata.labels?.app === 'web').map((p) => [p.metadata.name, p]));
  const claims = async (): Promise<string[]> => (await store.list('persistentvolumeclaims', { namespace: 'default' })).items.map((c) => c.metadata.name).sort();
  const readyNames = async (): Promise<string[]> => [...(await pods()).values()].filter(isReady).map((p) => p.metadata.name).sort();
  const waitReady = (names: string[], timeoutMs = 90_000) =>
    cluster.waitFor(`exactly ${names.join(', ')} ready`, async () => {
      const all = await pods();
      return all.size === names.length && names.every((n) => isReady(all.get(n))) ? all : undefined;
    }, timeoutMs);
  const exec = (pod: string, script: string) => cluster.ok(['exec', pod, '--', 'sh', '-c', script]);

  beforeAll(async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warm-up' }, data: { a: 'b' } });
    store = await FileStore.open(cluster.home);
  });

  afterAll(async () => {
    // claims are retained by design: delete them so the provisioner removes their Docker volumes
    await cluster.kctl(['delete', 'statefulset', 'web', '--wait=false']).catch(() => undefined);
    await cluster.kctl(['delete', 'pvc', '-l', 'app=web', '--wait=false']).catch(() => undefined);
    await store?.close();
    await cluster.dispose();
    const vols = await docker.listVolumes({ filters: { label: [`kctl.io/test-run=${cluster.runId}`] } }).catch(() => ({ Volumes: [] }));
    for (const v of vols.Volumes ?? []) await docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined);
  });

  it('OrderedReady: web-0 first, web-1 only once web-0 is Ready; each pod gets its claim, identity and hostname', async () => {
    // the governing headless Service: it gives each pod its stable DNS name
    await cluster.apply([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] } },
      statefulSet(2),
    ]);
    // until web-0 is Ready, web-1 must not exist
    let sawWeb0Unready = false;
    const web1 = await cluster.waitFor('web-1 to be created', async () => {
      const all = await pods();
      const w1 = all.get('web-1');
      if (!w1) {
        if (all.get('web-0') && !isReady(all.get('web-0'))) sawWeb0Unready = true;
        return undefined;
      }
      return { w1, w0: all.get('web-0') };
    }, 90_000);
    expect(sawWeb0Unready, 'web-0 was seen running but not Ready before web-1 existed').toBe(true);
    expect(isReady(web1.w0), 'web-0 Ready when web-1 appeared').toBe(true);
    const all = await waitReady(['web-0', 'web-1']);
    expect(all.get('web-1')!.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } }] });
    expect(await claims()).toEqual(['data-web-0', 'data-web-1']);
    expect((await exec('web-1', 'hostname')).trim()).toBe('web-1');
    const r = await cluster.kctl(['rollout', 'status', 'sts/web', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(r.stdout.trim().split('\n').at(-1)).toBe('partitioned roll out complete: 2 new pods have been updated...');
    const table = await cluster.ok(['get', 'sts']);
    expect(table).toMatch(/^NAME\s+READY\s+AGE\nweb\s+2\/2\s+\S+\n$/);
  });

  it('web-0 deleted: the new web-0 mounts the same claim and sees the data', async () => {
    await exec('web-0', 'echo ordinal-0 > /data/v');
    const before = (await pods()).get('web-0')!.metadata.uid;
    await cluster.ok(['delete', 'pod', 'web-0']);
    const all = await cluster.waitFor('a new web-0, Ready', async () => {
      const p = (await pods()).get('web-0');
      return p && p.metadata.uid !== before && isReady(p) ? p : undefined;
    }, 90_000);
    expect(all.metadata.name).toBe('web-0');
    expect((await exec('web-0', 'cat /data/v')).trim()).toBe('ordinal-0');
  });

  it('scale 2 → 3 → 1 removes the highest ordinal first, one at a time; → 3 again finds every ordinal\'s data', async () => {
    await cluster.ok(['scale', 'sts/web', '--replicas=3']);
    await waitReady(['web-0', 'web-1', 'web-2']);
    for (const i of [1, 2]) await exec(`web-${i}`, `echo ordinal-${i} > /data/v`);

    await cluster.ok(['scale', 'sts/web', '--replicas=1']);
    // web-1 must not start terminating while web-2 still exists
    for (const deadline = Date.now() + 60_000; ; ) {
      if (Date.now() > deadline) throw new Error(`scale down to 1 did not finish: ${[...(await pods()).keys()].join(', ')}\n${await cluster.diagnostics()}`);
      const all = await pods();
      const w1 = all.get('web-1');
      const w1Going = !w1 || !!w1.metadata.deletionTimestamp;
      if (w1Going) expect(all.has('web-2'), 'web-2 still exists while web-1 terminates').toBe(false);
      if (!w1 && !all.has('web-2')) break;
      await sleep(50);
    }
    expect(await readyNames()).toEqual(['web-0']);
    expect(await claims()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);

    await cluster.ok(['scale', 'sts/web', '--replicas=3']);
    await waitReady(['web-0', 'web-1', 'web-2']);
    for (const i of [0, 1, 2]) expect((await exec(`web-${i}`, 'cat /data/v')).trim()).toBe(`ordinal-${i}`);
    // stable names from inside the pods: each ordinal reaches the others by web-N.web[.default.svc.cluster.local]
    expect((await exec('web-0', 'wget -qO- http://web-2.web.default.svc.cluster.local/v')).trim()).toBe('ordinal-2');
    expect((await exec('web-2', 'wget -qO- http://web-1.web/v')).trim()).toBe('ordinal-1');
    // and the headless Service's own name reaches a ready pod of the set
    expect(['ordinal-0', 'ordinal-1', 'ordinal-2']).toContain((await exec('web-0', 'wget -qO- http://web.default.svc.cluster.local/v')).trim());
    const sts = (await store.get({ resource: 'statefulsets', namespace: 'default', name: 'web' })) as KubeObject & { status?: Record<string, unknown> };
    expect(sts.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
  });
});
