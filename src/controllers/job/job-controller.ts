// The Job controller (upstream pkg/controller/job/job_controller.go syncJob, without expectations: every pass
// re-reads the store, and pod writes are synchronous).
//
// One pass over a Job:
// 1. finished (Complete/Failed True) → only release tracking finalizers still held; absent → done;
// 2. claim the namespace's pods (adopted ones get the batch.kubernetes.io/job-tracking finalizer);
// 3. count: active, ready, terminating, and the finished pods not yet counted (they still carry the finalizer);
// 4. decide the finish: SuccessCriteriaMet kept, podFailurePolicy FailJob, backoffLimit (failures, or OnFailure
//    restarts), activeDeadlineSeconds, maxFailedIndexes, successPolicy, completions reached;
// 5. failing → delete the active pods; else manageJob: suspend (delete all), too many (delete the surplus), too
//    few (create up to parallelism, never more than completions remain, after the failure back-off);
// 6. trackJobStatusAndRemoveFinalizers: finished pods go to status.uncountedTerminatedPods first (written), then
//    their finalizers are removed, then they move into succeeded/failed (written) — a controller killed between
//    any two steps neither loses nor double-counts a pod; the interim FailureTarget / SuccessCriteriaMet condition
//    is written before, Failed / Complete after the last pod stopped.
// Pods whose Job is gone or finished lose their tracking finalizer (upstream syncOrphanPod): keys `pods/ns/name`.
import type { Job, KubeObject, Pod } from '../../api/types.js';
import { JOB_TRACKING_FINALIZER } from '../../api/meta.js';
import { matches, selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import type { Clock } from '../../util/clock.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../util/errors.js';
import { deepEqual } from '../../store/object-semantics.js';
import { isForbidden, objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { getControllerOf, newControllerRef } from '../../reconcile/controller-ref.js';
import { claimObjects } from '../../reconcile/claim.js';
import { filterActivePods, slowStartBatch } from '../replicaset/pods.js';
import { backoffRecordFromPods, DEFAULT_JOB_BACKOFF_BASE_MS, DEFAULT_JOB_BACKOFF_MAX_MS, remainingBackoffMs } from './backoff.js';
import {
  ensureJobConditionStatus,
  findCondition,
  isJobFinished,
  matchSuccessPolicy,
  MESSAGE,
  newCondition,
  REASON,
  rfc3339,
  type JobCondition,
} from './conditions.js';
import { calculateSucceededIndexes, firstPendingIndexes, formatIntervals, getCompletionIndex, UNKNOWN_INDEX, type OrderedIntervals } from './indexes.js';
import {
  activePodsForRemoval,
  countTerminatingPods,
  hasTrackingFinalizer,
  isIndexedJob,
  isPodFailed,
  isPodReady,
  jobPodFromTemplate,
  jobSuspended,
  onlyReplaceFailedPods,
  pastBackoffLimitOnFailure,
} from './job-pods.js';
import { matchPodFailurePolicy, type PodFailurePolicy } from './pod-failure-policy.js';

export type JobObj = Job & KubeObject;
export type PodObj = Pod & KubeObject;
type JobStatus = NonNullable<Job['status']>;

const JOB_API_VERSION = 'batch/v1';
/** upstream MaxPodCreateDeletePerSync */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** upstream MaxUncountedPods */
export const MAX_UNCOUNTED_PODS = 500;
/** upstream syncJobBatchPeriod: the shortest delayed resync */
const SYNC_BATCH_PERIOD_MS = 1_000;

export interface JobControllerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "job-controller" */
  events?: EventSink;
  log?: Logger;
  /** the failure back-off before a failed pod is replaced (upstream 10 s doubling to 6 min) */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const ns = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const jobKey = (namespace: string, name: string): string => objectKey({ resource: 'jobs', namespace, name });
const podRef = (p: KubeObject) => ({ resource: 'pods', namespace: ns(p), name: p.metadata.name });

interface Ctx {
  job: JobObj;
  pods: PodObj[];
  activePods: PodObj[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  finishedCondition?: JobCondition;
  prevSucceededIndexes: OrderedIntervals;
  succeededIndexes: OrderedIntervals;
  requeueAfterMs?: number;
}

/** Runs Jobs to completion: pods up to parallelism, failures backed off and counted, the finish written. */
export class JobController implements Reconciler {
  readonly name = 'job';
  readonly watches = ['jobs', 'pods'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(opts: JobControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
    this.backoffBaseMs = opts.backoffBaseMs ?? DEFAULT_JOB_BACKOFF_BASE_MS;
    this.backoffMaxMs = opts.backoffMaxMs ?? DEFAULT_JOB_BACKOFF_MAX_MS;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    if (o.kind === 'Job') return [jobKey(ns(o), o.metadata.name)];
    if (o.kind !== 'Pod') return [];
    const ref = getControllerOf(o);
    const keys: string[] = [];
    if (ref?.kind === 'Job' && ref.apiVersion === JOB_API_VERSION) keys.push(jobKey(ns(o), ref.name));
    // a pod holding our finalizer without a (live) Job to release it
    if (ev.type !== 'DELETED' && hasTrackingFinalizer(o) && (!ref || o.metadata.deletionTimestamp)) keys.push(objectKey(podRef(o)));
    return keys;
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<JobObj>('jobs');
    const keys = items.map((j) => jobKey(ns(j), j.metadata.name));
    const pods = await this.store.list<PodObj>('pods');
    for (const p of pods.items) if (hasTrackingFinalizer(p) && !getControllerOf(p)) keys.push(objectKey(podRef(p)));
    return keys;
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource === 'pods') return this.syncOrphanPod(ref.namespace ?? 'default', ref.name);
    if (ref.resource !== 'jobs') return DONE;
    const job = await this.store.tryGet<JobObj>(ref);
    if (!job) return DONE;
    if (isJobFinished(job)) {
      await this.releaseFinishedPods(job);
      return DONE;
    }
    if (job.spec?.completionMode && job.spec.completionMode !== 'NonIndexed' && job.spec.completionMode !== 'Indexed') {
      await this.events?.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return DONE;
    }
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(job.spec?.selector);
    } catch (e) {
      this.log.warn(`job ${key}: invalid selector: ${errMessage(e)}`);
      return DONE;
    }
    return this.syncJob(job, selector);
  }

  private async syncJob(job: JobObj, selector: Selector): Promise<Result> {
    const now = this.clock.now();
    const all = (await this.store.list<PodObj>('pods', { namespace: ns(job) })).items;
    const pods = await this.getPodsForJob(job, selector, all);
    const status: JobStatus = structuredClone(job.status ?? {});
    const work: JobObj = { ...job, status };
    const uncounted = status.uncountedTerminatedPods ?? {};
    const ctx: Ctx = {
      job: work,
      pods,
      activePods: filterActivePods(pods),
      ready: 0,
      terminating: countTerminatingPods(pods),
      succeeded: 0,
      failed: 0,
      uncountedSucceeded: new Set(uncounted.succeeded ?? []),
      uncountedFailed: new Set(uncounted.failed ?? []),
      prevSucceededIndexes: [],
      succeededIndexes: [],
    };
    ctx.ready = ctx.activePods.filter(isPodReady).length;
    let active = ctx.activePods.length;
    const policy = job.spec?.podFailurePolicy as PodFailurePolicy | undefined;
    const fresh = (p: PodObj, set: Set<string>) => hasTrackingFinalizer(p) && !set.has(p.metadata.uid ?? '') && validIndex(job, p);
    const newSucceeded = pods.filter((p) => fresh(p, ctx.uncountedSucceeded) && p.status?.phase === 'Succeeded');
    const newFailed = pods.filter((p) => fresh(p, ctx.uncountedFailed) && isPodFailed(p, job));
    ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncountedSucceeded.size;
    ctx.failed = (status.failed ?? 0) + newFailed.filter((p) => matchPodFailurePolicy(policy, p).countFailed).length + ctx.uncountedFailed.size;

    if (!status.startTime && !jobSuspended(job)) status.startTime = rfc3339(now);

    const backoffLimit = job.spec?.backoffLimit ?? 6;
    const conds = (status.conditions ?? []) as JobCondition[];
    const met = findCondition(conds, 'SuccessCriteriaMet');
    if (met?.status === 'True') ctx.finishedCondition = met;
    if (!ctx.finishedCondition) {
      const target = findCondition(conds, 'FailureTarget');
      if (target?.status === 'True') ctx.finishedCondition = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
      else {
        const msg = failJobMessage(job, pods, policy);
        if (msg) ctx.finishedCondition = newCondition('FailureTarget', 'True', REASON.PodFailurePolicy, msg, now);
      }
    }
    if (!ctx.finishedCondition) {
      if (ctx.failed > backoffLimit || pastBackoffLimitOnFailure(job, pods))
        ctx.finishedCondition = newCondition('FailureTarget', 'True', REASON.BackoffLimitExceeded, MESSAGE.BackoffLimitExceeded, now);
      else if (this.pastActiveDeadline(work, now))
        ctx.finishedCondition = newCondition('FailureTarget', 'True', REASON.DeadlineExceeded, MESSAGE.DeadlineExceeded, now);
      else if (job.spec?.activeDeadlineSeconds !== undefined && !jobSuspended(job) && status.startTime) {
        const left = job.spec.activeDeadlineSeconds * 1000 - (now.getTime() - Date.parse(status.startTime));
        ctx.requeueAfterMs = Math.max(0, left);
      }
    }
    if (isIndexedJob(job)) {
      const completions = job.spec?.completions ?? 0;
      const r = calculateSucceededIndexes(status.completedIndexes, completions, pods, JOB_TRACKING_FINALIZER);
      ctx.prevSucceededIndexes = r.prev;
      ctx.succeededIndexes = r.next;
      ctx.succeeded = r.next.reduce((n, v) => n + v.last - v.first + 1, 0);
      if (!ctx.finishedCondition) {
        const msg = matchSuccessPolicy(job.spec?.successPolicy, completions, ctx.succeededIndexes);
        if (msg) ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', REASON.SuccessPolicy, msg, now);
      }
    }

    let suspendCondChanged = false;
    let manageErr: unknown;
    if (ctx.finishedCondition) {
      const r = await this.deletePods(job, ctx.activePods, false);
      if (r.deleted !== active) ctx.finishedCondition = undefined;
      active -= r.deleted;
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      manageErr = r.error;
    } else {
      let manageCalled = false;
      if (!job.metadata.deletionTimestamp) {
        const r = await this.manageJob(work, ctx, now);
        active = r.active;
        manageErr = r.error;
        manageCalled = true;
      }
      const completions = job.spec?.completions;
      const complete = completions === undefined || completions === null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
      if (complete) ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', REASON.CompletionsReached, MESSAGE.CompletionsReached, now);
      else if (manageCalled) {
        const suspend = jobSuspended(job);
        const [list, changed] = suspend
          ? ensureJobConditionStatus((status.conditions ?? []) as JobCondition[], 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)
          : ensureJobConditionStatus((status.conditions ?? []) as JobCondition[], 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        if (changed) {
          status.conditions = list as JobStatus['conditions'];
          suspendCondChanged = true;
          await this.events?.event(job, 'Normal', suspend ? 'Suspended' : 'Resumed', suspend ? 'Job suspended' : 'Job resumed');
          // resumed: activeDeadlineSeconds counts from now (as for a Job created suspended)
          if (!suspend) status.startTime = rfc3339(now);
        }
      }
    }

    const needsStatusUpdate =
      suspendCondChanged || active !== (job.status?.active ?? 0) || ctx.ready !== job.status?.ready || ctx.terminating !== job.status?.terminating || status.startTime !== job.status?.startTime;
    if (active) status.active = active;
    else delete status.active;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    await this.trackJobStatusAndRemoveFinalizers(ctx, needsStatusUpdate, now);
    if (manageErr !== undefined) throw manageErr instanceof Error ? manageErr : new Error(errMessage(manageErr));
    return ctx.requeueAfterMs !== undefined ? { requeueAfterMs: ctx.requeueAfterMs } : DONE;
  }

  private pastActiveDeadline(job: JobObj, now: Date): boolean {
    const ads = job.spec?.activeDeadlineSeconds;
    if (ads === undefined || ads === null || !job.status?.startTime || jobSuspended(job)) return false;
    return now.getTime() - Date.parse(job.status.startTime) >= ads * 1000;
  }

  /** upstream getPodsForJob: claimed pods (all our pods, those that stopped matching too, until released). */
  private async getPodsForJob(job: JobObj, selector: Selector, all: PodObj[]): Promise<PodObj[]> {
    const ref = newControllerRef(job, JOB_API_VERSION, 'Job');
    const claimed = await claimObjects({
      store: this.store,
      log: this.log,
      owner: job,
      ref,
      candidates: all,
      isMember: (p) => matches(selector, p.metadata.labels),
      ownerDesc: `job ${ns(job)}/${job.metadata.name}`,
      kindDesc: 'pod',
    });
    // adopted pods get the tracking finalizer (upstream: with the adoption patch)
    const out: PodObj[] = [];
    for (const p of claimed) {
      if (hasTrackingFinalizer(p) || p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') out.push(p);
      else {
        const next = structuredClone(p);
        next.metadata.finalizers = [...(p.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
        try {
          out.push(await this.store.update<PodObj>(next));
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
          out.push(p);
        }
      }
    }
    return out;
  }

  /**
   * upstream manageJob: returns the active count afterwards. Suspended: all active pods go. Otherwise the surplus
   * goes, or the missing pods are made (after the failure back-off; an Indexed Job fills its lowest free indexes).
   */
  private async manageJob(job: JobObj, ctx: Ctx, now: Date): Promise<{ active: number; error?: unknown }> {
    let active = ctx.activePods.length;
    const parallelism = job.spec?.parallelism ?? 1;
    if (jobSuspended(job)) {
      const r = await this.deletePods(job, activePodsForRemoval(job, ctx.activePods, active), true);
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active: active - r.deleted, error: r.error };
    }
    const completions = job.spec?.completions;
    let wantActive: number;
    if (completions === undefined || completions === null) wantActive = ctx.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));

    const rmAtLeast = Math.max(0, active - wantActive);
    const victims = activePodsForRemoval(job, ctx.activePods, rmAtLeast).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (victims.length) {
      const r = await this.deletePods(job, victims, true);
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active: active - r.deleted, error: r.error };
    }
    const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };

    const policy = job.spec?.podFailurePolicy as PodFailurePolicy | undefined;
    const failed = ctx.pods.filter((p) => isPodFailed(p, job) && matchPodFailurePolicy(policy, p).countFailed);
    const succeeded = ctx.pods.filter((p) => p.status?.phase === 'Succeeded');
    const wait = remainingBackoffMs(backoffRecordFromPods(succeeded, failed), now.getTime(), this.backoffBaseMs, this.backoffMaxMs);
    if (wait > 0) {
      ctx.requeueAfterMs = Math.min(ctx.requeueAfterMs ?? Infinity, Math.max(wait, Math.min(SYNC_BATCH_PERIOD_MS, this.backoffBaseMs)));
      return { active };
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexes: number[] | undefined;
    if (isIndexedJob(job)) {
      indexes = firstPendingIndexes(ctx.activePods, ctx.succeededIndexes, undefined, diff, completions ?? 0);
      diff = indexes.length;
    }
    const ref = newControllerRef(job, JOB_API_VERSION, 'Job');
    let created = 0;
    const r = await slowStartBatch(diff, 1, async () => {
      const index = indexes?.shift();
      const pod = jobPodFromTemplate(job, ref, index);
      if (await this.createPod(job, pod)) created++;
    });
    active += created;
    return { active, error: r.error };
  }

  private async createPod(job: JobObj, pod: PodObj): Promise<PodObj | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await this.store.create<PodObj>(structuredClone(pod));
        await this.events?.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        return created;
      } catch (e) {
        if (isAlreadyExists(e) && attempt < 3) continue;
        if (isForbidden(e)) return undefined; // namespace terminating
        await this.events?.event(job, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
        throw e;
      }
    }
  }

  /**
   * Deletes pods (upstream deleteJobPods when `dropFinalizer`: the pod is not counted, so its finalizer goes first;
   * deleteActivePods otherwise: the finalizer stays until the pod is counted as failed).
   */
  private async deletePods(job: JobObj, pods: PodObj[], dropFinalizer: boolean): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    let deleted = 0;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          if (dropFinalizer) await this.removeFinalizer(p);
          await this.store.delete(podRef(p), { uid: p.metadata.uid });
          await this.events?.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (!isNotFound(e)) {
            error ??= e;
            await this.events?.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
            return;
          }
        }
        deleted++;
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return error === undefined ? { deleted, deletedReady } : { deleted, deletedReady, error };
  }

  /** Removes the tracking finalizer (re-reading on conflict). True when gone or already without it. */
  private async removeFinalizer(p: PodObj): Promise<boolean> {
    let cur: PodObj | undefined = p;
    for (let attempt = 0; cur; attempt++) {
      if (!hasTrackingFinalizer(cur)) return true;
      const next = structuredClone(cur);
      const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
      if (rest.length) next.metadata.finalizers = rest;
      else delete next.metadata.finalizers;
      try {
        await this.store.update<PodObj>(next);
        return true;
      } catch (e) {
        if (isNotFound(e)) return true;
        if (!isConflict(e) || attempt >= 3) throw e;
        cur = await this.store.tryGet<PodObj>(podRef(p));
        if (cur && cur.metadata.uid !== p.metadata.uid) return true;
      }
    }
    return true;
  }

  /** upstream trackJobStatusAndRemoveFinalizers + flushUncountedAndRemoveFinalizers + enactJobFinished. */
  private async trackJobStatusAndRemoveFinalizers(ctx: Ctx, needsFlushIn: boolean, now: Date): Promise<void> {
    let needsFlush = needsFlushIn;
    let job = ctx.job;
    const status = job.status!;
    const indexed = isIndexedJob(job);
    const completions = job.spec?.completions ?? 0;
    const policy = job.spec?.podFailurePolicy as PodFailurePolicy | undefined;
    const pods = indexed ? [...ctx.pods].sort((a, b) => getCompletionIndex(a.metadata.annotations) - getCompletionIndex(b.metadata.annotations)) : ctx.pods;
    const withFinalizer = new Set(pods.filter(hasTrackingFinalizer).map((p) => p.metadata.uid ?? ''));
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    if (cleanUncounted(status, uncounted, withFinalizer)) needsFlush = true;
    const toRelease: PodObj[] = [];
    const newSucceededIndexes: number[] = [];
    let reachedMax = false;
    const failing = ctx.finishedCondition !== undefined && ctx.finishedCondition.type !== 'SuccessCriteriaMet';
    for (const p of pods) {
      if (!hasTrackingFinalizer(p)) continue;
      const uid = p.metadata.uid ?? '';
      const considerFailed = isPodFailed(p, job);
      if (!(job.metadata.deletionTimestamp || ctx.finishedCondition || p.status?.phase === 'Succeeded' || considerFailed)) continue;
      toRelease.push(p);
      if (p.status?.phase === 'Succeeded' && !ctx.uncountedFailed.has(uid)) {
        if (indexed) {
          const ix = getCompletionIndex(p.metadata.annotations);
          if (ix !== UNKNOWN_INDEX && ix < completions && !ctx.prevSucceededIndexes.some((v) => v.first <= ix && ix <= v.last)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!ctx.uncountedSucceeded.has(uid)) {
          uncounted.succeeded.push(uid);
          needsFlush = true;
        }
      } else if (considerFailed || failing) {
        const ix = getCompletionIndex(p.metadata.annotations);
        if (!ctx.uncountedFailed.has(uid) && (!indexed || (ix !== UNKNOWN_INDEX && ix < completions))) {
          if (matchPodFailurePolicy(policy, p).countFailed) {
            uncounted.failed.push(uid);
            needsFlush = true;
          }
        }
      }
      if (newSucceededIndexes.length + uncounted.succeeded.length + uncounted.failed.length >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    status.uncountedTerminatedPods = uncountedStatus(uncounted);
    if (indexed) {
      const s = formatIntervals(ctx.succeededIndexes);
      if (s !== (job.status?.completedIndexes ?? '')) needsFlush = true;
      status.succeeded = ctx.succeededIndexes.reduce((n, v) => n + v.last - v.first + 1, 0);
      status.completedIndexes = s;
    }
    let finished = ctx.finishedCondition;
    const conds = () => (status.conditions ?? []) as JobCondition[];
    if (finished?.type === 'FailureTarget') {
      status.conditions = [...conds(), finished] as JobStatus['conditions'];
      needsFlush = true;
      finished = newCondition('Failed', 'True', finished.reason ?? '', finished.message ?? '', now);
    }
    if (finished?.type === 'SuccessCriteriaMet') {
      if (findCondition(conds(), 'SuccessCriteriaMet')?.status !== 'True') {
        status.conditions = [...conds(), finished] as JobStatus['conditions'];
        needsFlush = true;
      }
      finished = newCondition('Complete', 'True', finished.reason ?? '', finished.message ?? '', now);
    }

    // 1. record the pods about to be released; 2. release them; 3. count the released ones
    if (needsFlush) {
      job = await this.writeStatus(job, status);
      needsFlush = false;
    }
    let rmErr: unknown;
    await Promise.all(
      toRelease.map(async (p) => {
        try {
          if (await this.removeFinalizer(p)) withFinalizer.delete(p.metadata.uid ?? '');
        } catch (e) {
          rmErr ??= e;
        }
      }),
    );
    const st = job.status!;
    const unc = { succeeded: [...(st.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(st.uncountedTerminatedPods?.failed ?? [])] };
    if (cleanUncounted(st, unc, withFinalizer)) needsFlush = true;
    st.uncountedTerminatedPods = uncountedStatus(unc);
    if (rmErr !== undefined) {
      if (needsFlush) await this.writeStatus(job, st);
      throw rmErr;
    }
    let jobFinished = false;
    if (!reachedMax && finished && unc.succeeded.length + unc.failed.length === 0 && (st.terminating ?? 0) === 0) {
      const [list] = ensureJobConditionStatus((st.conditions ?? []) as JobCondition[], finished.type, finished.status, finished.reason ?? '', finished.message ?? '', now);
      st.conditions = list as JobStatus['conditions'];
      if (finished.type === 'Complete') st.completionTime = rfc3339(now);
      jobFinished = true;
      needsFlush = true;
    }
    if (needsFlush) {
      job = await this.writeStatus(job, st);
      if (jobFinished) await this.recordJobFinished(job, finished!);
    }
  }

  private async writeStatus(job: JobObj, status: JobStatus): Promise<JobObj> {
    const stored = await this.store.tryGet<JobObj>({ resource: 'jobs', namespace: ns(job), name: job.metadata.name });
    if (stored && deepEqual(stored.status ?? {}, status) && stored.metadata.resourceVersion === job.metadata.resourceVersion) return stored;
    const out = await this.store.updateStatus<JobObj>({ ...job, status: structuredClone(status) });
    return { ...out, status: structuredClone(out.status ?? {}) };
  }

  private async recordJobFinished(job: JobObj, cond: JobCondition): Promise<void> {
    if (cond.type === 'Complete') {
      const completions = job.spec?.completions;
      if (typeof completions === 'number' && (job.status?.succeeded ?? 0) > completions)
        await this.events?.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      await this.events?.event(job, 'Normal', 'Completed', 'Job completed');
    } else await this.events?.event(job, 'Warning', cond.reason ?? 'Failed', cond.message ?? '');
  }

  /** A finished Job's pods that still hold the finalizer (a pass died after the finish was written). */
  private async releaseFinishedPods(job: JobObj): Promise<void> {
    const pods = (await this.store.list<PodObj>('pods', { namespace: ns(job) })).items;
    for (const p of pods) if (getControllerOf(p)?.uid === job.metadata.uid && hasTrackingFinalizer(p)) await this.removeFinalizer(p);
  }

  /** upstream syncOrphanPod: the finalizer goes unless a live, unfinished Job controls the pod. */
  private async syncOrphanPod(namespace: string, name: string): Promise<Result> {
    const pod = await this.store.tryGet<PodObj>({ resource: 'pods', namespace, name });
    if (!pod || !hasTrackingFinalizer(pod)) return DONE;
    const ref = getControllerOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== JOB_API_VERSION) return DONE;
      const job = await this.store.tryGet<JobObj>({ resource: 'jobs', namespace, name: ref.name });
      if (job && job.metadata.uid === ref.uid && !isJobFinished(job)) return DONE;
    }
    await this.removeFinalizer(pod);
    return DONE;
  }
}

/** An Indexed Job's pod counts only with an index below completions. */
function validIndex(job: JobObj, p: PodObj): boolean {
  if (!isIndexedJob(job)) return true;
  const ix = getCompletionIndex(p.metadata.annotations);
  return ix !== UNKNOWN_INDEX && ix < (job.spec?.completions ?? 0);
}

/** upstream getFailJobMessage: the first failed pod a FailJob rule matches. */
function failJobMessage(job: JobObj, pods: PodObj[], policy: PodFailurePolicy | undefined): string | undefined {
  if (!policy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(policy, p).failJobMessage;
    if (m) return m;
  }
  return undefined;
}

/** upstream cleanUncountedPodsWithoutFinalizers: uncounted pods that lost their finalizer move into the counters. */
function cleanUncounted(status: JobStatus, u: { succeeded: string[]; failed: string[] }, withFinalizer: Set<string>): boolean {
  let changed = false;
  const s = u.succeeded.filter((uid) => withFinalizer.has(uid));
  if (s.length !== u.succeeded.length) {
    status.succeeded = (status.succeeded ?? 0) + u.succeeded.length - s.length;
    u.succeeded = s;
    changed = true;
  }
  const f = u.failed.filter((uid) => withFinalizer.has(uid));
  if (f.length !== u.failed.length) {
    status.failed = (status.failed ?? 0) + u.failed.length - f.length;
    u.failed = f;
    changed = true;
  }
  return changed;
}

function uncountedStatus(u: { succeeded: string[]; failed: string[] }): JobStatus['uncountedTerminatedPods'] {
  return { ...(u.succeeded.length ? { succeeded: u.succeeded } : {}), ...(u.failed.length ? { failed: u.failed } : {}) };
}
