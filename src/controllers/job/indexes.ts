// Completion indexes of Indexed Jobs (upstream pkg/controller/job/indexed_job_utils.go): the index of a pod (its
// annotation), interval sets as status.completedIndexes / failedIndexes print them ("0-2,4" — two neighbours
// print as "1,2"), which indexes still need a pod, and which active pods repeat an index. Pure.
import type { Pod } from '../../api/types.js';
import { JOB_COMPLETION_INDEX } from '../../api/meta.js';

/** upstream unknownCompletionIndex */
export const UNKNOWN_INDEX = -1;

/** The pod's completion index from its annotation; UNKNOWN_INDEX when absent or not a non-negative integer. */
export function getCompletionIndex(annotations: Record<string, string> | undefined): number {
  const v = annotations?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return UNKNOWN_INDEX;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : UNKNOWN_INDEX;
}

export interface Interval {
  first: number;
  last: number;
}

/** Sorted, disjoint, non-adjacent intervals (upstream orderedIntervals). */
export type OrderedIntervals = readonly Interval[];

/** Number of indexes in the set. */
export const total = (oi: OrderedIntervals): number => oi.reduce((n, v) => n + v.last - v.first + 1, 0);

export function has(oi: OrderedIntervals, ix: number): boolean {
  return oi.some((v) => v.first <= ix && ix <= v.last);
}

/** upstream orderedIntervals.String: "0-2,4", and "1,2" for two neighbours. */
export function formatIntervals(oi: OrderedIntervals): string {
  const parts: string[] = [];
  for (const v of oi) {
    if (v.last === v.first) parts.push(String(v.first));
    else if (v.last === v.first + 1) parts.push(`${v.first},${v.last}`);
    else parts.push(`${v.first}-${v.last}`);
  }
  return parts.join(',');
}

/**
 * upstream parseIndexesFromString: "1,3-5" → intervals; malformed parts are skipped, indexes at or beyond
 * `completions` dropped.
 */
export function parseIntervals(s: string | undefined, completions: number): OrderedIntervals {
  if (!s) return [];
  const ixs: number[] = [];
  const out: Interval[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    let last = m[2] === undefined ? first : Number(m[2]);
    if (last < first || first >= completions) continue;
    last = Math.min(last, completions - 1);
    out.push({ first, last });
  }
  for (const v of out) for (let i = v.first; i <= v.last; i++) ixs.push(i);
  return fromIndexes(ixs);
}

/** The set of the given indexes (any order, repeats allowed). */
export function fromIndexes(ixs: Iterable<number>): OrderedIntervals {
  const sorted = [...new Set(ixs)].sort((a, b) => a - b);
  const out: Interval[] = [];
  for (const ix of sorted) {
    const lastIv = out[out.length - 1];
    if (lastIv && ix === lastIv.last + 1) lastIv.last = ix;
    else out.push({ first: ix, last: ix });
  }
  return out;
}

/** upstream withOrderedIndexes: the union of the set and the new indexes. */
export function withIndexes(oi: OrderedIntervals, ixs: Iterable<number>): OrderedIntervals {
  const all: number[] = [...ixs];
  for (const v of oi) for (let i = v.first; i <= v.last; i++) all.push(i);
  return fromIndexes(all);
}

type PodLike = Pick<Pod, 'metadata' | 'status'>;

const hasFinalizer = (p: PodLike, f: string): boolean => p.metadata?.finalizers?.includes(f) ?? false;

/**
 * upstream calculateSucceededIndexes: the indexes of status.completedIndexes (previous) and those plus the indexes
 * of succeeded pods not counted yet (still carrying the tracking finalizer).
 */
export function calculateSucceededIndexes(
  completedIndexes: string | undefined,
  completions: number,
  pods: readonly PodLike[],
  trackingFinalizer: string,
): { prev: OrderedIntervals; next: OrderedIntervals } {
  const prev = parseIntervals(completedIndexes, completions);
  const fresh: number[] = [];
  for (const p of pods) {
    const ix = getCompletionIndex(p.metadata?.annotations);
    if (p.status?.phase === 'Succeeded' && ix !== UNKNOWN_INDEX && ix < completions && hasFinalizer(p, trackingFinalizer)) fresh.push(ix);
  }
  return { prev, next: withIndexes(prev, fresh) };
}

/**
 * upstream firstPendingIndexes: up to `count` indexes below `completions`, lowest first, that neither succeeded,
 * failed (backoffLimitPerIndex), nor have an active pod.
 */
export function firstPendingIndexes(
  activePods: readonly PodLike[],
  succeeded: OrderedIntervals,
  failed: OrderedIntervals | undefined,
  count: number,
  completions: number,
): number[] {
  if (count <= 0) return [];
  const busy = new Set<number>();
  for (const p of activePods) {
    const ix = getCompletionIndex(p.metadata?.annotations);
    if (ix !== UNKNOWN_INDEX) busy.add(ix);
  }
  const out: number[] = [];
  for (let ix = 0; ix < completions && out.length < count; ix++) {
    if (busy.has(ix) || has(succeeded, ix) || (failed && has(failed, ix))) continue;
    out.push(ix);
  }
  return out;
}

/**
 * upstream appendDuplicatedIndexPodsForRemoval: active pods without a valid index, with an index at or beyond
 * `completions`, or repeating an index (all but one per index are removed; the one kept is the first in
 * `pods` order after sorting by preference — callers pass them sorted). Returns [remove, keep].
 */
export function duplicatedIndexPods<T extends PodLike>(pods: readonly T[], completions: number): [T[], T[]] {
  const rm: T[] = [];
  const keep: T[] = [];
  const seen = new Set<number>();
  for (const p of pods) {
    const ix = getCompletionIndex(p.metadata?.annotations);
    if (ix === UNKNOWN_INDEX || ix >= completions || seen.has(ix)) rm.push(p);
    else {
      seen.add(ix);
      keep.push(p);
    }
  }
  return [rm, keep];
}

/** upstream podGenerateNameWithIndex: `<job>-<index>-`, the job name cut so the prefix fits 58 characters. */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const appendix = `-${index}-`;
  const MAX = 63 - 5; // upstream names.MaxGeneratedNameLength
  const prefix = jobName + appendix;
  return prefix.length > MAX ? jobName.slice(0, MAX - appendix.length) + appendix : prefix;
}
