// The object endpoints over a MemoryStore: routing, content negotiation (JSON, Table), Status errors as
// upstream words them, the four write verbs and their options.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, type Pki } from '../../../src/apiserver/pki.js';
import { ApiServer } from '../../../src/apiserver/server.js';
import { buildRoutes } from '../../../src/apiserver/route-table.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';
import { NOP_LOGGER } from '../../../src/reconcile/logger.js';
import { apiCall, type ApiAnswer } from '../../helpers/api-client.js';

let dir: string;
let pki: Pki;
let server: ApiServer;
let port: number;
const clock = new FakeClock('2026-01-01T00:00:00Z');
const store = new MemoryStore({ clock });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kctl-rest-'));
  pki = await ensurePki(join(dir, 'pki'));
  server = new ApiServer({
    tls: { cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca.cert },
    routes: buildRoutes({ store, clock, log: NOP_LOGGER }),
  });
  port = await server.listen(0);
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> =>
  apiCall({
    port,
    ca: pki.ca.cert,
    cert: pki.admin.cert,
    key: pki.admin.key,
    method,
    path,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });

const deploy = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  },
});

describe('discovery', () => {
  it('serves /api, /apis, /api/v1 and a group version', async () => {
    expect((await call('GET', '/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call('GET', '/apis')).json<{ groups: { name: string }[] }>().groups.map((g) => g.name);
    expect(groups.slice(0, 3)).toEqual(['apps', 'batch', 'discovery.k8s.io']);
    const v1 = (await call('GET', '/api/v1')).json<{ resources: { name: string; storageVersionHash?: string; shortNames?: string[] }[] }>();
    const pods = v1.resources.find((r) => r.name === 'pods')!;
    expect(pods).toMatchObject({ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.storageVersionHash).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(v1.resources.map((r) => r.name)).toContain('pods/log');
    const apps = (await call('GET', '/apis/apps/v1')).json<{ resources: { name: string }[] }>();
    expect(apps.resources.map((r) => r.name)).toContain('deployments/scale');
  });

  it('serves aggregated discovery with an ETag that revalidates', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const r = await call('GET', '/apis', undefined, { Accept: accept });
    expect(r.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const items = r.json<{ items: { metadata: { name: string }; versions: { version: string; resources: { resource: string }[] }[] }[] }>().items;
    expect(items.find((i) => i.metadata.name === 'apps')!.versions[0]!.resources.map((x) => x.resource)).toContain('deployments');
    const etag = r.headers.etag as string;
    expect((await call('GET', '/apis', undefined, { Accept: accept, 'If-None-Match': etag })).status).toBe(304);
  });

  it('serves the OpenAPI v3 index and a group-version document', async () => {
    const idx = (await call('GET', '/openapi/v3')).json<{ paths: Record<string, { serverRelativeURL: string }> }>();
    const url = idx.paths['apis/apps/v1']!.serverRelativeURL;
    const doc = await call('GET', url);
    expect(doc.status).toBe(200);
    expect(doc.headers['cache-control']).toBe('public, immutable');
    expect(doc.json<{ components: { schemas: Record<string, unknown> } }>().components.schemas).toHaveProperty(['io.k8s.api.apps.v1.Deployment']);
    expect((await call('GET', '/openapi/v2')).status).toBe(404);
  });
});

describe('objects', () => {
  it('creates, gets and lists; errors are upstream Status objects', async () => {
    const c = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('web'));
    expect(c.status).toBe(201);
    expect(c.json()).toMatchObject({ metadata: { name: 'web', namespace: 'default', generation: 1 }, spec: { replicas: 1 } });
    const g = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(g.json()).toMatchObject({ kind: 'Deployment', metadata: { name: 'web' } });
    const l = await call('GET', '/apis/apps/v1/deployments');
    expect(l.json()).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1', items: [{ metadata: { name: 'web' } }] });
    const nf = await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(nf.status).toBe(404);
    expect(nf.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    const dup = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('web'));
    expect(dup.status).toBe(409);
    expect(dup.json()).toMatchObject({ reason: 'AlreadyExists', message: 'deployments.apps "web" already exists' });
  });

  it('generateName, dryRun=All', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' }, data: { a: '1' } };
    const c = await call('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect(c.json<{ metadata: { name: string } }>().metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    const dry = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { ...cm, metadata: { name: 'dry' } });
    expect(dry.status).toBe(201);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
  });

  it('fieldValidation: Strict refuses unknown fields with upstream\'s message, Warn warns, Ignore drops', async () => {
    const bad = { ...deploy('strict'), spec: { ...deploy('strict').spec, bogus: 1 } };
    const s = await call('POST', '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict', bad);
    expect(s.status).toBe(400);
    expect(s.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.bogus"',
    });
    const w = await call('POST', '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Warn', bad);
    expect(w.status).toBe(201);
    expect(w.headers.warning).toBe('299 - "unknown field \\"spec.bogus\\""');
    expect(w.json()).not.toHaveProperty(['spec', 'bogus']);
    const i = await call('POST', '/apis/apps/v1/namespaces/default/deployments?fieldValidation=Ignore', { ...bad, metadata: { name: 'ignored' } });
    expect(i.status).toBe(201);
    expect(i.headers.warning).toBeUndefined();
  });

  it('refuses invalid objects with 422 and causes', async () => {
    const r = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('neg', -1));
    expect(r.status).toBe(422);
    const st = r.json<{ reason: string; message: string; details: { kind: string; name: string; causes: { field: string }[] } }>();
    expect(st.reason).toBe('Invalid');
    expect(st.message).toMatch(/^Deployment\.apps "neg" is invalid: spec\.replicas: /);
    expect(st.details).toMatchObject({ kind: 'Deployment', name: 'neg', group: 'apps' });
    expect(st.details.causes[0]!.field).toBe('spec.replicas');
  });

  it('PUT with a stale resourceVersion is 409 Conflict', async () => {
    const cur = (await call('GET', '/apis/apps/v1/namespaces/default/deployments/web')).json<{ metadata: { resourceVersion: string } }>();
    const ok = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/web', { ...deploy('web', 2), metadata: { name: 'web', labels: { app: 'web' }, resourceVersion: cur.metadata.resourceVersion } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ spec: { replicas: 2 }, metadata: { generation: 2 } });
    const stale = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/web', { ...deploy('web', 3), metadata: { name: 'web', resourceVersion: cur.metadata.resourceVersion } });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('PATCH json, merge and strategic', async () => {
    const base = '/apis/apps/v1/namespaces/default/deployments/web';
    const m = await call('PATCH', base, { metadata: { labels: { tier: 'x' } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(m.json()).toMatchObject({ metadata: { labels: { app: 'web', tier: 'x' } } });
    const j = await call('PATCH', base, [{ op: 'replace', path: '/spec/replicas', value: 4 }], { 'Content-Type': 'application/json-patch+json' });
    expect(j.json()).toMatchObject({ spec: { replicas: 4 } });
    const s = await call(
      'PATCH',
      base,
      { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox:1' }] } } } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(s.json<{ spec: { template: { spec: { containers: { name: string }[] } } } }>().spec.template.spec.containers.map((c) => c.name)).toEqual(['side', 'c']);
    const other = await call('PATCH', base, {}, { 'Content-Type': 'text/plain' });
    expect(other.status).toBe(415);
  });

  it('scale and status subresources', async () => {
    const sc = await call('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(sc.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 }, status: { selector: 'app=web' } });
    const p = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(p.json()).toMatchObject({ spec: { replicas: 1 } });
    const st = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/status', { status: { replicas: 7 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(st.json()).toMatchObject({ status: { replicas: 7 }, spec: { replicas: 1 } });
  });

  it('label and field selectors, limit and continue', async () => {
    for (const n of ['a', 'b', 'c']) await call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `sel-${n}`, labels: { set: n === 'c' ? 'two' : 'one' } } });
    const one = (await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=set%3Done')).json<{ items: { metadata: { name: string } }[] }>();
    expect(one.items.map((i) => i.metadata.name)).toEqual(['sel-a', 'sel-b']);
    const byName = (await call('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dsel-c')).json<{ items: { metadata: { name: string } }[] }>();
    expect(byName.items.map((i) => i.metadata.name)).toEqual(['sel-c']);
    const unsupported = await call('GET', '/api/v1/configmaps?fieldSelector=spec.x%3Dy');
    expect(unsupported.status).toBe(400);
    expect(unsupported.json()).toMatchObject({ message: 'field label not supported: spec.x' });
    const p1 = (await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=set&limit=2')).json<{ items: { metadata: { name: string } }[]; metadata: { continue: string; remainingItemCount: number } }>();
    expect(p1.items.map((i) => i.metadata.name)).toEqual(['sel-a', 'sel-b']);
    expect(p1.metadata.remainingItemCount).toBe(1);
    const p2 = (await call('GET', `/api/v1/namespaces/default/configmaps?labelSelector=set&limit=2&continue=${p1.metadata.continue}`)).json<{ items: { metadata: { name: string } }[]; metadata: { continue?: string } }>();
    expect(p2.items.map((i) => i.metadata.name)).toEqual(['sel-c']);
    expect(p2.metadata.continue).toBeUndefined();
  });

  it('Tables from the printers\' columns, with PartialObjectMetadata rows', async () => {
    const t = await call('GET', '/apis/apps/v1/namespaces/default/deployments', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const tbl = t.json<{ kind: string; columnDefinitions: { name: string; priority: number }[]; rows: { cells: string[]; object: { kind: string } }[] }>();
    expect(tbl.kind).toBe('Table');
    expect(tbl.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-To-Date', 'Available', 'Age']);
    expect(tbl.rows.find((r) => r.cells[0] === 'web')!.object.kind).toBe('PartialObjectMetadata');
  });

  it('DELETE: a Status for most kinds, preconditions, a collection', async () => {
    const cm = (await call('GET', '/api/v1/namespaces/default/configmaps/sel-a')).json<{ metadata: { uid: string } }>();
    const pre = await call('DELETE', '/api/v1/namespaces/default/configmaps/sel-a', { preconditions: { uid: 'other' } });
    expect(pre.status).toBe(409);
    const d = await call('DELETE', '/api/v1/namespaces/default/configmaps/sel-a', { propagationPolicy: 'Background' });
    expect(d.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'sel-a', kind: 'configmaps', uid: cm.metadata.uid } });
    const coll = await call('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=set');
    expect(coll.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name)).toEqual(['sel-b', 'sel-c']);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/sel-b')).status).toBe(404);
  });

  it('unknown resources and wrong scopes are 404', async () => {
    expect((await call('GET', '/api/v1/widgets')).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/default/nodes')).status).toBe(404);
  });
});

describe('server-side apply (PATCH application/apply-patch+yaml)', () => {
  const path = '/api/v1/namespaces/default/configmaps/ssa';
  const yaml = (data: Record<string, string>) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;
  const applyAs = (manager: string, body: string, force = false) =>
    call('PATCH', `${path}?fieldManager=${manager}${force ? '&force=true' : ''}`, body, { 'Content-Type': 'application/apply-patch+yaml' });

  it('creates, records managedFields, 409s on another manager\'s field, force takes it', async () => {
    const c = await applyAs('alice', yaml({ a: '1' }));
    expect(c.status).toBe(201);
    const mf = c.json<{ metadata: { managedFields: { manager: string; operation: string }[] } }>().metadata.managedFields;
    expect(mf.map((m) => [m.manager, m.operation])).toEqual([['alice', 'Apply']]);
    const conflict = await applyAs('bob', yaml({ a: '2' }));
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toMatchObject({ reason: 'Conflict', details: { causes: [{ type: 'FieldManagerConflict', field: '.data.a' }] } });
    expect(conflict.json<{ message: string }>().message).toMatch(/^Apply failed with 1 conflict: conflict with "alice": \.data\.a/);
    const forced = await applyAs('bob', yaml({ a: '2' }), true);
    expect(forced.status).toBe(200);
    expect(forced.json()).toMatchObject({ data: { a: '2' } });
    const noManager = await call('PATCH', path, yaml({ a: '3' }), { 'Content-Type': 'application/apply-patch+yaml' });
    expect(noManager.status).toBe(400);
  });

  it('other writes record an Update entry for their manager', async () => {
    const m = await call('PATCH', `${path}?fieldManager=kubectl-label`, { metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' });
    const mf = m.json<{ metadata: { managedFields: { manager: string; operation: string }[] } }>().metadata.managedFields;
    expect(mf.map((e) => `${e.manager}/${e.operation}`)).toContain('kubectl-label/Update');
  });
});
