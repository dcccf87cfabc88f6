import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ControllerRunningError,
  acquireControllerLock,
  controllerPaths,
  controllerStatus,
  ensureControllerRunning,
  readControllerLog,
  stopController,
} from '../../../src/cluster/process.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function home(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kctl-proc-'));
  dirs.push(d);
  return d;
}

/** A pid that certainly is not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid;
}

describe('controller lock', () => {
  it('is exclusive per $KCTL_HOME and writes/removes the pid file', async () => {
    const h = await home();
    const lock = await acquireControllerLock(h);
    expect(await controllerStatus(h)).toEqual({ running: true, pid: process.pid });
    expect((await readFile(controllerPaths(h).pid, 'utf8')).trim()).toBe(String(process.pid));
    const err = await acquireControllerLock(h).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControllerRunningError);
    expect((err as Error).message).toBe(`a controller is already running for ${h} (pid ${process.pid}); see 'kctl controller status'`);
    await lock.release();
    expect(await controllerStatus(h)).toEqual({ running: false });
    expect(existsSync(controllerPaths(h).pid)).toBe(false);
    const again = await acquireControllerLock(h);
    await again.release();
  });

  it('takes over at once from a holder that was killed (its pid is gone)', async () => {
    const h = await home();
    const paths = controllerPaths(h);
    await mkdir(paths.lock); // a fresh lock directory: not stale by its mtime
    await writeFile(paths.pid, `${deadPid()}\n`);
    expect((await controllerStatus(h)).running).toBe(false);
    const lock = await acquireControllerLock(h);
    expect(await controllerStatus(h)).toEqual({ running: true, pid: process.pid });
    await lock.release();
  });

  it('two concurrent starters: exactly one wins', async () => {
    const h = await home();
    const results = await Promise.allSettled([acquireControllerLock(h), acquireControllerLock(h), acquireControllerLock(h)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ControllerRunningError)).toBe(true);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireControllerLock>>>).value.release();
  });
});

describe('ensureControllerRunning', () => {
  it('does nothing with KCTL_NO_CONTROLLER=1', async () => {
    const h = await home();
    const spawnFn = vi.fn(async () => 1);
    expect(await ensureControllerRunning({ home: h, io: { env: { KCTL_NO_CONTROLLER: '1' } } }, { spawn: spawnFn })).toBe('disabled');
    expect(spawnFn).not.toHaveBeenCalled();
  });

  it('starts one background controller; a second call while it starts does not start another', async () => {
    const h = await home();
    const spawnFn = vi.fn(async () => 4242);
    const ctx = { home: h, io: { env: { KCTL_HOME: h } } };
    expect(await ensureControllerRunning(ctx, { spawn: spawnFn })).toBe('started');
    expect(await ensureControllerRunning(ctx, { spawn: spawnFn })).toBe('starting');
    expect(spawnFn).toHaveBeenCalledTimes(1);
    expect(spawnFn).toHaveBeenCalledWith(h, { KCTL_HOME: h }, controllerPaths(h).log);
  });

  it('does not start one when a controller runs', async () => {
    const h = await home();
    const lock = await acquireControllerLock(h);
    const spawnFn = vi.fn(async () => 1);
    expect(await ensureControllerRunning({ home: h, io: { env: {} } }, { spawn: spawnFn })).toBe('running');
    expect(spawnFn).not.toHaveBeenCalled();
    await lock.release();
  });

  it('retries after a start that never took the lock (old marker)', async () => {
    const h = await home();
    await writeFile(controllerPaths(h).starting, '1\n');
    const old = new Date(Date.now() - 60_000);
    const { utimes } = await import('node:fs/promises');
    await utimes(controllerPaths(h).starting, old, old);
    const spawnFn = vi.fn(async () => 1);
    expect(await ensureControllerRunning({ home: h, io: { env: {} } }, { spawn: spawnFn })).toBe('started');
  });
});

// Separate OS processes running the built controller verb (dist/, built by `npm test` before vitest runs).
describe('kctl controller as a process', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const launcher = fileURLToPath(new URL('./controller-child.mjs', import.meta.url));

  beforeAll(() => {
    if (!existsSync(join(root, 'dist/cli/commands/controller.js')))
      throw new Error('dist/ is not built: run `npm run build` (or `npx tsc -p tsconfig.json`) first');
  });

  function run(h: string, args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
    const child = spawn(process.execPath, [launcher, ...args], {
      env: { ...process.env, KCTL_HOME: h, KCTL_NO_CONTROLLER: '1', KCTL_NODE_NAME: 'test-node' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, out: () => out, err: () => err, exit };
  }

  async function waitRunning(h: string, pid: number | undefined): Promise<void> {
    await vi.waitFor(
      async () => {
        expect(await controllerStatus(h)).toEqual({ running: true, pid });
      },
      { timeout: 20_000, interval: 100 },
    );
  }

  it('refuses a second controller, survives kill -9, stops on SIGTERM', async () => {
    const h = await home();
    const a = run(h, ['controller']);
    await waitRunning(h, a.child.pid);

    const b = run(h, ['controller']);
    expect(await b.exit).toBe(1);
    expect(b.err()).toBe(`error: a controller is already running for ${h} (pid ${a.child.pid}); see 'kctl controller status'\n`);

    const st = run(h, ['controller', 'status']);
    expect(await st.exit).toBe(0);
    expect(st.out()).toBe(`controller is running (pid ${a.child.pid})\n`);

    // kill -9: the next controller takes the lock at once (well before the 10 s staleness)
    a.child.kill('SIGKILL');
    await a.exit;
    const started = Date.now();
    const c = run(h, ['controller']);
    await waitRunning(h, c.child.pid);
    expect(Date.now() - started).toBeLessThan(8_000);

    const stop = run(h, ['controller', 'stop']);
    expect(await stop.exit).toBe(0);
    expect(stop.out()).toBe(`controller stopped (pid ${c.child.pid})\n`);
    expect(await c.exit).toBe(0);
    expect(c.err()).toMatch(/ I received SIGTERM, stopping \(containers keep running\)\n/);
    expect(c.err()).toMatch(/ I controller stopped\n/);
    expect(c.err()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z I /m);

    const st2 = run(h, ['controller', 'status']);
    expect(await st2.exit).toBe(1);
    expect(st2.out()).toBe('controller is not running\n');
    expect(existsSync(controllerPaths(h).pid)).toBe(false);

    const stop2 = await stopController(h);
    expect(stop2).toEqual({ wasRunning: false, killed: false });
  }, 60_000);

  it('logs prints the background log, --tail the last lines', async () => {
    const h = await home();
    const none = run(h, ['controller', 'logs']);
    expect(await none.exit).toBe(1);
    expect(none.err()).toBe(`error: no controller log at ${controllerPaths(h).log} (the controller has not run in the background)\n`);
    await writeFile(controllerPaths(h).log, 'one\ntwo\nthree\n');
    const all = run(h, ['controller', 'logs']);
    expect(await all.exit).toBe(0);
    expect(all.out()).toBe('one\ntwo\nthree\n');
    const tail = run(h, ['controller', 'logs', '--tail', '2']);
    expect(await tail.exit).toBe(0);
    expect(tail.out()).toBe('two\nthree\n');
    expect(await readControllerLog(h, 1)).toBe('three\n');
    expect((await stat(controllerPaths(h).log)).size).toBe(14);
  }, 30_000);
});

describe('isProcessAlive', () => {
  it('counts a zombie (exited, not yet reaped) as dead', async () => {
    const { isProcessAlive } = await import('../../../src/cluster/process.js');
    // `sleep 0` exits at once, and its parent, exec'd into `sleep 3`, never reaps it: a zombie for 3 s
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 3'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const pid = Number(await new Promise<string>((res) => parent.stdout!.once('data', (d) => res(String(d)))));
    let state = '';
    for (let i = 0; i < 100 && state !== 'Z'; i++) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') await new Promise((r) => setTimeout(r, 20));
    }
    expect(state).toBe('Z');
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(parent.pid!)).toBe(true);
  });
});
