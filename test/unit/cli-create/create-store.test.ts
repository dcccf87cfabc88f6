// kctl create <generator> without --dry-run=client: validated as the API server would, stored, reported as
// kubectl reports it; failures worded as kubectl wraps them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { kctl, setup, type Env } from './harness.js';
import { CERT, KEY } from './tls-fixtures.js';

let env: Env;
beforeEach(() => {
  env = setup();
});
const dir = mkdtempSync(join(tmpdir(), 'kctl-create-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (resource: string, name: string, namespace?: string): Promise<KubeObject | undefined> =>
  env.store.tryGet({ resource, namespace, name });

describe('kctl create <generator> writes the object', () => {
  it.each([
    [['create', 'configmap', 'cfg', '--from-literal=a=1'], 'configmap/cfg created\n', 'configmaps', 'default'],
    [['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret'], 'secret/creds created\n', 'secrets', 'default'],
    [['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p'], 'secret/reg created\n', 'secrets', 'default'],
    [['create', 'namespace', 'team'], 'namespace/team created\n', 'namespaces', undefined],
    [['create', 'deployment', 'web', '--image=nginx', '--replicas=2'], 'deployment.apps/web created\n', 'deployments', 'default'],
  ])('%j', async (args, line, resource, ns) => {
    expect(await kctl(env, args)).toEqual({ code: 0, stdout: line, stderr: '' });
    const name = args[args[1] === 'secret' ? 3 : 2]!;
    const o = await get(resource, name, ns);
    expect(o?.metadata.uid).toBeTruthy();
    expect(o?.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
  });

  it('stores exactly the generated data, the API server defaults added', async () => {
    await kctl(env, ['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']);
    expect(await get('secrets', 'creds', 'default')).toMatchObject({ data: { password: 'czNjcmV0' }, type: 'Opaque' });
    await kctl(env, ['create', 'deployment', 'web', '--image=nginx', '--port=80']);
    const d = (await get('deployments', 'web', 'default')) as unknown as { spec: Record<string, any>; status?: unknown };
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.type).toBe('RollingUpdate');
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    expect(d.status).toBeUndefined();
    await kctl(env, ['create', 'namespace', 'team']);
    expect(await get('namespaces', 'team')).toMatchObject({ status: { phase: 'Active' } });
  });

  it('reads files relative to the working directory and stores TLS secrets with their type', async () => {
    writeFileSync(join(dir, 'tls.crt'), CERT);
    writeFileSync(join(dir, 'tls.key'), KEY);
    const r = await kctl(env, ['create', 'secret', 'tls', 'web-tls', '--cert=tls.crt', '--key=tls.key'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: 'secret/web-tls created\n', stderr: '' });
    const s = await get('secrets', 'web-tls', 'default');
    expect(s).toMatchObject({ type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from(CERT).toString('base64'), 'tls.key': Buffer.from(KEY).toString('base64') } });
  });

  it('-n puts the object in that namespace (which must exist)', async () => {
    const missing = await kctl(env, ['create', 'configmap', 'cfg', '-n', 'team', '--from-literal=a=1']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: failed to create configmap: namespaces "team" not found\n' });
    await kctl(env, ['create', 'namespace', 'team']);
    expect((await kctl(env, ['create', 'configmap', 'cfg', '-n', 'team', '--from-literal=a=1'])).stdout).toBe('configmap/cfg created\n');
    expect(await get('configmaps', 'cfg', 'team')).toMatchObject({ data: { a: '1' } });
  });

  it.each([
    [['create', 'configmap', 'x'], 'error: failed to create configmap: configmaps "x" already exists\n'],
    [['create', 'secret', 'generic', 'x'], 'error: failed to create secret secrets "x" already exists\n'],
    [['create', 'deployment', 'x', '--image=nginx'], 'error: failed to create deployment: deployments.apps "x" already exists\n'],
    [['create', 'namespace', 'default'], 'Error from server (AlreadyExists): namespaces "default" already exists\n'],
  ])('an existing object: %j', async (args, stderr) => {
    expect((await kctl(env, args)).code).toBe(0 + (args[2] === 'default' ? 1 : 0));
    expect(await kctl(env, args)).toEqual({ code: 1, stdout: '', stderr });
  });

  it('validates as the API server: a bad name is refused, nothing stored', async () => {
    const r = await kctl(env, ['create', 'configmap', 'Bad_Name', '--from-literal=a=1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect((await env.store.list('configmaps')).items).toEqual([]);
  });

  it('a Secret type missing its required keys is refused without echoing any value', async () => {
    const r = await kctl(env, ['create', 'secret', 'generic', 'x', '--type=kubernetes.io/tls', '--from-literal=tls.crt=TOPSECRETVALUE']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed to create secret Secret "x" is invalid: data[tls.key]: Required value');
    expect(r.stderr).not.toContain('TOPSECRETVALUE');
    expect(r.stderr).not.toContain(Buffer.from('TOPSECRETVALUE').toString('base64'));
  });

  it('--dry-run=server validates and checks existence but writes nothing', async () => {
    expect(await kctl(env, ['create', 'configmap', 'cfg', '--from-literal=a=1', '--dry-run=server'])).toEqual({
      code: 0,
      stdout: 'configmap/cfg created (server dry run)\n',
      stderr: '',
    });
    expect(await get('configmaps', 'cfg', 'default')).toBeUndefined();
    expect((await kctl(env, ['create', 'configmap', 'Bad', '--dry-run=server'])).stderr).toContain('is invalid');
    await kctl(env, ['create', 'configmap', 'cfg']);
    expect((await kctl(env, ['create', 'configmap', 'cfg', '--dry-run=server'])).stderr).toBe(
      'error: failed to create configmap: configmaps "cfg" already exists\n',
    );
  });

  it('-o yaml prints the stored object; --save-config stores the annotation', async () => {
    const r = await kctl(env, ['create', 'configmap', 'cfg', '--from-literal=a=1', '--save-config', '-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('uid: ');
    expect(r.stdout).toContain('resourceVersion: ');
    expect(r.stdout).toContain(
      'kubectl.kubernetes.io/last-applied-configuration: |\n      {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg","creationTimestamp":null},"data":{"a":"1"}}\n',
    );
  });

  it('--dry-run=client never opens the store', async () => {
    const r = await kctl(setupBrokenStore(), ['create', 'secret', 'generic', 's', '--from-literal=a=b', '--dry-run=client', '-o', 'name']);
    expect(r).toEqual({ code: 0, stdout: 'secret/s\n', stderr: '' });
  });
});

function setupBrokenStore(): Env {
  const e = setup();
  const explode = (): never => {
    throw new Error('store touched');
  };
  for (const m of ['get', 'tryGet', 'list', 'create', 'update', 'delete'] as const) (e.store as unknown as Record<string, unknown>)[m] = explode;
  return e;
}
