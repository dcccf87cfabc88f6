// The data the API server's discovery and OpenAPI endpoints are built from: storage version hashes as a real
// 1.32 server reports them, served non-preferred versions converted on write, OpenAPI v3 documents per
// group-version with the extensions kubectl reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KINDS, isPreferredVersion, kindByKind } from '../../../src/api/kinds.js';
import { openapiV3Document, openapiV3Index } from '../../../src/api/openapi.js';
import { storageVersionHash } from '../../../src/api/storage-version.js';
import { kctl, setup } from '../cli-create/harness.js';

describe('storageVersionHash', () => {
  it('matches a 1.32 server (sha256 of the storage group/version/kind)', () => {
    // values from a real cluster's /api/v1 and /apis/apps/v1
    expect(storageVersionHash(kindByKind('v1', 'Pod')!)).toBe('xPOwRZ+Yhw8=');
    expect(storageVersionHash(kindByKind('apps/v1', 'Deployment')!)).toBe('8aSe+NMegvE=');
    // events.k8s.io Events are stored as core v1 Events: the same hash
    expect(storageVersionHash(kindByKind('events.k8s.io/v1', 'Event')!)).toBe(storageVersionHash(kindByKind('v1', 'Event')!));
    expect(storageVersionHash(kindByKind('autoscaling/v1', 'HorizontalPodAutoscaler')!)).toBe(
      storageVersionHash(kindByKind('autoscaling/v2', 'HorizontalPodAutoscaler')!),
    );
  });
});

describe('autoscaling/v1 HorizontalPodAutoscaler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kctl-hpa-v1-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is served but not preferred, and written as autoscaling/v2', async () => {
    expect(KINDS.filter((k) => k.kind === 'HorizontalPodAutoscaler').map((k) => [k.version, isPreferredVersion(k)])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
    writeFileSync(
      join(dir, 'hpa.yaml'),
      'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: 60\n',
    );
    const env = setup();
    const r = await kctl(env, ['apply', '-f', 'hpa.yaml'], { cwd: dir });
    expect(r.stdout).toBe('horizontalpodautoscaler.autoscaling/web created\n');
    const got = JSON.parse((await kctl(env, ['get', 'hpa', 'web', '-o', 'json'])).stdout);
    expect(got.apiVersion).toBe('autoscaling/v2');
    expect(got.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    // validated against the v1 schema: a v2-only field is unknown there
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 2\n  metrics: []\n');
    expect((await kctl(env, ['apply', '-f', 'bad.yaml'], { cwd: dir })).stderr).toContain('unknown field "spec.metrics"');
  });
});

describe('OpenAPI v3 documents', () => {
  it('index lists one document per served group-version with its hash', async () => {
    const index = JSON.parse((await openapiV3Index()).toString()) as { paths: Record<string, { serverRelativeURL: string }> };
    const gvs = [...new Set(KINDS.map((k) => (k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`)))].sort();
    expect(Object.keys(index.paths).sort()).toEqual(gvs);
    const doc = (await openapiV3Document('apis/apps/v1'))!;
    expect(index.paths['apis/apps/v1']!.serverRelativeURL).toBe(`/openapi/v3/apis/apps/v1?hash=${doc.hash}`);
    expect(doc.hash).toMatch(/^[0-9A-F]{128}$/);
    expect(await openapiV3Document('apis/nope/v1')).toBeUndefined();
  });

  it('documents carry the GVK and strategic-merge extensions kubectl reads', async () => {
    const doc = JSON.parse((await openapiV3Document('apis/apps/v1'))!.body.toString());
    expect(doc.openapi).toBe('3.0.0');
    const deploy = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deploy['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    const containers = doc.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    expect(containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    expect(containers.items.$ref).toBe('#/components/schemas/io.k8s.api.core.v1.Container');
    // every reference resolves inside the document
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !doc.components.schemas[r])).toEqual([]);
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch.requestBody.content['*/*'].schema.$ref).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
    expect(Object.keys(patch.responses['200'].content)).toContain('application/json');
    const hpaV1 = JSON.parse((await openapiV3Document('apis/autoscaling/v1'))!.body.toString());
    expect(hpaV1.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler']).toBeDefined();
  });
});
