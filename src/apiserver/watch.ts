// ?watch=true on the object endpoints: newline-delimited JSON watch events ({"type":"ADDED","object":...}),
// fanned out from ONE store watch to every API watcher (WatchHub: 100 watchers cost one store watch and no
// per-watcher re-reads). A watch starts
// - without resourceVersion (or with "0"), or with sendInitialEvents=true: with an ADDED event per existing
//   object (sendInitialEvents: then a BOOKMARK annotated k8s.io/initial-events-end), then every later change;
// - from a resourceVersion: the changes after it, from the hub's recent history, else from the store's change
//   log (a revision the log no longer has: an ERROR event with 410 Expired, as upstream; clients relist).
// allowWatchBookmarks adds a BOOKMARK with the current revision every BOOKMARK_MS; timeoutSeconds ends the
// watch. A client that stops reading is dropped once MAX_BUFFERED bytes wait for it (no unbounded buffering).
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../api/types.js';
import { isTooOld, type Store, type WatchEvent } from '../store/store.js';
import type { Logger } from '../reconcile/logger.js';
import type { ApiRequest } from './routes.js';
import { asServed, includeObjectOf, selectorMatcher, type RestContext, type Target } from './rest-common.js';
import { negotiate } from './negotiate.js';
import { partialObjectMetadata, toTable } from './table.js';
import { badRequest, failure } from './status.js';
import { isTrue } from './request-info.js';

export const BOOKMARK_MS = 30_000;
const HISTORY = 20_000;
const MAX_BUFFERED = 8 * 1024 * 1024;
/** upstream's default watch timeout is random in [minRequestTimeout, 2*minRequestTimeout], 1800 s */
const DEFAULT_TIMEOUT_S = 1800;

type Listener = (ev: WatchEvent) => void;

/** One store watch, its recent history, and the API watchers it feeds. */
export class WatchHub {
  private readonly store: Store;
  private readonly log: Logger;
  private readonly history: WatchEvent[] = [];
  private readonly listeners = new Set<{ fn: Listener; end: (reason: string) => void }>();
  private started: Promise<void> | undefined;
  private abort = new AbortController();
  /** the hub sees every change after this revision */
  private fromRev = 0;
  /** history holds every change after this revision */
  private historyFrom = 0;
  private lastRev = 0;

  constructor(store: Store, log: Logger) {
    this.store = store;
    this.log = log;
  }

  /** Starts the store watch (once); resolves when it covers every change after the current revision. */
  ready(): Promise<void> {
    return (this.started ??= (async () => {
      this.fromRev = this.historyFrom = this.lastRev = await this.store.revision();
      void this.run(this.fromRev);
    })());
  }

  get revision(): number {
    return this.lastRev;
  }

