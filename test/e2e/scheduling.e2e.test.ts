// The scheduler against the local Node: allocatable lowered by KCTL_ALLOCATABLE_MEMORY, a pod that does not fit
// stays Pending with upstream's FailedScheduling wording, and is bound once room frees up.
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, condition, podManifest } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();

const withRequest = (name: string, memory: string) =>
  podManifest(name, {
    containers: [{ name: 'app', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], resources: { requests: { memory } } }],
  });

describe.runIf(haveDocker)('scheduling on the local node', () => {
  const cluster = E2eCluster.create('sched', { KCTL_ALLOCATABLE_MEMORY: '256Mi' });
  afterAll(async () => {
    await cluster.dispose();
  });

  it('keeps a pod that does not fit Pending (FailedScheduling), and binds it when a pod is deleted', async () => {
    await cluster.apply(withRequest('big', '200Mi'));
    await cluster.waitForRow('big', 'Running', (r) => r.status === 'Running' && r.ready === '1/1');
    const node = JSON.parse(await cluster.ok(['get', 'nodes', '-o', 'json'])).items[0];
    expect(node.status.allocatable.memory).toBe('256Mi');

    await cluster.apply(withRequest('second', '100Mi'));
    const ev = await cluster.waitForEvent('second', 'FailedScheduling');
    expect(ev.type).toBe('Warning');
    expect(ev.message).toBe('0/1 nodes are available: 1 Insufficient memory.');
    expect(ev.source?.component).toBe('default-scheduler');
    const pending = (await cluster.pod('second'))!;
    expect(pending.status?.phase).toBe('Pending');
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(pending.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory.',
    });
    expect(await cluster.podRow('second')).toMatchObject({ ready: '0/1', status: 'Pending', restarts: 0 });
    // nothing runs for it
    expect(await cluster.containers(pending.metadata.uid)).toEqual([]);

    await cluster.ok(['delete', 'pod', 'big']);
    const bound = await cluster.waitForPod('second', 'bound and Running', (p) => !!p.spec?.nodeName && p.status?.phase === 'Running');
    expect(bound.spec?.nodeName).toBe(node.metadata.name);
    expect(condition(bound, 'PodScheduled')).toBe('True');
    const scheduled = await cluster.waitForEvent('second', 'Scheduled');
    expect(scheduled.message).toBe(`Successfully assigned default/second to ${node.metadata.name}`);
    expect(await cluster.eventsFor('big', 'FailedScheduling')).toEqual([]); // the first pod fit at once
  });
});
