import { describe, expect, it } from 'vitest';
import {
  applyObject,
  lastAppliedConfiguration,
  readLastApplied,
  setDefaultNamespace,
  updateLastAppliedIfPresent,
  withLastApplied,
} from '../../../src/apply/last-applied.js';
import { LAST_APPLIED } from '../../../src/api/meta.js';
import type { KubeObject } from '../../../src/api/types.js';
import { containersOf, deployment, live, type Json } from './builders.js';

const annotationsOf = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};

/** Simulates the store writing an applied object: server fields, defaults, status. */
function store(result: KubeObject, extra: Parameters<typeof live>[1] = {}): KubeObject {
  return live(result, extra);
}

describe('lastAppliedConfiguration (the annotation value kubectl stores)', () => {
  it.each<{ name: string; obj: KubeObject; want: string }>([
    {
      name: 'compact JSON, keys sorted, empty annotations kept, trailing newline',
      obj: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { namespace: 'default', name: 'cfg' },
        data: { z: '1', a: '2' },
      } as KubeObject,
      want: '{"apiVersion":"v1","data":{"a":"2","z":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"cfg","namespace":"default"}}\n',
    },
    {
      name: 'the annotation itself is left out, other annotations stay',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cfg', annotations: { team: 'ops', [LAST_APPLIED]: '{"old":true}\n' } },
      } as KubeObject,
      want: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{"team":"ops"},"name":"cfg"}}\n',
    },
    {
      name: 'HTML characters are escaped as Go does',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { s: 'a<b>&c' } } as KubeObject,
      want: '{"apiVersion":"v1","data":{"s":"a\\u003cb\\u003e\\u0026c"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c"}}\n',
    },
  ])('$name', ({ obj, want }) => {
    expect(lastAppliedConfiguration(obj)).toBe(want);
    expect(JSON.parse(want)).toBeTruthy();
  });

  it('withLastApplied stamps the annotation; readLastApplied reads it back without it', () => {
    const d = setDefaultNamespace(deployment(), 'default');
    const stamped = withLastApplied(d);
    expect(annotationsOf(stamped)[LAST_APPLIED]).toBe(lastAppliedConfiguration(d));
    expect(readLastApplied(stamped)).toEqual({ ...d, metadata: { ...d.metadata, annotations: {} } });
    expect(d.metadata.annotations).toBeUndefined();
  });

  it('readLastApplied: absent → undefined, garbage → error', () => {
    expect(readLastApplied(deployment())).toBeUndefined();
    const bad = deployment(undefined, {}, { annotations: { [LAST_APPLIED]: '{nope' } });
    expect(() => readLastApplied(bad)).toThrow(/error reading the kubectl.kubernetes.io\/last-applied-configuration annotation of deployments\/web/);
  });

  it('updateLastAppliedIfPresent re-stamps only objects that have the annotation', () => {
    const without = deployment([{ name: 'web', image: 'nginx:2' }]);
    expect(annotationsOf(updateLastAppliedIfPresent(without))[LAST_APPLIED]).toBeUndefined();
    const withOld = deployment([{ name: 'web', image: 'nginx:2' }], {}, { annotations: { [LAST_APPLIED]: '{}\n' } });
    expect(readLastApplied(updateLastAppliedIfPresent(withOld))?.spec).toEqual(withOld.spec);
  });

  it.each<[string, KubeObject, string | undefined, string | undefined]>([
    ['namespaced kind without namespace', deployment(), 'dev', 'dev'],
    ['namespaced kind with its own namespace', deployment(undefined, {}, { namespace: 'prod' }), 'dev', 'prod'],
    ['cluster-scoped kind', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } } as KubeObject, 'dev', undefined],
  ])('setDefaultNamespace: %s', (_n, obj, ns, want) => {
    expect(setDefaultNamespace(obj, ns).metadata.namespace).toBe(want);
  });
});

