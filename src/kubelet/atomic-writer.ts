// Kubernetes' AtomicWriter (pkg/volume/util/atomic_writer.go) on node:fs: the files of a configMap, secret,
// projected or downwardAPI volume change all at once, so a reader in the container never sees half an update.
//
//   <dir>/..2026_01_02_03_04_05.123456789/   the payload, in a fresh timestamped directory (0755)
//   <dir>/..data -> ..2026_01_02_...          swapped atomically: symlink ..data_tmp, rename over ..data
//   <dir>/<key>  -> ..data/<key>              what the user sees (first path component of each file)
//
// Steps (upstream's): compare with the current payload (nothing written when equal) → write the new
// timestamped dir → create missing user-visible symlinks → swap ..data → remove user-visible paths that left
// the payload → remove the old timestamped dir. A bind mount of <dir> sees every swap; a subPath mount of a
// file resolved the symlinks when it was mounted and keeps the old file (as upstream).
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { basename, join, posix, resolve } from 'node:path';
import type { PayloadFile } from './projection.js';

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** `..2006_01_02_15_04_05.` (upstream's prefix; mkdtemp adds the unique suffix). */
function tsPrefix(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

function validate(payload: PayloadFile[]): void {
  const seen = new Set<string>();
  for (const f of payload) {
    const n = posix.normalize(f.path);
    if (!f.path || posix.isAbsolute(f.path) || n !== f.path.replace(/\/+$/, '') || n.startsWith('..') || n.split('/').includes('..'))
      throw new Error(`invalid path ${JSON.stringify(f.path)}: must be relative, normalized and may not start with '..'`);
    if (seen.has(n)) throw new Error(`duplicate path ${JSON.stringify(f.path)}`);
    seen.add(n);
  }
}

const topOf = (p: string): string => p.split('/')[0]!;

async function tryReadlink(p: string): Promise<string | undefined> {
  try {
    return await readlink(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw e;
  }
}

/** relative path → content and mode of the files under dir */
async function readTree(dir: string, rel = ''): Promise<Map<string, { data: Buffer; mode: number }>> {
  const out = new Map<string, { data: Buffer; mode: number }>();
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of await readTree(dir, r)) out.set(k, v);
    else if (e.isFile()) {
      const full = join(dir, r);
      out.set(r, { data: await readFile(full), mode: (await stat(full)).mode & 0o7777 });
    }
  }
  return out;
}

function samePayload(old: Map<string, { data: Buffer; mode: number }>, payload: PayloadFile[]): boolean {
  if (old.size !== payload.length) return false;
  for (const f of payload) {
    const o = old.get(f.path);
    if (!o || o.mode !== f.mode || !o.data.equals(f.data)) return false;
  }
  return true;
}

/**
 * Makes `dir` hold exactly `payload`, atomically. Resolves true when something was written, false when the
 * directory already held this payload (a re-sync writes nothing). `dir` must exist.
 */
export async function writeAtomic(dir: string, payload: PayloadFile[], now = new Date()): Promise<boolean> {
  validate(payload);
  const oldTs = await tryReadlink(join(dir, DATA_DIR));
  let old = new Map<string, { data: Buffer; mode: number }>();
  if (oldTs !== undefined) {
    try {
      old = await readTree(join(dir, oldTs));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const newTops = new Set(payload.map((f) => topOf(f.path)));
  const removedTops = [...new Set([...old.keys()].map(topOf))].filter((t) => !newTops.has(t));
  const write = oldTs === undefined || !samePayload(old, payload);

  let tsName: string | undefined;
  if (write) {
    const ts = await mkdtemp(join(dir, tsPrefix(now)));
    tsName = basename(ts);
    try {
      await chmod(ts, 0o755);
      for (const f of payload) {
        const full = join(ts, f.path);
        const parent = posix.dirname(f.path);
        if (parent !== '.') await mkdir(join(ts, parent), { recursive: true, mode: 0o755 });
        await writeFile(full, f.data, { mode: f.mode });
        await chmod(full, f.mode); // writeFile's mode is masked by the umask
      }
    } catch (e) {
      await rm(ts, { recursive: true, force: true });
      throw e;
    }
  }
  // user-visible entries: <key> -> ..data/<key>
  for (const t of newTops) {
    const p = join(dir, t);
    const want = posix.join(DATA_DIR, t);
    if ((await tryReadlink(p)) === want) continue;
    // absent, or a plain file/folder an older kctl wrote here: the link takes its place
    await rm(p, { recursive: true, force: true });
    await symlink(want, p);
  }
  // a folder never written atomically before: what an older layout left besides the payload goes
  if (oldTs === undefined) for (const e of await readdir(dir)) if (!e.startsWith('..') && !newTops.has(e)) await rm(join(dir, e), { recursive: true, force: true });
  if (write) {
    const tmp = join(dir, DATA_DIR_TMP);
    await rm(tmp, { force: true });
    await symlink(tsName!, tmp);
    await rename(tmp, join(dir, DATA_DIR));
  }
  for (const t of removedTops) {
    const p = join(dir, t);
    if ((await tryReadlink(p)) !== undefined) await rm(p, { force: true });
  }
  if (write) {
    // the old payload, and any timestamped dir a crash left behind
    for (const e of await readdir(dir)) if (e.startsWith('..') && e !== DATA_DIR && e !== tsName && e !== DATA_DIR_TMP) await rm(join(dir, e), { recursive: true, force: true });
  }
  return write;
}

/**
 * Where secret, projected and downwardAPI volumes live: a 0700 directory on tmpfs (/dev/shm/kctl-<hash of the
 * home>), so secret files never touch the disk and no other host user can reach them. Undefined when the host
 * has no /dev/shm: they then stay under $KCTL_HOME (0700 too).
 */
export function defaultSecretVolumeDir(dataDir: string, shm = '/dev/shm'): string | undefined {
  try {
    if (!statSync(shm).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  return join(shm, `kctl-${hash}`);
}
