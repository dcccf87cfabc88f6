// EventRecorder: writes core/v1 Event objects into the store as client-go's record package does.
//
// - name `<involvedObject.name>.<16 hex>` (upstream: the creation time in unix nanoseconds, in hex; kctl adds a
//   per-recorder sequence to the nanoseconds so two events in the same millisecond never collide);
// - namespace: the involved object's, or "default" for cluster-scoped objects (a Node), as upstream;
// - the same (involved object, reason, message, type, source) again bumps `count` and `lastTimestamp` of the
//   existing Event instead of making a new one (upstream's EventCorrelator "dedup"). A small in-memory LRU maps that
//   tuple to the Event's name; on a miss (a restarted controller) the namespace's Events are searched;
// - recording never fails the caller: errors go to the log; the returned promise always resolves.
//
// Rule for callers: messages are shown to anyone who can `kctl get events`: never put secret values (Secret data,
// env values, registry credentials) in a message.
import type { KubeObject } from '../api/types.js';
import { KINDS, apiVersionOf } from '../api/kinds.js';
import type { Clock } from '../util/clock.js';
import { isAlreadyExists, isConflict, isNotFound } from '../util/errors.js';
import type { Store } from '../store/store.js';
import { NOP_LOGGER, type Logger } from './logger.js';

export type EventType = 'Normal' | 'Warning';

export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion: string;
  resourceVersion?: string;
  /** e.g. `spec.containers{web}`: the part of the object the event is about */
  fieldPath?: string;
}

