// FileStore: the real Store. One JSON file per object under `$KCTL_HOME/store`:
//   <group or "core">/<plural>/<namespace>/<name>.json      (cluster-scoped: <group>/<plural>/<name>.json)
//   revision        the store revision (decimal), replaced atomically after every write
//   changes.log     append-only change log: the write-ahead record, and what watchers tail (see change-log.ts)
//   lock/           the cross-process write lock while held (see file-lock.ts)
// A write, under the lock: recover if the last writer died (truncate a torn log line, replay a logged change
// whose object/revision write did not happen), append the change to the log (fsync), replace or remove the
// object file (temp + fsync + rename + fsync dir), replace `revision`, compact the log when it is too big.
// Reads take no lock: renames make every file whole. Every path component is a validated name before it is
// joined to the root.
import { watch as fsWatch, readdirSync, readFileSync, type FSWatcher } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../api/types.js';
import { isSafeName } from '../api/names.js';
import { SystemClock, type Clock } from '../util/clock.js';
import { KctlError } from '../util/errors.js';
import {
  objectKey,
  parseObjectKey,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type ObjectRef,
  type Store,
  type WatchEvent,
  type WatchOptions,
} from './store.js';
import {
  SYSTEM_NAMESPACES,
  compareObjects,
  createTarget,
  defaultUid,
  isValidRef,
  jsonClone,
  kindInfoOfResource,
  namespaceRefOf,
  normalizeRef,
  notFoundError,
  prepareCreate,
  prepareDelete,
  prepareUpdate,
  prepareUpdateStatus,
  systemNamespace,
  updateTarget,
  watchMatches,
  type Mutation,
  type WriteContext,
} from './object-semantics.js';
import { cleanTempFiles, isTempName, mkdirDurable, unlinkDurable, writeFileAtomic } from './atomic-file.js';
import { CHANGE_LOG, ChangeLog, formatEntry, type ChangeEntry, type LogCursor } from './change-log.js';
import { FileLock, type FileLockOptions } from './file-lock.js';
import { Notifier } from './watch.js';

/**
 * Encoding of stored objects at rest (the seam for Secret encryption). encode gets the object's JSON and returns
 * what is written to its file (and, base64, to the change log); decode reverses it. A codec sees every object:
 * pass through the resources it does not protect.
 */
export interface StoreCodec {
  encode(ref: ObjectRef, plaintext: Buffer): Buffer | Promise<Buffer>;
  decode(ref: ObjectRef, stored: Buffer): Buffer | Promise<Buffer>;
}

export interface FileStoreOptions {
  clock?: Clock;
  /** metadata.uid generator (default crypto.randomUUID) */
  uid?: () => string;
  /** metadata.generateName suffix generator */
  nameSuffix?: () => string;
  codec?: StoreCodec;
  lock?: FileLockOptions;
  /** watch re-reads the log at least this often, besides fs.watch notifications (default 200 ms) */
  watchPollMs?: number;
  log?: {
    /** compact the change log when an append leaves it bigger than this (default 4 MiB) */
    compactAtBytes?: number;
    /** entries kept by a compaction (default 1000) ... */
    keepEntries?: number;
    /** ... unless they take more than this (default compactAtBytes / 2; at least one entry is kept) */
    keepBytes?: number;
  };
}

const REVISION = 'revision';

/** Within a write: the revision so far, and how to commit a mutation at the next one. */
interface Tx {
  rev: number;
  ctx(): WriteContext;
  apply(m: Mutation): Promise<KubeObject>;
}

export class FileStore implements Store {
  /** the KCTL_HOME directory */
  readonly home: string;
  /** `<home>/store` */
  readonly root: string;
  private readonly log: ChangeLog;
  private readonly lock: FileLock;
  private readonly clock: Clock;
  private readonly uid: () => string;
  private readonly nameSuffix: (() => string) | undefined;
  private readonly codec: StoreCodec | undefined;
  private readonly pollMs: number;
  private readonly compactAtBytes: number;
  private readonly keepEntries: number;
  private readonly keepBytes: number;
  private init: Promise<void> | undefined;
  private readonly closing = new AbortController();
  /** in-process watchers to wake right after a commit (others learn through fs.watch / polling) */
  private readonly pokes = new Set<() => void>();

  /** Opens (creating when missing) the store under home and recovers it; errors surface here. */
  static async open(home: string, opts: FileStoreOptions = {}): Promise<FileStore> {
    const s = new FileStore(home, opts);
    await s.ready();
    return s;
  }

