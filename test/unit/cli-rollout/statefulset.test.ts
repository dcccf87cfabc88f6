// kctl rollout status|history|undo|restart and scale on a StatefulSet, in process, with the StatefulSet controller
// and a kubelet stand-in writing the objects (ControllerRevisions, pods, status) as they do in a cluster.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { StatefulSetController } from '../../../src/controllers/statefulset/statefulset-controller.js';
import { kctl, outputIs, setup, start, warmUp, type Env } from './harness.js';

const KEY = 'statefulsets/default/web';
const ref = { resource: 'statefulsets', namespace: 'default', name: 'web' };

function statefulSet(replicas: number, partition = 0): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      serviceName: 'web',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } },
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

/** Controller passes, with every pod run and readied, until nothing changes. */
async function converge(env: Env, ssc: StatefulSetController): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const before = await env.store.revision();
    await ssc.reconcile(KEY);
    for (const p of (await env.store.list('pods', { namespace: 'default' })).items) {
      const pr = { resource: 'pods', namespace: 'default', name: p.metadata.name };
      if (p.metadata.deletionTimestamp) await env.store.delete(pr, { gracePeriodSeconds: 0 });
      else if ((p.status as { phase?: string } | undefined)?.phase !== 'Running')
        await env.store.updateStatus({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    }
    if ((await env.store.revision()) === before) return;
  }
  throw new Error('did not converge');
}

const image = async (env: Env): Promise<string> =>
  ((await env.store.get(ref)).spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
const setImage = async (env: Env, img: string): Promise<void> => {
  const s = structuredClone(await env.store.get(ref));
  (s.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = img;
  await env.store.update(s);
};

function cluster(): { env: Env; ssc: StatefulSetController } {
  const env = setup();
  return { env, ssc: new StatefulSetController({ store: env.store, clock: env.clock }) };
}

beforeAll(warmUp);

describe('kctl rollout status sts', () => {
  it('prints kubectl\'s messages as the pods come up, and ends once the partitioned roll out is complete', async () => {
    const { env, ssc } = cluster();
    await env.store.create(statefulSet(2));
    expect((await kctl(env, ['rollout', 'status', 'sts/web', '--watch=false'])).stdout).toBe('Waiting for statefulset spec update to be observed...\n');
    await ssc.reconcile(KEY);
    const run = start(env, ['rollout', 'status', 'statefulset/web']);
    expect(await outputIs(run, 'Waiting for 2 pods to be ready...\n')).toBe('Waiting for 2 pods to be ready...\n');
    const web0 = await env.store.get({ resource: 'pods', namespace: 'default', name: 'web-0' });
    await env.store.updateStatus({ ...web0, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    await ssc.reconcile(KEY);
    const two = 'Waiting for 2 pods to be ready...\nWaiting for 1 pods to be ready...\n';
    expect(await outputIs(run, two)).toBe(two);
    await converge(env, ssc);
    const r = await run.done;
    expect(r).toEqual({ code: 0, stdout: `${two}partitioned roll out complete: 2 new pods have been updated...\n`, stderr: '' });
  });

  it('with a partition, waits for the pods at and above it to be updated', async () => {
    const { env, ssc } = cluster();
    await env.store.create(statefulSet(3, 1));
    await converge(env, ssc);
    await setImage(env, 'nginx:1.26');
    await ssc.reconcile(KEY); // observes the change, deletes web-2
    expect((await kctl(env, ['rollout', 'status', 'sts/web', '--watch=false'])).stdout).toBe('Waiting for partitioned roll out to finish: 0 out of 2 new pods have been updated...\n');
    await converge(env, ssc);
    expect((await kctl(env, ['rollout', 'status', 'sts/web', '--watch=false'])).stdout).toBe('partitioned roll out complete: 2 new pods have been updated...\n');
  });

  it('OnDelete has no rollout status', async () => {
    const { env } = cluster();
    const s = statefulSet(1);
    (s.spec as Record<string, unknown>).updateStrategy = { type: 'OnDelete' };
    await env.store.create(s);
    expect(await kctl(env, ['rollout', 'status', 'sts/web'])).toMatchObject({ code: 1, stderr: 'error: rollout status is only available for RollingUpdate strategy type\n' });
  });
});

describe('kctl rollout history|undo sts (ControllerRevisions)', () => {
  it('lists revisions, shows one, rolls back to the previous one and skips when already there', async () => {
    const { env, ssc } = cluster();
    await env.store.create(statefulSet(1));
    await converge(env, ssc);
    await setImage(env, 'nginx:1.26');
    await converge(env, ssc);

    expect((await kctl(env, ['rollout', 'history', 'sts/web'])).stdout).toBe('statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    const one = await kctl(env, ['rollout', 'history', 'sts/web', '--revision=1']);
    expect(one.stdout).toMatch(/^statefulset\.apps\/web with revision #1\nPod Template:\n {2}Labels: +app=web\n {2}Containers:\n {3}app:\n {4}Image: +nginx:1\.25\n/);
    expect(await kctl(env, ['rollout', 'history', 'sts/web', '--revision=9'])).toMatchObject({ code: 1, stderr: 'error: unable to find the specified revision\n' });

    expect(await kctl(env, ['rollout', 'undo', 'sts/web'])).toEqual({ code: 0, stdout: 'statefulset.apps/web rolled back\n', stderr: '' });
    expect(await image(env)).toBe('nginx:1.25');
    await converge(env, ssc);
    expect((await kctl(env, ['rollout', 'history', 'sts/web'])).stdout).toBe('statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    expect((await kctl(env, ['rollout', 'undo', 'sts/web', '--to-revision=3'])).stdout).toBe('statefulset.apps/web skipped rollback (current template already matches revision 3)\n');
    expect(await kctl(env, ['rollout', 'undo', 'sts/web', '--to-revision=7'])).toMatchObject({ code: 1, stderr: 'error: unable to find specified revision 7 in history\n' });
  });

  it('a set with one revision has nothing to roll back to', async () => {
    const { env, ssc } = cluster();
    await env.store.create(statefulSet(1));
    await converge(env, ssc);
    expect(await kctl(env, ['rollout', 'undo', 'sts/web'])).toMatchObject({ code: 1, stderr: 'error: no last revision to roll back to\n' });
  });
});

describe('kctl rollout restart / scale sts', () => {
  it('restart stamps the template, which makes a new revision and replaces the pods', async () => {
    const { env, ssc } = cluster();
    await env.store.create(statefulSet(2));
    await converge(env, ssc);
    const before = (await env.store.list('pods', { namespace: 'default' })).items.map((p) => p.metadata.uid);
    expect((await kctl(env, ['rollout', 'restart', 'sts/web'])).stdout).toBe('statefulset.apps/web restarted\n');
    await converge(env, ssc);
    const after = (await env.store.list('pods', { namespace: 'default' })).items;
    expect(after.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    expect(after.some((p) => before.includes(p.metadata.uid))).toBe(false);
    expect(after.every((p) => p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'])).toBe(true);
  });

  it('scale changes replicas; the controller removes the highest ordinal', async () => {
    const { env, ssc } = cluster();
    await env.store.create(statefulSet(3));
    await converge(env, ssc);
    expect((await kctl(env, ['scale', 'sts/web', '--replicas=1'])).stdout).toBe('statefulset.apps/web scaled\n');
    await converge(env, ssc);
    expect((await env.store.list('pods', { namespace: 'default' })).items.map((p) => p.metadata.name)).toEqual(['web-0']);
  });
});
