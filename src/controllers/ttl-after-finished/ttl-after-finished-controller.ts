// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted (Foreground, with its pods) that many seconds after it finished
// (completionTime, or the Failed condition's transition). It waits on the clock, it does not poll.
import type { Job, KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import { isConflict, isNotFound } from '../../util/errors.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import { finishedCondition } from '../job/conditions.js';

type JobObj = Job & KubeObject;

export interface TTLAfterFinishedControllerOptions {
  store: Store;
  clock: Clock;
  log?: Logger;
}

/** upstream getFinishAndExpireTime: [finish, expire] in ms, undefined when not finished or without a TTL. */
export function finishAndExpireTime(job: Pick<Job, 'spec' | 'status'>): [number, number] | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const cond = finishedCondition(job);
  if (!cond) return undefined;
  const at = cond.type === 'Complete' ? (job.status?.completionTime ?? cond.lastTransitionTime) : cond.lastTransitionTime;
  const finish = at ? Date.parse(at) : NaN;
  if (Number.isNaN(finish)) return undefined;
  return [finish, finish + ttl * 1000];
}

export class TTLAfterFinishedController implements Reconciler {
  readonly name = 'ttl-after-finished';
  readonly watches = ['jobs'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(opts: TTLAfterFinishedControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.log = opts.log ?? NOP_LOGGER;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const j = ev.object as JobObj;
    if (ev.type === 'DELETED' || j.kind !== 'Job' || j.metadata.deletionTimestamp || !finishAndExpireTime(j)) return [];
    return [objectKey({ resource: 'jobs', namespace: j.metadata.namespace ?? 'default', name: j.metadata.name })];
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<JobObj>('jobs');
    return items.filter((j) => !j.metadata.deletionTimestamp && finishAndExpireTime(j)).map((j) => objectKey({ resource: 'jobs', namespace: j.metadata.namespace ?? 'default', name: j.metadata.name }));
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    const job = await this.store.tryGet<JobObj>(ref);
    if (!job || job.metadata.deletionTimestamp) return DONE;
    const t = finishAndExpireTime(job);
    if (!t) return DONE;
    const left = t[1] - this.clock.now().getTime();
    if (left > 0) return { requeueAfterMs: left };
    try {
      await this.store.delete(ref, { uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion, propagationPolicy: 'Foreground' });
      this.log.info(`ttl-after-finished: deleted job ${ref.namespace}/${ref.name}`);
    } catch (e) {
      if (isNotFound(e)) return DONE;
      if (isConflict(e)) throw e; // re-read: the TTL may have changed
      throw e;
    }
    return DONE;
  }
}
