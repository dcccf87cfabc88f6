import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLock } from '../../../src/store/file-lock.js';
import { KctlError } from '../../../src/util/errors.js';

const dirs: string[] = [];
const root = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kctl-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited (and been reaped). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('FileLock', () => {
  it('serializes holders in one process and cleans up after itself', async () => {
    const r = root();
    const a = new FileLock(r);
    const b = new FileLock(r); // a second instance on the same root (another store object)
    let inside = 0;
    let most = 0;
    const work = async (l: FileLock): Promise<void> =>
      l.withLock(async () => {
        inside++;
        most = Math.max(most, inside);
        await new Promise((res) => setTimeout(res, 2));
        inside--;
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => work(i % 2 ? a : b)));
    expect(most).toBe(1);
    expect(existsSync(join(r, 'lock'))).toBe(false);
  });

  it('records its owner while held', async () => {
    const r = root();
    const seen = await new FileLock(r).withLock(async () => (await import('node:fs/promises')).readFile(join(r, 'lock', 'owner'), 'utf8'));
    expect(JSON.parse(seen)).toMatchObject({ pid: process.pid, host: hostname() });
  });

  it('breaks a lock whose owner died at once, without waiting for it to go stale', async () => {
    const r = root();
    mkdirSync(join(r, 'lock'));
    writeFileSync(join(r, 'lock', 'owner'), JSON.stringify({ pid: deadPid(), host: hostname(), token: 'x' }));
    const t0 = Date.now();
    await new FileLock(r, { staleMs: 10_000 }).withLock(async () => undefined);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('breaks an ownerless lock that went stale', async () => {
    const r = root();
    mkdirSync(join(r, 'lock'));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(r, 'lock'), old, old);
    const t0 = Date.now();
    await new FileLock(r, { staleMs: 2000 }).withLock(async () => undefined);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('waits for a live holder and gives up with a Timeout error', async () => {
    const r = root();
    mkdirSync(join(r, 'lock'));
    writeFileSync(join(r, 'lock', 'owner'), JSON.stringify({ pid: process.pid, host: hostname(), token: 'x' }));
    const e = await new FileLock(r, { staleMs: 10_000, timeoutMs: 300 }).withLock(async () => 'never').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KctlError);
    expect((e as KctlError).code).toBe('Timeout');
    expect((e as Error).message).toMatch(/^timed out after 300 ms waiting for the store lock /);
    expect(existsSync(join(r, 'lock', 'owner'))).toBe(true); // someone else's lock is left alone
  });

  it('keeps a long-held lock fresh without tripping the compromise check of proper-lockfile', async () => {
    const r = root();
    const l = new FileLock(r, { staleMs: 2000 });
    await l.withLock(() => new Promise((res) => setTimeout(res, 2600)));
    expect(l.compromised).toBeUndefined();
    expect(existsSync(join(r, 'lock'))).toBe(false);
  });
});
