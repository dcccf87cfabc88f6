// Jobs on the real Docker engine through the built CLI (issue 10): a 4-completion, parallelism-2 Job never runs
// more than 2 pods and ends Complete 4/4 (`get jobs` columns, `wait --for=condition=complete`, `logs job/x`); an
// Indexed Job's pods print their indices; a failing Job with backoffLimit 1 ends Failed/BackoffLimitExceeded with
// status.failed 2; activeDeadlineSeconds kills a sleeping pod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, type StoredPod } from '../helpers/e2e-cluster.js';
import { FileStore } from '../../src/store/file-store.js';
import type { KubeObject } from '../../src/api/types.js';

const haveDocker = await requireDocker();

type JobObj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason?: string }[] } };

function job(name: string, spec: Record<string, unknown>, script: string): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] }],
        },
      },
    },
  };
}

const conds = (j: JobObj | undefined): string[] => (j?.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => `${c.type}:${c.reason ?? ''}`);

describe.runIf(haveDocker)('jobs on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('jobs', { KCTL_JOB_BACKOFF_BASE_MS: '500', KCTL_JOB_BACKOFF_MAX_MS: '2000' });
  let store: FileStore;
  const getJob = async (name: string): Promise<JobObj | undefined> => (await store.tryGet({ resource: 'jobs', namespace: 'default', name })) as JobObj | undefined;
  const jobPods = async (name: string): Promise<StoredPod[]> =>
    ((await store.list('pods', { namespace: 'default' })).items as unknown as StoredPod[]).filter((p) => p.metadata.labels?.['job-name'] === name);

  beforeAll(async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warm-up' }, data: { a: 'b' } });
    store = await FileStore.open(cluster.home);
  });

  afterAll(async () => {
    await store?.close();
    await cluster.dispose();
  });

  it('runs 4 completions 2 at a time to Complete; get jobs, wait and logs as kubectl', async () => {
    await cluster.apply(job('count', { completions: 4, parallelism: 2 }, 'echo done-$HOSTNAME; sleep 1'));
    let maxActive = 0;
    const done = await cluster.waitFor('job count Complete', async () => {
      const running = (await jobPods('count')).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      maxActive = Math.max(maxActive, running.length);
      const j = await getJob('count');
      return conds(j).includes('Complete:CompletionsReached') ? j : undefined;
    }, 90_000);
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(maxActive).toBeGreaterThan(0);
    expect(done.status).toMatchObject({ succeeded: 4, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(conds(done)).toEqual(['SuccessCriteriaMet:CompletionsReached', 'Complete:CompletionsReached']);
    expect(done.status!.completionTime).toBeDefined();
    const pods = await jobPods('count');
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.status?.phase === 'Succeeded' && !p.metadata.finalizers)).toBe(true);

    const wait = await cluster.kctl(['wait', '--for=condition=complete', 'job/count', '--timeout=10s']);
    expect(wait).toMatchObject({ code: 0, stdout: 'job.batch/count condition met\n' });
    const table = (await cluster.ok(['get', 'jobs'])).split('\n');
    expect(table[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(table[1]).toMatch(/^count\s+Complete\s+4\/4\s+\d+s\s+\d+s$/);
    const logs = await cluster.ok(['logs', 'job/count']);
    expect(logs).toMatch(/^done-count-[a-z0-9]{5}\n$/);
    const rows = await cluster.podRows();
    expect(rows.filter((r) => r.name.startsWith('count-')).map((r) => r.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
  });

  it("an Indexed Job's pods print their indices 0..2; completedIndexes 0-2", async () => {
    await cluster.apply(job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }, 'echo index=$JOB_COMPLETION_INDEX host=$(hostname)'));
    const j = await cluster.waitFor('job idx Complete', async () => {
      const x = await getJob('idx');
      return conds(x).includes('Complete:CompletionsReached') ? x : undefined;
    }, 90_000);
    expect(j.status!.completedIndexes).toBe('0-2');
    const out: string[] = [];
    for (const p of await jobPods('idx')) out.push((await cluster.ok(['logs', p.metadata.name])).trim());
    expect(out.sort()).toEqual(['index=0 host=idx-0', 'index=1 host=idx-1', 'index=2 host=idx-2']);
  });

  it('a failing Job with backoffLimit 1 ends Failed/BackoffLimitExceeded with status.failed 2', async () => {
    await cluster.apply(job('fail', { backoffLimit: 1 }, 'exit 3'));
    const j = await cluster.waitFor('job fail Failed', async () => {
      const x = await getJob('fail');
      return conds(x).includes('Failed:BackoffLimitExceeded') ? x : undefined;
    }, 90_000);
    expect(conds(j)).toEqual(['FailureTarget:BackoffLimitExceeded', 'Failed:BackoffLimitExceeded']);
    expect(j.status!.failed).toBe(2);
    const wait = await cluster.kctl(['wait', '--for=condition=failed', 'job/fail', '--timeout=10s']);
    expect(wait).toMatchObject({ code: 0, stdout: 'job.batch/fail condition met\n' });
    expect((await cluster.ok(['get', 'job', 'fail'])).split('\n')[1]).toMatch(/^fail\s+Failed\s+0\/1\s+\d+s\s+\d+s$/);
    const rows = (await cluster.podRows()).filter((r) => r.name.startsWith('fail-'));
    expect(rows.map((r) => r.status)).toEqual(['Error', 'Error']);
  });

  it('activeDeadlineSeconds terminates a sleeping pod (DeadlineExceeded)', async () => {
    await cluster.apply(job('deadline', { activeDeadlineSeconds: 3 }, 'sleep 300'));
    const j = await cluster.waitFor('job deadline Failed', async () => {
      const x = await getJob('deadline');
      return conds(x).includes('Failed:DeadlineExceeded') ? x : undefined;
    }, 60_000);
    expect(j.status!.failed).toBe(1);
    await cluster.waitFor('the pod and its container gone', async () => (await jobPods('deadline')).length === 0 && (await cluster.containers()).every((c) => !c.Labels['kctl.io/pod-name']?.startsWith('deadline-') || c.State !== 'running'), 30_000);
  });
});
