import { describe, expect, it } from 'vitest';
import {
  applyStrategicPatch,
  computeApplyPatch,
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  isNoop,
} from '../../../src/apply/strategic-merge.js';
import { containersOf, deployment, live, names, type Json } from './builders.js';

/** Reads a dotted path with numeric list indices: get(o, 'spec.containers.0.image'). */
function get(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const seg of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Json)[seg];
  }
  return cur;
}

const pod = (spec: Json, metadata: Json = {}, extra: Json = {}): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...metadata },
  spec,
  ...extra,
});

interface ThreeWayCase {
  name: string;
  original: Json | undefined;
  modified: Json;
  current: Json;
  /** dotted path → expected value in the merged object (undefined = absent) */
  want: Record<string, unknown>;
}

const web = { name: 'web', image: 'nginx:1' };
const side = { name: 'side', image: 'envoy' };

const threeWay: ThreeWayCase[] = [
  {
    name: 'scale then re-apply: replicas never in the manifest are kept',
    original: deployment(),
    modified: deployment(),
    current: live(deployment(), { replicas: 5 }),
    want: { 'spec.replicas': 5, 'status.replicas': 1, 'metadata.uid': 'uid-1' },
  },
  {
    name: 'a field removed from the manifest is removed from live',
    original: deployment(undefined, { minReadySeconds: 10, paused: false }),
    modified: deployment(undefined, { paused: false }),
    current: live(deployment(undefined, { minReadySeconds: 10, paused: false })),
    want: { 'spec.minReadySeconds': undefined, 'spec.paused': false },
  },
  {
    name: 'a changed value is set; server fields stay',
    original: deployment(),
    modified: deployment([{ name: 'web', image: 'nginx:2' }]),
    current: live(deployment(), { annotations: { 'deployment.kubernetes.io/revision': '1' } }),
    want: {
      'spec.template.spec.containers.0.image': 'nginx:2',
      'status.observedGeneration': 1,
      'metadata.resourceVersion': '7',
    },
  },
  {
    name: 'null in the manifest deletes the live field',
    original: deployment(undefined, { minReadySeconds: 5 }),
    modified: deployment(undefined, { minReadySeconds: null }),
    current: live(deployment(undefined, { minReadySeconds: 5 })),
    want: { 'spec.minReadySeconds': undefined },
  },
  {
    name: 'null for a field live does not have changes nothing',
    original: deployment(undefined, { minReadySeconds: null }),
    modified: deployment(undefined, { minReadySeconds: null }),
    current: live(deployment()),
    want: { 'spec.minReadySeconds': undefined, 'spec.replicas': 1 },
  },
  {
    name: 'labels and annotations merge three-way',
    original: pod({ containers: [web] }, { labels: { app: 'a', tier: 'fe' }, annotations: { note: 'x', old: 'y' } }),
    modified: pod({ containers: [web] }, { labels: { app: 'b' }, annotations: { note: 'x' } }),
    current: pod(
      { containers: [web] },
      { labels: { app: 'a', tier: 'fe', team: 'ops' }, annotations: { note: 'x', old: 'y', server: 'z' } },
    ),
    want: {
      'metadata.labels': { app: 'b', team: 'ops' },
      'metadata.annotations': { note: 'x', server: 'z' },
    },
  },
  {
    name: 'a container added to the manifest is added',
    original: pod({ containers: [web] }),
    modified: pod({ containers: [web, side] }),
    current: pod({ containers: [{ ...web, imagePullPolicy: 'IfNotPresent' }] }),
    want: {
      'spec.containers.0': { ...web, imagePullPolicy: 'IfNotPresent' },
      'spec.containers.1': side,
      'spec.containers.2': undefined,
    },
  },
  {
    name: 'a container removed from the manifest is removed; an injected one is kept',
    original: pod({ containers: [web, side] }),
    modified: pod({ containers: [web] }),
    current: pod({ containers: [web, side, { name: 'injected', image: 'istio' }] }),
    want: { 'spec.containers.0.name': 'web', 'spec.containers.1.name': 'injected', 'spec.containers.2': undefined },
  },
  {
    name: 'containers reordered in the manifest are reordered live; live-only ones interleave by live position',
    original: pod({ containers: [web, side] }),
    modified: pod({ containers: [side, web] }),
    current: pod({ containers: [web, { name: 'injected', image: 'istio' }, side] }),
    want: { 'spec.containers.0.name': 'injected', 'spec.containers.1.name': 'side', 'spec.containers.2.name': 'web' },
  },
  {
    name: 'env merges by name: change, remove, keep a server-added var',
    original: pod({ containers: [{ ...web, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] }),
    modified: pod({ containers: [{ ...web, env: [{ name: 'A', value: '10' }] }] }),
    current: pod({
      containers: [{ ...web, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'POD_IP', value: 'x' }] }],
    }),
    want: { 'spec.containers.0.env': [{ name: 'A', value: '10' }, { name: 'POD_IP', value: 'x' }] },
  },
  {
    name: 'ports merge by containerPort: add one, rename another, keep defaulted protocol',
    original: pod({ containers: [{ ...web, ports: [{ containerPort: 80, name: 'http' }] }] }),
    modified: pod({ containers: [{ ...web, ports: [{ containerPort: 80, name: 'web' }, { containerPort: 443 }] }] }),
    current: pod({ containers: [{ ...web, ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }] }] }),
    want: {
      'spec.containers.0.ports': [{ containerPort: 80, name: 'web', protocol: 'TCP' }, { containerPort: 443 }],
    },
  },
  {
    name: 'volumeMounts merge by mountPath',
    original: pod({ containers: [{ ...web, volumeMounts: [{ mountPath: '/a', name: 'a' }] }] }),
    modified: pod({ containers: [{ ...web, volumeMounts: [{ mountPath: '/a', name: 'b' }] }] }),
    current: pod({
      containers: [{ ...web, volumeMounts: [{ mountPath: '/a', name: 'a' }, { mountPath: '/var/run/secrets', name: 'token' }] }],
    }),
    want: {
      'spec.containers.0.volumeMounts': [
        { mountPath: '/a', name: 'b' },
        { mountPath: '/var/run/secrets', name: 'token' },
      ],
    },
  },
  {
    name: 'lists without a merge key (args, tolerations) are replaced wholesale',
    original: pod({ containers: [{ ...web, args: ['a', 'b'] }], tolerations: [{ key: 'k', operator: 'Exists' }] }),
    modified: pod({ containers: [{ ...web, args: ['c'] }], tolerations: [{ key: 'z', operator: 'Exists' }] }),
    current: pod({
      containers: [{ ...web, args: ['a', 'b'] }],
      tolerations: [{ key: 'k', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
    }),
    want: { 'spec.containers.0.args': ['c'], 'spec.tolerations': [{ key: 'z', operator: 'Exists' }] },
  },
  {
    name: 'finalizers merge as a set',
    original: pod({ containers: [web] }, { finalizers: ['a'] }),
    modified: pod({ containers: [web] }, { finalizers: ['b'] }),
    current: pod({ containers: [web] }, { finalizers: ['a', 'kubernetes.io/pvc-protection'] }),
    want: { 'metadata.finalizers': ['b', 'kubernetes.io/pvc-protection'] },
  },
  {
    name: 'volumes keep only the applied source (retainKeys)',
    original: pod({ containers: [web], volumes: [{ name: 'data', emptyDir: {} }] }),
    modified: pod({ containers: [web], volumes: [{ name: 'data', configMap: { name: 'cfg' } }] }),
    current: pod({ containers: [web], volumes: [{ name: 'data', emptyDir: {} }] }),
    want: { 'spec.volumes': [{ name: 'data', configMap: { name: 'cfg' } }] },
  },
  {
    name: 'Deployment strategy Recreate clears the defaulted rollingUpdate (retainKeys)',
    original: deployment(undefined, { strategy: { type: 'RollingUpdate' } }),
    modified: deployment(undefined, { strategy: { type: 'Recreate' } }),
    current: live(deployment(undefined, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } })),
    want: { 'spec.strategy': { type: 'Recreate' } },
  },
  {
    name: 'Service ports merge by port',
    original: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    modified: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    current: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { clusterIP: '10.0.0.1', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }] },
    },
    want: { 'spec.ports': [{ port: 80, targetPort: 9090, protocol: 'TCP', nodePort: 30080 }], 'spec.clusterIP': '10.0.0.1' },
  },
  {
    name: 'CronJob containers merge by name at spec.jobTemplate.spec.template.spec.containers',
    original: cronJob([web]),
    modified: cronJob([{ name: 'web', image: 'nginx:2' }]),
    current: cronJob([{ ...web, terminationMessagePath: '/dev/termination-log' }]),
    want: {
      'spec.jobTemplate.spec.template.spec.containers': [
        { name: 'web', image: 'nginx:2', terminationMessagePath: '/dev/termination-log' },
      ],
    },
  },
  {
    name: 'unknown kinds have no merge keys: lists are replaced',
    original: { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ name: 'a', v: 1 }] } },
    modified: { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ name: 'a', v: 2 }] } },
    current: { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ name: 'a', v: 1, extra: true }] } },
    want: { 'spec.items': [{ name: 'a', v: 2 }] },
  },
  {
    name: 'an explicit empty map/list in the manifest is what live ends with',
    original: pod({ containers: [web], imagePullSecrets: [{ name: 'reg' }] }, { labels: { a: '1' } }),
    modified: pod({ containers: [web], imagePullSecrets: [] }, { labels: {} }),
    current: pod({ containers: [web] }),
    want: { 'metadata.labels': {}, 'spec.imagePullSecrets': [], 'spec.containers': [web] },
  },
  {
    name: 'no last-applied configuration: nothing is deleted',
    original: undefined,
    modified: pod({ containers: [web] }, { labels: { app: 'a' } }),
    current: pod({ containers: [web, side] }, { labels: { app: 'a', old: 'x' } }),
    want: { 'metadata.labels': { app: 'a', old: 'x' }, 'spec.containers.1.name': 'side' },
  },
];

