import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container, Pod, Secret } from '../../../src/api/types.js';
import { ContainerConfigError, envReferences, expandEnv, makeEnvironmentVariables, type EnvSources } from '../../../src/kubelet/env.js';

const pod: Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web', 'tier.io/x': 'front' }, annotations: { note: 'hi' } },
  spec: {
    nodeName: 'node1',
    serviceAccountName: 'default',
    containers: [{ name: 'web', resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } } }, { name: 'side' }],
  },
};
const cm: ConfigMap = { metadata: { name: 'cfg' }, data: { mode: 'fast', LEVEL: 'debug' } };
const secret: Secret = { metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64'), user: Buffer.from('admin').toString('base64') } };
const src: EnvSources = {
  configMaps: { cfg: cm },
  secrets: { creds: secret },
  podIP: '10.244.0.9',
  hostIP: '127.0.0.1',
  nodeAllocatable: { cpu: 4, memory: 8 * 2 ** 30 },
};
const env = (c: Partial<Container>, s: EnvSources = src) => makeEnvironmentVariables(pod, { name: 'web', ...c, resources: pod.spec!.containers[0]!.resources }, s);
const one = (e: NonNullable<Container['env']>[number]) => env({ env: [e] })[0]?.value;

describe('expandEnv ($(VAR) as Kubernetes)', () => {
  const vars: Record<string, string> = { A: 'a', B: 'b' };
  it.each([
    ['$(A)-$(B)', 'a-b'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['a$b', 'a$b'],
    ['$(A', '$(A'],
    ['end$', 'end$'],
    ['$()', '$()'],
    ['$$$(A)', '$a'],
  ])('%s → %s', (input, want) => {
    expect(expandEnv(input, (n) => vars[n])).toBe(want);
  });
});

describe('makeEnvironmentVariables', () => {
  it.each<[string, NonNullable<Container['env']>[number], string | undefined]>([
    ['value', { name: 'X', value: 'plain' }, 'plain'],
    ['metadata.name', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, 'web-1'],
    ['metadata.namespace', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, 'shop'],
    ['metadata.uid', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }, 'u-1'],
    ["metadata.labels['tier.io/x']", { name: 'X', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier.io/x']" } } }, 'front'],
    ["metadata.annotations['note']", { name: 'X', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } }, 'hi'],
    ['spec.nodeName', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, 'node1'],
    ['spec.serviceAccountName', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } }, 'default'],
    ['status.podIP', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, '10.244.0.9'],
    ['status.hostIP', { name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }, '127.0.0.1'],
    ['limits.cpu in millicores', { name: 'X', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } }, '500'],
    ['limits.cpu rounded up to cores', { name: 'X', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }, '1'],
    ['limits.memory in Mi', { name: 'X', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } }, '128'],
    ['requests.cpu', { name: 'X', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } }, '250'],
    ['requests.memory unset: the limit', { name: 'X', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } }, String(128 * 2 ** 20)],
    ['unset limit: node allocatable', { name: 'X', valueFrom: { resourceFieldRef: { containerName: 'side', resource: 'limits.cpu' } } }, '4'],
    ['configMapKeyRef', { name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }, 'fast'],
    ['secretKeyRef (decoded)', { name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }, 's3cret'],
    ['optional missing configmap: skipped', { name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }, undefined],
    ['optional missing key: skipped', { name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } } }, undefined],
  ])('%s', (_n, e, want) => {
    expect(one(e)).toBe(want);
  });

  it.each<[string, Partial<Container>, string]>([
    ['missing configmap', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, 'configmap "nope" not found'],
    ['missing key', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, "couldn't find key k in ConfigMap shop/cfg"],
    ['missing secret', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, 'secret "nope" not found'],
    ['missing secret key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }, "couldn't find key k in Secret shop/creds"],
    ['missing envFrom configmap', { envFrom: [{ configMapRef: { name: 'nope' } }] }, 'configmap "nope" not found'],
    ['unsupported fieldPath', { env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }] }, 'unsupported fieldPath: spec.nope'],
  ])('fails with CreateContainerConfigError: %s', (_n, c, message) => {
    expect(() => env(c)).toThrow(ContainerConfigError);
    expect(() => env(c)).toThrow(message);
  });

  it('envFrom first (with prefix, optional skipped), then env; $(VAR) sees earlier variables; later names win', () => {
    const out = env({
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }, { configMapRef: { name: 'nope', optional: true } }],
      env: [
        { name: 'URL', value: 'http://$(user):$(password)@$(POD_IP)/$(CFG_mode)' },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'CFG_LEVEL', value: 'info' },
        { name: 'LIT', value: '$$(URL)' },
      ],
    });
    expect(out).toEqual([
      { name: 'CFG_mode', value: 'fast' },
      { name: 'password', value: 's3cret' },
      { name: 'user', value: 'admin' },
      { name: 'URL', value: 'http://admin:s3cret@$(POD_IP)/fast' },
      { name: 'POD_IP', value: '10.244.0.9' },
      { name: 'CFG_LEVEL', value: 'info' },
      { name: 'LIT', value: '$(URL)' },
    ]);
  });

  it('names the ConfigMaps and Secrets to read', () => {
    expect(
      envReferences({
        name: 'c',
        envFrom: [{ configMapRef: { name: 'a' } }, { secretRef: { name: 's' } }],
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'b', key: 'k' } } }, { name: 'Y', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      }),
    ).toEqual({ configMaps: ['a', 'b'], secrets: ['s'] });
  });
});
