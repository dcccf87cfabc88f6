// Runs a set of Reconcilers: watch → keys → queue → reconcile → Result/retry (controller-runtime's shape, without
// informers). Handlers only enqueue keys; all the thinking happens in reconcile(key), which is level-based.
//
// - One watch per watched resource, started from the revision of an initial list; the listed objects are
//   delivered as ADDED events first (as an informer's initial sync). A watch that fails (TooOldError: the store
//   compacted past our revision, or any other error) relists and continues; objects that vanished meanwhile are
//   delivered as DELETED (from a small cache of the last state seen), so "on delete" reactions are not lost.
// - Every `resyncPeriodMs` each reconciler's resyncKeys() are enqueued: a missed event only delays, never breaks.
// - Outcomes: Result.requeueAfterMs → requeue after that (back-off reset); ConflictError → requeue at once (after
//   `maxConflictRetries` in a row: back-off); any other error → per-key capped back-off and one log line.
// - Extra event sources (the runtime's container events) call enqueue(reconcilerName, key).
import { sleep } from '../util/clock.js';
import type { KubeObject } from '../api/types.js';
import type { Clock, Timer } from '../util/clock.js';
import { isConflict } from '../util/errors.js';
import { isTooOld, objectKey, refOf, type Store, type WatchEvent } from '../store/store.js';
import { NOP_LOGGER, type Logger } from './logger.js';
import type { Reconciler } from './reconciler.js';
import { WorkQueue, type QueueOutcome } from './queue.js';

export interface ControllerRunnerOptions {
  store: Store;
  clock: Clock;
  reconcilers: readonly Reconciler[];
  /** enqueue every reconciler's resyncKeys() this often (default 30 000 ms; 0 turns it off) */
  resyncPeriodMs?: number;
  log?: Logger;
  /** per-key failure back-off of the queues (default 5 ms doubling to 30 000 ms) */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** conflicts in a row requeued at once before the back-off applies (default 5) */
  maxConflictRetries?: number;
  /** wait before re-watching after a watch error other than TooOld (default 1 000 ms doubling to 30 000 ms) */
  watchRetryBaseMs?: number;
  watchRetryMaxMs?: number;
  /** stop() waits this long for running reconciles before giving up on them (default 10 000 ms) */
  stopTimeoutMs?: number;
  /** errors that are retried with back-off without a log line (the cluster reports an unreachable engine once) */
  quietError?: (err: unknown) => boolean;
}

export const DEFAULT_RESYNC_PERIOD_MS = 30_000;

