// kctl apply records managedFields as the API server does; kctl apply --server-side [--force-conflicts]
// [--field-manager] goes through the same field manager, with kubectl's lines and messages.
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import type { ManagedFieldsEntry } from '../../../../src/apply/server-side/managed-fields.js';
import { main } from '../../../../src/cli/main.js';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function setup() {
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const store = new MemoryStore({ clock });
  const run = async (argv: string[], stdin = '') => {
    const out = new Sink();
    const err = new Sink();
    const io = { out, err, in: Readable.from([Buffer.from(stdin)]), env: { KCTL_NO_CONTROLLER: '1', NO_COLOR: '1' } };
    const code = await main(argv, io, { store, clock });
    return { code, stdout: out.text, stderr: err.text };
  };
  const get = async (): Promise<KubeObject> => (await store.get({ resource: 'deployments', namespace: 'default', name: 'web' })) as KubeObject;
  return { clock, store, run, get };
}

const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.25}]
`;

const managers = (o: KubeObject): string[] =>
  ((o.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

describe('kctl apply and managedFields', () => {
  it('client-side apply records kubectl-client-side-apply, owning the defaulted fields it wrote', async () => {
    const k = setup();
    expect((await k.run(['apply', '-f', '-'], manifest(2))).stdout).toBe('deployment.apps/web created\n');
    const o = await k.get();
    expect(managers(o)).toEqual(['kubectl-client-side-apply/Update']);
    const f = JSON.stringify((o.metadata as { managedFields: ManagedFieldsEntry[] }).managedFields[0]!.fieldsV1);
    expect(f).toContain('"f:kubectl.kubernetes.io/last-applied-configuration"');
    expect(f).toContain('"f:imagePullPolicy"');
  });

  it('--server-side after client-side apply takes over, then conflicts with another manager unless forced', async () => {
    const k = setup();
    await k.run(['apply', '-f', '-'], manifest(2));
    k.clock.advance(60_000);
    const r = await k.run(['apply', '--server-side', '-f', '-'], manifest(3));
    expect(r).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '' });
    expect(managers(await k.get())).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
    expect((await k.get()).spec).toMatchObject({ replicas: 3 });

    const other = await k.run(['apply', '--server-side', '--field-manager=ci', '-f', '-'], manifest(4));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas\nPlease review the fields above--they currently have other managers/);
    const forced = await k.run(['apply', '--server-side', '--field-manager=ci', '--force-conflicts', '-f', '-'], manifest(4));
    expect(forced.code).toBe(0);
    expect((await k.get()).spec).toMatchObject({ replicas: 4 });
  });

  it('refuses --force-conflicts without --server-side, and --dry-run=client with it', async () => {
    const k = setup();
    expect((await k.run(['apply', '--force-conflicts', '-f', '-'], manifest(1))).stderr).toContain('--force-conflicts only works with --server-side');
    expect((await k.run(['apply', '--server-side', '--dry-run=client', '-f', '-'], manifest(1))).stderr).toContain(
      "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
    );
  });

  it('create, patch and label record kubectl-create, kubectl-patch and kubectl-label', async () => {
    const k = setup();
    expect((await k.run(['create', '-f', '-'], manifest(1))).code).toBe(0);
    k.clock.advance(60_000);
    expect((await k.run(['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":2}}'])).code).toBe(0);
    expect((await k.run(['label', 'deploy', 'web', 'tier=fe'])).code).toBe(0);
    const o = await k.get();
    expect(managers(o)).toEqual(['kubectl-create/Update', 'kubectl-label/Update', 'kubectl-patch/Update']);
    const mfs = (o.metadata as { managedFields: ManagedFieldsEntry[] }).managedFields;
    expect(mfs[2]!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(mfs[1]!.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
  });
});
