// The controller process: exactly one per $KCTL_HOME, its pid file, log file, background start, stop.
//
//   $KCTL_HOME/controller.lock      proper-lockfile's mkdir lock (mtime refreshed every 2 s; stale after 10 s)
//   $KCTL_HOME/controller.pid       the holder's pid, written right after taking the lock
//   $KCTL_HOME/controller.log       stdout+stderr of a controller started in the background
//   $KCTL_HOME/controller.starting  marker while a background start is on its way (so two commands don't race)
//
// A controller kill -9'd leaves its lock behind; the next one sees that the pid in controller.pid is dead and takes
// the lock at once (a pid reused by another process only delays that until the lock goes stale, 10 s). Taking the
// lock is serialized by a short-lived `controller.lock.acquire` directory, so two starters never both break it.
//
// This module is an edge of the architecture: it uses node:fs, node:child_process and `process` (signals, pids).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { KctlError } from '../util/errors.js';

export const LOCK_DIR = 'controller.lock';
export const PID_FILE = 'controller.pid';
export const LOG_FILE = 'controller.log';
export const STARTING_FILE = 'controller.starting';
/** A lock not refreshed for this long is abandoned (proper-lockfile refreshes it every LOCK_UPDATE_MS). */
export const LOCK_STALE_MS = 10_000;
export const LOCK_UPDATE_MS = 2_000;
/** A background start that has not taken the lock after this long is presumed failed. */
export const STARTING_TTL_MS = 15_000;
/** controller.log is rotated to controller.log.1 at a background start when larger than this. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

export interface ControllerPaths {
  lock: string;
  acquire: string;
  pid: string;
  log: string;
  starting: string;
}

export function controllerPaths(home: string): ControllerPaths {
  return {
    lock: join(home, LOCK_DIR),
    acquire: join(home, `${LOCK_DIR}.acquire`),
    pid: join(home, PID_FILE),
    log: join(home, LOG_FILE),
    starting: join(home, STARTING_FILE),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether a process with this pid exists (EPERM: it exists, as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(pid, 0) also succeeds on a zombie: a controller killed with SIGKILL stays one until its new parent
  // (often a slow PID 1 in containers) reaps it, and it must count as dead at once
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(pid, 0)
  }
}

export async function readControllerPid(home: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(controllerPaths(home).pid, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function writePidFile(home: string, pid: number): Promise<void> {
  const p = controllerPaths(home).pid;
  const tmp = `${p}.${pid}.tmp`;
  await writeFile(tmp, `${pid}\n`);
  await rename(tmp, p);
}

/** `a controller is already running for <home> (pid N)`: the second `kctl controller` refuses with this. */
export class ControllerRunningError extends KctlError {
  readonly pid: number | undefined;
  constructor(home: string, pid: number | undefined) {
    // not 'AlreadyExists': the CLI prints those as API-server refusals ("Error from server (AlreadyExists)")
    // TODO(errors.ts owner): a dedicated code (e.g. 'ControllerRunning') once the union has one.
    super('Internal', `a controller is already running for ${home}${pid ? ` (pid ${pid})` : ''}; see 'kctl controller status'`);
    this.pid = pid;
  }
}

