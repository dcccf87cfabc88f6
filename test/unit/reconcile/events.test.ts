import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { KubeObject } from '../../../src/api/types.js';
import { EventRecorder, type CoreEvent } from '../../../src/reconcile/events.js';

async function setup() {
  const clock = new FakeClock('2026-03-01T10:00:00Z');
  const store = new MemoryStore({ clock });
  const pod = await store.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`W ${m}`), error: () => {}, debug: () => {} };
  const rec = new EventRecorder({ store, clock, component: 'kubelet', host: 'node-a', log });
  const events = async () => (await store.list<CoreEvent>('events', { namespace: 'default' })).items;
  return { clock, store, pod, rec, events, lines, log };
}

describe('EventRecorder', () => {
  it('writes a core/v1 Event as Kubernetes does', async () => {
    const { pod, rec, events, lines } = await setup();
    await rec.event(pod, 'Normal', 'Pulling', 'Pulling image "nginx"', { fieldPath: 'spec.containers{web}' });
    const [e, ...rest] = await events();
    expect(rest).toEqual([]);
    expect(e!.metadata.name).toMatch(/^web-1\.[0-9a-f]{16}$/);
    expect(e).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: pod.metadata.uid, apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
      reason: 'Pulling',
      message: 'Pulling image "nginx"',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-a' },
      firstTimestamp: '2026-03-01T10:00:00Z',
      lastTimestamp: '2026-03-01T10:00:00Z',
      count: 1,
    });
    expect(lines).toEqual(['kubelet: Normal Pulling pod/default/web-1 spec.containers{web}: Pulling image "nginx"']);
  });

  it('bumps count and lastTimestamp for the same object, reason, message and type', async () => {
    const { pod, rec, events, clock } = await setup();
    await rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    clock.advance(10_000);
    await rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    clock.advance(20_000);
    await rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ count: 3, firstTimestamp: '2026-03-01T10:00:00Z', lastTimestamp: '2026-03-01T10:00:30Z' });
  });

  it('keeps distinct events for a different message, type or reason', async () => {
    const { pod, rec, events } = await setup();
    await rec.event(pod, 'Normal', 'Created', 'Created container web');
    await rec.event(pod, 'Normal', 'Created', 'Created container sidecar');
    await rec.event(pod, 'Warning', 'Created', 'Created container web');
    await rec.event(pod, 'Normal', 'Started', 'Created container web');
    const names = (await events()).map((e) => e.metadata.name);
    expect(new Set(names).size).toBe(4);
  });

  it('dedups concurrent identical events into one', async () => {
    const { pod, rec, events } = await setup();
    await Promise.all([1, 2, 3, 4].map(() => rec.event(pod, 'Normal', 'Killing', 'Stopping container web')));
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]!.count).toBe(4);
  });

  it('finds the existing event in the store after a restart (empty cache)', async () => {
    const { pod, rec, events, store, clock, log } = await setup();
    await rec.event(pod, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500');
    const fresh = new EventRecorder({ store, clock, component: 'kubelet', host: 'node-a', log });
    await fresh.event(pod, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500');
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]!.count).toBe(2);
  });

  it('creates a new event when the cached one was deleted', async () => {
    const { pod, rec, events, store } = await setup();
    await rec.event(pod, 'Normal', 'Pulled', 'Successfully pulled image');
    const [e] = await events();
    await store.delete({ resource: 'events', namespace: 'default', name: e!.metadata.name });
    await rec.event(pod, 'Normal', 'Pulled', 'Successfully pulled image');
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]!.count).toBe(1);
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    const { rec, store, events } = await setup();
    const node = await store.create<KubeObject>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    await rec.event(node, 'Normal', 'NodeReady', 'Node node-a status is now: NodeReady');
    const [e] = await events();
    expect(e!.involvedObject).toEqual({ kind: 'Node', name: 'node-a', uid: node.metadata.uid, apiVersion: 'v1', resourceVersion: node.metadata.resourceVersion });
    expect(e!.metadata.namespace).toBe('default');
  });

  it('never rejects: a failing store is logged', async () => {
    const { pod, store, clock, lines, log } = await setup();
    await store.close();
    const rec = new EventRecorder({ store, clock, component: 'kubelet', log });
    await expect(rec.event(pod, 'Normal', 'Started', 'Started container web')).resolves.toBeUndefined();
    expect(lines.at(-1)).toMatch(/^W could not record event Started for pod\/web-1: store is closed$/);
  });
});
