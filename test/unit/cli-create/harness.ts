// In-process kctl for the create generators: main() over a MemoryStore, in-memory streams, a working directory.
import { Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import type { CliIO } from '../../../src/cli/context.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Env {
  clock: FakeClock;
  store: MemoryStore;
}

export function setup(): Env {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  return { clock, store: new MemoryStore({ clock }) };
}

export async function kctl(env: Env, argv: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  const out = new Sink();
  const err = new Sink();
  const io: CliIO = { out, err, cwd: opts.cwd, env: { KCTL_NO_CONTROLLER: '1', NO_COLOR: '1', ...opts.env } };
  const code = await main(argv, io, { store: env.store, clock: env.clock });
  return { code, stdout: out.text, stderr: err.text };
}
