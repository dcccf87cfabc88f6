// What the kubelet remembers of one pod between its passes, by pod uid (upstream pod_workers.go keeps a
// podSyncStatus per uid). One record holds everything that used to be spread over maps keyed by
// `${uid}/...` strings, so forgetting a pod is one delete, not a prefix scan over each of them.
//
// State of one engine container (a stop running, a restart asked for) stays with the stopper, by container
// id: orphans have no record, and a stop outlives the pod it belongs to.
import type { BackoffEntry } from './backoff.js';
import type { Waiting } from './pod-actions.js';

export interface PodRecord {
  readonly uid: string;
  /** crash and pull back-off entries, by the planner's keys (crashBackoffKey / pullBackoffKey of this pod) */
  readonly backoff: Map<string, BackoffEntry>;
  /** last failure of a container start, by container name (upstream reasonCache) */
  readonly lastFailures: Map<string, Waiting>;
  /** waiting state whose events were last emitted (`reason|message`), by container name */
  readonly shownWaiting: Map<string, string>;
  /** background pulls, by image */
  readonly pulls: Map<string, Promise<void>>;
  /** images pulled for the pod and not yet used by a container start */
  readonly freshPulls: Set<string>;
  /** images whose pull failed since the pod's last pass */
  readonly freshPullFailures: Set<string>;
  /**
   * Starts this kubelet is making, by `${container}/${attempt}` (sandbox: container "POD"), with when it
   * asked: the engine's `start` event for them brings nothing the starting pass does not already observe.
   */
  readonly ownStarts: Map<string, number>;
  /** the drain before SIGTERM its containers' stops share (kept a while after it ends) */
  drain?: Promise<void>;
}

export function newPodRecord(uid: string): PodRecord {
  return {
    uid,
    backoff: new Map(),
    lastFailures: new Map(),
    shownWaiting: new Map(),
    pulls: new Map(),
    freshPulls: new Set(),
    freshPullFailures: new Set(),
    ownStarts: new Map(),
  };
}

/** The records of the pods this kubelet knows, by uid. */
export class PodRecords {
  private readonly byUid = new Map<string, PodRecord>();

  get(uid: string): PodRecord | undefined {
    return this.byUid.get(uid);
  }

  /** The pod's record, made empty the first time. */
  ensure(uid: string): PodRecord {
    let r = this.byUid.get(uid);
    if (!r) this.byUid.set(uid, (r = newPodRecord(uid)));
    return r;
  }

  /** Drops the pod's record (a later ensure() starts afresh). */
  forget(uid: string): void {
    this.byUid.delete(uid);
  }

  uids(): string[] {
    return [...this.byUid.keys()];
  }
}