/** Runs fn holding the acquire mutex (a directory; one abandoned for LOCK_STALE_MS is removed). */
async function withAcquireMutex<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const dir = controllerPaths(home).acquire;
  const deadline = Date.now() + LOCK_STALE_MS + 5_000;
  for (;;) {
    try {
      await mkdir(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(dir).catch(() => undefined);
      if (st && st.mtimeMs < Date.now() - LOCK_STALE_MS) await rmdir(dir).catch(() => undefined);
      else if (Date.now() > deadline) throw new KctlError('Timeout', `timed out waiting for ${dir}`);
      else await sleep(25 + Math.random() * 25);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}

/** The held controller lock. */
export class ControllerLock {
  /** set when proper-lockfile could not refresh the lock in time (another controller may take over) */
  compromised: Error | undefined;
  private released = false;
  constructor(
    readonly home: string,
    readonly pid: number,
    private readonly releaseLock: () => Promise<void>,
  ) {}

  /** Releases the lock and removes the pid file (when it is still ours). Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if ((await readControllerPid(this.home)) === this.pid) await unlink(controllerPaths(this.home).pid).catch(() => undefined);
    await this.releaseLock().catch(() => undefined); // ERELEASED when compromised
  }
}

/**
 * Takes $KCTL_HOME/controller.lock and writes controller.pid. Throws ControllerRunningError when a live controller
 * holds it. `onCompromised` is called if the lock is lost later (the caller should stop).
 */
export async function acquireControllerLock(home: string, opts: { onCompromised?: (err: Error) => void } = {}): Promise<ControllerLock> {
  await mkdir(home, { recursive: true });
  const paths = controllerPaths(home);
  return withAcquireMutex(home, async () => {
    for (let attempt = 0; ; attempt++) {
      let holder: ControllerLock | undefined;
      try {
        const release = await lockfile.lock(home, {
          lockfilePath: paths.lock,
          realpath: false,
          stale: LOCK_STALE_MS,
          update: LOCK_UPDATE_MS,
          retries: 0,
          onCompromised: (err) => {
            if (holder) holder.compromised = err;
            opts.onCompromised?.(err);
          },
        });
        holder = new ControllerLock(home, process.pid, release);
        await writePidFile(home, process.pid);
        return holder;
      } catch (e) {
        if (holder) {
          await holder.release();
          throw e;
        }
        if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
        const pid = await readControllerPid(home);
        // the holder was killed (kill -9): its pid is gone, break the lock at once
        if (attempt === 0 && pid !== undefined && pid !== process.pid && !isProcessAlive(pid)) {
          await rm(paths.lock, { recursive: true, force: true });
          continue;
        }
        throw new ControllerRunningError(home, pid);
      }
    }
  });
}

export interface ControllerState {
  running: boolean;
  /** the pid in controller.pid (running or not) */
  pid?: number;
}

/** Running = the lock is held (fresh) and the pid in controller.pid is alive. */
export async function controllerStatus(home: string): Promise<ControllerState> {
  const pid = await readControllerPid(home);
  const locked = await lockfile
    .check(home, { lockfilePath: controllerPaths(home).lock, realpath: false, stale: LOCK_STALE_MS })
    .catch(() => false);
  const running = locked && pid !== undefined && isProcessAlive(pid);
  return pid === undefined ? { running } : { running, pid };
}

export interface StopResult {
  wasRunning: boolean;
  pid?: number;
  /** it did not stop within the timeout and got SIGKILL */
  killed: boolean;
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL (and clear what a killed controller leaves behind). */
export async function stopController(home: string, opts: { timeoutMs?: number } = {}): Promise<StopResult> {
  const st = await controllerStatus(home);
  if (!st.running || st.pid === undefined) return { wasRunning: false, killed: false };
  const pid = st.pid;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return { wasRunning: false, pid, killed: false };
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
  if (!isProcessAlive(pid)) return { wasRunning: true, pid, killed: false };
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
  const killDeadline = Date.now() + 5_000;
  while (isProcessAlive(pid) && Date.now() < killDeadline) await sleep(50);
  if (!isProcessAlive(pid)) {
    const paths = controllerPaths(home);
    if ((await readControllerPid(home)) === pid) {
      await rm(paths.lock, { recursive: true, force: true });
      await unlink(paths.pid).catch(() => undefined);
    }
  }
  return { wasRunning: true, pid, killed: true };
}

/** The launcher a background controller runs: bin/kctl.js of this package. */
export function kctlBin(): string {
  return fileURLToPath(new URL('../../bin/kctl.js', import.meta.url));
}

/** Removes the starting marker (a started controller does this once it has, or failed to get, the lock). */
export async function clearStartingMarker(home: string): Promise<void> {
  await unlink(controllerPaths(home).starting).catch(() => undefined);
}

async function rotateLog(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st && st.size > LOG_ROTATE_BYTES) await rename(path, `${path}.1`).catch(() => undefined);
}

export interface EnsureContext {
  home: string;
  io: { env: Record<string, string | undefined> };
}

export type EnsureResult = 'disabled' | 'running' | 'starting' | 'started';

export interface EnsureOptions {
  /** starts the background controller; default: a detached `node bin/kctl.js controller` logging to controller.log */
  spawn?: (home: string, env: Record<string, string | undefined>, logPath: string) => Promise<number | undefined>;
}

async function spawnBackground(home: string, env: Record<string, string | undefined>, logPath: string): Promise<number | undefined> {
  await rotateLog(logPath);
  const fd = openSync(logPath, 'a');
  try {
    const child = spawn(process.execPath, [kctlBin(), 'controller'], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...env, KCTL_HOME: home } as NodeJS.ProcessEnv,
      cwd: home,
    });
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * Used by the mutating verbs (apply, create, delete, scale, rollout): starts the controller in the background when
 * none runs for $KCTL_HOME, unless KCTL_NO_CONTROLLER=1. Never waits for it to be up.
 */
export async function ensureControllerRunning(ctx: EnsureContext, opts: EnsureOptions = {}): Promise<EnsureResult> {
  const env = ctx.io.env;
  if (/^(1|true|yes)$/i.test(env.KCTL_NO_CONTROLLER ?? '')) return 'disabled';
  const home = ctx.home;
  if ((await controllerStatus(home)).running) return 'running';
  await mkdir(home, { recursive: true });
  const paths = controllerPaths(home);
  // one starter at a time: the marker is created exclusively; an old one is from a start that failed
  try {
    const h = await open(paths.starting, 'wx');
    await h.writeFile(`${process.pid}\n`);
    await h.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const st = await stat(paths.starting).catch(() => undefined);
    if (st && st.mtimeMs > Date.now() - STARTING_TTL_MS) return 'starting';
    await writeFile(paths.starting, `${process.pid}\n`);
  }
  try {
    await (opts.spawn ?? spawnBackground)(home, env, paths.log);
  } catch (e) {
    await clearStartingMarker(home);
    throw e;
  }
  return 'started';
}

/**
 * Calls `handler` on SIGTERM/SIGINT (once); a second SIGINT ends the process at once. Returns a function that
 * removes the handlers.
 */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  let seen = 0;
  const h = (sig: NodeJS.Signals): void => {
    seen++;
    if (seen === 1) handler(sig);
    else if (sig === 'SIGINT') process.exit(130);
  };
  process.on('SIGTERM', h);
  process.on('SIGINT', h);
  return () => {
    process.off('SIGTERM', h);
    process.off('SIGINT', h);
  };
}

/** The last `tail` lines of the log (all with tail < 0), or undefined when there is no log. */
export async function readControllerLog(home: string, tail = -1): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(controllerPaths(home).log, 'utf8');
  } catch {
    return undefined;
  }
  if (tail < 0) return text;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - tail)).map((l) => `${l}\n`).join('');
}

/** Writes what is appended to the log from byte `from` on, until the signal aborts (polls every pollMs). */
export async function followControllerLog(home: string, from: number, write: (s: string) => void, signal: AbortSignal, pollMs = 200): Promise<void> {
  const path = controllerPaths(home).log;
  let offset = from;
  const decoder = new TextDecoder('utf-8');
  while (!signal.aborted) {
    const st = await stat(path).catch(() => undefined);
    if (st && st.size < offset) offset = 0; // rotated or truncated
    if (st && st.size > offset) {
      const h = await open(path, 'r');
      try {
        const buf = Buffer.alloc(st.size - offset);
        const { bytesRead } = await h.read(buf, 0, buf.length, offset);
        offset += bytesRead;
        write(decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
      } finally {
        await h.close();
      }
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, pollMs);
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Size of the log now (where -f starts after printing the existing content). */
export async function controllerLogSize(home: string): Promise<number> {
  return (await stat(controllerPaths(home).log).catch(() => undefined))?.size ?? 0;
}
