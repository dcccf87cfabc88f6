// imagePullSecrets: which credentials match an image, and what the runtime receives from the kubelet.
import { describe, expect, it } from 'vitest';
import type { KubeObject, Secret } from '../../../src/api/types.js';
import { credentialsFor, imageRegistry } from '../../../src/kubelet/pull-secrets.js';
import { containerStatus, createPod, getPod, pass, setup } from './harness.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function dockerSecret(name: string, auths: Record<string, Record<string, string>>): Secret & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
  };
}

describe('imageRegistry', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx'],
    ['nginx:1.25', 'docker.io', 'library/nginx'],
    ['user/app@sha256:abc', 'docker.io', 'user/app'],
    ['index.docker.io/user/app:1', 'docker.io', 'user/app'],
    ['registry-1.docker.io/nginx', 'docker.io', 'library/nginx'],
    ['ghcr.io/org/app:v1', 'ghcr.io', 'org/app'],
    ['localhost:5000/app', 'localhost:5000', 'app'],
    ['Registry.Example.com:443/team/app:2', 'registry.example.com:443', 'team/app'],
  ])('%s → %s %s', (image, host, path) => expect(imageRegistry(image)).toEqual({ host, path }));
});

describe('credentialsFor', () => {
  const hub = dockerSecret('hub', { 'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') } });
  const corp = dockerSecret('corp', {
    'registry.corp.io': { username: 'any', password: 'p1' },
    'registry.corp.io/team': { username: 'team', password: 'p2' },
    '*.corp.io': { username: 'glob', password: 'p3' },
    'registry.corp.io:5000': { username: 'port', password: 'p4' },
  });

  it('matches Docker Hub aliases, decodes auth', () => {
    expect(credentialsFor('nginx:1.25', [hub])).toEqual([{ serveraddress: 'https://index.docker.io/v1/', username: 'hubuser', password: 'hubpass' }]);
    expect(credentialsFor('docker.io/user/app', [hub])).toHaveLength(1);
    expect(credentialsFor('ghcr.io/org/app', [hub])).toEqual([]);
  });

  it('host, port, glob and path prefix; the most specific first', () => {
    expect(credentialsFor('registry.corp.io/team/app:1', [corp]).map((a) => a.username)).toEqual(['team', 'any', 'glob']);
    expect(credentialsFor('registry.corp.io/other/app', [corp]).map((a) => a.username)).toEqual(['any', 'glob']);
    expect(credentialsFor('registry.corp.io:5000/app', [corp]).map((a) => a.username)).toEqual(['port']);
    expect(credentialsFor('a.b.corp.io/app', [corp])).toEqual([]); // a glob stands for one label
    expect(credentialsFor('registry.corp.io/app', [{ ...corp, type: 'Opaque' }])).toEqual([]);
  });

  it('a /v1/ or /v2/ API path on any registry is the host itself', () => {
    const v2 = dockerSecret('v2', { 'https://registry.example.com/v2/': { username: 'u', password: 'p' } });
    expect(credentialsFor('registry.example.com/team/app:1', [v2]).map((a) => a.username)).toEqual(['u']);
  });
});

describe('Kubelet: image pulls with imagePullSecrets', () => {
  const IMAGE = 'registry.corp.io/team/app:1';

  it('the runtime receives the matching credentials, and the pod starts', async () => {
    const h = setup({ images: [], registry: [IMAGE] });
    h.runtime.registryAuth.set(IMAGE, { username: 'team', password: 'right' });
    await h.store.create(dockerSecret('other', { 'ghcr.io': { username: 'x', password: 'y' } }));
    await h.store.create(
      dockerSecret('corp', { 'registry.corp.io': { username: 'team', password: 'wrong' }, 'registry.corp.io/team': { username: 'team', password: 'right' } }),
    );
    await createPod(h, { imagePullSecrets: [{ name: 'other' }, { name: 'corp' }], containers: [{ name: 'web', image: IMAGE }] });
    await pass(h);
    await pass(h);
    expect(h.runtime.callsTo('pullImage')).toEqual([[IMAGE, { serveraddress: 'registry.corp.io', username: 'team', password: 'right' }]]);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
    expect(JSON.stringify(h.events.events)).not.toContain('right');
  });

  it('tries the next credential when one is refused; no match: an anonymous pull', async () => {
    const h = setup({ images: [], registry: [IMAGE, 'nginx:1.27'] });
    h.runtime.registryAuth.set(IMAGE, { username: 'u', password: 'second' });
    await h.store.create(dockerSecret('a', { 'registry.corp.io': { username: 'u', password: 'first' } }));
    await h.store.create(dockerSecret('b', { 'registry.corp.io': { username: 'u', password: 'second' } }));
    await createPod(h, {
      imagePullSecrets: [{ name: 'a' }, { name: 'b' }],
      containers: [
        { name: 'web', image: IMAGE },
        { name: 'side', image: 'nginx:1.27' },
      ],
    });
    await pass(h);
    await pass(h);
    const calls = h.runtime.callsTo('pullImage');
    expect(calls.filter((c) => c[0] === IMAGE).map((c) => (c[1] as { password: string }).password)).toEqual(['first', 'second']);
    expect(calls.filter((c) => c[0] === 'nginx:1.27')).toEqual([['nginx:1.27']]);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
  });

  it("the default ServiceAccount's imagePullSecrets when the pod names none; a missing secret is an event", async () => {
    const h = setup({ images: [], registry: [IMAGE] });
    h.runtime.registryAuth.set(IMAGE, { username: 'sa', password: 'pw' });
    await h.store.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'default' },
      imagePullSecrets: [{ name: 'gone' }, { name: 'sa-creds' }],
    });
    await h.store.create(dockerSecret('sa-creds', { 'registry.corp.io': { username: 'sa', password: 'pw' } }));
    await createPod(h, { containers: [{ name: 'web', image: IMAGE }] });
    await pass(h);
    await pass(h);
    expect(h.runtime.callsTo('pullImage')).toEqual([[IMAGE, { serveraddress: 'registry.corp.io', username: 'sa', password: 'pw' }]]);
    expect(h.events.messages('FailedToRetrieveImagePullSecret')).toEqual([
      'Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed.',
    ]);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
  });
});
