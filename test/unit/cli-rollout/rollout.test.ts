// kctl rollout status|history|undo|pause|resume|restart in process (MemoryStore + FakeClock), the Deployment's
// status and ReplicaSets written as the deployment controller writes them.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDeployment,
  createPodOf,
  createReplicaSet,
  getDeployment,
  kctl,
  patchDeployment,
  setDeploymentStatus,
  settle,
  setup,
  start,
  outputIs,
  warmUp,
  type Env,
} from './harness.js';

let env: Env;
beforeAll(warmUp, 60_000);
beforeEach(() => {
  env = setup();
});

const setImage = (image: string) =>
  patchDeployment(env, (d) => {
    (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = image;
  });
const imageOf = async () => ((await getDeployment(env)).spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;

describe('kctl rollout status', () => {
  it('done: kubectl\'s success line, exit 0', async () => {
    await createDeployment(env, { replicas: 2 });
    await setDeploymentStatus(env, { replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 });
    expect(await kctl(env, ['rollout', 'status', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment "web" successfully rolled out\n', stderr: '' });
    expect((await kctl(env, ['rollout', 'status', 'deployment', 'web'])).code).toBe(0);
  });

  it('prints each new message once as the controller progresses, then ends', async () => {
    await createDeployment(env, { replicas: 3 });
    const run = start(env, ['rollout', 'status', 'deploy/web']);
    const lines = [
      'Waiting for deployment spec update to be observed...\n',
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n',
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n',
      'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n',
    ];
    expect(await outputIs(run, lines[0]!)).toBe(lines[0]);
    await setDeploymentStatus(env, { replicas: 1, updatedReplicas: 1 });
    expect(await outputIs(run, lines.slice(0, 2).join(''))).toBe(lines.slice(0, 2).join(''));
    // a status write that changes nothing in the message prints nothing
    await setDeploymentStatus(env, { replicas: 1, updatedReplicas: 1, readyReplicas: 0 });
    await settle();
    await setDeploymentStatus(env, { replicas: 4, updatedReplicas: 3, availableReplicas: 2 });
    expect(await outputIs(run, lines.slice(0, 3).join(''))).toBe(lines.slice(0, 3).join(''));
    await setDeploymentStatus(env, { replicas: 3, updatedReplicas: 3, availableReplicas: 2 });
    expect(await outputIs(run, lines.join(''))).toBe(lines.join(''));
    await setDeploymentStatus(env, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(await run.done).toEqual({
      code: 0,
      stdout: [
        'Waiting for deployment spec update to be observed...',
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
        'deployment "web" successfully rolled out',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--watch=false prints the current state once and exits 0', async () => {
    await createDeployment(env, { replicas: 3 });
    await setDeploymentStatus(env, { replicas: 3, updatedReplicas: 3, availableReplicas: 1 });
    expect(await kctl(env, ['rollout', 'status', 'deploy/web', '--watch=false'])).toEqual({
      code: 0,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n',
      stderr: '',
    });
  });

  it('--timeout: kubectl\'s timeout error, exit 1', async () => {
    await createDeployment(env, { replicas: 3 });
    await setDeploymentStatus(env, { replicas: 3, updatedReplicas: 3, availableReplicas: 1 });
    const run = start(env, ['rollout', 'status', 'deploy/web', '--timeout=30s']);
    await outputIs(run, 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n');
    env.clock.advance(29_000);
    await settle();
    expect(run.out.text).toBe('Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n');
    env.clock.advance(1_000);
    expect(await run.done).toEqual({
      code: 1,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n',
      stderr: 'error: timed out waiting for the condition\n',
    });
  });

  it('a progress deadline exceeded ends it with exit 1', async () => {
    await createDeployment(env, { replicas: 2 });
    await setDeploymentStatus(env, { replicas: 3, updatedReplicas: 1, availableReplicas: 2 });
    const run = start(env, ['rollout', 'status', 'deploy/web']);
    await outputIs(run, 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n');
    await setDeploymentStatus(env, {
      replicas: 3,
      updatedReplicas: 1,
      availableReplicas: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-h2" has timed out progressing.' }],
    });
    expect(await run.done).toEqual({
      code: 1,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n',
      stderr: 'error: deployment "web" exceeded its progress deadline\n',
    });
  });

  it('--fail-fast names the first new pod that cannot start', async () => {
    await createDeployment(env, { replicas: 2 });
    const old = await createReplicaSet(env, 1, { replicas: 2 });
    await createPodOf(env, old, 'web-h1-aaaaa');
    await setImage('nope:1');
    const rs2 = await createReplicaSet(env, 2, { replicas: 1 });
    await setDeploymentStatus(env, { replicas: 3, updatedReplicas: 1, availableReplicas: 2 });
    const run = start(env, ['rollout', 'status', 'deploy/web', '--fail-fast']);
    await outputIs(run, 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n');
    await createPodOf(env, rs2, 'web-h2-bbbbb', { reason: 'ContainerCreating' });
    await settle();
    expect(run.out.text).toBe('Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n');
    const pod = await env.store.get({ resource: 'pods', namespace: 'default', name: 'web-h2-bbbbb' });
    const st = pod.status as { containerStatuses: { state: unknown }[] };
    st.containerStatuses[0]!.state = { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' } };
    await env.store.updateStatus(pod);
    expect(await run.done).toEqual({
      code: 1,
      stdout: 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n',
      stderr: 'error: deployment "web" rollout failed: pod "web-h2-bbbbb" container "app": ImagePullBackOff: Back-off pulling image "nope:1"\n',
    });
  });

  it('without --fail-fast a failing pod does not end the wait', async () => {
    await createDeployment(env, { replicas: 1, image: 'nope:1' });
    const rs = await createReplicaSet(env, 1, { replicas: 1 });
    await createPodOf(env, rs, 'web-h1-aaaaa', { reason: 'ErrImagePull' });
    await setDeploymentStatus(env, { replicas: 1, updatedReplicas: 1 });
    const run = start(env, ['rollout', 'status', 'deploy/web', '--timeout=1m']);
    await outputIs(run, 'Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...\n');
    await settle();
    env.clock.advance(60_000);
    expect((await run.done).stderr).toBe('error: timed out waiting for the condition\n');
  });

  it('the object deleted while waiting, unsupported kinds, several objects, no argument', async () => {
    await createDeployment(env);
    const run = start(env, ['rollout', 'status', 'deploy/web']);
    await outputIs(run, 'Waiting for deployment spec update to be observed...\n');
    await env.store.delete({ resource: 'deployments', namespace: 'default', name: 'web' });
    expect(await run.done).toEqual({ code: 1, stdout: 'Waiting for deployment spec update to be observed...\n', stderr: 'error: object has been deleted\n' });

    await createDeployment(env, { name: 'a' });
    await createDeployment(env, { name: 'b' });
    expect((await kctl(env, ['rollout', 'status', 'deploy'])).stderr).toBe(
      'error: rollout status is only supported on individual resources and resource collections - 2 resources were found\n',
    );
    const rs = await createReplicaSet(env, 1, { name: 'a' });
    expect((await kctl(env, ['rollout', 'status', `rs/${rs.metadata.name}`])).stderr).toBe('error: no status viewer has been implemented for ReplicaSet.apps\n');
    expect(await kctl(env, ['rollout', 'status'])).toEqual({ code: 1, stdout: '', stderr: 'error: required resource not specified\n' });
    expect((await kctl(env, ['rollout', 'status', 'deploy/nope'])).stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
  });

  it('--revision pins the revision', async () => {
    await createDeployment(env, { replicas: 1 });
    await createReplicaSet(env, 1);
    await setDeploymentStatus(env, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    expect((await kctl(env, ['rollout', 'status', 'deploy/web', '--revision=1'])).stdout).toBe('deployment "web" successfully rolled out\n');
    expect(await kctl(env, ['rollout', 'status', 'deploy/web', '--revision=2'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: desired revision (2) is different from the running revision (1)\n',
    });
  });
});

describe('kctl rollout history', () => {
  beforeEach(async () => {
    await createDeployment(env, { image: 'web:1' });
    await createReplicaSet(env, 1, { changeCause: 'kctl apply -f web.yaml' });
    await setImage('web:2');
    await createReplicaSet(env, 2);
    await setImage('web:3');
    await createReplicaSet(env, 3, { changeCause: 'to web:3' });
  });

  it('lists the revisions with their change-cause, as kubectl prints them', async () => {
    expect(await kctl(env, ['rollout', 'history', 'deploy/web'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         kctl apply -f web.yaml\n2         <none>\n3         to web:3\n\n',
      stderr: '',
    });
  });

  it('--revision=N prints that revision\'s pod template', async () => {
    const r = await kctl(env, ['rollout', 'history', 'deployment', 'web', '--revision=2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deployment\.apps\/web with revision #2\nPod Template:\n  Labels:\s+app=web\n\s+pod-template-hash=h2\n  Containers:\n   app:\n    Image:\s+web:2\n/);
    expect(r.stdout.endsWith('\n\n')).toBe(true);
    expect(await kctl(env, ['rollout', 'history', 'deploy/web', '--revision=9'])).toEqual({ code: 1, stdout: '', stderr: 'error: unable to find the specified revision\n' });
  });

  it('a Deployment without ReplicaSets has no history; other kinds have no viewer', async () => {
    await createDeployment(env, { name: 'fresh' });
    expect((await kctl(env, ['rollout', 'history', 'deploy/fresh'])).stdout).toBe('deployment.apps/fresh \nNo rollout history found.\n');
    expect((await kctl(env, ['rollout', 'history', 'rs/web-h1'])).stderr).toBe('error: no history viewer has been implemented for "ReplicaSet.apps"\n');
  });
});

describe('kctl rollout undo', () => {
  beforeEach(async () => {
    await createDeployment(env, { image: 'web:1' });
    await createReplicaSet(env, 1, { changeCause: 'first' });
    await setImage('web:2');
    await createReplicaSet(env, 2);
  });

  it('restores the previous revision\'s template (without the hash label)', async () => {
    expect(await kctl(env, ['rollout', 'undo', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web rolled back\n', stderr: '' });
    const d = await getDeployment(env);
    expect(await imageOf()).toBe('web:1');
    expect((d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).toEqual({ app: 'web' });
    expect(d.metadata.annotations?.['kubernetes.io/change-cause']).toBe('first');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('--to-revision: a revision not in history, and one that already matches', async () => {
    expect(await kctl(env, ['rollout', 'undo', 'deploy/web', '--to-revision=5'])).toEqual({ code: 1, stdout: '', stderr: 'error: unable to find specified revision 5 in history\n' });
    expect(await kctl(env, ['rollout', 'undo', 'deploy/web', '--to-revision=2'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web skipped rollback (current template already matches revision 2)\n',
      stderr: '',
    });
    expect((await kctl(env, ['rollout', 'undo', 'deploy/web', '--to-revision=1'])).stdout).toBe('deployment.apps/web rolled back\n');
    expect(await imageOf()).toBe('web:1');
  });

  it('undo twice toggles between the last two revisions', async () => {
    expect((await kctl(env, ['rollout', 'undo', 'deploy/web'])).code).toBe(0);
    expect(await imageOf()).toBe('web:1');
    // the controller reuses web:1's ReplicaSet and gives it the next revision
    const rs1 = await env.store.get({ resource: 'replicasets', namespace: 'default', name: 'web-h1' });
    rs1.metadata.annotations = { ...rs1.metadata.annotations, 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' };
    await env.store.update(rs1);
    expect((await kctl(env, ['rollout', 'undo', 'deploy/web'])).code).toBe(0);
    expect(await imageOf()).toBe('web:2');
  });

  it('--dry-run writes nothing; a paused Deployment is refused', async () => {
    const r = await kctl(env, ['rollout', 'undo', 'deploy/web', '--dry-run=client']);
    expect(r.stdout).toMatch(/^deployment\.apps\/web Pod Template:\n/);
    expect(r.stdout).toMatch(/Image:\s+web:1\n/);
    expect(r.stdout.endsWith(' (dry run)\n')).toBe(true);
    expect(await imageOf()).toBe('web:2');
    await kctl(env, ['rollout', 'pause', 'deploy/web']);
    expect((await kctl(env, ['rollout', 'undo', 'deploy/web'])).stderr).toBe(
      "error: you cannot rollback a paused deployment; resume it first with 'kctl rollout resume' and try again\n",
    );
  });
});

describe('kctl rollout pause|resume|restart', () => {
  it('pause and resume set spec.paused; repeating one is kubectl\'s error', async () => {
    await createDeployment(env);
    expect(await kctl(env, ['rollout', 'pause', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web paused\n', stderr: '' });
    expect(((await getDeployment(env)).spec as { paused?: boolean }).paused).toBe(true);
    expect(await kctl(env, ['rollout', 'pause', 'deploy/web'])).toEqual({ code: 1, stdout: '', stderr: 'error: deployments.apps "web" is already paused\n' });
    expect(await kctl(env, ['rollout', 'resume', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web resumed\n', stderr: '' });
    expect(((await getDeployment(env)).spec as { paused?: boolean }).paused).toBeUndefined();
    expect(await kctl(env, ['rollout', 'resume', 'deploy/web'])).toEqual({ code: 1, stdout: '', stderr: 'error: deployments.apps "web" is not paused\n' });
  });

  it('restart stamps the template (a new rollout); not while paused', async () => {
    await createDeployment(env);
    expect(await kctl(env, ['rollout', 'restart', 'deploy/web'])).toEqual({ code: 0, stdout: 'deployment.apps/web restarted\n', stderr: '' });
    const d = await getDeployment(env);
    const at = (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(new Date(at!).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(d.metadata.generation).toBe(2);
    await kctl(env, ['rollout', 'pause', 'deploy/web']);
    expect((await kctl(env, ['rollout', 'restart', 'deploy/web'])).stderr).toBe(
      "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n",
    );
  });

  it('every named object is tried; errors are reported after', async () => {
    await createDeployment(env, { name: 'a' });
    await createDeployment(env, { name: 'b', paused: true });
    expect(await kctl(env, ['rollout', 'pause', 'deploy/a', 'deploy/b', 'deploy/c'])).toEqual({
      code: 1,
      stdout: 'deployment.apps/a paused\n',
      stderr: 'Error from server (NotFound): deployments.apps "c" not found\nerror: deployments.apps "b" is already paused\n',
    });
  });
});
