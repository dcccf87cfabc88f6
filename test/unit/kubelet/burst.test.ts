// What keeps a burst of pods cheap for the kubelet (found by bench/pods.mjs): no pass for its own status writes,
// none for the engine's `start` events of containers it just started, a status write that survives another
// writer's concurrent change of the pod without redoing the pass, and pods synced side by side.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { Kubelet, KUBELET_CONCURRENCY } from '../../../src/kubelet/kubelet.js';
import type { Store } from '../../../src/store/store.js';
import { KEY, NODE, podObject, setup } from './harness.js';

const withPort = { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] };

describe('kubelet under a burst of pods', () => {
  it('ignores watch events of status-only writes, but not spec, label or deletion changes', async () => {
    const h = setup();
    const created = await h.store.create(podObject(withPort));
    expect(h.kubelet.keysFor({ type: 'ADDED', object: created, revision: 1 })).toEqual([KEY]);
    await h.kubelet.reconcile(KEY);
    const written = await h.store.get({ resource: 'pods', namespace: 'default', name: 'web' });
    expect(written.metadata.annotations?.['kctl.io/ports']).toBeDefined(); // the kubelet's own annotation
    expect((written as { status?: { phase?: string } }).status?.phase).toBe('Running');
    expect(h.kubelet.keysFor({ type: 'MODIFIED', object: written, revision: 2 })).toEqual([]);

    const labelled = await h.store.update({ ...structuredClone(written), metadata: { ...written.metadata, labels: { a: 'b' } } });
    expect(h.kubelet.keysFor({ type: 'MODIFIED', object: labelled, revision: 3 })).toEqual([KEY]);
    expect(h.kubelet.keysFor({ type: 'MODIFIED', object: labelled, revision: 3 })).toEqual([]);
    const deleting = { ...structuredClone(labelled), metadata: { ...labelled.metadata, deletionTimestamp: '2026-01-01T00:00:30Z' } };
    expect(h.kubelet.keysFor({ type: 'MODIFIED', object: deleting, revision: 4 })).toEqual([KEY]);
    expect(h.kubelet.keysFor({ type: 'DELETED', object: deleting, revision: 5 })).toEqual([KEY]);
    // after a DELETED, the same signature again (a new pod of the same name) counts
    expect(h.kubelet.keysFor({ type: 'MODIFIED', object: labelled, revision: 6 })).toEqual([KEY]);
  });

  it("skips the engine's start event of a container (and sandbox) it started itself, once", async () => {
    const h = setup();
    await h.store.create(podObject({}));
    await h.kubelet.reconcile(KEY);
    const [c] = await h.runtime.listContainers({});
    const [sb] = await h.runtime.listPodSandboxes({});
    const labels = (await h.runtime.inspectContainer(c!.id)).labels;
    const start = (containerId: string, l: Record<string, string>) => h.kubelet.handleRuntimeEvent({ type: 'start', containerId, labels: l, time: h.clock.now() });
    expect(start(c!.id, labels)).toEqual([]);
    expect(start(c!.id, labels)).toEqual([KEY]); // a second start (someone's `docker start`) is news
    expect(start(sb!.id, sb!.labels)).toEqual([]);
    expect(h.kubelet.handleRuntimeEvent({ type: 'die', containerId: c!.id, labels, time: h.clock.now() })).toEqual([KEY]);
  });

  it('writes its status over a concurrent status write of someone else instead of failing the pass', async () => {
    const h = setup();
    let interfered = false;
    // the scheduler writes PodScheduled between the kubelet's read of the pod and its own write
    const store = new Proxy(h.store, {
      get(target, prop, receiver) {
        if (prop === 'update')
          return async (obj: KubeObject) => {
            if (!interfered) {
              interfered = true;
              const cur = await target.get({ resource: 'pods', namespace: 'default', name: obj.metadata.name });
              await target.updateStatus({ ...cur, status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } });
            }
            return target.update(obj);
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Store;
    const kubelet = new Kubelet({ store, runtime: h.runtime, clock: h.clock, events: h.events, nodeName: NODE, config: { dataDir: '/kctl' }, volumeHost: h.volumes });
    await h.store.create(podObject(withPort));
    await expect(kubelet.reconcile(KEY)).resolves.toBeDefined();
    expect(interfered).toBe(true);
    const pod = (await h.store.get({ resource: 'pods', namespace: 'default', name: 'web' })) as KubeObject & { status?: { phase?: string } };
    expect(pod.metadata.annotations?.['kctl.io/ports']).toMatch(/"containerPort":80/);
    expect(pod.status?.phase).toBe('Running');
    expect(kubelet.concurrency).toBe(KUBELET_CONCURRENCY);
    expect(KUBELET_CONCURRENCY).toBeGreaterThan(2);
  });
});
