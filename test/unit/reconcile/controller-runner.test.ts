import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { ConflictError } from '../../../src/util/errors.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { TooOldError, objectKey, refOf, type Store, type WatchEvent, type WatchOptions } from '../../../src/store/store.js';
import type { KubeObject } from '../../../src/api/types.js';
import { ControllerRunner } from '../../../src/reconcile/controller-runner.js';
import { DONE, type Reconciler, type Result } from '../../../src/reconcile/reconciler.js';
import type { Logger } from '../../../src/reconcile/logger.js';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });

class TestReconciler implements Reconciler {
  readonly watches: string[];
  calls: string[] = [];
  events: { type: string; name: string }[] = [];
  resync: string[] = [];
  resyncCalls = 0;
  behave: (key: string, n: number) => Promise<Result> = async () => DONE;
  constructor(
    readonly name = 'test',
    watches = ['pods'],
  ) {
    this.watches = watches;
  }
  keysFor(ev: WatchEvent<KubeObject>): string[] {
    this.events.push({ type: ev.type, name: ev.object.metadata.name });
    return [objectKey(refOf(ev.object))];
  }
  async resyncKeys(): Promise<string[]> {
    this.resyncCalls++;
    return this.resync;
  }
  async reconcile(key: string): Promise<Result> {
    this.calls.push(key);
    return this.behave(key, this.calls.filter((k) => k === key).length);
  }
}

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`I ${m}`),
    warn: (m) => lines.push(`W ${m}`),
    error: (m) => lines.push(`E ${m}`),
    debug: () => undefined,
  };
}

const runners: ControllerRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

function make(reconcilers: Reconciler[], opts: { store?: Store; resyncPeriodMs?: number } = {}) {
  const clock = new FakeClock();
  const store = opts.store ?? new MemoryStore({ clock });
  const log = captureLog();
  const runner = new ControllerRunner({ store, clock, reconcilers, log, resyncPeriodMs: opts.resyncPeriodMs ?? 0 });
  runners.push(runner);
  return { clock, store, log, runner };
}