interface Loop {
  r: Reconciler;
  queue: WorkQueue;
  conflicts: Map<string, number>;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ControllerRunner {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly resyncPeriodMs: number;
  private readonly maxConflictRetries: number;
  private readonly watchRetryBaseMs: number;
  private readonly watchRetryMaxMs: number;
  private readonly stopTimeoutMs: number;
  private readonly quietError: (err: unknown) => boolean;
  private readonly loops = new Map<string, Loop>();
  /** resource → reconcilers watching it */
  private readonly byResource = new Map<string, Loop[]>();
  private abort: AbortController | undefined;
  private resyncTimer: Timer | undefined;
  private watchLoops: Promise<void>[] = [];
  private stopping: Promise<void> | undefined;

  constructor(opts: ControllerRunnerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.log = opts.log ?? NOP_LOGGER;
    this.resyncPeriodMs = opts.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS;
    this.maxConflictRetries = opts.maxConflictRetries ?? 5;
    this.watchRetryBaseMs = opts.watchRetryBaseMs ?? 1_000;
    this.watchRetryMaxMs = opts.watchRetryMaxMs ?? 30_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
    this.quietError = opts.quietError ?? (() => false);
    for (const r of opts.reconcilers) {
      if (this.loops.has(r.name)) throw new Error(`two reconcilers named ${r.name}`);
      const loop: Loop = {
        r,
        conflicts: new Map(),
        queue: new WorkQueue({
          clock: this.clock,
          concurrency: r.concurrency ?? 2,
          baseDelayMs: opts.backoffBaseMs,
          maxDelayMs: opts.backoffMaxMs,
          handler: (key) => this.reconcileKey(loop, key),
          onError: (key, err, ms) => {
            const line = `${r.name} ${key}: ${errMessage(err)} (retrying in ${ms}ms)`;
            if (this.quietError(err)) this.log.debug(line);
            else this.log.error(line);
          },
        }),
      };
      this.loops.set(r.name, loop);
      for (const res of new Set(r.watches)) {
        const list = this.byResource.get(res) ?? [];
        list.push(loop);
        this.byResource.set(res, list);
      }
    }
  }

  /** Names of the reconcilers this runner drives. */
  get names(): string[] {
    return [...this.loops.keys()];
  }

  /** The queue of one reconciler (tests: drainOnce, has). */
  queue(name: string): WorkQueue {
    const l = this.loops.get(name);
    if (!l) throw new Error(`no reconciler named ${name}`);
    return l.queue;
  }

  /** Queues a key for a reconciler (extra event sources: runtime events → kubelet). False when unknown. */
  enqueue(reconcilerName: string, key: string): boolean {
    const l = this.loops.get(reconcilerName);
    if (!l) {
      this.log.warn(`enqueue ${key}: no reconciler named ${reconcilerName}`);
      return false;
    }
    l.queue.add(key);
    return true;
  }

  enqueueAfter(reconcilerName: string, key: string, ms: number): boolean {
    const l = this.loops.get(reconcilerName);
    if (!l) return false;
    l.queue.addAfter(key, ms);
    return true;
  }

  /** Enqueues resyncKeys() of one reconciler (or all). */
  async resync(reconcilerName?: string): Promise<void> {
    const loops = reconcilerName ? [this.loops.get(reconcilerName)].filter((l): l is Loop => !!l) : [...this.loops.values()];
    await Promise.all(
      loops.map(async (l) => {
        try {
          for (const key of await l.r.resyncKeys()) l.queue.add(key);
        } catch (e) {
          // an unreachable engine is reported once, by whoever watches it (the cluster), not on every resync
          if (this.quietError(e)) this.log.debug(`${l.r.name}: resync failed: ${errMessage(e)}`);
          else this.log.error(`${l.r.name}: resync failed: ${errMessage(e)}`);
        }
      }),
    );
  }

  /** Delivers a store change to the reconcilers watching its resource (what the watch loops do). */
  dispatch(resource: string, ev: WatchEvent<KubeObject>): void {
    for (const l of this.byResource.get(resource) ?? []) {
      let keys: string[];
      try {
        keys = l.r.keysFor(ev);
      } catch (e) {
        this.log.error(`${l.r.name}: keysFor ${ev.type} ${resource}/${ev.object.metadata?.name}: ${errMessage(e)}`);
        continue;
      }
      for (const k of keys) l.queue.add(k);
    }
  }

  /**
   * Tests (runner not started): processes every ready key of every reconciler once. Resolves to the number of
   * reconciles run.
   */
  async drainOnce(): Promise<number> {
    let n = 0;
    for (const l of this.loops.values()) n += await l.queue.drainOnce();
    return n;
  }

  /** Resolves when no reconcile runs and nothing is ready (started runner). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.loops.values()].map((l) => l.queue.idle()));
      if ([...this.loops.values()].every((l) => l.queue.length === 0)) return;
    }
  }

  /**
   * Lists and watches every watched resource, enqueues the initial resync, starts the workers and the periodic
   * resync. Resolves once the first list of every resource was attempted; the loops run until stop() or the
   * signal aborts.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.abort) throw new Error('controller runner already started');
    const abort = new AbortController();
    this.abort = abort;
    if (signal) {
      if (signal.aborted) abort.abort();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    const firstLists: Promise<void>[] = [];
    for (const resource of this.byResource.keys()) {
      let listed!: () => void;
      firstLists.push(new Promise<void>((r) => (listed = r)));
      this.watchLoops.push(this.watchLoop(resource, abort.signal, listed));
    }
    await Promise.all(firstLists);
    if (abort.signal.aborted) return;
    await this.resync();
    for (const l of this.loops.values()) l.queue.start();
    this.scheduleResync();
  }

  /** Stops watching and resyncing, lets running reconciles finish (up to stopTimeoutMs). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort?.abort();
      this.resyncTimer?.cancel();
      const drained = Promise.all([...this.loops.values()].map((l) => l.queue.shutDown()));
      let t: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        t = setTimeout(() => {
          this.log.warn(`stopping: reconciles still running after ${this.stopTimeoutMs}ms; leaving them`);
          resolve();
        }, this.stopTimeoutMs);
        t.unref?.();
      });
      await Promise.race([drained.then(() => Promise.all(this.watchLoops)), timeout]);
      if (t) clearTimeout(t);
    })();
    return this.stopping;
  }

  private scheduleResync(): void {
    if (this.resyncPeriodMs <= 0 || this.abort?.signal.aborted) return;
    this.resyncTimer = this.clock.setTimer(this.resyncPeriodMs, () => {
      if (this.abort?.signal.aborted) return;
      this.log.debug('periodic resync');
      void this.resync().finally(() => this.scheduleResync());
    });
  }

  private async reconcileKey(l: Loop, key: string): Promise<QueueOutcome | void> {
    const started = Date.now();
    try {
      const res = await l.r.reconcile(key);
      l.conflicts.delete(key);
      this.log.debug(`${l.r.name} ${key}: reconciled in ${Date.now() - started}ms`);
      if (res.requeueAfterMs !== undefined && res.requeueAfterMs >= 0) return { requeueAfterMs: res.requeueAfterMs };
      return;
    } catch (e) {
      if (isConflict(e)) {
        const n = (l.conflicts.get(key) ?? 0) + 1;
        l.conflicts.set(key, n);
        this.log.debug(`${l.r.name} ${key}: conflict (${n}), requeued: ${errMessage(e)}`);
        if (n <= this.maxConflictRetries) return { requeue: 'now' };
        l.conflicts.delete(key);
      }
      throw e; // the queue backs off and calls onError (one log line)
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return sleep(this.clock, ms, signal);
  }

  private async watchLoop(resource: string, signal: AbortSignal, listed: () => void): Promise<void> {
    /** last state seen of every object of the resource, to report deletions missed while not watching */
    const seen = new Map<string, KubeObject>();
    let fromRevision: number | undefined;
    let failures = 0;
    try {
      while (!signal.aborted) {
        try {
          if (fromRevision === undefined) {
            fromRevision = await this.relist(resource, seen);
            listed();
          }
          for await (const ev of this.store.watch<KubeObject>({ resource, fromRevision, signal })) {
            fromRevision = ev.revision;
            failures = 0;
            const k = objectKey(refOf(ev.object));
            if (ev.type === 'DELETED') seen.delete(k);
            else seen.set(k, ev.object);
            this.dispatch(resource, ev);
          }
          if (signal.aborted) return;
          // the stream ended without our asking (the store closed): start again after a pause
          throw new Error('watch ended');
        } catch (e) {
          listed();
          if (signal.aborted) return;
          if (isTooOld(e)) {
            this.log.info(`watch of ${resource}: ${errMessage(e)}; relisting`);
            fromRevision = undefined;
            continue;
          }
          const ms = Math.min(this.watchRetryMaxMs, this.watchRetryBaseMs * 2 ** Math.min(failures, 30));
          failures++;
          this.log.warn(`watch of ${resource} failed: ${errMessage(e)}; relisting in ${ms}ms`);
          fromRevision = undefined;
          await this.sleep(ms, signal);
        }
      }
    } finally {
      listed();
    }
  }

  /** Lists the resource, delivers ADDED/MODIFIED for what is there and DELETED for what vanished. */
  private async relist(resource: string, seen: Map<string, KubeObject>): Promise<number> {
    const list = await this.store.list<KubeObject>(resource);
    const revision = Number(list.resourceVersion);
    const present = new Set<string>();
    for (const obj of list.items) {
      const k = objectKey(refOf(obj));
      present.add(k);
      const before = seen.get(k);
      seen.set(k, obj);
      if (before && before.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.dispatch(resource, { type: before ? 'MODIFIED' : 'ADDED', object: obj, revision });
    }
    for (const [k, obj] of [...seen]) {
      if (present.has(k)) continue;
      seen.delete(k);
      this.dispatch(resource, { type: 'DELETED', object: obj, revision });
    }
    return revision;
  }
}
