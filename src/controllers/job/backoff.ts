// The delay before a failed Job pod is replaced (upstream pkg/controller/job/backoff_utils.go): base × 2^(n-1)
// after n failures in a row since the last success, capped, counted from the last failure. Upstream keeps the
// record in memory; kctl derives it from the pods themselves (a finished Job pod stays until the Job goes), so a
// restarted controller waits just as long. Pure.
import type { Pod } from '../../api/types.js';

/** upstream DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff */
export const DEFAULT_JOB_BACKOFF_BASE_MS = 10_000;
export const DEFAULT_JOB_BACKOFF_MAX_MS = 360_000;

export interface BackoffRecord {
  /** failed pods since the last success */
  failuresAfterLastSuccess: number;
  /** when the last of them finished (ms since the epoch) */
  lastFailureTime?: number;
}

type PodLike = Pick<Pod, 'metadata' | 'status'>;

const ms = (t: string | undefined): number | undefined => {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
};

/**
 * upstream getFinishedTime: the latest container finishedAt, else the Ready/other condition's transition time,
 * else the deletion time, else creation.
 */
export function getFinishedTime(p: PodLike): number | undefined {
  let latest: number | undefined;
  for (const cs of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
    const t = ms(cs.state?.terminated?.finishedAt);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  return ms(ready?.lastTransitionTime) ?? ms(p.metadata?.deletionTimestamp) ?? ms(p.metadata?.creationTimestamp);
}

/** The record the pods imply: `failed` are the pods that count as failures, `succeeded` the successes. */
export function backoffRecordFromPods(succeeded: readonly PodLike[], failed: readonly PodLike[]): BackoffRecord {
  let lastSuccess: number | undefined;
  for (const p of succeeded) {
    const t = getFinishedTime(p);
    if (t !== undefined && (lastSuccess === undefined || t > lastSuccess)) lastSuccess = t;
  }
  let n = 0;
  let lastFailureTime: number | undefined;
  for (const p of failed) {
    const t = getFinishedTime(p) ?? 0;
    if (lastSuccess !== undefined && t <= lastSuccess) continue;
    n++;
    if (lastFailureTime === undefined || t > lastFailureTime) lastFailureTime = t;
  }
  return lastFailureTime === undefined ? { failuresAfterLastSuccess: n } : { failuresAfterLastSuccess: n, lastFailureTime };
}

/** upstream getRemainingTime: ms to wait before creating pods again (0: now). */
export function remainingBackoffMs(r: BackoffRecord, now: number, baseMs: number, maxMs: number): number {
  if (r.failuresAfterLastSuccess === 0 || r.lastFailureTime === undefined) return 0;
  const exp = Math.min(r.failuresAfterLastSuccess - 1, 30);
  const delay = Math.min(maxMs, baseMs * 2 ** exp);
  const elapsed = now - r.lastFailureTime;
  if (delay < elapsed) return 0;
  return delay - elapsed;
}
