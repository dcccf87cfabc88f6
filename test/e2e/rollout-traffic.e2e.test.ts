// Traffic during rollouts, on the real engine through 127.0.0.1:<nodePort>:
// - zero downtime: a load generator runs while `kctl set image` rolls a Deployment (readiness probe on) and
//   `kctl rollout undo` rolls it back; not one request fails (new pods get traffic only once ready; old ones
//   leave every proxy's rotation and drain before SIGTERM);
// - canary: a stable and a canary Deployment behind one Service share traffic in proportion to ready pods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { get, load, type Sample } from '../helpers/http-load.js';
import { E2eCluster, TEST_IMAGE, dockerCli } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();
const IMAGE_V2 = 'kctl-test/busybox:rollout-v2';

function deployment(name: string, replicas: number, labels: Record<string, string>, page: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'httpd',
              image: TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', `echo ${page} > /www/index.html && exec httpd -f -p 80 -h /www`],
              ports: [{ name: 'http', containerPort: 80 }],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
            },
          ],
        },
      },
    },
  };
}

function nodePortService(name: string, selector: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector, ports: [{ port: 80, targetPort: 'http' }] } };
}

describe.runIf(haveDocker)('traffic during rollouts (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('rollout-traffic');

  beforeAll(async () => {
    // a second tag of the test image: a new image reference for the rollout, no registry needed
    expect((await dockerCli(['tag', TEST_IMAGE, IMAGE_V2])).code).toBe(0);
  });
  afterAll(async () => {
    await cluster.dispose();
    await dockerCli(['rmi', IMAGE_V2]);
  });

  async function nodePortOf(svc: string): Promise<number> {
    return cluster.waitFor(`${svc} to get a nodePort`, async () => {
      const s = JSON.parse(await cluster.ok(['get', 'svc', svc, '-o', 'json'])) as { spec: { ports: { nodePort?: number }[] } };
      return s.spec.ports[0]?.nodePort;
    });
  }

  it('set image and rollout undo under load: zero failed requests', async () => {
    await cluster.apply([deployment('zd', 3, { app: 'zd' }, 'v1'), nodePortService('zd', { app: 'zd' })]);
    await cluster.ok(['rollout', 'status', 'deploy/zd', '--timeout=120s']);
    const port = await nodePortOf('zd');
    await cluster.waitFor('the Service to answer', async () => (await get(port).catch(() => '')) === 'v1' || undefined);

    let stop = false;
    const running = load(port, { maxMs: 240_000, gapMs: 5, until: () => stop });
    try {
      await cluster.ok(['set', 'image', 'deploy/zd', `httpd=${IMAGE_V2}`]);
      await cluster.ok(['rollout', 'status', 'deploy/zd', '--timeout=120s']);
      await cluster.ok(['rollout', 'undo', 'deploy/zd']);
      await cluster.ok(['rollout', 'status', 'deploy/zd', '--timeout=120s']);
      // the last old pods are on their way out: keep the load on until they are gone
      await cluster.waitFor('only the three rolled-back pods', async () => {
        const pods = JSON.parse(await cluster.ok(['get', 'pods', '-l', 'app=zd', '-o', 'json'])) as { items: unknown[] };
        return pods.items.length === 3 || undefined;
      }, 60_000);
    } finally {
      stop = true;
    }
    const samples: Sample[] = await running;
    const failed = samples.filter((s) => s.error);
    console.log(`[rollout-traffic e2e] ${samples.length} requests during set image + undo, ${failed.length} failed`);
    expect(samples.length).toBeGreaterThan(200);
    expect(failed).toEqual([]);
    // two rollouts happened: the revision history has three entries (1, the image, the undo as 3)
    const history = await cluster.ok(['rollout', 'history', 'deploy/zd']);
    expect(history).toMatch(/^2\s/m);
    expect(history).toMatch(/^3\s/m);
    const images = await cluster.ok(['get', 'deploy', 'zd', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(images).toBe(TEST_IMAGE);
  });

  it('canary: a stable and a canary Deployment behind one Service share traffic by ready pods (3:1)', async () => {
    await cluster.apply([
      deployment('stable', 3, { app: 'cn', track: 'stable' }, 'stable'),
      deployment('canary', 1, { app: 'cn', track: 'canary' }, 'canary'),
      nodePortService('cn', { app: 'cn' }),
    ]);
    await cluster.ok(['rollout', 'status', 'deploy/stable', '--timeout=120s']);
    await cluster.ok(['rollout', 'status', 'deploy/canary', '--timeout=120s']);
    const port = await nodePortOf('cn');
    const ready = async (): Promise<number> => (await cluster.ok(['get', 'endpoints', 'cn', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).split(' ').filter(Boolean).length;
    await cluster.waitFor('four ready endpoints', async () => (await ready()) === 4 || undefined, 30_000);
    const samples = await load(port, { count: 400, maxMs: 60_000 });
    expect(samples.filter((s) => s.error)).toEqual([]);
    const canary = samples.filter((s) => s.body === 'canary').length;
    console.log(`[rollout-traffic e2e] canary share: ${canary}/400`);
    expect(canary).toBeGreaterThanOrEqual(70);
    expect(canary).toBeLessThanOrEqual(130);
  });
});
