// Durable file primitives for FileStore: atomic replace (temp in the same dir, fsync, rename, fsync dir),
// durable mkdir, and the temp-file naming that recovery recognises.
import { randomHex } from '../util/ids.js';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/** `.<base>.<pid>.<random>.tmp`: hidden (never a valid object name, which cannot start with "."), recognisable. */
export function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomHex(4)}.tmp`;
}

export const isTempName = (n: string): boolean => n.startsWith('.') && n.endsWith('.tmp');

/** fsync a directory, so a rename/unlink/create in it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Replaces `path` atomically and durably: readers see the old or the new content, never a torn file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, tempName(basename(path)));
  const fh = await open(tmp, 'wx', mode);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dir);
}

/** Removes a file (absent is fine) and fsyncs its directory. */
export async function unlinkDurable(path: string): Promise<boolean> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  await fsyncDir(dirname(path));
  return true;
}

/** mkdir -p (mode 0700) under `root`, fsyncing the parent of every directory it created. */
export async function mkdirDurable(dir: string, root: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  if (relative(root, first).startsWith('..')) throw new Error(`${dir} is outside ${root}`);
  // first is the top-most directory created; it and everything below it down to dir are new: fsync each parent
  const parents = [dirname(first)];
  let cur = first;
  for (const seg of relative(first, dir).split(sep).filter(Boolean)) {
    parents.push(cur);
    cur = join(cur, seg);
  }
  for (const d of parents) await fsyncDir(d);
}

/** Deletes stray temp files and dirs (from a killed writer) directly inside dir; returns how many. */
export async function cleanTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  const stray = names.filter(isTempName);
  for (const n of stray) await rm(join(dir, n), { recursive: true, force: true }).catch(() => undefined);
  if (stray.length) await fsyncDir(dir);
  return stray.length;
}
