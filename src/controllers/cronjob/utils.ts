// Pure parts of the CronJob controller (upstream pkg/controller/cronjob/utils.go): the most recent missed
// schedule and how many were missed, when to wake up next, Job names and the Job made from the template.
import type { CronJob, Job, KubeObject, OwnerReference } from '../../api/types.js';
import { CRONJOB_SCHEDULED_TIMESTAMP } from '../../api/meta.js';
import { formatInZone, type Schedule } from './schedule.js';

type CronJobLike = Pick<CronJob, 'metadata' | 'spec' | 'status'>;

/** upstream nextScheduleDelta: wake this long after the schedule, so the clock has surely passed it */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** upstream: more missed start times than this get the TooManyMissedTimes event */
export const TOO_MANY_MISSED = 100;

const ms = (t: string | undefined): number | undefined => {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
};

export interface MostRecent {
  /** from where the schedule was looked at (creation, last schedule, or now - startingDeadlineSeconds) */
  earliest: Date;
  /** the latest schedule time not after now, if any */
  mostRecent?: Date;
  missed: number;
}

/** upstream mostRecentScheduleTime. Throws when two consecutive schedules are less than a second apart. */
export function mostRecentScheduleTime(cj: CronJobLike, now: Date, schedule: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = ms(cj.status?.lastScheduleTime) ?? ms(cj.metadata?.creationTimestamp) ?? now.getTime();
  const sds = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && typeof sds === 'number') {
    const deadline = now.getTime() - sds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const e = new Date(earliest);
  const t1 = schedule.next(e);
  if (!t1 || now < t1) return { earliest: e, missed: 0 };
  const t2 = schedule.next(t1);
  if (!t2 || now < t2) return { earliest: e, mostRecent: t1, missed: 1 };
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  let mostRecent: Date | undefined;
  const potentialEarliest = new Date(t1.getTime() + (missed - 2) * between * 1000);
  for (let t = schedule.next(potentialEarliest); t && t <= now; t = schedule.next(t)) mostRecent = t;
  if (!mostRecent) {
    // the estimate overshot (irregular schedules): walk from t1, bounded
    for (let t: Date | undefined = t1, i = 0; t && t <= now && i < 100_000; t = schedule.next(t), i++) mostRecent = t;
  }
  return mostRecent ? { earliest: e, mostRecent, missed } : { earliest: e, missed };
}

/** upstream nextScheduleTimeDuration: ms until just after the next schedule. */
export function nextScheduleTimeDuration(cj: CronJobLike, now: Date, schedule: Schedule): number | undefined {
  let r: MostRecent;
  try {
    r = mostRecentScheduleTime(cj, now, schedule, false);
  } catch {
    return undefined;
  }
  const from = r.mostRecent ?? r.earliest;
  const next = schedule.next(from);
  if (!next) return undefined;
  return Math.max(0, next.getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime());
}

/** upstream getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`. */
export function getJobName(cjName: string, scheduled: Date): string {
  return `${cjName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/** upstream getJobFromTemplate2: the Job for one scheduled time, owned by the CronJob. */
export function jobFromTemplate(cj: CronJobLike & { metadata: { name: string } }, scheduled: Date, ref: OwnerReference): Job & KubeObject {
  const tpl = cj.spec?.jobTemplate ?? {};
  const annotations = { ...(tpl.metadata?.annotations ?? {}), [CRONJOB_SCHEDULED_TIMESTAMP]: formatInZone(scheduled, cj.spec?.timeZone) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: getJobName(cj.metadata.name, scheduled),
      namespace: cj.metadata.namespace ?? 'default',
      ...(tpl.metadata?.labels ? { labels: { ...tpl.metadata.labels } } : {}),
      annotations,
      ownerReferences: [ref],
    },
    spec: structuredClone(tpl.spec ?? { template: {} }) as Job['spec'],
  } as Job & KubeObject;
}

type JobCond = { type: string; status: string };
const conds = (j: Pick<Job, 'status'>): JobCond[] => (j.status?.conditions ?? []) as JobCond[];

/** upstream getFinishedStatus: the True Complete/Failed condition type. */
export function finishedType(j: Pick<Job, 'status'>): 'Complete' | 'Failed' | undefined {
  const c = conds(j).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

/** upstream byJobStartTime: by status.startTime (unset last), then name. */
export function byJobStartTime(a: Pick<Job, 'metadata' | 'status'>, b: Pick<Job, 'metadata' | 'status'>): number {
  const sa = ms(a.status?.startTime);
  const sb = ms(b.status?.startTime);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa !== sb) return (sa ?? 0) - (sb ?? 0);
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** The finished Jobs beyond the history limit, oldest first (upstream removeOldestJobs). */
export function jobsOverLimit<T extends Pick<Job, 'metadata' | 'status'>>(jobs: readonly T[], limit: number | undefined): T[] {
  if (limit === undefined || limit === null) return [];
  const sorted = [...jobs].sort(byJobStartTime);
  return sorted.slice(0, Math.max(0, sorted.length - limit));
}
