// CronJobs on the real Docker engine (issue 10): a `* * * * *` CronJob creates its Job at the next minute, named
// <cronjob>-<minutes since the epoch> with the scheduled-timestamp annotation; the Job runs to Complete and the
// CronJob records lastScheduleTime / lastSuccessfulTime; `get cronjobs` prints kubectl's columns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE } from '../helpers/e2e-cluster.js';
import { FileStore } from '../../src/store/file-store.js';
import type { KubeObject } from '../../src/api/types.js';

const haveDocker = await requireDocker();

type Obj = KubeObject & { status?: Record<string, unknown> & { conditions?: { type: string; status: string }[] } };

describe.runIf(haveDocker)('cronjobs on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('cronjobs');
  let store: FileStore;

  beforeAll(async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warm-up' }, data: { a: 'b' } });
    store = await FileStore.open(cluster.home);
  });

  afterAll(async () => {
    await store?.close();
    await cluster.dispose();
  });

  it('a * * * * * CronJob creates a Job at the next minute, which completes', async () => {
    await cluster.apply({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'Never',
                terminationGracePeriodSeconds: 1,
                containers: [{ name: 'main', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo tick'] }],
              },
            },
          },
        },
      },
    });
    const job = await cluster.waitFor('a Job of tick', async () => (await store.list('jobs', { namespace: 'default' })).items[0] as Obj | undefined, 75_000);
    const scheduled = job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    expect(scheduled).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect(job.metadata.name).toBe(`tick-${Date.parse(scheduled!) / 60_000}`);
    const cj = await cluster.waitFor('tick records the success', async () => {
      const c = (await store.tryGet({ resource: 'cronjobs', namespace: 'default', name: 'tick' })) as Obj | undefined;
      return c?.status?.lastSuccessfulTime ? c : undefined;
    }, 60_000);
    expect(cj.status!.lastScheduleTime).toBe(scheduled);
    const table = (await cluster.ok(['get', 'cronjobs'])).split('\n');
    expect(table[0]).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/);
    expect(table[1]).toMatch(/^tick\s+\* \* \* \* \*\s+<none>\s+False\s+[01]\s+\d+s\s+\d+s$/);
  }, 150_000);
});