  /** The store under home; it is created/recovered on first use (see open()). */
  constructor(home: string, opts: FileStoreOptions = {}) {
    this.home = home;
    this.root = join(home, 'store');
    this.log = new ChangeLog(join(this.root, CHANGE_LOG));
    this.lock = new FileLock(this.root, opts.lock);
    this.clock = opts.clock ?? new SystemClock();
    this.uid = opts.uid ?? defaultUid;
    this.nameSuffix = opts.nameSuffix;
    this.codec = opts.codec;
    this.pollMs = opts.watchPollMs ?? 200;
    this.compactAtBytes = opts.log?.compactAtBytes ?? 4 * 1024 * 1024;
    this.keepEntries = opts.log?.keepEntries ?? 1000;
    this.keepBytes = opts.log?.keepBytes ?? this.compactAtBytes / 2;
  }

  // ---- setup and recovery ----

  private ready(): Promise<void> {
    if (this.closing.signal.aborted) return Promise.reject(new KctlError('Internal', 'store is closed'));
    // a failed open (say, the lock timed out) is retried by the next call
    return (this.init ??= this.initialize().catch((e: unknown) => {
      this.init = undefined;
      throw e;
    }));
  }

  private async initialize(): Promise<void> {
    await mkdir(this.home, { recursive: true, mode: 0o700 });
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const st = await lstat(this.root);
    if (!st.isDirectory()) throw new KctlError('Internal', `${this.root} is not a directory`);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid())
      throw new KctlError('Internal', `${this.root} belongs to another user (uid ${st.uid})`);
    if ((st.mode & 0o077) !== 0) await chmod(this.root, 0o700);
    if (await this.isClean()) return;
    await this.lock.withLock(async () => {
      const tx = await this.begin(true);
      for (const name of SYSTEM_NAMESPACES) {
        const t = createTarget(systemNamespace(name), {});
        if (!(await this.readObject(t.ref))) await tx.apply(prepareCreate(t, { existing: undefined, namespace: undefined }, tx.ctx()));
      }
    });
  }

  /** Nothing to recover and nothing to create: opening needs no lock. */
  private async isClean(): Promise<boolean> {
    const [names, rev, tail] = await Promise.all([readdir(this.root), this.readRevision(), this.log.tail()]);
    if (!names.includes(REVISION) || !names.includes(CHANGE_LOG) || names.some(isTempName)) return false;
    if (tail.end !== tail.size || tail.lastRev !== rev) return false;
    for (const name of SYSTEM_NAMESPACES)
      if (!(await stat(this.pathOf({ resource: 'namespaces', name })).catch(() => undefined))) return false;
    return true;
  }

  /**
   * Under the lock: repairs what a killed writer left (torn log line, a logged change not yet applied to its
   * object file or to `revision`, stray temp files) and returns a transaction at the current revision.
   */
  private async begin(opening = false): Promise<Tx> {
    const [rev, tail] = await Promise.all([this.readRevision(), this.log.tail()]);
    let current = rev;
    let repaired = false;
    if (tail.size === 0) await this.log.ensure();
    if (tail.end < tail.size) {
      await this.log.truncate(tail.end);
      repaired = true;
    }
    if (tail.lastRev > rev) {
      const { entries } = await this.log.readAll();
      for (const e of entries) if (e.rev > rev) await this.replay(e);
      current = tail.lastRev;
      await this.writeRevision(current);
      repaired = true;
    } else if (tail.lastRev < rev) {
      // the log lost entries (deleted by hand?): say so to watchers starting before now
      await writeFileAtomic(this.log.path, `${JSON.stringify({ compactRev: rev })}\n`, 0o600);
      repaired = true;
    }
    if (opening || repaired) await cleanTempFiles(this.root);
    const tx: Tx = {
      rev: current,
      ctx: () => ({ now: this.clock.now(), revision: tx.rev + 1, uid: this.uid, nameSuffix: this.nameSuffix }),
      apply: async (m) => {
        if (m.op === 'none') return m.object;
        await this.commit(m, tx.rev + 1);
        tx.rev += 1;
        return jsonClone(m.object);
      },
    };
    return tx;
  }

  /** Applies a logged change to its object file unless the file already reflects it (recovery). */
  private async replay(e: ChangeEntry): Promise<void> {
    const ref = parseObjectKey(e.key);
    if (!isValidRef(ref)) return;
    const path = this.pathOf(ref);
    await cleanTempFiles(dirname(path));
    const cur = await this.readObject(ref).catch(() => undefined);
    const curRev = Number(cur?.metadata.resourceVersion ?? 0);
    if (e.type === 'DELETED') {
      if (cur && curRev < e.rev) await unlinkDurable(path);
    } else if (!cur || curRev < e.rev) {
      await this.writeObject(ref, await this.decodeEntry(ref, e));
    }
  }

  private async commit(m: Exclude<Mutation, { op: 'none' }>, rev: number): Promise<void> {
    const key = objectKey(m.ref);
    const entry: ChangeEntry = this.codec
      ? { rev, type: m.type, key, data: (await this.codec.encode(m.ref, Buffer.from(JSON.stringify(m.object)))).toString('base64') }
      : { rev, type: m.type, key, object: m.object };
    const size = await this.log.append(formatEntry(entry));
    if (m.op === 'delete') await unlinkDurable(this.pathOf(m.ref));
    else await this.writeObject(m.ref, m.object);
    await this.writeRevision(rev);
    // the write is done; a failed compaction (disk full?) is retried by the next write
    if (size > this.compactAtBytes) await this.log.compact(this.keepEntries, this.keepBytes).catch(() => undefined);
    for (const poke of this.pokes) poke();
  }

  private write(fn: (tx: Tx) => Promise<KubeObject>): Promise<KubeObject> {
    return this.ready().then(() => this.lock.withLock(async () => fn(await this.begin())));
  }

  // ---- files ----

  /** The object's file. Every component is checked: a ref that could escape the root never gets here. */
  private pathOf(ref: ObjectRef): string {
    const ki = kindInfoOfResource(ref.resource);
    if (!isSafeName(ref.name)) throw new KctlError('Internal', `unsafe object name ${JSON.stringify(ref.name)}`);
    const dir = join(this.root, ki.group || 'core', ki.plural);
    if (!ki.namespaced) return join(dir, `${ref.name}.json`);
    if (!ref.namespace || !isSafeName(ref.namespace))
      throw new KctlError('Internal', `unsafe namespace ${JSON.stringify(ref.namespace)}`);
    return join(dir, ref.namespace, `${ref.name}.json`);
  }

  private async decode(ref: ObjectRef, data: Buffer): Promise<KubeObject> {
    const plain = this.codec ? await this.codec.decode(ref, data) : data;
    return JSON.parse(plain.toString('utf8')) as KubeObject;
  }

  private async decodeEntry(ref: ObjectRef, e: ChangeEntry): Promise<KubeObject> {
    if (e.data !== undefined) return this.decode(ref, Buffer.from(e.data, 'base64'));
    return e.object as KubeObject;
  }

  /**
   * Reads an object's file. Synchronous on purpose: small files read ~5x faster than through the thread pool,
   * which is what keeps list() of a few hundred objects in a few ms.
   */
  private readRaw(ref: ObjectRef): Buffer | undefined {
    try {
      return readFileSync(this.pathOf(ref));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  private async readObject(ref: ObjectRef): Promise<KubeObject | undefined> {
    const data = this.readRaw(ref);
    return data && this.decode(ref, data);
  }

  private async writeObject(ref: ObjectRef, obj: KubeObject): Promise<void> {
    const path = this.pathOf(ref);
    await mkdirDurable(dirname(path), this.root);
    const json = Buffer.from(`${JSON.stringify(obj)}\n`);
    const data = this.codec ? await this.codec.encode(ref, json) : json;
    await writeFileAtomic(path, data, obj.kind === 'Secret' ? 0o600 : 0o644);
  }

  private async readRevision(): Promise<number> {
    try {
      return Number.parseInt(await readFile(join(this.root, REVISION), 'utf8'), 10) || 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
  }

  private readRevisionSync(): number {
    try {
      return Number.parseInt(readFileSync(join(this.root, REVISION), 'utf8'), 10) || 0;
    } catch {
      return 0;
    }
  }

  private writeRevision(rev: number): Promise<void> {
    return writeFileAtomic(join(this.root, REVISION), `${rev}\n`, 0o600);
  }

  // ---- Store ----

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    const o = await this.tryGet<T>(ref);
    if (!o) throw notFoundError(ref);
    return o;
  }

  async tryGet<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    await this.ready();
    const r = normalizeRef(ref);
    if (!isValidRef(r)) return undefined;
    return (await this.readObject(r)) as T | undefined;
  }

  async list<T extends KubeObject = KubeObject>(resource: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    await this.ready();
    const ki = kindInfoOfResource(resource);
    // read the revision first: every change up to it is already in the files we read next
    const resourceVersion = String(await this.readRevision());
    const base = join(this.root, ki.group || 'core', ki.plural);
    const items: KubeObject[] = [];
    const namespaces = !ki.namespaced ? [undefined] : opts.namespace ? [opts.namespace] : readdirIfExists(base);
    for (const ns of namespaces) {
      if (ns !== undefined && !isSafeName(ns)) continue;
      for (const f of readdirIfExists(ns === undefined ? base : join(base, ns))) {
        if (!f.endsWith('.json') || f.startsWith('.')) continue;
        const name = f.slice(0, -'.json'.length);
        if (!isSafeName(name)) continue;
        const ref: ObjectRef = ns === undefined ? { resource, name } : { resource, namespace: ns, name };
        const data = this.readRaw(ref); // gone since readdir: deleted meanwhile
        if (data) items.push(this.codec ? await this.decode(ref, data) : (JSON.parse(data.toString('utf8')) as KubeObject));
      }
    }
    return { items: items.sort(compareObjects) as T[], resourceVersion };
  }

  async create<T extends KubeObject = KubeObject>(obj: T): Promise<T> {
    const t = createTarget(obj, { nameSuffix: this.nameSuffix });
    const nsRef = namespaceRefOf(t.ref);
    return (await this.write(async (tx) => {
      const [existing, namespace] = await Promise.all([this.readObject(t.ref), nsRef ? this.readObject(nsRef) : undefined]);
      return tx.apply(prepareCreate(t, { existing, namespace }, tx.ctx()));
    })) as T;
  }

  async update<T extends KubeObject = KubeObject>(obj: T): Promise<T> {
    const t = updateTarget(obj);
    return (await this.write(async (tx) => tx.apply(prepareUpdate(t, await this.readObject(t.ref), tx.ctx())))) as T;
  }

  async updateStatus<T extends KubeObject = KubeObject>(obj: T): Promise<T> {
    const t = updateTarget(obj);
    return (await this.write(async (tx) => tx.apply(prepareUpdateStatus(t, await this.readObject(t.ref), tx.ctx())))) as T;
  }

  async delete<T extends KubeObject = KubeObject>(ref: ObjectRef, opts: DeleteOptions = {}): Promise<T> {
    const r = normalizeRef(ref);
    if (!isValidRef(r)) throw notFoundError(r);
    return (await this.write(async (tx) => tx.apply(prepareDelete(r, await this.readObject(r), opts, tx.ctx())))) as T;
  }

  async revision(): Promise<number> {
    await this.ready();
    return this.readRevision();
  }

  watch<T extends KubeObject = KubeObject>(opts: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    if (this.closing.signal.aborted) throw new KctlError('Internal', 'store is closed');
    // the starting point is fixed now, not when iteration begins
    const from = opts.fromRevision ?? this.readRevisionSync();
    return this.watchFrom<T>(from, opts);
  }

  private async *watchFrom<T extends KubeObject>(from: number, opts: WatchOptions): AsyncGenerator<WatchEvent<T>> {
    await this.ready();
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.closing.signal]) : this.closing.signal;
    const wake = new Notifier();
    let pending = false;
    const poke = (): void => {
      pending = true;
      wake.notify();
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = fsWatch(this.root, poke);
      watcher.on('error', () => undefined);
    } catch {
      // polling alone still works
    }
    const timer = setInterval(poke, this.pollMs);
    this.pokes.add(poke);
    let cursor: LogCursor = { ino: -1, offset: 0, last: from };
    try {
      for (;;) {
        if (signal.aborted) return;
        pending = false;
        const r = await this.log.readSince(cursor);
        cursor = r.cursor;
        let committed = r.entries.length > 0 ? await this.readRevision() : 0;
        for (const e of r.entries) {
          const ref = parseObjectKey(e.key);
          if (!watchMatches(opts, ref)) continue;
          // The log is appended before the object file and `revision` are replaced: hold an event back until
          // its write is visible, so a reader that reacts with get() finds the object. A writer killed in
          // between leaves revision behind for good (the next writer repairs it): give up waiting after ~1 s.
          for (let i = 0; committed < e.rev && i < 100 && !signal.aborted; i++) {
            await new Promise((res) => setTimeout(res, 10));
            committed = await this.readRevision();
          }
          yield { type: e.type, object: (await this.decodeEntry(ref, e)) as T, revision: e.rev };
          if (signal.aborted) return;
        }
        if (r.entries.length === 0 && !pending) await wake.wait(signal);
      }
    } finally {
      this.pokes.delete(poke);
      clearInterval(timer);
      watcher?.close();
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}

function readdirIfExists(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}
