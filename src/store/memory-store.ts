// In-memory Store with full API-server semantics, for unit tests of controllers and the CLI. Watch reads an
// in-memory event log (bounded by historyLimit: a watch starting before it gets TooOldError, as from FileStore).
import type { KubeObject } from '../api/types.js';
import { SystemClock, type Clock } from '../util/clock.js';
import { KctlError } from '../util/errors.js';
import {
  TooOldError,
  objectKey,
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
  notFoundError,
  normalizeRef,
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
import { Notifier } from './watch.js';

export interface MemoryStoreOptions {
  /** creationTimestamp/deletionTimestamp source (default SystemClock) */
  clock?: Clock;
  /** metadata.uid generator (default crypto.randomUUID) */
  uid?: () => string;
  /** metadata.generateName suffix generator (default 5 random chars) */
  nameSuffix?: () => string;
  /** past events kept for watch (default 10000) */
  historyLimit?: number;
}

interface LoggedEvent {
  rev: number;
  type: WatchEvent['type'];
  ref: ObjectRef;
  object: KubeObject;
}

export class MemoryStore implements Store {
  private readonly objects = new Map<string, KubeObject>();
  private rev = 0;
  private readonly events: LoggedEvent[] = [];
  /** newest revision dropped from `events` (a watch must start at or after it) */
  private compacted = 0;
  private readonly changed = new Notifier();
  private closed = false;
  private readonly clock: Clock;
  private readonly uid: () => string;
  private readonly nameSuffix: (() => string) | undefined;
  private readonly historyLimit: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? new SystemClock();
    this.uid = opts.uid ?? defaultUid;
    this.nameSuffix = opts.nameSuffix;
    this.historyLimit = Math.max(1, opts.historyLimit ?? 10_000);
    for (const name of SYSTEM_NAMESPACES) {
      const t = createTarget(systemNamespace(name), {});
      this.commit(prepareCreate(t, { existing: undefined, namespace: undefined }, this.ctx()));
    }
  }

  private ctx(): WriteContext {
    return { now: this.clock.now(), revision: this.rev + 1, uid: this.uid, nameSuffix: this.nameSuffix };
  }

  private checkOpen(): void {
    if (this.closed) throw new KctlError('Internal', 'store is closed');
  }

  private read(ref: ObjectRef): KubeObject | undefined {
    return this.objects.get(objectKey(ref));
  }

  private commit(m: Mutation): KubeObject {
    if (m.op === 'none') return m.object;
    this.rev += 1;
    const key = objectKey(m.ref);
    const stored = Object.freeze(jsonClone(m.object)) as KubeObject;
    if (m.op === 'delete') this.objects.delete(key);
    else this.objects.set(key, stored);
    this.events.push({ rev: this.rev, type: m.type, ref: m.ref, object: stored });
    if (this.events.length > this.historyLimit) {
      const dropped = this.events.splice(0, this.events.length - this.historyLimit);
      this.compacted = dropped[dropped.length - 1]!.rev;
    }
    this.changed.notify();
    return jsonClone(stored);
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    const o = await this.tryGet<T>(ref);
    if (!o) throw notFoundError(ref);
    return o;
  }

  async tryGet<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    this.checkOpen();
    const r = normalizeRef(ref);
    if (!isValidRef(r)) return undefined;
    const o = this.read(r);
    return o ? (jsonClone(o) as T) : undefined;
  }

  async list<T extends KubeObject = KubeObject>(resource: string, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.checkOpen();
    const ki = kindInfoOfResource(resource);
    const prefix = ki.namespaced && opts.namespace ? `${resource}/${opts.namespace}/` : `${resource}/`;
    const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, o]) => o);
    return { items: items.sort(compareObjects).map((o) => jsonClone(o) as T), resourceVersion: String(this.rev) };
  }

  async create<T extends KubeObject = KubeObject>(obj: T): Promise<T> {
    this.checkOpen();
    const ctx = this.ctx();
    const t = createTarget(obj, ctx);
    const nsRef = namespaceRefOf(t.ref);
    return this.commit(prepareCreate(t, { existing: this.read(t.ref), namespace: nsRef && this.read(nsRef) }, ctx)) as T;
  }

  async update<T extends KubeObject = KubeObject>(obj: T): Promise<T> {
    this.checkOpen();
    const t = updateTarget(obj);
    return this.commit(prepareUpdate(t, this.read(t.ref), this.ctx())) as T;
  }

  async updateStatus<T extends KubeObject = KubeObject>(obj: T): Promise<T> {
    this.checkOpen();
    const t = updateTarget(obj);
    return this.commit(prepareUpdateStatus(t, this.read(t.ref), this.ctx())) as T;
  }

  async delete<T extends KubeObject = KubeObject>(ref: ObjectRef, opts: DeleteOptions = {}): Promise<T> {
    this.checkOpen();
    const r = normalizeRef(ref);
    const stored = isValidRef(r) ? this.read(r) : undefined;
    return this.commit(prepareDelete(r, stored, opts, this.ctx())) as T;
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  watch<T extends KubeObject = KubeObject>(opts: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    this.checkOpen();
    const from = opts.fromRevision ?? this.rev;
    return this.watchFrom<T>(from, opts);
  }

  private async *watchFrom<T extends KubeObject>(from: number, opts: WatchOptions): AsyncGenerator<WatchEvent<T>> {
    let last = from;
    for (;;) {
      if (opts.signal?.aborted || this.closed) return;
      if (last < this.compacted) throw new TooOldError(last, this.compacted);
      const first = this.events[0]?.rev ?? this.rev + 1;
      const ev = this.events[Math.max(0, last + 1 - first)];
      if (!ev) {
        await this.changed.wait(opts.signal);
        continue;
      }
      last = ev.rev;
      if (watchMatches(opts, ev.ref)) yield { type: ev.type, object: jsonClone(ev.object) as T, revision: ev.rev };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.changed.notify();
  }
}

