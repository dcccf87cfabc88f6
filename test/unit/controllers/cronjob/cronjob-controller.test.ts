import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { CronJobController, type CronJobObj } from '../../../../src/controllers/cronjob/cronjob-controller.js';
import type { KubeObject } from '../../../../src/api/types.js';

const KEY = 'cronjobs/default/hello';
type JobObj = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

function cronJob(spec: Record<string, unknown> = {}): CronJobObj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  } as CronJobObj;
}

function setup(start = '2026-01-01T00:00:30Z') {
  const clock = new FakeClock(start);
  const store = new MemoryStore({ clock });
  const cc = new CronJobController({ store, clock, events: new EventRecorder({ store, clock, component: 'cronjob-controller' }) });
  const jobs = async (): Promise<JobObj[]> => (await store.list<JobObj>('jobs', { namespace: 'default' })).items;
  const cj = (): Promise<CronJobObj> => store.get<CronJobObj>({ resource: 'cronjobs', namespace: 'default', name: 'hello' });
  const events = async (): Promise<string[]> => (await store.list<CoreEvent>('events')).items.map((e) => `${e.reason}: ${e.message}`);
  const finish = async (name: string, type: 'Complete' | 'Failed', at: string, startTime = at) => {
    const j = await store.get<JobObj>({ resource: 'jobs', namespace: 'default', name });
    await store.updateStatus({ ...j, status: { startTime, conditions: [{ type, status: 'True', lastTransitionTime: at }], ...(type === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }) } });
  };
  const writes = async (fn: () => Promise<unknown>) => {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  };
  return { clock, store, cc, jobs, cj, events, finish, writes };
}

const minute = (iso: string): number => Date.parse(iso) / 60_000;

describe('CronJobController', () => {
  it('sleeps until the next schedule, then creates the Job named after the scheduled minute', async () => {
    const h = setup();
    await h.store.create(cronJob());
    expect(await h.cc.reconcile(KEY)).toEqual({ requeueAfterMs: 30_100 });
    expect(await h.jobs()).toHaveLength(0);
    h.clock.advance(30_100);
    expect(await h.cc.reconcile(KEY)).toEqual({ requeueAfterMs: 60_000 });
    const [j] = await h.jobs();
    const cj = await h.cj();
    expect(j!.metadata.name).toBe(`hello-${minute('2026-01-01T00:01:00Z')}`);
    expect(j!.metadata.labels).toMatchObject({ team: 'a' });
    expect(j!.metadata.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:01:00Z' });
    expect(j!.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(cj.status).toEqual({
      lastScheduleTime: '2026-01-01T00:01:00Z',
      active: [{ kind: 'Job', namespace: 'default', name: j!.metadata.name, uid: j!.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j!.metadata.resourceVersion }],
    });
    expect(await h.events()).toContain(`SuccessfulCreate: Created job ${j!.metadata.name}`);
    expect(await h.writes(() => h.cc.reconcile(KEY))).toBe(0);
  });

  it('records a finished Job: off the active list, lastSuccessfulTime', async () => {
    const h = setup('2026-01-01T00:01:00.200Z');
    await h.store.create({ ...cronJob(), metadata: { ...cronJob().metadata } });
    // created at :01.2 — the first schedule is 00:02
    h.clock.advance(60_000);
    await h.cc.reconcile(KEY);
    const [j] = await h.jobs();
    await h.finish(j!.metadata.name, 'Complete', '2026-01-01T00:02:10Z');
    await h.cc.reconcile(KEY);
    const st = (await h.cj()).status!;
    expect(st.active).toBeUndefined();
    expect(st.lastSuccessfulTime).toBe('2026-01-01T00:02:10Z');
    expect(await h.events()).toContain(`SawCompletedJob: Saw completed job: ${j!.metadata.name}, condition: Complete`);
  });

  it('Forbid skips a run while one is active; Replace deletes the active one', async () => {
    const h = setup();
    await h.store.create(cronJob({ concurrencyPolicy: 'Forbid' }));
    h.clock.advance(30_100);
    await h.cc.reconcile(KEY);
    h.clock.advance(60_000);
    await h.cc.reconcile(KEY);
    expect(await h.jobs()).toHaveLength(1);
    expect(await h.events()).toContain('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid');
    const cj = await h.cj();
    await h.store.update({ ...cj, spec: { ...cj.spec!, concurrencyPolicy: 'Replace' } });
    h.clock.advance(60_000);
    await h.cc.reconcile(KEY);
    const names = (await h.jobs()).filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata.name);
    expect(names).toEqual([`hello-${minute('2026-01-01T00:03:00Z')}`]);
    expect((await h.cj()).status!.active!.map((a) => a.name)).toEqual(names);
  });

  it('after an outage runs only the most recent missed schedule, with TooManyMissedTimes past 100', async () => {
    const h = setup('2026-01-01T00:00:00Z');
    await h.store.create(cronJob());
    h.clock.advance(3 * 3_600_000 + 5_000); // 180 schedules missed
    await h.cc.reconcile(KEY);
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.metadata.name)).toEqual([`hello-${minute('2026-01-01T03:00:00Z')}`]);
    expect(await h.events()).toContain('TooManyMissedTimes: too many missed start times: 180. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  });

  it('startingDeadlineSeconds: a schedule missed by more is not run (MissSchedule)', async () => {
    const h = setup('2026-01-01T00:00:50Z');
    await h.store.create(cronJob({ startingDeadlineSeconds: 5 }));
    h.clock.advance(30_000); // 00:01:20, 20 s late
    const r = await h.cc.reconcile(KEY);
    expect(await h.jobs()).toHaveLength(0);
    expect(r).toEqual({ requeueAfterMs: 40_100 });
  });

  it('suspend: nothing starts and nothing is requeued', async () => {
    const h = setup();
    await h.store.create(cronJob({ suspend: true }));
    h.clock.advance(120_000);
    expect(await h.cc.reconcile(KEY)).toEqual({});
    expect(await h.jobs()).toHaveLength(0);
  });

  it('keeps successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs, deleting the oldest', async () => {
    const h = setup('2026-01-01T00:00:00Z');
    await h.store.create(cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    for (let i = 1; i <= 3; i++) {
      h.clock.advance(60_000);
      await h.cc.reconcile(KEY);
      const j = (await h.jobs()).find((x) => !x.status?.conditions)!;
      const at = h.clock.now().toISOString().replace('.000Z', 'Z');
      await h.finish(j.metadata.name, i === 2 ? 'Failed' : 'Complete', at);
    }
    await h.cc.reconcile(KEY);
    const left = (await h.jobs()).filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata.name).sort();
    expect(left).toEqual([`hello-${minute('2026-01-01T00:02:00Z')}`, `hello-${minute('2026-01-01T00:03:00Z')}`]);
    expect(await h.events()).toContain(`SuccessfulDelete: Deleted job hello-${minute('2026-01-01T00:01:00Z')}`);
  });

  it('timeZone: schedules in that zone and annotates the time with its offset', async () => {
    const h = setup('2026-01-01T23:59:00Z');
    await h.store.create(cronJob({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }));
    const r = await h.cc.reconcile(KEY);
    expect(r).toEqual({ requeueAfterMs: 60_100 }); // 09:00 JST = 00:00 UTC
    h.clock.advance(60_100);
    await h.cc.reconcile(KEY);
    const [j] = await h.jobs();
    expect(j!.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-02T09:00:00+09:00');
  });
});