describe('ControllerRunner', () => {
  it('maps store events to keys and reconciles them', async () => {
    const r = new TestReconciler();
    const other = new TestReconciler('nodes-only', ['nodes']);
    const { store, runner } = make([r, other]);
    await runner.start();
    await store.create(pod('web-1'));
    await vi.waitFor(() => expect(r.calls).toContain('pods/default/web-1'));
    expect(r.events).toContainEqual({ type: 'ADDED', name: 'web-1' });
    expect(other.calls).toEqual([]);
  });

  it('delivers the initial list as ADDED and enqueues resyncKeys at start', async () => {
    const r = new TestReconciler();
    r.resync = ['pods/default/extra'];
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    await store.create(pod('old'));
    const { runner } = make([r], { store });
    await runner.start();
    await vi.waitFor(() => expect(r.calls.sort()).toEqual(['pods/default/extra', 'pods/default/old']));
    expect(r.events).toEqual([{ type: 'ADDED', name: 'old' }]);
  });

  it('requeues at once on ConflictError, with back-off after repeated conflicts', async () => {
    const r = new TestReconciler();
    r.behave = async (_k, n) => {
      if (n <= 2) throw new ConflictError('pods', 'p');
      return DONE;
    };
    const { runner, log } = make([r]);
    runner.enqueue('test', 'pods/default/p');
    expect(await runner.drainOnce()).toBe(1);
    expect(await runner.drainOnce()).toBe(1); // no clock advance needed
    expect(await runner.drainOnce()).toBe(1);
    expect(await runner.drainOnce()).toBe(0);
    expect(r.calls).toHaveLength(3);
    expect(log.lines.filter((l) => l.startsWith('E'))).toEqual([]);

    const r2 = new TestReconciler('always-conflict');
    r2.behave = async () => {
      throw new ConflictError('pods', 'p');
    };
    const m = make([r2]);
    m.runner.enqueue('always-conflict', 'k');
    for (let i = 0; i < 6; i++) expect(await m.runner.drainOnce()).toBe(1);
    expect(await m.runner.drainOnce()).toBe(0); // sixth conflict in a row: back-off
    expect(m.log.lines).toEqual([expect.stringMatching(/^E always-conflict k: Operation cannot be fulfilled .* \(retrying in 5ms\)$/)]);
    m.clock.advance(5);
    expect(await m.runner.drainOnce()).toBe(1);
  });

  it('backs off other errors with one log line per failure', async () => {
    const r = new TestReconciler();
    r.behave = async (_k, n) => {
      if (n <= 2) throw new Error('engine hiccup');
      return DONE;
    };
    const { runner, log, clock } = make([r]);
    runner.enqueue('test', 'k');
    await runner.drainOnce();
    expect(log.lines).toEqual(['E test k: engine hiccup (retrying in 5ms)']);
    expect(await runner.drainOnce()).toBe(0);
    clock.advance(5);
    await runner.drainOnce();
    expect(log.lines[1]).toBe('E test k: engine hiccup (retrying in 10ms)');
    clock.advance(10);
    expect(await runner.drainOnce()).toBe(1);
    expect(r.calls).toHaveLength(3);
  });

  it('honours Result.requeueAfterMs', async () => {
    const r = new TestReconciler();
    r.behave = async (_k, n) => (n === 1 ? { requeueAfterMs: 2000 } : DONE);
    const { runner, clock } = make([r]);
    runner.enqueue('test', 'k');
    await runner.drainOnce();
    clock.advance(1999);
    expect(await runner.drainOnce()).toBe(0);
    clock.advance(1);
    expect(await runner.drainOnce()).toBe(1);
  });

  it('resyncs periodically', async () => {
    const r = new TestReconciler();
    r.resync = ['pods/default/a'];
    const { runner, clock } = make([r], { resyncPeriodMs: 1000 });
    await runner.start();
    await vi.waitFor(() => expect(r.calls).toEqual(['pods/default/a']));
    clock.advance(999);
    await runner.idle();
    expect(r.resyncCalls).toBe(1);
    clock.advance(1);
    await vi.waitFor(() => expect(r.calls).toEqual(['pods/default/a', 'pods/default/a']));
    clock.advance(1000);
    await vi.waitFor(() => expect(r.resyncCalls).toBe(3));
  });

  it('relists after a TooOld watch error and reports what vanished as DELETED', async () => {
    const clock = new FakeClock();
    const inner = new MemoryStore({ clock });
    await inner.create(pod('gone'));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let watches = 0;
    const store: Store = Object.assign(Object.create(inner) as Store, {
      watch<T extends KubeObject>(opts: WatchOptions): AsyncIterable<WatchEvent<T>> {
        watches++;
        if (watches > 1) return inner.watch<T>(opts);
        return (async function* () {
          await gate;
          throw new TooOldError(opts.fromRevision ?? 0, 99);
        })();
      },
    });
    const r = new TestReconciler();
    const { runner, log } = make([r], { store });
    await runner.start();
    await inner.delete({ resource: 'pods', namespace: 'default', name: 'gone' });
    await inner.create(pod('new'));
    release();
    await vi.waitFor(() => expect(r.events).toContainEqual({ type: 'DELETED', name: 'gone' }));
    expect(r.events).toContainEqual({ type: 'ADDED', name: 'new' });
    await inner.create(pod('after'));
    await vi.waitFor(() => expect(r.calls).toContain('pods/default/after'));
    expect(log.lines.some((l) => /^I watch of pods: too old resource version.*relisting$/.test(l))).toBe(true);
  });

  it('accepts keys from other sources and stops cleanly', async () => {
    const r = new TestReconciler();
    const { runner, store } = make([r]);
    await runner.start();
    expect(runner.enqueue('test', 'pods/default/from-runtime')).toBe(true);
    expect(runner.enqueue('nope', 'x')).toBe(false);
    await vi.waitFor(() => expect(r.calls).toContain('pods/default/from-runtime'));
    await runner.stop();
    const before = r.calls.length;
    await store.create(pod('late'));
    await new Promise((res) => setTimeout(res, 20));
    expect(r.calls.length).toBe(before);
  });
});
