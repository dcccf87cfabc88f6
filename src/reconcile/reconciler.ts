// The contract between the controller runner (queue + watch + resync) and each control loop.
import type { WatchEvent } from '../store/store.js';
import type { KubeObject } from '../api/types.js';

/** What a reconcile pass asks of the runner. */
export interface Result {
  /** reconcile this key again after this many ms (a retry, a backoff, a probe period...) */
  requeueAfterMs?: number;
}

export const DONE: Result = Object.freeze({});

export interface Reconciler {
  /** for logs: "replicaset", "kubelet", "scheduler" ... */
  readonly name: string;
  /** store resources (plurals) whose changes this loop reacts to */
  readonly watches: readonly string[];
  /** keys (objectKey strings) to enqueue for a store change; e.g. a pod change enqueues its owner */
  keysFor(ev: WatchEvent<KubeObject>): string[];
  /** every key this loop should look at on a periodic resync (level-triggered safety net) */
  resyncKeys(): Promise<string[]>;
  /**
   * Level-based and idempotent. NotFound of the primary object means done. Throwing means a transient
   * failure: the runner retries with capped backoff (ConflictError: at once).
   */
  reconcile(key: string): Promise<Result>;
  /** how many keys of this loop the runner reconciles at once (default 2; the scheduler uses 1) */
  readonly concurrency?: number;
}
