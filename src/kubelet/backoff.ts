// Per-key exponential back-off, as client-go's flowcontrol.Backoff the kubelet uses for container restarts
// (CrashLoopBackOff) and image pulls (ImagePullBackOff), without jitter. Pure functions over plain entries:
// the planner reads a snapshot, the kubelet keeps the map.

export interface BackoffEntry {
  /** current back-off period */
  durationMs: number;
  /** when the period was last bumped (Next) */
  lastUpdateMs: number;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Read-only view of the kubelet's back-off map. */
export type BackoffView = ReadonlyMap<string, BackoffEntry>;

/** True while less than the entry's period has passed since `eventMs` (e.g. the container's finish). */
export function isInBackOffSince(entry: BackoffEntry | undefined, eventMs: number, nowMs: number): boolean {
  return entry !== undefined && nowMs - eventMs < entry.durationMs;
}

/** True while less than the entry's period has passed since it was last bumped (image pulls). */
export function isInBackOffSinceUpdate(entry: BackoffEntry | undefined, nowMs: number): boolean {
  return entry !== undefined && nowMs - entry.lastUpdateMs < entry.durationMs;
}

/**
 * The next entry after a failure at `eventMs`: the base period the first time (or when the last bump is
 * more than twice the maximum ago: "stable again"), else double the period, capped at the maximum.
 */
export function nextBackoff(entry: BackoffEntry | undefined, eventMs: number, nowMs: number, p: BackoffPolicy): BackoffEntry {
  if (!entry || eventMs - entry.lastUpdateMs > 2 * p.maxMs) return { durationMs: p.baseMs, lastUpdateMs: nowMs };
  return { durationMs: Math.min(entry.durationMs * 2, p.maxMs), lastUpdateMs: nowMs };
}
