import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { WorkQueue, type QueueOutcome } from '../../../src/reconcile/queue.js';

function setup(handler?: (key: string) => Promise<QueueOutcome | void>, opts: { concurrency?: number } = {}) {
  const clock = new FakeClock();
  const seen: string[] = [];
  const errors: { key: string; ms: number }[] = [];
  const q = new WorkQueue({
    clock,
    concurrency: opts.concurrency,
    handler: async (k) => {
      seen.push(k);
      return handler?.(k);
    },
    onError: (key, _e, ms) => errors.push({ key, ms }),
  });
  return { clock, q, seen, errors };
}

describe('WorkQueue', () => {
  it('processes a key added twice once', async () => {
    const { q, seen } = setup();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(await q.drainOnce()).toBe(2);
    expect(seen).toEqual(['a', 'b']);
    expect(await q.drainOnce()).toBe(0);
  });

  it('processes a key re-added during its processing again afterwards, not concurrently', async () => {
    let q!: WorkQueue;
    let first = true;
    const s = setup(async (k) => {
      if (first) {
        first = false;
        q.add(k); // re-added while processing
        expect(q.length).toBe(0); // kept out of the ready list until this pass ends
      }
    });
    q = s.q;
    q.add('a');
    expect(await q.drainOnce()).toBe(1);
    expect(q.length).toBe(1);
    expect(await q.drainOnce()).toBe(1);
    expect(s.seen).toEqual(['a', 'a']);
  });

  it('addAfter waits for the clock', async () => {
    const { q, clock, seen } = setup();
    q.addAfter('a', 1000);
    expect(await q.drainOnce()).toBe(0);
    clock.advance(999);
    expect(await q.drainOnce()).toBe(0);
    clock.advance(1);
    expect(await q.drainOnce()).toBe(1);
    expect(seen).toEqual(['a']);
  });

  it('addAfter keeps the earlier of two delays', async () => {
    const { q, clock } = setup();
    q.addAfter('a', 5000);
    q.addAfter('a', 100);
    q.addAfter('a', 3000);
    clock.advance(100);
    expect(await q.drainOnce()).toBe(1);
    clock.advance(10_000);
    expect(await q.drainOnce()).toBe(0);
  });

  it('backs off failures exponentially per key, capped, and resets on success', async () => {
    let fail = true;
    const { q, clock, errors } = setup(async () => {
      if (fail) throw new Error('boom');
    });
    q.add('a');
    const delays: number[] = [];
    for (let i = 0; i < 15; i++) {
      await q.drainOnce();
      const ms = errors[errors.length - 1]!.ms;
      delays.push(ms);
      clock.advance(ms - 1);
      expect(await q.drainOnce()).toBe(0); // not before its back-off
      clock.advance(1);
    }
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(delays.at(-1)).toBe(30_000);
    expect(Math.max(...delays)).toBe(30_000);
    fail = false;
    expect(await q.drainOnce()).toBe(1);
    expect(q.numRequeues('a')).toBe(0);
    fail = true;
    q.add('a');
    await q.drainOnce();
    expect(errors.at(-1)!.ms).toBe(5);
  });

  it('keeps back-off per key', async () => {
    const { q, errors } = setup(async (k) => {
      if (k === 'bad') throw new Error('x');
    });
    q.add('bad');
    await q.drainOnce();
    q.add('good');
    await q.drainOnce();
    expect(q.numRequeues('bad')).toBe(1);
    expect(q.numRequeues('good')).toBe(0);
    expect(errors.map((e) => e.key)).toEqual(['bad']);
  });

  it('honours requeueAfterMs and requeue now', async () => {
    const outcomes: (QueueOutcome | void)[] = [{ requeueAfterMs: 50 }, { requeue: 'now' }, undefined];
    const { q, clock, seen } = setup(async () => outcomes.shift());
    q.add('a');
    await q.drainOnce();
    expect(await q.drainOnce()).toBe(0);
    clock.advance(50);
    expect(await q.drainOnce()).toBe(1); // → requeue now
    expect(await q.drainOnce()).toBe(1);
    expect(await q.drainOnce()).toBe(0);
    expect(seen).toEqual(['a', 'a', 'a']);
  });

  it('runs up to `concurrency` handlers, never the same key twice at once', async () => {
    const running = new Set<string>();
    let maxAtOnce = 0;
    const gates: (() => void)[] = [];
    let dup = false;
    const { q } = setup(
      async (k) => {
        if (running.has(k)) dup = true;
        running.add(k);
        maxAtOnce = Math.max(maxAtOnce, running.size);
        await new Promise<void>((r) => gates.push(r));
        running.delete(k);
      },
      { concurrency: 2 },
    );
    q.start();
    q.add('a');
    q.add('b');
    q.add('c');
    q.add('a'); // a is running: queued for after
    await Promise.resolve();
    expect(running.size).toBe(2);
    while (gates.length || q.length) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    await q.idle();
    expect(maxAtOnce).toBe(2);
    expect(dup).toBe(false);
    await q.shutDown();
  });

  it('shutDown cancels delays and waits for running handlers', async () => {
    let release!: () => void;
    let finished = false;
    const { q, clock } = setup(async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
    });
    q.start();
    q.add('a');
    q.addAfter('b', 10);
    await Promise.resolve();
    const done = q.shutDown();
    let resolved = false;
    void done.then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(resolved).toBe(false);
    release();
    await done;
    expect(finished).toBe(true);
    expect(q.delayedCount).toBe(0);
    clock.advance(100);
    q.add('c');
    expect(q.length).toBe(0);
  });
});
