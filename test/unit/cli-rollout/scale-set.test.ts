// kctl scale and kctl set image in process (MemoryStore): messages, preconditions, exit codes, stored results.
import { beforeEach, describe, expect, it } from 'vitest';
import { createDeployment, getDeployment, kctl, setup, IMAGE, type Env } from './harness.js';

let env: Env;
beforeEach(() => {
  env = setup();
});

const replicasOf = async (name = 'web') => ((await getDeployment(env, name)).spec as { replicas: number }).replicas;

describe('kctl scale', () => {
  it('sets spec.replicas and prints kubectl\'s line (TYPE/NAME and TYPE NAME)', async () => {
    await createDeployment(env, { replicas: 3 });
    expect(await kctl(env, ['scale', 'deploy/web', '--replicas=5'])).toEqual({ code: 0, stdout: 'deployment.apps/web scaled\n', stderr: '' });
    expect(await replicasOf()).toBe(5);
    expect((await getDeployment(env)).metadata.generation).toBe(2);
    expect(await kctl(env, ['scale', 'deployment', 'web', '--replicas', '0'])).toEqual({ code: 0, stdout: 'deployment.apps/web scaled\n', stderr: '' });
    expect(await replicasOf()).toBe(0);
  });

  it('--current-replicas is a precondition', async () => {
    await createDeployment(env, { replicas: 2 });
    expect(await kctl(env, ['scale', 'deploy/web', '--current-replicas=3', '--replicas=4'])).toEqual({ code: 1, stdout: '', stderr: 'error: Expected replicas to be 3, was 2\n' });
    expect(await replicasOf()).toBe(2);
    expect((await kctl(env, ['scale', 'deploy/web', '--current-replicas=2', '--replicas=4'])).code).toBe(0);
    expect(await replicasOf()).toBe(4);
    const rv = (await getDeployment(env)).metadata.resourceVersion!;
    expect((await kctl(env, ['scale', 'deploy/web', '--resource-version=1', '--replicas=1'])).stderr).toBe(`error: Expected resource version to be 1, was ${rv}\n`);
  });

  it('refuses bad flags as kubectl does', async () => {
    await createDeployment(env);
    expect(await kctl(env, ['scale', 'deploy/web'])).toEqual({ code: 1, stdout: '', stderr: 'error: required flag(s) "replicas" not set\n' });
    expect((await kctl(env, ['scale', 'deploy/web', '--replicas=-1'])).stderr).toBe('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
    expect((await kctl(env, ['scale', 'deploy/web', '--replicas=two'])).stderr).toBe(`error: invalid argument "two" for "--replicas" flag: strconv.ParseInt: parsing "two": invalid syntax\nSee 'kctl --help' for usage.\n`);
    expect((await kctl(env, ['scale', 'deploy', '--replicas=2'])).stderr).toBe('error: resource(s) were provided, but no name was specified\n');
    expect((await kctl(env, ['scale', '--replicas=2'])).stderr).toBe('error: You must provide one or more resources by argument or filename.\n');
  });

  it('-l and --all scale every match; ReplicaSets too; pods have no scale subresource', async () => {
    await createDeployment(env, { name: 'a', labels: { app: 'a', tier: 'fe' } });
    await createDeployment(env, { name: 'b', labels: { app: 'b', tier: 'fe' } });
    await createDeployment(env, { name: 'c', labels: { app: 'c' } });
    expect((await kctl(env, ['scale', 'deploy', '-l', 'tier=fe', '--replicas=7'])).stdout).toBe('deployment.apps/a scaled\ndeployment.apps/b scaled\n');
    expect([await replicasOf('a'), await replicasOf('b'), await replicasOf('c')]).toEqual([7, 7, 3]);
    expect((await kctl(env, ['scale', 'deploy', '--all', '--replicas=1'])).stdout).toBe('deployment.apps/a scaled\ndeployment.apps/b scaled\ndeployment.apps/c scaled\n');
    expect(await kctl(env, ['scale', 'deploy/nope', '--replicas=1'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });

    await env.store.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { x: 'y' } }, template: { metadata: { labels: { x: 'y' } }, spec: { containers: [{ name: 'c', image: IMAGE }] } } } });
    expect((await kctl(env, ['scale', 'rs', 'rs', '--replicas=2'])).stdout).toBe('replicaset.apps/rs scaled\n');
    await env.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: IMAGE }] } });
    expect(await kctl(env, ['scale', 'pod/p', '--replicas=2'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): the server could not find the requested resource\n' });
  });

  it('--dry-run writes nothing; -o name prints the name', async () => {
    await createDeployment(env, { replicas: 3 });
    expect((await kctl(env, ['scale', 'deploy/web', '--replicas=9', '--dry-run=client'])).stdout).toBe('deployment.apps/web scaled (dry run)\n');
    expect((await kctl(env, ['scale', 'deploy/web', '--replicas=9', '--dry-run=server'])).stdout).toBe('deployment.apps/web scaled (server dry run)\n');
    expect(await replicasOf()).toBe(3);
    expect((await kctl(env, ['scale', 'deploy/web', '--replicas=4', '-o', 'name'])).stdout).toBe('deployment.apps/web\n');
    expect(await replicasOf()).toBe(4);
  });
});

