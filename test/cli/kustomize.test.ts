// `kctl kustomize` and `-k DIR` on the verbs, run as a user runs the built kctl, over a real FileStore.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeKctl, REPO, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-kustomize-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

function write(name: string, text: string): void {
  const p = join(t.home, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

const kustomization = (color: string): string => `namePrefix: demo-
resources: [../base]
configMapGenerator:
- name: settings
  literals: [COLOR=${color}]
`;

beforeAll(() => {
  write('base/kustomization.yaml', 'resources: [deploy.yaml, svc.yaml]\n');
  write(
    'base/deploy.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: kctl-test/busybox:1
        envFrom: [{configMapRef: {name: settings}}]
`,
  );
  write('base/svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n');
  write('app/kustomization.yaml', kustomization('blue'));
});

const configMapName = (): string =>
  k.run(['get', 'deploy', 'demo-web', '-o', 'jsonpath={.spec.template.spec.containers[0].envFrom[0].configMapRef.name}']).stdout;

describe('kctl kustomize', () => {
  it('prints what kubectl kustomize prints (a recorded golden)', () => {
    const dir = join(REPO, 'test/fixtures/kustomize/overlays/top');
    const r = k.run(['kustomize', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO, 'test/fixtures/kustomize/overlays/expected.out'), 'utf8'));
    expect(r.stderr).toContain("# Warning: 'commonLabels' is deprecated.");
  });

  it("refuses a `..` escape with kustomize's message and exit 1", () => {
    const r = k.run(['kustomize', join(REPO, 'test/fixtures/kustomize/err-escape/overlay')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: accumulating resources: .*security; file '.*outside\.yaml' is not in or below '.*overlay''/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('points at the resource file and line of a malformed resource', () => {
    write('bad/kustomization.yaml', 'resources: [ok.yaml]\n');
    write('bad/ok.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
    const r = k.run(['apply', '-k', 'bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: bad/ok.yaml:6:1: accumulating resources: missing metadata.name in object ConfigMap\n');
  });
});

describe('-k on the verbs', () => {
  it('apply -k creates, then reports unchanged', () => {
    const first = k.run(['apply', '-k', 'app']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^configmap\/demo-settings-[a-z0-9]{10} created\nservice\/demo-web created\ndeployment\.apps\/demo-web created\n$/);
    const second = k.run(['apply', '-k', 'app']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout.replace(/created/g, 'unchanged'));
  });

  it('get -k and describe -k show the built objects', () => {
    const g = k.run(['get', '-k', 'app', '-o', 'name']);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^configmap\/demo-settings-\w+\nservice\/demo-web\ndeployment\.apps\/demo-web\n$/);
    const d = k.run(['describe', '-k', 'app']);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('Name:');
    expect(d.stdout).toContain('demo-web');
  });

  it('diff -k exits 0 when in sync and 1 after a generator change', () => {
    expect(k.run(['diff', '-k', 'app']).code).toBe(0);
    write('app/kustomization.yaml', kustomization('red'));
    const d = k.run(['diff', '-k', 'app']);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain('+  COLOR: red');
  });

  it('a changed generator rolls the Deployment onto the new hash-suffixed ConfigMap', () => {
    const before = configMapName();
    const r = k.run(['apply', '-k', 'app']);
    expect(r.code).toBe(0);
    const after = configMapName();
    expect(after).toMatch(/^demo-settings-\w{10}$/);
    expect(after).not.toBe(before);
    expect(r.stdout).toContain(`configmap/${after} created`);
    expect(r.stdout).toContain('deployment.apps/demo-web configured');
  });

  it('delete -k removes exactly what the kustomization builds', () => {
    const built = k.run(['kustomize', 'app']).stdout;
    const cm = /name: (demo-settings-\w+)/.exec(built)![1];
    const r = k.run(['delete', '-k', 'app']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`configmap "${cm}" deleted\nservice "demo-web" deleted\ndeployment.apps "demo-web" deleted\n`);
    // the ConfigMap of the earlier build is no longer built by the kustomization, so it stays
    const left = k.run(['get', 'cm', '-o', 'name']).stdout.trim().split('\n');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^configmap\/demo-settings-\w+$/);
    expect(left[0]).not.toBe(`configmap/${cm}`);
  });

  it('-f and -k exclude each other', () => {
    const r = k.run(['apply', '-f', 'base/deploy.yaml', '-k', 'app']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: only one of -f or -k can be specified');
  });

  it('create -k creates and wait -k waits on the built objects', () => {
    write('jobs/kustomization.yaml', 'resources: [cm.yaml]\nnameSuffix: -x\n');
    write('jobs/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {a: b}\n');
    const c = k.run(['create', '-k', 'jobs']);
    expect(c.stdout).toBe('configmap/one-x created\n');
    const w = k.run(['wait', '-k', 'jobs', '--for=jsonpath={.data.a}=b', '--timeout=5s']);
    expect(w.stderr).toBe('');
    expect(w.stdout).toBe('configmap/one-x condition met\n');
  });
});
