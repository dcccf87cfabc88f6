// Every kind a Kubernetes 1.32 API server serves: accepted, validated against the upstream schema, stored and read
// back, and listed by api-resources as a real server's discovery lists it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KINDS, apiVersionOf, isStorageAlias, isVirtual } from '../../../src/api/kinds.js';
import { kctl, setup } from '../cli-create/harness.js';

const fixture = fileURLToPath(new URL('../../fixtures/manifests/kinds-1.32.yaml', import.meta.url));
const golden = readFileSync(fileURLToPath(new URL('../../fixtures/golden/api-resources-1.32.txt', import.meta.url)), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'kctl-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Writes a manifest file and applies it. */
async function applyText(env: ReturnType<typeof setup>, text: string) {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return kctl(env, ['apply', '-f', file]);
}
const docs = parseAllDocuments(readFileSync(fixture, 'utf8')).map((d) => d.toJS() as Record<string, any>);

describe('the 1.32 kinds', () => {
  it('apply accepts one of each and get -o yaml returns it as applied', async () => {
    const env = setup();
    const applied = await kctl(env, ['apply', '-f', fixture]);
    expect(applied.stderr.split('\n').filter((l) => l && !l.startsWith('Warning: '))).toEqual([]);
    expect(applied.code).toBe(0);
    for (const doc of docs) {
      const ki = KINDS.find((k) => k.kind === doc.kind && apiVersionOf(k) === doc.apiVersion)!;
      const res = `${ki.plural}${ki.group ? `.${ki.group}` : ''}`;
      const r = await kctl(env, ['get', res, doc.metadata.name, '-o', 'json']);
      expect(r.code, `${doc.kind}: ${r.stderr}`).toBe(0);
      const got = JSON.parse(r.stdout);
      expect(got.apiVersion).toBe(doc.apiVersion);
      expect(got.kind).toBe(doc.kind);
      expect(got.metadata.namespace).toBe(ki.namespaced ? 'default' : undefined);
      for (const [k, v] of Object.entries(doc)) if (k !== 'metadata') expect(got[k], `${doc.kind}.${k}`).toMatchObject(v as object);
    }
  });

  it('the fixture covers every stored kind kctl did not have before', () => {
    const covered = new Set(docs.map((d) => `${d.apiVersion} ${d.kind}`));
    const older = new Set(['Namespace', 'Node', 'Pod', 'ConfigMap', 'Secret', 'Service', 'Endpoints', 'Event', 'PersistentVolumeClaim',
      'PersistentVolume', 'ServiceAccount', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision', 'Job', 'CronJob',
      'EndpointSlice', 'StorageClass']);
    const missing = KINDS.filter((k) => !older.has(k.kind) && !isVirtual(k) && !isStorageAlias(k) && !covered.has(`${apiVersionOf(k)} ${k.kind}`));
    expect(missing.map((k) => k.kind)).toEqual([]);
  });

  it('validates new kinds against their schema (unknown fields, types, required fields)', async () => {
    const env = setup();
    const bad = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad}
spec:
  rulez: []
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: nope}
value: high
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: norole}
subjects: [{kind: User, name: bob}]
`;
    const r = await applyText(env, bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.rulez"');
    expect(r.stderr).toMatch(/value.*(integer|int32)/i);
    expect(r.stderr).toMatch(/roleRef.*Required value/);
  });

  it('names RBAC objects as upstream does (path segments: system:..., upper case), other kinds as DNS subdomains', async () => {
    const env = setup();
    const ok = await applyText(
      env,
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "system:aggregate-to-View"}\nrules: []\n---\n' +
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: "user:alice@example.com"}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:aggregate-to-View"}\n',
    );
    expect(ok.stdout).toBe('clusterrole.rbac.authorization.k8s.io/system:aggregate-to-View created\nrolebinding.rbac.authorization.k8s.io/user:alice@example.com created\n');
    expect((await kctl(env, ['get', 'clusterrole', 'system:aggregate-to-View', '-o', 'name'])).stdout).toBe('clusterrole.rbac.authorization.k8s.io/system:aggregate-to-View\n');
    const bad = await applyText(env, 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: "a/b"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "system:x"}\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("may not contain '/'");
    expect(bad.stderr).toContain('a lowercase RFC 1123 subdomain');
  });

  it('refuses to apply request-only kinds as the API server does', async () => {
    const env = setup();
    const r = await applyText(env, 'apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nmetadata: {name: t}\nspec: {token: abc}\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the server does not allow this method on the requested resource');
  });
});

describe('api-resources', () => {
  it('prints what a 1.32 API server discovers, in kubectl format', async () => {
    const r = await kctl(setup(), ['api-resources']);
    expect(r.stdout).toBe(golden);
  });

  it('-o wide adds the verbs and categories discovery reports', async () => {
    const r = await kctl(setup(), ['api-resources', '-o', 'wide']);
    const lines = r.stdout.split('\n');
    const starts = [...lines[0]!.matchAll(/\S+/g)].map((m) => m.index);
    const row = (name: string, group: string): string[] => {
      const line = lines.find((l) => l.startsWith(`${name} `) && l.includes(` ${group}`))!;
      return starts.map((at, i) => line.slice(at, starts[i + 1]).trim());
    };
    expect(lines[0]!.split(/\s+/)).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
    expect(row('bindings', 'v1').slice(1)).toEqual(['', 'v1', 'true', 'Binding', '[create]', '']);
    expect(row('componentstatuses', 'v1').slice(4)).toEqual(['ComponentStatus', '[get list]', '']);
    expect(row('namespaces', 'v1').slice(5)).toEqual(['[create delete get list patch update watch]', '']);
    expect(row('horizontalpodautoscalers', 'autoscaling/v2').slice(5)).toEqual(['[create delete deletecollection get list patch update watch]', 'all']);
    expect(row('customresourcedefinitions', 'apiextensions').slice(1, 2)).toEqual(['crd,crds']);
    expect(row('customresourcedefinitions', 'apiextensions').at(-1)).toBe('api-extensions');
  });
});
