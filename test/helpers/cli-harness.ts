// The one in-process kctl for unit tests: main() over a MemoryStore (and, when a test needs one, a FakeRuntime)
// on a FakeClock, with in-memory streams. A running command's output can be read while it waits, and Ctrl-C
// runs what it subscribed through ctx.onInterrupt.
import { Readable, Writable } from 'node:stream';
import { createProgram, main } from '../../src/cli/main.js';
import type { CliContext, CliIO } from '../../src/cli/context.js';
import type { FakeRuntime } from '../../src/runtime/fake/fake-runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { FakeClock } from '../../src/util/clock.js';

export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** A FakeClock that counts the timers set on it, so a test can wait until a command armed its timeout. */
export class CountingClock extends FakeClock {
  timersSet = 0;
  override setTimer(ms: number, fn: () => void) {
    this.timersSet++;
    return super.setTimer(ms, fn);
  }
}

export interface Harness {
  clock: CountingClock;
  store: MemoryStore;
  runtime?: FakeRuntime;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** A store on a clock at 2026-01-01; `uids: true` numbers uids uid-1, uid-2... for stable output. */
export function harness(opts: { uids?: boolean; runtime?: (clock: FakeClock) => FakeRuntime } = {}): Harness {
  const clock = new CountingClock('2026-01-01T00:00:00Z');
  let n = 0;
  const store = new MemoryStore({ clock, ...(opts.uids ? { uid: () => `uid-${++n}` } : {}) });
  return { clock, store, ...(opts.runtime ? { runtime: opts.runtime(clock) } : {}) };
}

export interface RunOptions {
  stdin?: string | Readable;
  cwd?: string;
  env?: Record<string, string>;
}

export function makeIO(opts: RunOptions = {}): { io: CliIO; out: Sink; err: Sink; interrupt(): void } {
  const out = new Sink();
  const err = new Sink();
  const handlers = new Set<() => void>();
  const io: CliIO = {
    out,
    err,
    cwd: opts.cwd,
    env: { KCTL_NO_CONTROLLER: '1', NO_COLOR: '1', ...opts.env },
    onInterrupt: (fn) => {
      handlers.add(fn);
      return () => handlers.delete(fn);
    },
  };
  if (opts.stdin !== undefined) io.in = typeof opts.stdin === 'string' ? Readable.from([Buffer.from(opts.stdin)]) : opts.stdin;
  return { io, out, err, interrupt: () => [...handlers].forEach((fn) => fn()) };
}

const depsOf = (h: Harness) => ({ store: h.store, clock: h.clock, ...(h.runtime ? { runtime: h.runtime } : {}) });

/** A running kctl: its streams can be read while it waits. */
export interface Running {
  out: Sink;
  err: Sink;
  done: Promise<Result>;
  /** Ctrl-C */
  interrupt(): void;
}

/** Starts `kctl ARGV` in process through main(). */
export function start(h: Harness, argv: string[], opts: RunOptions = {}): Running {
  const { io, out, err, interrupt } = makeIO(opts);
  const done = main(argv, io, depsOf(h)).then((code) => ({ code, stdout: out.text, stderr: err.text }));
  return { out, err, done, interrupt };
}

/** Runs `kctl ARGV` in process to its end. */
export const kctl = (h: Harness, argv: string[], opts: RunOptions = {}): Promise<Result> => start(h, argv, opts).done;

/** A CliContext over the harness (for calling a verb's runX directly). */
export async function context(h: Harness, verb: string): Promise<{ ctx: CliContext; out: Sink; err: Sink }> {
  const { io, out, err } = makeIO();
  const { ctx } = await createProgram(io, depsOf(h), verb);
  return { ctx, out, err };
}
