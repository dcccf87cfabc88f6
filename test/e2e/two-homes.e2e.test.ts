// Two $KCTL_HOMEs on one Docker engine: each controller sees and cleans up only its own pods' containers
// (label kctl.io/cluster), so one never kills the other's as "orphans".
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, condition, containerIdOf, podManifest, sleep } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();

const sleeper = (name: string) =>
  podManifest(name, { containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] });

describe.runIf(haveDocker)('two kctl homes on one engine', () => {
  const a = E2eCluster.create('home-a');
  const b = E2eCluster.create('home-b');
  // the same test-run label on both, so only the cluster label can keep them apart
  b.env.KCTL_TEST_RUN = a.runId;
  afterAll(async () => {
    await b.dispose();
    await a.dispose();
  });

  it('leaves the other home’s containers alone', async () => {
    await a.apply(sleeper('mine'));
    const first = await a.waitForPod('mine', 'Ready', (p) => condition(p, 'Ready') === 'True');
    await b.apply(sleeper('theirs'));
    await b.waitForPod('theirs', 'Ready', (p) => condition(p, 'Ready') === 'True');
    // let both controllers resync (KCTL_RESYNC_PERIOD_MS=5000 in the e2e env) and run their orphan clean-up
    await sleep(11_000);
    const mine = (await a.pod('mine'))!;
    expect(containerIdOf(mine, 'app')).toBe(containerIdOf(first, 'app'));
    expect(mine.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(condition(await b.pod('theirs'), 'Ready')).toBe('True');
    const labels = (await a.containers(mine.metadata.uid)).map((c) => c.Labels['kctl.io/cluster']);
    expect(new Set(labels).size).toBe(1);
    expect(labels[0]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
