// Job conditions as upstream 1.32 writes them (pkg/controller/job/job_controller.go, success_policy.go): the
// interim FailureTarget / SuccessCriteriaMet first, the terminal Failed / Complete once no pod is left running or
// uncounted; Suspended True/False. Pure.
import type { Job } from '../../api/types.js';
import { has, parseIntervals, total, type OrderedIntervals } from './indexes.js';

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** upstream batch/v1 JobReason* */
export const REASON = {
  PodFailurePolicy: 'PodFailurePolicy',
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  MaxFailedIndexesExceeded: 'MaxFailedIndexesExceeded',
  FailedIndexes: 'FailedIndexes',
  SuccessPolicy: 'SuccessPolicy',
  CompletionsReached: 'CompletionsReached',
} as const;

export const MESSAGE = {
  BackoffLimitExceeded: 'Job has reached the specified backoff limit',
  DeadlineExceeded: 'Job was active longer than specified deadline',
  MaxFailedIndexesExceeded: 'Job has exceeded the specified maximal number of failed indexes',
  FailedIndexes: 'Job has failed indexes',
  CompletionsReached: 'Reached expected number of succeeded pods',
} as const;

/** RFC 3339 without fractional seconds, as metav1.Time serializes. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function newCondition(type: string, status: string, reason: string, message: string, now: Date): JobCondition {
  const t = rfc3339(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

export function findCondition(list: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return list?.find((c) => c.type === type);
}

const isTrue = (list: readonly JobCondition[] | undefined, type: string): boolean => findCondition(list, type)?.status === 'True';

/** upstream IsJobFinished: a Complete or Failed condition is True. */
export function isJobFinished(job: Pick<Job, 'status'>): boolean {
  const cs = job.status?.conditions as JobCondition[] | undefined;
  return isTrue(cs, 'Complete') || isTrue(cs, 'Failed');
}

/** The True terminal condition (Complete or Failed), if any. */
export function finishedCondition(job: Pick<Job, 'status'>): JobCondition | undefined {
  const cs = job.status?.conditions as JobCondition[] | undefined;
  return cs?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/**
 * upstream ensureJobConditionStatus: sets a condition of that type (a new one only when the status is not
 * False); returns the list and whether it changed.
 */
export function ensureJobConditionStatus(
  list: readonly JobCondition[],
  type: string,
  status: string,
  reason: string,
  message: string,
  now: Date,
): [JobCondition[], boolean] {
  const out = list.map((c) => ({ ...c }));
  const i = out.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = out[i]!;
    if (c.status !== status || c.reason !== reason || c.message !== message) {
      out[i] = newCondition(type, status, reason, message, now);
      return [out, true];
    }
    return [out, false];
  }
  if (status !== 'False') return [[...out, newCondition(type, status, reason, message, now)], true];
  return [out, false];
}

interface SuccessPolicyRule {
  succeededIndexes?: string;
  succeededCount?: number;
}

function matchSucceededIndexesRule(rule: OrderedIntervals, succeeded: OrderedIntervals, succeededCount: number | undefined): boolean {
  let contains = 0;
  for (const r of rule) for (let i = r.first; i <= r.last; i++) if (has(succeeded, i)) contains++;
  return contains === total(rule) || (succeededCount !== undefined && contains >= succeededCount);
}

/** upstream matchSuccessPolicy: the message of the first rule the succeeded indexes satisfy. */
export function matchSuccessPolicy(
  policy: { rules?: SuccessPolicyRule[] } | undefined,
  completions: number,
  succeeded: OrderedIntervals,
): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = parseIntervals(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      if (matchSucceededIndexesRule(required, succeeded, rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && total(succeeded) >= rule.succeededCount) return `Matched rules at index ${index}`;
  }
  return undefined;
}