function cronJob(containers: Json[]): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'cj' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers, restartPolicy: 'Never' } } } } },
  };
}

describe('createThreeWayMergePatch + applyStrategicPatch (kubectl client-side apply)', () => {
  it.each(threeWay)('$name', ({ original, modified, current, want }) => {
    const { merged } = computeApplyPatch(original, modified, current);
    for (const [path, value] of Object.entries(want)) {
      expect(get(merged, path), path).toEqual(value);
    }
  });

  it.each(threeWay)('is idempotent: re-applying the same manifest is a no-op ($name)', ({ original, modified, current }) => {
    const first = computeApplyPatch(original, modified, current);
    const again = createThreeWayMergePatch(modified, modified, first.merged);
    expect(again).toEqual({});
    expect(isNoop(again)).toBe(true);
  });

  it('keeps a server-set annotation while changing the image', () => {
    const current = live(deployment(), { annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const { merged } = computeApplyPatch(deployment(), deployment([{ name: 'web', image: 'nginx:2' }]), current);
    expect(merged.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
  });

  it('does not mutate its inputs', () => {
    const original = pod({ containers: [web, side] });
    const modified = pod({ containers: [{ name: 'web', image: 'nginx:2' }] });
    const current = pod({ containers: [web, side] });
    const snapshot = structuredClone([original, modified, current]);
    computeApplyPatch(original, modified, current);
    expect([original, modified, current]).toEqual(snapshot);
  });

  it('yields the upstream wire format: deletions, $setElementOrder, changes', () => {
    const patch = createThreeWayMergePatch(
      pod({ containers: [web, side] }),
      pod({ containers: [{ name: 'web', image: 'nginx:2' }] }),
      pod({ containers: [web, side] }),
    );
    expect(patch).toEqual({
      spec: {
        containers: [{ name: 'web', image: 'nginx:2' }, { name: 'side', $patch: 'delete' }],
        '$setElementOrder/containers': [{ name: 'web' }],
      },
    });
  });

  it('writes $retainKeys and $deleteFromPrimitiveList where upstream does', () => {
    const patch = createThreeWayMergePatch(
      pod({ containers: [web], volumes: [{ name: 'd', emptyDir: {} }] }, { finalizers: ['a', 'b'] }),
      pod({ containers: [web], volumes: [{ name: 'd', hostPath: { path: '/x' } }] }, { finalizers: ['a'] }),
      pod({ containers: [web], volumes: [{ name: 'd', emptyDir: {} }] }, { finalizers: ['a', 'b'] }),
    );
    expect(patch).toEqual({
      metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] },
      spec: {
        volumes: [{ name: 'd', emptyDir: null, hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }],
        '$setElementOrder/volumes': [{ name: 'd' }],
      },
    });
  });

  it('reports a list element without its merge key', () => {
    expect(() =>
      createThreeWayMergePatch(undefined, pod({ containers: [{ image: 'x' }] }), pod({ containers: [web] })),
    ).toThrow('map: {"image":"x"} does not contain declared merge key: name');
  });

  it('a pure reorder is a change, a live-only element alone is not', () => {
    expect(isNoop(createThreeWayMergePatch(pod({ containers: [web, side] }), pod({ containers: [side, web] }), pod({ containers: [web, side] })))).toBe(false);
    expect(
      isNoop(
        createThreeWayMergePatch(pod({ containers: [web] }), pod({ containers: [web] }), pod({ containers: [{ name: 'x' }, web] })),
      ),
    ).toBe(true);
  });

  it('unchanged detection on a realistic deployment after the server defaulted it', () => {
    const manifest = deployment([{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }]);
    const current = live(manifest, { replicas: 3 });
    (containersOf(current)[0] as Json).imagePullPolicy = 'IfNotPresent';
    ((containersOf(current)[0] as Json).ports as Json[])[0]!.protocol = 'TCP';
    expect(createThreeWayMergePatch(manifest, manifest, current)).toEqual({});
    expect(names(containersOf(computeApplyPatch(manifest, manifest, current).merged))).toEqual(['web']);
  });
});

describe('applyStrategicPatch (kctl patch --type strategic)', () => {
  const base = pod(
    {
      containers: [
        { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 'envoy:1' },
      ],
      volumes: [{ name: 'd', emptyDir: {} }],
    },
    { labels: { app: 'a', tier: 'fe' }, finalizers: ['x', 'y'] },
  );

  it.each<{ name: string; patch: Json; want: Record<string, unknown> }>([
    {
      name: 'containers merge by name: only web changes',
      patch: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } },
      want: {
        'spec.containers': [
          { name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] },
          { name: 'side', image: 'envoy:1' },
        ],
      },
    },
    {
      name: 'a new container without $setElementOrder goes first, as upstream puts it',
      patch: { spec: { containers: [{ name: 'new', image: 'busybox' }] } },
      want: { 'spec.containers.0.name': 'new', 'spec.containers.1.name': 'web', 'spec.containers.2.name': 'side' },
    },
    {
      name: 'env merges by name inside a container',
      patch: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] } },
      want: { 'spec.containers.0.env': [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] },
    },
    {
      name: '$patch: delete removes one element',
      patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
      want: { 'spec.containers': [{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }] },
    },
    {
      name: '$patch: replace replaces the whole list',
      patch: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } },
      want: { 'spec.containers': [{ name: 'only', image: 'x' }] },
    },
    {
      name: 'null removes a key',
      patch: { metadata: { labels: { tier: null } } },
      want: { 'metadata.labels': { app: 'a' } },
    },
    {
      name: '$setElementOrder reorders',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }] } },
      want: { 'spec.containers.0.name': 'side', 'spec.containers.1.name': 'web' },
    },
    {
      name: '$deleteFromPrimitiveList removes from a set list',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
      want: { 'metadata.finalizers': ['y'] },
    },
    {
      name: 'a set list merges as a union',
      patch: { metadata: { finalizers: ['z', 'x'] } },
      want: { 'metadata.finalizers': ['z', 'x', 'y'] },
    },
    {
      name: '$retainKeys clears unlisted keys',
      patch: { spec: { volumes: [{ name: 'd', hostPath: { path: '/h' }, $retainKeys: ['hostPath', 'name'] }] } },
      want: { 'spec.volumes': [{ name: 'd', hostPath: { path: '/h' } }] },
    },
    {
      name: 'a map with $patch: replace is replaced',
      patch: { metadata: { labels: { only: 'me', $patch: 'replace' } } },
      want: { 'metadata.labels': { only: 'me' } },
    },
    {
      name: 'a new subtree gets no nulls or directives',
      patch: { spec: { hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }], securityContext: { runAsUser: 1, fsGroup: null } } },
      want: { 'spec.hostAliases': [{ ip: '1.2.3.4', hostnames: ['a'] }], 'spec.securityContext': { runAsUser: 1 } },
    },
  ])('$name', ({ patch, want }) => {
    const out = applyStrategicPatch(base, patch);
    for (const [path, value] of Object.entries(want)) expect(get(out, path), path).toEqual(value);
  });

  it.each<[string, Json, string]>([
    ['an element without the merge key', { spec: { containers: [{ image: 'x' }] } }, 'does not contain declared merge key: name'],
    ['an unknown $patch', { spec: { containers: [{ name: 'web', $patch: 'frobnicate' }] } }, 'Unknown patch type: frobnicate'],
    ['$patch: merge on a list', { spec: { containers: [{ $patch: 'merge' }] } }, 'merging lists cannot yet be specified in the patch'],
    ['a key outside $retainKeys', { spec: { volumes: [{ name: 'd', hostPath: {}, $retainKeys: ['name'] }] } }, 'invalid patch format of retainKeys'],
  ])('refuses %s', (_n, patch, message) => {
    expect(() => applyStrategicPatch(base, patch)).toThrow(message);
  });

  it('does not mutate the object or the patch', () => {
    const obj = structuredClone(base);
    const patch = { spec: { containers: [{ name: 'web', image: 'nginx:9' }, { name: 'side', $patch: 'delete' }] } };
    const patchCopy = structuredClone(patch);
    applyStrategicPatch(obj, patch);
    expect(obj).toEqual(base);
    expect(patch).toEqual(patchCopy);
  });
});

describe('createTwoWayMergePatch (kctl edit)', () => {
  it.each<{ name: string; from: Json; to: Json; patch: Json }>([
    { name: 'no change', from: pod({ containers: [web] }), to: pod({ containers: [web] }), patch: {} },
    {
      name: 'a changed image and a removed label',
      from: pod({ containers: [web] }, { labels: { a: '1', b: '2' } }),
      to: pod({ containers: [{ name: 'web', image: 'nginx:2' }] }, { labels: { a: '1' } }),
      patch: {
        metadata: { labels: { b: null } },
        spec: { containers: [{ name: 'web', image: 'nginx:2' }], '$setElementOrder/containers': [{ name: 'web' }] },
      },
    },
    {
      name: 'a removed container',
      from: pod({ containers: [web, side] }),
      to: pod({ containers: [web] }),
      patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'web' }] } },
    },
  ])('$name', ({ from, to, patch }) => {
    const p = createTwoWayMergePatch(from, to);
    expect(p).toEqual(patch);
    expect(applyStrategicPatch(from, p)).toEqual(to);
  });
});
