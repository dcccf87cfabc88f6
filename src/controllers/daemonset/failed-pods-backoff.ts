// The back-off between deletions of a node's failed daemon pods (upstream daemon_controller.go failedPodsBackoff,
// a client-go flowcontrol.Backoff of 1 s doubling to 15 min), so the controller does not fight a kubelet that keeps
// rejecting the pod. Keyed `<ds uid>/<observedGeneration>/<node>` as upstream. Times come from the caller's clock.
export const FAILED_PODS_BACKOFF_INITIAL_MS = 1_000;
export const FAILED_PODS_BACKOFF_MAX_MS = 15 * 60_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class FailedPodsBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = FAILED_PODS_BACKOFF_INITIAL_MS,
    private readonly maxMs = FAILED_PODS_BACKOFF_MAX_MS,
  ) {}

  /** upstream IsInBackOffSinceUpdate: less than the current back-off has passed since the last Next. */
  isInBackOffSinceUpdate(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return e !== undefined && now - e.lastUpdate < e.backoffMs;
  }

  /** upstream Get: the current back-off (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** upstream Next: start at the initial back-off (or again after 2×max of quiet), else double up to max. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * this.maxMs) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  /** upstream GC: forget entries quiet for more than 2×max. */
  gc(now: number): void {
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }
}

export const failedPodsBackoffKey = (dsUid: string, observedGeneration: number, node: string): string => `${dsUid}/${observedGeneration}/${node}`;