describe('applyObject', () => {
  it('creates: manifest + annotation (with the defaulted namespace), status dropped', () => {
    const manifest = { ...deployment(), status: { replicas: 9 } } as KubeObject;
    const { result, action, warnings } = applyObject(undefined, manifest, { namespace: 'default' });
    expect(action).toBe('created');
    expect(warnings).toEqual([]);
    expect(result.status).toBeUndefined();
    expect(result.metadata.namespace).toBe('default');
    expect(annotationsOf(result)[LAST_APPLIED]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"},' +
        '"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},' +
        '"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}},"status":{"replicas":9}}\n',
    );
  });

  it('re-applying the same manifest is unchanged (idempotent)', () => {
    const manifest = deployment();
    const current = store(applyObject(undefined, manifest, { namespace: 'default' }).result);
    const again = applyObject(current, manifest, { namespace: 'default' });
    expect(again.action).toBe('unchanged');
    expect(again.patch).toEqual({});
    expect(again.result).toEqual(current);
  });

  it('scale then re-apply: the scaled replicas survive and the apply is unchanged', () => {
    const manifest = deployment();
    const created = applyObject(undefined, manifest, { namespace: 'default' }).result;
    const scaled = store(created, { replicas: 5 });
    const again = applyObject(scaled, manifest, { namespace: 'default' });
    expect(again.action).toBe('unchanged');
    expect((again.result.spec as Json).replicas).toBe(5);
  });

  it('configured: a changed image is applied, server fields, status and scaled replicas kept, annotation re-stamped', () => {
    const created = applyObject(undefined, deployment(), { namespace: 'default' }).result;
    const current = store(created, { replicas: 5, status: { replicas: 5, readyReplicas: 5 } });
    const next = deployment([{ name: 'web', image: 'nginx:2' }]);
    const { result, action } = applyObject(current, next, { namespace: 'default' });
    expect(action).toBe('configured');
    expect(containersOf(result)).toEqual([{ name: 'web', image: 'nginx:2' }]);
    expect((result.spec as Json).replicas).toBe(5);
    expect(result.status).toEqual({ replicas: 5, readyReplicas: 5 });
    expect(result.metadata.uid).toBe('uid-1');
    expect(result.metadata.resourceVersion).toBe('7');
    expect(readLastApplied(result)?.spec).toEqual(next.spec);
  });

  it('removing a field (replicas) from the manifest removes it from live', () => {
    const withReplicas = deployment(undefined, { replicas: 3 });
    const current = store(applyObject(undefined, withReplicas, { namespace: 'default' }).result, { replicas: 3 });
    const { result, action } = applyObject(current, deployment(), { namespace: 'default' });
    expect(action).toBe('configured');
    expect((result.spec as Json).replicas).toBeUndefined();
  });

  it('labels and annotations: removed ones go, server ones stay', () => {
    const v1 = deployment(undefined, {}, { labels: { app: 'web', tier: 'fe' }, annotations: { note: 'a' } });
    const current = store(applyObject(undefined, v1, { namespace: 'default' }).result, {
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    });
    const v2 = deployment(undefined, {}, { labels: { app: 'web' } });
    const { result } = applyObject(current, v2, { namespace: 'default' });
    expect(result.metadata.labels).toEqual({ app: 'web' });
    const { [LAST_APPLIED]: stamped, ...rest } = annotationsOf(result);
    expect(rest).toEqual({ 'deployment.kubernetes.io/revision': '3' });
    expect(stamped).toBe(lastAppliedConfiguration(setDefaultNamespace(v2, 'default')));
  });

  it('a status-only change in the manifest changes nothing', () => {
    const current = store(applyObject(undefined, deployment(), { namespace: 'default' }).result);
    const withStatus = { ...deployment(), status: { replicas: 42 } } as KubeObject;
    const first = applyObject(current, withStatus, { namespace: 'default' });
    expect(first.result.status).toEqual(current.status);
  });

  it('creationTimestamp: null in the manifest (kubectl create --dry-run output) stays unchanged', () => {
    const manifest = deployment(undefined, {}, { creationTimestamp: null });
    const current = store(applyObject(undefined, manifest, { namespace: 'default' }).result);
    const again = applyObject(current, manifest, { namespace: 'default' });
    expect(again.action).toBe('unchanged');
    expect(again.result.metadata.creationTimestamp).toBe('2024-01-01T00:00:00Z');
  });

  it('warns when live lacks the annotation, and adds it', () => {
    const current = store(deployment());
    const { result, action, warnings } = applyObject(current, deployment(), { namespace: 'default' });
    expect(action).toBe('configured');
    expect(warnings).toEqual([
      'Warning: resource deployments/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which ' +
        'is required by kctl apply. kctl apply should only be used on resources created declaratively by either kctl ' +
        'create --save-config or kctl apply. The missing annotation will be patched automatically.',
    ]);
    expect(annotationsOf(result)[LAST_APPLIED]).toBeDefined();
  });

  it.each<[string, KubeObject, RegExp]>([
    [
      'kind',
      { ...deployment(), apiVersion: 'apps/v1', kind: 'StatefulSet' } as KubeObject,
      /Deployment "web" is invalid: apiVersion\/kind: Invalid value: "apps\/v1, Kind=StatefulSet": field is immutable/,
    ],
    ['apiVersion', { ...deployment(), apiVersion: 'apps/v1beta2' } as KubeObject, /field is immutable/],
    ['name', deployment(undefined, {}, { name: 'other' }), /^the name of the object \(other\) does not match the name on the URL \(web\)$/],
    [
      'namespace',
      deployment(undefined, {}, { namespace: 'prod' }),
      /^the namespace of the provided object does not match the namespace sent on the request$/,
    ],
    ['uid', deployment(undefined, {}, { uid: 'other-uid' }), /^Precondition failed: UID in precondition: uid-1, UID in object meta: other-uid$/],
  ])('refuses a manifest that changes the %s', (_n, manifest, message) => {
    const current = store(applyObject(undefined, deployment(), { namespace: 'default' }).result);
    expect(() => applyObject(current, manifest, { namespace: 'default' })).toThrow(message);
  });

  it('a stale resourceVersion in the manifest is a conflict', () => {
    const current = store(applyObject(undefined, deployment(), { namespace: 'default' }).result);
    const stale = deployment([{ name: 'web', image: 'nginx:2' }], {}, { resourceVersion: '3' });
    expect(() => applyObject(current, stale, { namespace: 'default' })).toThrow(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it.each<[string, unknown, string]>([
    ['no kind', { apiVersion: 'v1', metadata: { name: 'x' } }, "Object 'Kind' is missing"],
    ['no apiVersion', { kind: 'Pod', metadata: { name: 'x' } }, "Object 'apiVersion' is missing"],
    ['no name', { apiVersion: 'v1', kind: 'Pod', metadata: {} }, 'name or generateName is required'],
  ])('rejects a manifest with %s', (_n, manifest, message) => {
    expect(() => applyObject(undefined, manifest as KubeObject)).toThrow(message);
  });
});