/** A core/v1 Event as kctl stores it. */
export interface CoreEvent extends KubeObject {
  kind: 'Event';
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: EventType;
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventOptions {
  /** e.g. `spec.containers{web}` (upstream kubelet's container field path) */
  fieldPath?: string;
}

export interface EventRecorderOptions {
  store: Store;
  clock: Clock;
  /** source.component: "kubelet", "default-scheduler", "deployment-controller", ... */
  component: string;
  /** source.host: the node name, for the kubelet */
  host?: string;
  /** every recorded event is also logged here (one info line per action) */
  log?: Logger;
  /** tuples remembered for dedup (default 4096) */
  cacheSize?: number;
}

/**
 * The one port every loop records Events through (controllers, scheduler, kubelet, proxy): the EventRecorder
 * below, or an in-memory sink in tests. The recorder never rejects; callers that take any sink and must not fail
 * on one (the kubelet) wrap it (kubelet/events.ts recordSafely).
 */
export interface EventSink {
  event(obj: KubeObject, type: EventType, reason: string, message: string, opts?: EventOptions): Promise<void> | void;
}

/** RFC 3339 without fractional seconds, as metav1.Time serializes. */
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The ObjectReference an Event points at (upstream reference.GetReference). */
export function objectReference(obj: KubeObject, fieldPath?: string): ObjectReference {
  const ki = KINDS.find((k) => k.kind === obj.kind);
  const ref: ObjectReference = {
    kind: obj.kind,
    ...(ki?.namespaced !== false && obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name,
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    apiVersion: obj.apiVersion || (ki ? apiVersionOf(ki) : 'v1'),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  };
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

export class EventRecorder implements EventSink {
  private readonly store: Store;
  private readonly clock: Clock;
  readonly component: string;
  readonly host: string | undefined;
  private readonly log: Logger;
  private readonly cacheSize: number;
  /** dedup tuple → {namespace, name} of the Event (insertion order = LRU order) */
  private readonly cache = new Map<string, { namespace: string; name: string }>();
  /** one write at a time per involved object (in call order), so concurrent identical events bump one count */
  private readonly inflight = new Map<string, Promise<void>>();
  private seq = 0;

  constructor(opts: EventRecorderOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.component = opts.component;
    this.host = opts.host;
    this.log = opts.log ?? NOP_LOGGER;
    this.cacheSize = Math.max(1, opts.cacheSize ?? 4096);
  }

  /** A recorder for another component sharing this one's store, clock and log. */
  withComponent(component: string, host?: string): EventRecorder {
    return new EventRecorder({ store: this.store, clock: this.clock, component, host, log: this.log, cacheSize: this.cacheSize });
  }

  /** Records an event about `obj`. Never rejects. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, opts: EventOptions = {}): Promise<void> {
    const ref = objectReference(obj, opts.fieldPath);
    const ns = ref.namespace ?? 'default';
    this.log.info(`${this.component}: ${type} ${reason} ${ref.kind.toLowerCase()}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}${ref.fieldPath ? ` ${ref.fieldPath}` : ''}: ${message}`);
    const tuple = JSON.stringify([ns, ref.kind, ref.name, ref.uid ?? '', ref.fieldPath ?? '', reason, message, type, this.component, this.host ?? '']);
    // Writes about one object go one after the other, in the order they were asked for (callers may not wait:
    // Created must not land after Started), which also makes concurrent identical events bump one count.
    const chain = JSON.stringify([ns, ref.kind, ref.name, ref.uid ?? '']);
    const at = this.clock.now();
    const prev = this.inflight.get(chain) ?? Promise.resolve();
    const next = prev.then(() => this.write(tuple, ns, ref, type, reason, message, at)).catch((e: unknown) => {
      this.log.warn(`could not record event ${reason} for ${ref.kind.toLowerCase()}/${ref.name}: ${e instanceof Error ? e.message : String(e)}`);
    });
    this.inflight.set(chain, next);
    void next.finally(() => {
      if (this.inflight.get(chain) === next) this.inflight.delete(chain);
    });
    return next;
  }

  private remember(tuple: string, v: { namespace: string; name: string }): void {
    this.cache.delete(tuple);
    this.cache.set(tuple, v);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private matches(e: CoreEvent, ref: ObjectReference, type: EventType, reason: string, message: string): boolean {
    const io = e.involvedObject ?? ({} as ObjectReference);
    return (
      io.kind === ref.kind &&
      io.name === ref.name &&
      (io.uid ?? '') === (ref.uid ?? '') &&
      (io.fieldPath ?? '') === (ref.fieldPath ?? '') &&
      e.reason === reason &&
      e.message === message &&
      e.type === type &&
      e.source?.component === this.component &&
      (e.source?.host ?? '') === (this.host ?? '')
    );
  }

  /** `at`: when the event happened (the write may come a little later) */
  private async write(tuple: string, ns: string, ref: ObjectReference, type: EventType, reason: string, message: string, at: Date): Promise<void> {
    let existing: CoreEvent | undefined;
    const cached = this.cache.get(tuple);
    if (cached) {
      existing = await this.store.tryGet<CoreEvent>({ resource: 'events', namespace: cached.namespace, name: cached.name });
      if (existing && !this.matches(existing, ref, type, reason, message)) existing = undefined;
    } else {
      const { items } = await this.store.list<CoreEvent>('events', { namespace: ns });
      existing = items
        .filter((e) => this.matches(e, ref, type, reason, message))
        .sort((a, b) => String(b.lastTimestamp ?? '').localeCompare(String(a.lastTimestamp ?? '')))[0];
    }
    for (let attempt = 0; existing && attempt < 3; attempt++) {
      const bumped: CoreEvent = structuredClone(existing);
      bumped.count = (existing.count ?? 1) + 1;
      bumped.lastTimestamp = rfc3339(at);
      try {
        await this.store.update(bumped);
        this.remember(tuple, { namespace: ns, name: existing.metadata.name });
        return;
      } catch (e) {
        if (isNotFound(e)) existing = undefined;
        else if (isConflict(e)) existing = await this.store.tryGet<CoreEvent>({ resource: 'events', namespace: ns, name: existing.metadata.name });
        else throw e;
      }
    }
    const now = at;
    for (let attempt = 0; ; attempt++) {
      const name = `${ref.name}.${this.suffix(now)}`;
      const ev: CoreEvent = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: ref,
        reason,
        message,
        source: this.host ? { component: this.component, host: this.host } : { component: this.component },
        firstTimestamp: rfc3339(now),
        lastTimestamp: rfc3339(now),
        count: 1,
        type,
        reportingComponent: this.component,
        reportingInstance: this.host ?? '',
      };
      try {
        await this.store.create(ev);
        this.remember(tuple, { namespace: ns, name });
        return;
      } catch (e) {
        if (!isAlreadyExists(e) || attempt >= 5) throw e;
      }
    }
  }

  /** 16 hex digits: unix nanoseconds (ms · 10^6 plus a sequence), as upstream's `%x` of UnixNano. */
  private suffix(now: Date): string {
    this.seq = (this.seq + 1) % 1_000_000;
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.seq);
    return nanos.toString(16).padStart(16, '0').slice(-16);
  }
}
