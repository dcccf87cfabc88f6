// Harness of the Job controller tests: MemoryStore + FakeClock + JobController, and kubelet stand-ins that run,
// finish or remove pods as the kubelet would.
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { JobController, type JobObj, type PodObj } from '../../../../src/controllers/job/job-controller.js';

export type { JobObj, PodObj };
export const T0 = '2026-01-01T00:00:00Z';
export const KEY = 'jobs/default/pi';

export function job(spec: Record<string, unknown> = {}, name = 'pi'): JobObj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
      ...spec,
    },
  } as JobObj;
}

const rfc = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function setup(opts: { backoffBaseMs?: number; backoffMaxMs?: number } = {}) {
  const clock = new FakeClock(T0);
  let uid = 0;
  let suffix = 0;
  const store = new MemoryStore({ clock, uid: () => `uid-${++uid}`, nameSuffix: () => `p${String(suffix++).padStart(4, '0')}` });
  const jc = new JobController({
    store,
    clock,
    events: new EventRecorder({ store, clock, component: 'job-controller' }),
    backoffBaseMs: opts.backoffBaseMs ?? 10_000,
    backoffMaxMs: opts.backoffMaxMs ?? 360_000,
  });
  const pods = async (): Promise<PodObj[]> => (await store.list<PodObj>('pods', { namespace: 'default' })).items;
  const getJob = (name = 'pi'): Promise<JobObj> => store.get<JobObj>({ resource: 'jobs', namespace: 'default', name });
  const events = async (): Promise<CoreEvent[]> => (await store.list<CoreEvent>('events')).items;
  const eventReasons = async (): Promise<string[]> => (await events()).map((e) => `${e.reason}: ${e.message}`);
  const ref = (name: string) => ({ resource: 'pods', namespace: 'default', name });

  /** The kubelet runs a pod (bound, Running, Ready). */
  async function run(name: string): Promise<void> {
    let p = await store.get<PodObj>(ref(name));
    if (!p.spec?.nodeName) p = await store.update<PodObj>({ ...p, spec: { ...p.spec!, nodeName: 'node1' } });
    await store.updateStatus<PodObj>({
      ...p,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc(clock.now()) }],
        containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: rfc(clock.now()) } } }],
      },
    });
  }

  /** The pod's container exits with this code (restartPolicy Never: the pod is Succeeded or Failed). */
  async function finish(name: string, exitCode = 0, restartCount = 0): Promise<void> {
    const p = await store.get<PodObj>(ref(name));
    const at = rfc(clock.now());
    await store.updateStatus<PodObj>({
      ...p,
      status: {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: at }],
        containerStatuses: [
          {
            name: 'main',
            image: 'busybox',
            imageID: '',
            ready: false,
            restartCount,
            state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: at, startedAt: at } },
          },
        ],
      },
    });
  }

  /** The kubelet finishes terminating pods (delete with grace 0; finalizers still hold them). */
  async function reap(): Promise<void> {
    for (const p of await pods()) if (p.metadata.deletionTimestamp) await store.delete(ref(p.metadata.name), { gracePeriodSeconds: 0 }).catch(() => undefined);
  }

  async function writes(fn: () => Promise<unknown>): Promise<number> {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  }

  /** Reconciles the Job until a pass writes nothing; returns the last Result. */
  async function settle(key = KEY) {
    for (let i = 0; i < 20; i++) {
      const before = await store.revision();
      const r = await jc.reconcile(key);
      if ((await store.revision()) === before) return r;
    }
    throw new Error('did not settle');
  }

  const active = async () => (await pods()).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

  return { clock, store, jc, pods, active, getJob, events, eventReasons, run, finish, reap, writes, settle };
}

export type Harness = ReturnType<typeof setup>;

export const condTypes = (j: JobObj): string[] => (j.status?.conditions ?? []).map((c) => `${c.type}=${c.status}:${c.reason ?? ''}`);