describe('kctl set image', () => {
  const imageOf = async (name = 'web') => ((await getDeployment(env, name)).spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;

  it('updates the pod template and prints kubectl\'s line; nothing when already set', async () => {
    await createDeployment(env);
    expect(await kctl(env, ['set', 'image', 'deploy/web', 'app=web:2'])).toEqual({ code: 0, stdout: 'deployment.apps/web image updated\n', stderr: '' });
    expect(await imageOf()).toBe('web:2');
    expect(await kctl(env, ['set', 'image', 'deployment', 'web', 'app=web:2'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await kctl(env, ['set', 'image', 'deploy/web', '*=web:3'])).stdout).toBe('deployment.apps/web image updated\n');
    expect(await imageOf()).toBe('web:3');
  });

  it('an unknown container is an error (the others are still set)', async () => {
    await createDeployment(env);
    expect(await kctl(env, ['set', 'image', 'deploy/web', 'nope=x:1'])).toEqual({ code: 1, stdout: '', stderr: 'error: unable to find container named "nope"\n' });
    expect(await kctl(env, ['set', 'image', 'deploy/web', 'app=web:5', 'nope=x:1'])).toEqual({
      code: 1,
      stdout: 'deployment.apps/web image updated\n',
      stderr: 'error: unable to find container named "nope"\n',
    });
    expect(await imageOf()).toBe('web:5');
  });

  it('pods, label selectors; kinds without a pod template; usage errors', async () => {
    await env.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { run: 'p' } }, spec: { containers: [{ name: 'c', image: IMAGE }] } });
    expect((await kctl(env, ['set', 'image', 'pods', '-l', 'run=p', 'c=other:1'])).stdout).toBe('pod/p image updated\n');
    expect(((await env.store.get({ resource: 'pods', namespace: 'default', name: 'p' })).spec as { containers: { image: string }[] }).containers[0]!.image).toBe('other:1');
    await env.store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    expect((await kctl(env, ['set', 'image', 'svc/s', 'c=x:1'])).stderr).toBe('error: services/s the object is not a pod or does not have a pod template: *v1.Service\n');
    expect((await kctl(env, ['set', 'image', 'deploy/web'])).stderr).toBe('error: at least one image update is required\n');
    expect((await kctl(env, ['set', 'image', 'app=x:1'])).stderr).toBe('error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n');
    expect((await kctl(env, ['set', 'image', 'deploy/web', '*=x:1', 'app=y:1'])).stderr).toBe(
      'error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n',
    );
  });
});