  private async run(from: number): Promise<void> {
    let rev = from;
    while (!this.abort.signal.aborted) {
      try {
        for await (const ev of this.store.watch({ fromRevision: rev, signal: this.abort.signal })) {
          rev = ev.revision;
          this.lastRev = Math.max(this.lastRev, ev.revision);
          this.history.push(ev);
          if (this.history.length > HISTORY) {
            const dropped = this.history.splice(0, this.history.length - HISTORY);
            this.historyFrom = dropped[dropped.length - 1]!.revision;
          }
          for (const l of this.listeners) l.fn(ev);
        }
        if (this.abort.signal.aborted) return;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.log.warn(`apiserver watch: ${(e as Error).message}; restarting`);
        // changes were missed: every watcher must relist
        for (const l of [...this.listeners]) l.end('the watch fell behind');
        this.history.length = 0;
        rev = this.fromRev = this.historyFrom = this.lastRev = await this.store.revision().catch(() => rev);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /**
   * Subscribes from revision `after`: replays the history after it, then live events. Returns undefined when
   * `after` is older than the hub's history (the caller reads the store's change log instead).
   */
  subscribe(after: number, fn: Listener, end: (reason: string) => void): (() => void) | undefined {
    if (after < this.historyFrom) return undefined;
    for (const ev of this.history) if (ev.revision > after) fn(ev);
    // the hub may not have delivered up to `after` yet: what the caller already has is not sent again
    const l = { fn: (ev: WatchEvent) => ev.revision > after && fn(ev), end };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get watchers(): number {
    return this.listeners.size;
  }

  close(): void {
    this.abort.abort();
    for (const l of [...this.listeners]) l.end('server stopping');
    this.listeners.clear();
  }
}

/** Serves one ?watch=true request. */
export async function serveWatch(ctx: RestContext & { hub: WatchHub }, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  const how = negotiate(r.headers.accept, { list: false });
  const match = selectorMatcher(t, r.query);
  const include = how.as === 'Table' ? includeObjectOf(r) : 'Object';
  const rvParam = r.query.get('resourceVersion') ?? '';
  const sendInitial = r.query.has('sendInitialEvents') ? isTrue(r.query.get('sendInitialEvents')) : rvParam === '' || rvParam === '0';
  const bookmarks = isTrue(r.query.get('allowWatchBookmarks'));
  if (isTrue(r.query.get('sendInitialEvents')) && r.query.get('resourceVersionMatch') !== 'NotOlderThan')
    throw badRequest('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan');
  const timeoutS = Number(r.query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_S);
  let from: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: must be a number`);
  }

  await ctx.hub.ready();
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let headersSent = false;
  const render = (o: KubeObject): unknown => {
    const served = asServed(t, o);
    if (how.as === 'Table') {
      const tbl = toTable(t.ki.kind, [served], { now: ctx.clock.now(), include, version: how.version, noHeaders: headersSent, metadata: { resourceVersion: o.metadata.resourceVersion } });
      headersSent = true;
      return tbl;
    }
    if (how.as === 'PartialObjectMetadata') return partialObjectMetadata(served, `meta.k8s.io/${how.version}`);
    return served;
  };
  const done = new AbortController();
  const finish = (): void => done.abort();
  r.signal.addEventListener('abort', finish, { once: true });
  const write = (type: string, object: unknown): void => {
    if (done.signal.aborted) return;
    res.write(`${JSON.stringify({ type, object })}\n`);
    if (res.writableLength > MAX_BUFFERED) finish();
  };
  const bookmark = (rev: number, annotations?: Record<string, string>): void =>
    write('BOOKMARK', { kind: t.ki.kind, apiVersion: t.ki.group ? `${t.ki.group}/${t.ki.version}` : t.ki.version, metadata: { resourceVersion: String(rev), ...(annotations ? { annotations } : {}) } });

  const ofThisResource = (ev: WatchEvent): boolean =>
    ev.object.kind === t.storage.kind && (!t.namespace || ev.object.metadata.namespace === t.namespace) && refResource(ev) === t.storage.plural;
  // With a selector, an object that stops matching is DELETED for this watcher and one that starts matching is
  // ADDED, as upstream's watch cache reports them. The watcher remembers which objects it reported (keys only);
  // after a resume it learns them as events come.
  const selective = Boolean(r.query.get('labelSelector') || r.query.get('fieldSelector'));
  const members = new Set<string>();
  const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  let listed = false;
  const deliver = (ev: WatchEvent): void => {
    if (!ofThisResource(ev)) return;
    const matches = match(ev.object);
    if (!selective) {
      if (matches) write(ev.type, render(ev.object));
      return;
    }
    const k = keyOf(ev.object);
    const was = members.has(k);
    if (ev.type === 'DELETED') {
      members.delete(k);
      if (was || matches) write('DELETED', render(ev.object));
      return;
    }
    if (matches) {
      members.add(k);
      write(!was && listed && ev.type === 'MODIFIED' ? 'ADDED' : ev.type, render(ev.object));
    } else if (was) {
      members.delete(k);
      write('DELETED', render(ev.object));
    }
  };

  let unsubscribe: (() => void) | undefined;
  let fallback: Promise<void> | undefined;
  if (from === undefined) {
    const { items, resourceVersion } = await ctx.store.list(t.storage.plural, t.namespace ? { namespace: t.namespace } : {});
    from = Number(resourceVersion);
    listed = true;
    for (const o of items)
      if (match(o)) {
        members.add(keyOf(o));
        if (sendInitial) write('ADDED', render(o));
      }
    if (sendInitial && bookmarks && r.query.has('sendInitialEvents')) bookmark(from, { 'k8s.io/initial-events-end': 'true' });
  }
  const start = from;
  unsubscribe = ctx.hub.subscribe(start, deliver, () => finish());
  if (!unsubscribe) {
    // older than the hub's history: this watcher reads the store's change log itself
    fallback = (async () => {
      try {
        for await (const ev of ctx.store.watch({ resource: t.storage.plural, ...(t.namespace ? { namespace: t.namespace } : {}), fromRevision: start, signal: done.signal }))
          deliver(ev);
      } catch (e) {
        if (isTooOld(e)) write('ERROR', failure(410, 'Expired', e.message));
        else if (!done.signal.aborted) write('ERROR', failure(500, 'InternalError', (e as Error).message));
      }
      finish();
    })();
  }
  const tick = bookmarks ? setInterval(() => bookmark(ctx.hub.revision), BOOKMARK_MS) : undefined;
  const timer = setTimeout(finish, Math.max(0, timeoutS) * 1000);
  await new Promise<void>((resolve) => (done.signal.aborted ? resolve() : done.signal.addEventListener('abort', () => resolve(), { once: true })));
  clearTimeout(timer);
  if (tick) clearInterval(tick);
  unsubscribe?.();
  await fallback;
  if (!res.writableEnded) res.end();
}

/** The resource (plural) of an event's object (the object's kind row, as the store keys it). */
function refResource(ev: WatchEvent): string {
  return (ev as WatchEvent & { resource?: string }).resource ?? pluralOfKind(ev.object);
}

import { KINDS } from '../api/kinds.js';
const PLURAL_BY_KIND = new Map<string, string>();
for (const k of KINDS) if (!PLURAL_BY_KIND.has(k.kind)) PLURAL_BY_KIND.set(k.kind, k.plural);
const pluralOfKind = (o: KubeObject): string => PLURAL_BY_KIND.get(o.kind) ?? '';
