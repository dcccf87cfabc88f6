// The store's write lock, across processes: proper-lockfile's directory lock (`<root>/lock`, its mtime refreshed
// every staleMs/2 while held), with an owner record inside it (`lock/owner`: pid, host, token) so a holder that
// was kill -9'd is recognised at once (its pid is gone) instead of after staleMs.
// The lock directory never exists without its owner record: proper-lockfile is given an fs whose mkdir builds
// the directory (owner inside) under a temp name and renames it into place, and whose rmdir (for our own
// release) renames it away whole. A lock whose owner is dead (same host), or whose mtime is older than
// staleMs, is broken by one waiter at a time (under `<root>/lock.break`).
// Within one process, callers queue in memory first, so they never spin on the directory.
import { randomHex } from '../util/ids.js';
import * as nodeFs from 'node:fs';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { KctlError } from '../util/errors.js';
import { tempName } from './atomic-file.js';

export interface FileLockOptions {
  /**
   * A held lock whose mtime is older than this is abandoned (default 5000). proper-lockfile refreshes it every
   * staleMs/2 and will not go below 2000. A holder whose pid is dead (same host) is broken without waiting.
   */
  staleMs?: number;
  /** Give up with a Timeout error after waiting this long (default 30000). */
  timeoutMs?: number;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
}

/** Tail of the in-process queue per lock directory. */
const queues = new Map<string, Promise<void>>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockDir: string): Owner | undefined {
  try {
    const o = JSON.parse(nodeFs.readFileSync(join(lockDir, 'owner'), 'utf8')) as Owner;
    return typeof o.pid === 'number' && typeof o.token === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

export class FileLock {
  /** the lock directory: exists while someone holds the lock */
  readonly dir: string;
  private readonly breakDir: string;
  private readonly staleMs: number;
  private readonly timeoutMs: number;
  /** set when proper-lockfile reports the held lock compromised (we were too slow to refresh it) */
  compromised: Error | undefined;
  /** the owner record the next acquisition writes */
  private pending: Owner | undefined;
  /** token of the lock we hold */
  private held: string | undefined;
  /** the fs proper-lockfile uses: node:fs with an owner-aware mkdir and rmdir */
  private readonly fs: Record<string, unknown>;

  constructor(
    private readonly root: string,
    opts: FileLockOptions = {},
  ) {
    this.dir = join(root, 'lock');
    this.breakDir = join(root, 'lock.break');
    this.staleMs = Math.max(2000, opts.staleMs ?? 5000);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.fs = { ...nodeFs, mkdir: this.mkdirWithOwner.bind(this), rmdir: this.rmdirOwned.bind(this) };
  }

  /** proper-lockfile's mkdir: the directory appears (rename) with its owner record already inside. */
  private mkdirWithOwner(path: string, cb: (err: NodeJS.ErrnoException | null) => void): void {
    const tmp = join(this.root, tempName('lock'));
    try {
      nodeFs.mkdirSync(tmp);
      nodeFs.writeFileSync(join(tmp, 'owner'), JSON.stringify(this.pending), { mode: 0o600 });
      nodeFs.renameSync(tmp, path); // fails when a held lock (never empty) is there
    } catch (e) {
      nodeFs.rmSync(tmp, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      // ENOENT: our temp dir was swept by a recovering holder; like EEXIST, try again later
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT')
        return cb(Object.assign(new Error(`${path} exists`), { code: 'EEXIST' }));
      return cb(e as NodeJS.ErrnoException);
    }
    cb(null);
  }

  /** proper-lockfile's rmdir: our own lock leaves whole (rename, then delete); anyone else's is plain rmdir. */
  private rmdirOwned(path: string, cb: (err: NodeJS.ErrnoException | null) => void): void {
    if (this.held && readOwner(path)?.token === this.held) {
      try {
        const tomb = join(this.root, tempName('lock'));
        nodeFs.renameSync(path, tomb);
        nodeFs.rmSync(tomb, { recursive: true, force: true });
      } catch (e) {
        return cb(e as NodeJS.ErrnoException);
      }
      return cb(null);
    }
    nodeFs.rmdir(path, cb); // a stale lock with an owner inside fails (ENOTEMPTY): breakIfAbandoned decides
  }

  /** Runs fn holding the lock (in-process queue first, then the directory lock). */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(this.dir) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = prev.then(() => mine);
    queues.set(this.dir, tail);
    await prev;
    try {
      const release = await this.acquire();
      try {
        return await fn();
      } finally {
        await release();
      }
    } finally {
      done();
      if (queues.get(this.dir) === tail) queues.delete(this.dir);
    }
  }

  private async acquire(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.timeoutMs;
    let delay = 2;
    for (;;) {
      let release: (() => Promise<void>) | undefined;
      const token = randomHex(8);
      this.pending = { pid: process.pid, host: hostname(), token };
      try {
        // loaded on the first write only: read-only verbs (get, describe) never pay for it
        const lockfile = (await import('proper-lockfile')).default;
        release = await lockfile.lock(this.root, {
          lockfilePath: this.dir,
          realpath: false,
          stale: this.staleMs,
          retries: 0,
          fs: this.fs,
          onCompromised: (e) => {
            this.compromised = e;
          },
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // ENOTEMPTY: proper-lockfile found it stale but could not rmdir it because the owner record is in it
        if (code !== 'ELOCKED' && code !== 'ENOTEMPTY') throw e;
      }
      if (release) {
        this.held = token;
        const r = release;
        return async () => {
          await r().catch(() => undefined); // ERELEASED when compromised: nothing left to release
          this.held = undefined;
        };
      }
      if (await this.breakIfAbandoned()) continue;
      if (Date.now() > deadline)
        throw new KctlError('Timeout', `timed out after ${this.timeoutMs} ms waiting for the store lock ${this.dir}`);
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 50);
    }
  }

  /** Breaks the lock when its owner is dead or it went stale. True when the lock is gone (retry at once). */
  private async breakIfAbandoned(): Promise<boolean> {
    try {
      await mkdir(this.breakDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        // another waiter is breaking it; a breaker that died leaves lock.break behind: clear it when old
        const st = await stat(this.breakDir).catch(() => undefined);
        if (st && st.mtimeMs < Date.now() - this.staleMs) await rmdir(this.breakDir).catch(() => undefined);
      }
      return false;
    }
    try {
      const st = await stat(this.dir).catch(() => undefined);
      if (!st) return true;
      const owner = readOwner(this.dir);
      // without an owner record, proper-lockfile's own stale check (mtime) handles it
      if (!owner) return false;
      const dead = owner.host === hostname() && !pidAlive(owner.pid);
      const stale = st.mtimeMs < Date.now() - this.staleMs;
      if (!dead && !stale) return false;
      const tomb = join(this.root, tempName('lock'));
      await rename(this.dir, tomb).catch(() => undefined);
      // only a stale-but-alive holder could have released and someone re-acquired since we looked: put it back
      if (readOwner(tomb)?.token !== owner.token) await rename(tomb, this.dir).catch(() => undefined);
      await rm(tomb, { recursive: true, force: true });
      return true;
    } finally {
      await rmdir(this.breakDir).catch(() => undefined);
    }
  }
}
