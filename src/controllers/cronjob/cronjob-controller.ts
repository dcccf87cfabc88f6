// The CronJob controller (upstream pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob): one pass reads the
// CronJob and the Jobs it controls, brings status.active / lastSuccessfulTime up to date, removes finished Jobs
// beyond the history limits, and — unless suspended — starts the Job of the most recent schedule not yet run
// (only that one after a controller outage, with TooManyMissedTimes beyond 100 missed; none past
// startingDeadlineSeconds), as concurrencyPolicy allows. It then asks to be woken just after the next schedule:
// it sleeps on the injected clock, it does not poll.
import type { CronJob, Job, KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import { isAlreadyExists, isNotFound } from '../../util/errors.js';
import { deepEqual } from '../../store/object-semantics.js';
import { isForbidden, objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { getControllerOf, newControllerRef } from '../../reconcile/controller-ref.js';
import { isKnownTimeZone, parseSchedule, type Schedule } from './schedule.js';
import { finishedType, getJobName, jobFromTemplate, jobsOverLimit, mostRecentScheduleTime, nextScheduleTimeDuration, TOO_MANY_MISSED } from './utils.js';

export type CronJobObj = CronJob & KubeObject;
type JobObj = Job & KubeObject;
type CronJobStatus = NonNullable<CronJob['status']>;
type ActiveRef = NonNullable<CronJobStatus['active']>[number];

const CJ_API_VERSION = 'batch/v1';

export interface CronJobControllerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "cronjob-controller" */
  events?: EventSink;
  log?: Logger;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const ns = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const cjKey = (namespace: string, name: string): string => objectKey({ resource: 'cronjobs', namespace, name });
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Go's time.RFC1123Z of a UTC time: "Mon, 02 Jan 2006 15:04:05 +0000" */
const rfc1123z = (d: Date): string => d.toUTCString().replace(/GMT$/, '+0000');

export class CronJobController implements Reconciler {
  readonly name = 'cronjob';
  readonly watches = ['cronjobs', 'jobs'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;

  constructor(opts: CronJobControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    if (o.kind === 'CronJob') return ev.type === 'DELETED' ? [] : [cjKey(ns(o), o.metadata.name)];
    if (o.kind !== 'Job') return [];
    const ref = getControllerOf(o);
    return ref?.kind === 'CronJob' && ref.apiVersion === CJ_API_VERSION ? [cjKey(ns(o), ref.name)] : [];
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<CronJobObj>('cronjobs');
    return items.map((c) => cjKey(ns(c), c.metadata.name));
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'cronjobs') return DONE;
    const cj = await this.store.tryGet<CronJobObj>(ref);
    if (!cj) return DONE;
    const jobs = (await this.store.list<JobObj>('jobs', { namespace: ns(cj) })).items.filter((j) => getControllerOf(j)?.uid === cj.metadata.uid);
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    const work: CronJobObj = { ...cj, status };
    const requeue = await this.syncCronJob(work, jobs);
    if (!deepEqual(status, cj.status ?? {})) await this.store.updateStatus<CronJobObj>({ ...cj, status });
    await this.cleanupFinishedJobs(work, jobs);
    return requeue === undefined ? DONE : { requeueAfterMs: requeue };
  }

  /** Returns when to look again (ms), undefined for "only on a change". Mutates cj.status. */
  private async syncCronJob(cj: CronJobObj, jobs: JobObj[]): Promise<number | undefined> {
    const status = cj.status!;
    const now = this.clock.now();
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid ?? '');
      const found = (status.active ?? []).some((a) => a.uid === j.metadata.uid);
      const finished = finishedType(j);
      if (!found && !finished) {
        await this.events?.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && finished) {
        deleteFromActive(status, j.metadata.uid);
        await this.events?.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finished}`);
      }
      if (finished === 'Complete' && j.status?.completionTime) {
        const last = status.lastSuccessfulTime;
        if (!last || Date.parse(j.status.completionTime) > Date.parse(last)) status.lastSuccessfulTime = j.status.completionTime;
      }
    }
    for (const a of [...(status.active ?? [])]) {
      if (children.has(a.uid ?? '')) continue;
      const j = await this.store.tryGet<JobObj>({ resource: 'jobs', namespace: a.namespace ?? ns(cj), name: a.name ?? '' });
      if (!j || j.metadata.uid !== a.uid) {
        await this.events?.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${a.name}`);
        deleteFromActive(status, a.uid);
      }
    }
    if (!status.active?.length) delete status.active;
    if (cj.metadata.deletionTimestamp) return undefined;

    const tz = cj.spec?.timeZone;
    if (tz && !isKnownTimeZone(tz)) {
      await this.events?.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`);
      return undefined;
    }
    if (cj.spec?.suspend) return undefined;
    let schedule: Schedule;
    try {
      schedule = parseSchedule(cj.spec?.schedule ?? '', tz);
    } catch (e) {
      await this.events?.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule ?? ''}" : ${errMessage(e)}`);
      return undefined;
    }
    let scheduled: Date | undefined;
    try {
      const r = mostRecentScheduleTime(cj, now, schedule, true);
      scheduled = r.mostRecent && r.mostRecent <= now ? r.mostRecent : undefined;
      if (scheduled && r.missed > TOO_MANY_MISSED)
        await this.events?.event(
          cj,
          'Warning',
          'TooManyMissedTimes',
          `too many missed start times: ${r.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
        );
    } catch (e) {
      await this.events?.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule ?? ''} : ${errMessage(e)}`);
      return undefined;
    }
    const next = () => nextScheduleTimeDuration(cj, now, schedule);
    if (!scheduled) return next();

    const sds = cj.spec?.startingDeadlineSeconds;
    if (typeof sds === 'number' && scheduled.getTime() + sds * 1000 < now.getTime()) {
      await this.events?.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return next();
    }
    const jobName = getJobName(cj.metadata.name, scheduled);
    if ((status.active ?? []).some((a) => a.name === jobName) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled.getTime())) return next();
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active?.length ?? 0) > 0) {
      await this.events?.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return next();
    }
    if (policy === 'Replace') {
      for (const a of [...(status.active ?? [])]) {
        const j = await this.store.tryGet<JobObj>({ resource: 'jobs', namespace: a.namespace ?? ns(cj), name: a.name ?? '' });
        if (j && !(await this.deleteJob(cj, j))) return next();
        deleteFromActive(status, a.uid);
      }
      if (!status.active?.length) delete status.active;
    }
    const ref = newControllerRef(cj, CJ_API_VERSION, 'CronJob');
    let created: JobObj;
    try {
      created = await this.store.create<JobObj>(jobFromTemplate(cj, scheduled, ref));
    } catch (e) {
      if (isAlreadyExists(e)) {
        // made by an earlier pass that died before writing the status: ours if we control it
        const existing = await this.store.tryGet<JobObj>({ resource: 'jobs', namespace: ns(cj), name: jobName });
        if (!existing || getControllerOf(existing)?.uid !== cj.metadata.uid) return next();
        created = existing;
        if (finishedType(existing)) {
          status.lastScheduleTime = rfc3339(scheduled);
          return next();
        }
      } else {
        if (isForbidden(e)) return undefined;
        await this.events?.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errMessage(e)}`);
        throw e;
      }
    }
    if (created.metadata.creationTimestamp && created.metadata.uid && !(status.active ?? []).some((a) => a.uid === created.metadata.uid)) {
      await this.events?.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
      const a: ActiveRef = { kind: 'Job', namespace: ns(created), name: created.metadata.name, uid: created.metadata.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion };
      status.active = [...(status.active ?? []), a];
    }
    status.lastScheduleTime = rfc3339(scheduled);
    return next();
  }

  /** upstream cleanupFinishedJobs: finished Jobs beyond successful/failedJobsHistoryLimit, oldest first. */
  private async cleanupFinishedJobs(cj: CronJobObj, jobs: JobObj[]): Promise<void> {
    const okLimit = cj.spec?.successfulJobsHistoryLimit;
    const failLimit = cj.spec?.failedJobsHistoryLimit;
    if (okLimit == null && failLimit == null) return;
    const ok = jobs.filter((j) => finishedType(j) === 'Complete' && !j.metadata.deletionTimestamp);
    const failed = jobs.filter((j) => finishedType(j) === 'Failed' && !j.metadata.deletionTimestamp);
    for (const j of [...jobsOverLimit(ok, okLimit ?? undefined), ...jobsOverLimit(failed, failLimit ?? undefined)]) await this.deleteJob(cj, j);
  }

  /** upstream deleteJob: Background propagation (its pods go with it); event SuccessfulDelete. */
  private async deleteJob(cj: CronJobObj, j: JobObj): Promise<boolean> {
    try {
      await this.store.delete({ resource: 'jobs', namespace: ns(j), name: j.metadata.name }, { uid: j.metadata.uid, propagationPolicy: 'Background' });
    } catch (e) {
      if (!isNotFound(e)) {
        await this.events?.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errMessage(e)}`);
        this.log.warn(`cronjob ${ns(cj)}/${cj.metadata.name}: delete job ${j.metadata.name}: ${errMessage(e)}`);
        return false;
      }
    }
    await this.events?.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
    return true;
  }
}

function deleteFromActive(status: CronJobStatus, uid: string | undefined): void {
  status.active = (status.active ?? []).filter((a) => a.uid !== uid);
}
