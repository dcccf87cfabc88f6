// The three workload controllers under the real ControllerRunner (watch → keysFor → queue → reconcile), with a
// kubelet stand-in: nothing calls reconcile by hand, so this checks that store events reach the right keys.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { ControllerRunner } from '../../../../src/reconcile/controller-runner.js';
import { ReplicaSetController } from '../../../../src/controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../../../../src/controllers/deployment/deployment-controller.js';
import { GarbageCollector } from '../../../../src/controllers/gc/garbage-collector.js';
import { KubeletStandIn, deployment, imageOf, T0, type DeploymentObj, type PodObj, type ReplicaSetObj } from './harness.js';

const runners: ControllerRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

describe('workload controllers under the ControllerRunner', () => {
  it('apply → pods ready; image change rolls over; delete cascades', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryStore({ clock });
    const runner = new ControllerRunner({
      store,
      clock,
      resyncPeriodMs: 0,
      reconcilers: [
        new DeploymentController({ store, clock }),
        new ReplicaSetController({ store, clock }),
        new GarbageCollector({ store }),
        new KubeletStandIn(store),
      ],
    });
    runners.push(runner);
    await runner.start();
    const ref = { resource: 'deployments', namespace: 'default', name: 'web' };
    await store.create(deployment({ replicas: 3 }));
    await vi.waitFor(async () => expect((await store.get<DeploymentObj>(ref)).status?.availableReplicas).toBe(3), { timeout: 5000 });

    const d = structuredClone(await store.get<DeploymentObj>(ref));
    d.spec!.template.spec!.containers[0]!.image = 'nginx:1.26';
    await store.update(d);
    await vi.waitFor(
      async () => {
        const cur = await store.get<DeploymentObj>(ref);
        expect(cur.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3, replicas: 3 });
        const pods = (await store.list<PodObj>('pods')).items;
        expect(pods.map(imageOf)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
      },
      { timeout: 5000 },
    );
    expect((await store.list<ReplicaSetObj>('replicasets')).items.map((r) => r.spec!.replicas).sort()).toEqual([0, 3]);

    await store.delete(ref);
    await vi.waitFor(
      async () => {
        expect((await store.list('replicasets')).items).toEqual([]);
        expect((await store.list('pods')).items).toEqual([]);
      },
      { timeout: 5000 },
    );
  });
});
