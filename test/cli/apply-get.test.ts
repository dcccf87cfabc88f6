// The built kctl, run as a user runs it: apply/get/delete/diff/label/patch over a real FileStore.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome();
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: fe}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: kctl-test/busybox:1
        env:
        - {name: MODE, value: prod}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, labels: {app: web}}
data: {a: "1"}
`;

function write(name: string, text: string): string {
  const p = join(t.home, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

describe('apply', () => {
  beforeAll(() => write('web.yaml', WEB));

  it('creates, then is idempotent', () => {
    const first = k.run(['apply', '-f', 'web.yaml']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('deployment.apps/web created\nservice/web created\nconfigmap/cfg created\n');
    expect(first.code).toBe(0);
    const again = k.run(['apply', '-f', 'web.yaml']);
    expect(again.stdout).toBe('deployment.apps/web unchanged\nservice/web unchanged\nconfigmap/cfg unchanged\n');
  });

  it('stores what the API server would: defaults, uid, generation, last-applied', () => {
    const d = JSON.parse(k.run(['get', 'deploy', 'web', '-o', 'json']).stdout);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
    expect(d.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.generation).toBe(1);
    expect(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"name":"web"');
  });

  it('keeps a field the manifest never set (replicas patched by hand) and removes one it dropped', () => {
    expect(k.run(['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":5}}']).stdout).toBe('deployment.apps/web patched\n');
    const without = WEB.replace('        env:\n        - {name: MODE, value: prod}\n', '');
    write('web2.yaml', without);
    expect(k.run(['apply', '-f', 'web2.yaml']).stdout).toContain('deployment.apps/web configured\n');
    const d = JSON.parse(k.run(['get', 'deploy', 'web', '-o', 'json']).stdout);
    expect(d.spec.replicas).toBe(5);
    expect(d.spec.template.spec.containers[0].env).toBeUndefined();
    expect(d.metadata.generation).toBe(3);
  });

  it('writes nothing when one document of the batch is invalid, and names file:line:col', () => {
    const bad = write(
      'batch/all.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\nspec:\n  selector: {matchLabels: {app: b}}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      containers:\n      - name: c\n        image: x:1\n        imagePullPolicy: Sometimes\n`,
    );
    const r = k.run(['apply', '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${bad}:17:26: Deployment "broken": spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(k.run(['get', 'cm', 'fine']).code).toBe(1);
  });

  it('reports unknown fields with a suggestion, and --validate=ignore drops them', () => {
    const p = write('typo.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typo}\nspec:\n  replica: 2\n  selector: {matchLabels: {app: t}}\n  template:\n    metadata: {labels: {app: t}}\n    spec: {containers: [{name: c, image: "x:1"}]}\n`);
    const r = k.run(['apply', '-f', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown field "spec.replica"');
    expect(r.stderr).toContain('did you mean "replicas"?');
    const ok = k.run(['apply', '-f', p, '--validate=ignore']);
    expect(ok.stdout).toBe('deployment.apps/typo created\n');
    expect(k.run(['delete', 'deploy', 'typo']).stdout).toBe('deployment.apps "typo" deleted\n');
  });

  it('refuses names that could escape the store', () => {
    for (const name of ['../x', 'a/b', 'Upper']) {
      const r = k.run(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${name}"}\n` });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('metadata.name');
    }
    const files = readdirSync(join(k.home, 'store', 'core', 'configmaps', 'default'));
    expect(files.every((f) => /^[a-z0-9.-]+\.json$/.test(f))).toBe(true);
  });

  it('refuses objects in a missing namespace, per object, while the rest go on', () => {
    const r = k.run(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: nope}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('configmap/b created\n');
    expect(r.stderr).toContain('namespaces "nope" not found');
  });

  it('keeps the store private and dry-run writes nothing', () => {
    expect(statSync(k.home).mode & 0o777).toBe(0o700);
    const r = k.run(['apply', '-f', '-', '--dry-run=client'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n' });
    expect(r.stdout).toBe('configmap/dry created (dry run)\n');
    expect(k.run(['get', 'cm', 'dry']).code).toBe(1);
  });
});

describe('get', () => {
  it('prints kubectl tables and the no-resources message on stderr', () => {
    const r = k.run(['get', 'deploy']);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/5\s+0\s+0\s+\d+s\n$/);
    const none = k.run(['get', 'pods']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    expect(k.run(['get', 'pods', '-n', 'kube-system']).stderr).toBe('No resources found in kube-system namespace.\n');
  });

  it('supports -o name, jsonpath, custom-columns, selectors and short names', () => {
    expect(k.run(['get', 'cm,svc', '-l', 'app=web', '-o', 'name']).stdout).toBe('configmap/cfg\n');
    expect(k.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']).stdout).toBe('5');
    expect(k.run(['get', 'deployments.apps', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']).stdout).toBe('web\n');
    expect(k.run(['get', 'svc', '-o', 'custom-columns=NAME:.metadata.name,TYPE:.spec.type']).stdout).toBe('NAME   TYPE\nweb    NodePort\n');
    expect(k.run(['get', 'cm', '-l', 'app notin (web)', '-o', 'name']).stdout).not.toContain('cfg');
    expect(k.run(['get', 'ns', 'default', '--no-headers']).stdout).toMatch(/^default\s+Active\s+\d+s\n$/);
  });

  it('fails clearly on unknown types, missing objects and bad flags', () => {
    expect(k.run(['get', 'foos'])).toMatchObject({ code: 1, stderr: 'error: the server doesn\'t have a resource type "foos"\n' });
    expect(k.run(['get', 'deploy', 'nope'])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    expect(k.run(['get', 'pods', '--bogus']).stderr).toContain('unknown flag: --bogus');
    expect(k.run(['get', 'pods', '-o', 'wat']).stderr).toContain('unable to match a printer suitable for the output format "wat"');
  });
});

describe('diff', () => {
  it('exits 0 without changes, 1 with changes, 2 on error', () => {
    write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, labels: {app: web}}\ndata: {a: "1"}\n');
    expect(k.run(['diff', '-f', 'cm.yaml'])).toMatchObject({ code: 0, stdout: '' });
    write('cm2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, labels: {app: web}}\ndata: {a: "2"}\n');
    const changed = k.run(['diff', '-f', 'cm2.yaml']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/v1\.ConfigMap\.default\.cfg \/tmp\/MERGED-\d+\/v1\.ConfigMap\.default\.cfg\n/m);
    expect(changed.stdout).toContain('-  a: "1"\n+  a: "2"\n');
    expect(k.run(['diff', '-f', 'missing.yaml']).code).toBe(2);
  });
});

describe('label, annotate, delete', () => {
  it('labels with kubectl messages and overwrite rules', () => {
    expect(k.run(['label', 'cm', 'cfg', 'env=dev']).stdout).toBe('configmap/cfg labeled\n');
    const again = k.run(['label', 'cm', 'cfg', 'env=prod']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("'env' already has a value (dev), and --overwrite is false");
    expect(k.run(['label', 'cm', 'cfg', 'env=prod', '--overwrite']).stdout).toBe('configmap/cfg labeled\n');
    expect(k.run(['label', 'cm', 'cfg', 'env-']).stdout).toBe('configmap/cfg unlabeled\n');
    expect(k.run(['annotate', 'cm', 'cfg', 'note=hi']).stdout).toBe('configmap/cfg annotated\n');
  });

  it('deletes by name and by selector', () => {
    expect(k.run(['delete', 'svc', 'web']).stdout).toBe('service "web" deleted\n');
    expect(k.run(['delete', 'cm', '-l', 'app=web']).stdout).toBe('configmap "cfg" deleted\n');
    expect(k.run(['delete', 'cm', 'cfg'])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "cfg" not found\n' });
    expect(k.run(['delete', 'cm', 'cfg', '--ignore-not-found'])).toMatchObject({ code: 0, stderr: '' });
  });
});
