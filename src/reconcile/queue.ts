// A work queue of string keys, shaped after client-go's workqueue (dirty/processing sets, delaying queue,
// per-item exponential rate limiter), without its rate-limiter zoo:
//
// - dedup: a key added twice before it is processed is processed once;
// - a key re-added while it is being processed is processed again after that pass ends, never twice at once;
// - addAfter(key, ms) goes through the injected Clock (FakeClock in tests); of two pending delays the earlier wins;
// - a failed pass (the handler throws, or returns {requeue: 'backoff'}) re-adds the key after a per-key capped
//   exponential back-off (base · 2^failures, default 5 ms → 30 s); a successful pass resets it;
// - start(): up to `concurrency` handlers at a time; drainOnce(): for tests, processes every key that is ready now,
//   one after the other, and returns how many it processed.
import type { Clock, Timer } from '../util/clock.js';

/** What a handler asks of the queue after a pass. Returning nothing means success. */
export interface QueueOutcome {
  /** success, but look again after this many ms (resets the back-off) */
  requeueAfterMs?: number;
  /** 'now': process again as soon as possible (a write conflict), back-off kept; 'backoff': a failure */
  requeue?: 'now' | 'backoff';
}

export type QueueHandler = (key: string) => Promise<QueueOutcome | void>;

export interface WorkQueueOptions {
  clock: Clock;
  handler: QueueHandler;
  /** handlers running at once (default 2); never two for the same key */
  concurrency?: number;
  /** first failure back-off (default 5 ms) */
  baseDelayMs?: number;
  /** back-off cap (default 30 000 ms) */
  maxDelayMs?: number;
  /** called when the handler throws (the key is then re-added with back-off); for logging */
  onError?: (key: string, err: unknown, retryInMs: number) => void;
}

export const DEFAULT_QUEUE_BASE_DELAY_MS = 5;
export const DEFAULT_QUEUE_MAX_DELAY_MS = 30_000;

export class WorkQueue {
  private readonly clock: Clock;
  private readonly handler: QueueHandler;
  private readonly concurrency: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onError: WorkQueueOptions['onError'];

  /** keys ready to be processed, in order */
  private ready: string[] = [];
  /** keys that need processing (ready, or re-added while processing) */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: Timer }>();
  private readonly failures = new Map<string, number>();
  private running = false;
  private shuttingDown = false;
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: WorkQueueOptions) {
    this.clock = opts.clock;
    this.handler = opts.handler;
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.baseDelayMs = opts.baseDelayMs ?? DEFAULT_QUEUE_BASE_DELAY_MS;
    this.maxDelayMs = opts.maxDelayMs ?? DEFAULT_QUEUE_MAX_DELAY_MS;
    this.onError = opts.onError;
  }

  /** Queues the key now (a no-op when it is already waiting). */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.processing.has(key)) {
      this.ready.push(key);
      this.pump();
    }
  }

  /** Queues the key after `ms` (Clock-driven). An earlier pending delay for the same key is kept. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now().getTime() + ms;
    const cur = this.delayed.get(key);
    if (cur && cur.at <= at) return;
    cur?.timer.cancel();
    const timer = this.clock.setTimer(ms, () => {
      if (this.delayed.get(key)?.timer !== timer) return;
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, timer });
  }

  /** The back-off the next failure of this key gets. */
  nextBackoffMs(key: string): number {
    const n = this.failures.get(key) ?? 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(n, 52));
  }

  /** Re-queues the key after its back-off and counts a failure; returns the delay. */
  addRateLimited(key: string): number {
    const ms = this.nextBackoffMs(key);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    this.addAfter(key, ms);
    return ms;
  }

  /** Resets the key's back-off. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Failures since the last success. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting to be processed now (not counting delayed ones). */
  get length(): number {
    return this.ready.length;
  }

  /** Keys waiting for their delay (addAfter / back-off). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Whether a key is queued (ready now or delayed). */
  has(key: string): boolean {
    return this.dirty.has(key) || this.delayed.has(key);
  }

  /** Starts processing with up to `concurrency` handlers at once. */
  start(): void {
    if (this.shuttingDown) return;
    this.running = true;
    this.pump();
  }

  /**
   * For tests (with the queue not started): processes every key that is ready now once, in order. Keys added
   * meanwhile (by the handler or a timer) wait for the next call. Resolves to the number of keys processed.
   */
  async drainOnce(): Promise<number> {
    const batch = this.ready;
    this.ready = [];
    let n = 0;
    for (const key of batch) {
      if (this.shuttingDown) break;
      this.dirty.delete(key);
      this.processing.add(key);
      this.active++;
      await this.process(key);
      n++;
    }
    return n;
  }

  /** Stops taking keys, cancels the delays and waits for the running handlers. */
  async shutDown(): Promise<void> {
    this.shuttingDown = true;
    this.running = false;
    for (const d of this.delayed.values()) d.timer.cancel();
    this.delayed.clear();
    this.ready = [];
    this.dirty.clear();
    await this.idle();
  }

  /** Resolves when no handler runs and (while started) nothing is ready. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.active === 0 && (!this.running || this.ready.length === 0);
  }

  private pump(): void {
    while (this.running && this.active < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      this.dirty.delete(key);
      this.processing.add(key);
      this.active++;
      void this.process(key);
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  private async process(key: string): Promise<void> {
    try {
      let outcome: QueueOutcome | void;
      try {
        outcome = await this.handler(key);
      } catch (err) {
        const ms = this.shuttingDown ? 0 : this.addRateLimited(key);
        try {
          this.onError?.(key, err, ms);
        } catch {
          /* a logging failure must not stop the queue */
        }
        return;
      }
      if (outcome?.requeue === 'backoff') this.addRateLimited(key);
      else if (outcome?.requeue === 'now') this.add(key);
      else {
        this.forget(key);
        if (outcome?.requeueAfterMs !== undefined && outcome.requeueAfterMs >= 0) this.addAfter(key, outcome.requeueAfterMs);
      }
    } finally {
      this.processing.delete(key);
      this.active--;
      // re-added while processing: it was kept out of `ready` until now
      if (this.dirty.has(key) && !this.ready.includes(key)) this.ready.push(key);
      this.pump();
    }
  }
}
