// The registration the composition root does: the workload controllers production registers (cluster.ts
// WORKLOAD_CONTROLLERS, built from ControllerDeps), running in a Cluster beside the real scheduler, with a kubelet stand-in.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { FakeRuntime } from '../../../../src/runtime/fake/fake-runtime.js';
import { Cluster, WORKLOAD_CONTROLLERS } from '../../../../src/cluster/cluster.js';
import { configFrom } from '../../../../src/cluster/config.js';
import type { CoreEvent } from '../../../../src/reconcile/events.js';
import { KubeletStandIn, deployment, type DeploymentObj, type PodObj } from './harness.js';

const clusters: Cluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

describe('workload controllers in a Cluster', () => {
  it('a Deployment comes up through scheduler and kubelet; events name the controllers', async () => {
    const clock = new FakeClock('2026-03-01T10:00:00Z');
    const store = new MemoryStore({ clock });
    const config = configFrom(mkdtempSync(join(tmpdir(), 'kctl-home-')), { KCTL_RESYNC_PERIOD_MS: '0' }, {}, { hostName: 'Test-Host' });
    const cluster = new Cluster({
      config,
      store,
      runtime: new FakeRuntime({ clock }),
      clock,
      kubelet: (deps) => new KubeletStandIn(deps.store, false),
      controllers: WORKLOAD_CONTROLLERS,
    });
    clusters.push(cluster);
    await cluster.start();
    expect(cluster.runner.names).toEqual(expect.arrayContaining(['deployment', 'replicaset', 'garbagecollector']));
    await store.create(deployment({ replicas: 2 }));
    const ref = { resource: 'deployments', namespace: 'default', name: 'web' };
    await vi.waitFor(async () => expect((await store.get<DeploymentObj>(ref)).status?.availableReplicas).toBe(2), { timeout: 5000 });
    const pods = (await store.list<PodObj>('pods')).items;
    expect(pods.map((p) => p.spec!.nodeName)).toEqual(['test-host', 'test-host']);
    const sources = new Set((await store.list<CoreEvent>('events')).items.map((e) => `${e.source.component}/${e.reason}`));
    expect([...sources]).toEqual(expect.arrayContaining(['deployment-controller/ScalingReplicaSet', 'replicaset-controller/SuccessfulCreate', 'default-scheduler/Scheduled']));
  });
});
