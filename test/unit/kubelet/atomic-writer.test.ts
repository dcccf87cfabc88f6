// The AtomicWriter on a real file system (a temp dir): layout, no-op re-sync, atomic swap, removals.
import { describe, expect, it } from 'vitest';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSecretVolumeDir, writeAtomic } from '../../../src/kubelet/atomic-writer.js';

const f = (path: string, data: string, mode = 0o644) => ({ path, data: Buffer.from(data), mode });

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'kctl-aw-'));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const tsDirs = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((e) => /^\.\.\d{4}_/.test(e));

describe('writeAtomic', () => {
  it('writes a timestamped dir, ..data pointing at it, and key -> ..data/key entries', () =>
    withDir(async (dir) => {
      expect(await writeAtomic(dir, [f('a', 'A'), f('conf/b.txt', 'B', 0o400)], new Date('2026-01-02T03:04:05Z'))).toBe(true);
      const [ts] = await tsDirs(dir);
      expect(ts).toMatch(/^\.\.2026_01_02_03_04_05\./);
      expect(await readlink(join(dir, '..data'))).toBe(ts);
      expect(await readlink(join(dir, 'a'))).toBe('..data/a');
      expect(await readlink(join(dir, 'conf'))).toBe('..data/conf');
      expect(await readFile(join(dir, 'conf/b.txt'), 'utf8')).toBe('B');
      expect((await stat(join(dir, 'conf/b.txt'))).mode & 0o777).toBe(0o400);
      expect((await stat(join(dir, ts!))).mode & 0o777).toBe(0o755);
      expect((await readdir(dir)).sort()).toEqual(['..data', ts, 'a', 'conf'].sort());
    }));

  it('the same payload writes nothing; a new one swaps ..data, drops removed keys and the old dir', () =>
    withDir(async (dir) => {
      await writeAtomic(dir, [f('a', 'A'), f('gone', 'G')]);
      const [first] = await tsDirs(dir);
      expect(await writeAtomic(dir, [f('a', 'A'), f('gone', 'G')])).toBe(false);
      expect(await tsDirs(dir)).toEqual([first]);
      // a mode change alone is a change
      expect(await writeAtomic(dir, [f('a', 'A', 0o600), f('gone', 'G')])).toBe(true);
      expect(await writeAtomic(dir, [f('a', 'A2'), f('new', 'N')])).toBe(true);
      const [now] = await tsDirs(dir);
      expect(now).not.toBe(first);
      expect(await tsDirs(dir)).toEqual([now]);
      expect(await readlink(join(dir, '..data'))).toBe(now);
      expect(await readFile(join(dir, 'a'), 'utf8')).toBe('A2');
      expect(await readFile(join(dir, 'new'), 'utf8')).toBe('N');
      await expect(lstat(join(dir, 'gone'))).rejects.toThrow(/ENOENT/);
      expect((await readdir(dir)).sort()).toEqual(['..data', now, 'a', 'new'].sort());
      // an empty payload (optional source missing) empties the directory's user-visible part
      expect(await writeAtomic(dir, [])).toBe(true);
      expect((await readdir(dir)).filter((e) => !e.startsWith('..'))).toEqual([]);
    }));

  it('takes over a folder an older kctl filled with plain files: links replace them, leftovers go', () =>
    withDir(async (dir) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'a'), 'old A');
      await writeFile(join(dir, 'gone'), 'old');
      expect(await writeAtomic(dir, [f('a', 'new A')])).toBe(true);
      expect(await readlink(join(dir, 'a'))).toBe('..data/a');
      expect(await readFile(join(dir, 'a'), 'utf8')).toBe('new A');
      expect((await readdir(dir)).filter((e) => !e.startsWith('..'))).toEqual(['a']);
    }));

  it('refuses paths that escape or shadow the bookkeeping entries', () =>
    withDir(async (dir) => {
      await expect(writeAtomic(dir, [f('../x', 'X')])).rejects.toThrow(/invalid path/);
      await expect(writeAtomic(dir, [f('..data', 'X')])).rejects.toThrow(/invalid path/);
      await expect(writeAtomic(dir, [f('/etc/x', 'X')])).rejects.toThrow(/invalid path/);
      expect(await readdir(dir)).toEqual([]);
    }));
});

describe('defaultSecretVolumeDir', () => {
  it('a per-home directory on tmpfs when there is one, else none (the home keeps them)', () =>
    withDir(async (dir) => {
      const shm = join(dir, 'shm');
      await mkdir(shm);
      const a = defaultSecretVolumeDir('/home/u/.kctl', shm);
      expect(a).toMatch(new RegExp(`^${shm}/kctl-[0-9a-f]{12}$`));
      expect(defaultSecretVolumeDir('/home/u/.kctl', shm)).toBe(a);
      expect(defaultSecretVolumeDir('/home/v/.kctl', shm)).not.toBe(a);
      expect(defaultSecretVolumeDir('/home/u/.kctl', join(dir, 'missing'))).toBeUndefined();
    }));
});
