// The real kubectl (v1.32, offline) as an oracle: what it generates, kctl must accept and treat the same way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-oracle-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

// kubectl must exist on the machines this project targets; a missing one is a failure, not a skip
const kubectl = (...args: string[]): string =>
  execFileSync('kubectl', args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });

describe('kubectl-generated manifests', () => {
  it.each([
    ['deployment', ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'], 'deployment.apps/web created'],
    ['service', ['create', 'service', 'nodeport', 'web', '--tcp=80:8080', '--node-port=30080'], 'service/web created'],
    ['configmap', ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=two'], 'configmap/cfg created'],
    ['secret', ['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret'], 'secret/creds created'],
    ['job', ['create', 'job', 'once', '--image=busybox:1.36', '--', 'echo', 'hi'], 'job.batch/once created'],
    ['cronjob', ['create', 'cronjob', 'tick', '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'date'], 'cronjob.batch/tick created'],
    ['namespace', ['create', 'namespace', 'team-a'], 'namespace/team-a created'],
  ])('kctl applies what `kubectl create %s --dry-run=client -o yaml` writes', (_kind, args, line) => {
    // the output flags go before a `--` command, or kubectl would pass them to the container
    const dash = args.indexOf('--');
    const head = dash < 0 ? args : args.slice(0, dash);
    const tail = dash < 0 ? [] : args.slice(dash);
    const yaml = kubectl(...head, '--dry-run=client', '-o', 'yaml', ...tail);
    const r = k.run(['apply', '-f', '-'], { input: yaml });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${line}\n`);
    expect(k.run(['apply', '-f', '-'], { input: yaml }).stdout).toBe(line.replace('created', 'unchanged') + '\n');
  });

  it('treats the generated objects as Kubernetes does', () => {
    const d = JSON.parse(k.run(['get', 'deploy', 'web', '-o', 'json']).stdout);
    const gen = JSON.parse(kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80', '--dry-run=client', '-o', 'json'));
    expect(d.spec.replicas).toBe(gen.spec.replicas);
    expect(d.spec.selector).toEqual(gen.spec.selector);
    expect(d.spec.template.metadata.labels).toEqual(gen.spec.template.metadata.labels);
    expect(d.status).toBeUndefined(); // kubectl's `status: {}` is not taken from a manifest
    const svc = JSON.parse(k.run(['get', 'svc', 'web', '-o', 'json']).stdout);
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' });
    expect(k.run(['get', 'secret', 'creds', '-o', 'jsonpath={.data.password}']).stdout).toBe(Buffer.from('s3cret').toString('base64'));
    // the same jsonpath gives the same answer from kubectl (over the generated object) and kctl (over the stored one)
    const expr = '{.spec.template.spec.containers[0].image}';
    expect(k.run(['get', 'deploy', 'web', '-o', `jsonpath=${expr}`]).stdout).toBe(
      kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--dry-run=client', '-o', `jsonpath=${expr}`),
    );
  });

  it('applies `kubectl kustomize` output', () => {
    const dir = join(t.home, 'kust');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base}\ndata: {k: v}\n');
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [cm.yaml]\nnamePrefix: prod-\ncommonLabels: {env: prod}\n');
    const out = kubectl('kustomize', dir);
    expect(k.run(['apply', '-f', '-'], { input: out }).stdout).toBe('configmap/prod-base created\n');
    expect(k.run(['get', 'cm', '-l', 'env=prod', '-o', 'name']).stdout).toBe('configmap/prod-base\n');
  });

  it('prints -o name like kubectl for the same object', () => {
    const want = kubectl('create', 'configmap', 'cfg', '--from-literal=a=1', '--dry-run=client', '-o', 'name');
    expect(k.run(['get', 'cm', 'cfg', '-o', 'name']).stdout).toBe(want);
  });
});
