// Where the kubelet's Events go: the controllers' EventRecorder (`event(obj, type, reason, message, opts)`,
// src/controllers/events.ts) or any `record(obj, type, reason, message)` sink (tests).
import type { KubeObject, Pod } from '../api/types.js';

export type EventType = 'Normal' | 'Warning';

export interface EventOptions {
  /** `spec.containers{web}`: the container the event is about (upstream kubelet's fieldPath) */
  fieldPath?: string;
}

export type EventSink =
  | { event(obj: KubeObject, type: EventType, reason: string, message: string, opts?: EventOptions): Promise<void> | void }
  | { record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> | void };

/** upstream kubelet field path of a container: spec.containers{name} / spec.initContainers{name}. */
export function containerFieldPath(pod: Pod, name: string): string | undefined {
  if (pod.spec?.initContainers?.some((c) => c.name === name)) return `spec.initContainers{${name}}`;
  if (pod.spec?.containers?.some((c) => c.name === name)) return `spec.containers{${name}}`;
  return undefined;
}

/** Records an event; a failing sink never fails the kubelet's pass. */
export async function recordSafely(
  sink: EventSink,
  pod: Pod,
  type: EventType,
  reason: string,
  message: string,
  container?: string,
): Promise<void> {
  const obj = pod as unknown as KubeObject;
  try {
    if ('event' in sink) {
      const fieldPath = container === undefined ? undefined : containerFieldPath(pod, container);
      await sink.event(obj, type, reason, message, fieldPath ? { fieldPath } : undefined);
    } else await sink.record(obj, type, reason, message);
  } catch {
    // events are best effort
  }
}

/** An EventSink that keeps what it is given (tests). */
export class MemoryEventSink {
  readonly events: { object: string; type: EventType; reason: string; message: string; fieldPath?: string }[] = [];
  event(obj: KubeObject, type: EventType, reason: string, message: string, opts?: EventOptions): void {
    const e: MemoryEventSink['events'][number] = { object: `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, type, reason, message };
    if (opts?.fieldPath) e.fieldPath = opts.fieldPath;
    this.events.push(e);
  }
  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
  messages(reason?: string): string[] {
    return this.events.filter((e) => reason === undefined || e.reason === reason).map((e) => e.message);
  }
  clear(): void {
    this.events.length = 0;
  }
}
