// The kubelet's side of Events: container field paths and a recording that never fails the pass. The sink is the
// one EventSink of src/reconcile/events.ts (the controllers' EventRecorder, or MemoryEventSink in tests).
import type { KubeObject, Pod } from '../api/types.js';
import type { EventOptions, EventSink, EventType } from '../reconcile/events.js';

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
    const fieldPath = container === undefined ? undefined : containerFieldPath(pod, container);
    await sink.event(obj, type, reason, message, fieldPath ? { fieldPath } : undefined);
  } catch {
    // events are best effort
  }
}

/** An EventSink that keeps what it is given (tests). */
export class MemoryEventSink implements EventSink {
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
