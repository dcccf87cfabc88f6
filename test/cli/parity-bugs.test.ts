// kubectl parity, issue 11 "Bugs found": each case is what kubectl 1.32 prints (stdout, stderr, exit code).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-parity-bugs-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: kctl-test/busybox:1\n';
writeFileSync(join(t.home, 'pod.yaml'), POD);

describe('get/describe -f, short flags with =', () => {
  it('get -f and describe -f print the objects the file names', () => {
    expect(k.run(['apply', '-f', 'pod.yaml']).stdout).toBe('pod/web created\n');
    const g = k.run(['get', '-f', 'pod.yaml']);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb\s+0\/1\s+Pending\s+0\s+\S+\n$/);
    expect(k.run(['get', '-f', 'pod.yaml', '-o', 'name']).stdout).toBe('pod/web\n');
    expect(k.run(['describe', '-f', 'pod.yaml']).stdout).toMatch(/^Name:\s+web\n/);
  });

  it('-o=FORMAT and -p=PATCH take the value after the =, as pflag does', () => {
    expect(k.run(['get', 'pods', '-o=name'])).toMatchObject({ code: 0, stdout: 'pod/web\n' });
    expect(k.run(['get', 'pod', 'web', '-o=jsonpath={.metadata.name}']).stdout).toBe('web');
    expect(k.run(['get', 'pods', '-o=custom-columns=N:.metadata.name', '--no-headers']).stdout).toBe('web\n');
    expect(k.run(['patch', 'pod', 'web', '-p={"metadata":{"labels":{"tier":"fe"}}}']).stdout).toBe('pod/web patched\n');
    expect(k.run(['get', 'pods', '-l=tier=fe', '-o', 'name']).stdout).toBe('pod/web\n');
  });
});

describe('writes are validated as apply validates', () => {
  it('a patch making labels a string is refused and nothing is stored', () => {
    const r = k.run(['patch', 'pod', 'web', '-p', '{"metadata":{"labels":"invalid"}}']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe('The Pod "web" is invalid: metadata.labels: Invalid value: "invalid": metadata.labels in body must be of type object: "string"\n');
    expect(k.run(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.labels}']).stdout).toBe('{"app":"web","tier":"fe"}');
  });

  it('label and annotate results are validated too', () => {
    const r = k.run(['annotate', 'pod', 'web', 'a=b', '--dry-run=client']);
    expect(r).toMatchObject({ code: 0, stdout: 'pod/web annotated (dry run)\n' });
    const bad = k.run(['patch', 'pod', 'web', '--type=json', '-p', '[{"op":"add","path":"/spec/containers/0/ports","value":[{"containerPort":"x"}]}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: "x"');
  });
});

describe('empty results print nothing where kubectl prints nothing', () => {
  it('-o name, jsonpath and --ignore-not-found print nothing; custom-columns only its header', () => {
    expect(k.run(['get', 'pods', '-l', 'app=none', '-o', 'name'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(k.run(['get', 'pods', '-l', 'app=none', '-o', 'jsonpath={.items[*].metadata.name}'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(k.run(['get', 'pods', '-l', 'app=none', '-o', 'custom-columns=NAME:.metadata.name'])).toEqual({ code: 0, stdout: 'NAME\n', stderr: '' });
    expect(k.run(['get', 'pods', 'nope', '--ignore-not-found'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(k.run(['get', 'pods', '-l', 'app=none', '--ignore-not-found'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(k.run(['get', 'pods', '-l', 'app=none', '-o', 'json', '--ignore-not-found'])).toEqual({ code: 0, stdout: '', stderr: '' });
    // the table printer keeps its message
    expect(k.run(['get', 'pods', '-l', 'app=none']).stderr).toBe('No resources found in default namespace.\n');
  });
});

describe('resource builder refusals', () => {
  it('get NAME -A and delete --all -l are refused as kubectl refuses them', () => {
    expect(k.run(['get', 'pods', 'web', '-A'])).toEqual({ code: 1, stdout: '', stderr: 'error: a resource cannot be retrieved by name across all namespaces\n' });
    expect(k.run(['delete', 'pods', '--all', '-l', 'app=web'])).toEqual({ code: 1, stdout: '', stderr: "error: setting 'all' parameter but found a non empty selector. \n" });
    expect(k.run(['delete', 'pods', '--all', '--field-selector', 'metadata.name=web']).code).toBe(1);
    expect(k.run(['get', 'pods', '-o', 'name']).stdout).toBe('pod/web\n');
  });

  it('delete of cluster-scoped objects with -n warns once', () => {
    const r = k.run(['-n', 'default', 'delete', 'ns', '--all', '--dry-run=client']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: deleting cluster-scoped resources, not scoped to the provided namespace\n');
    expect(r.stdout.split('\n')[0]).toBe('namespace "default" deleted (dry run)');
    expect(k.run(['delete', 'ns', 'nope', '--ignore-not-found']).stderr).toBe('');
  });
});

describe('scale --dry-run=client', () => {
  it('prints the object with the new count, and stores nothing', () => {
    expect(k.run(['create', 'deployment', 'd', '--image=nginx', '--replicas=1']).code).toBe(0);
    expect(k.run(['scale', 'deploy', 'd', '--replicas=4', '--dry-run=client', '-o', 'jsonpath={.spec.replicas}']).stdout).toBe('4');
    expect(k.run(['scale', 'deploy', 'd', '--replicas=4', '--dry-run=client', '-o', 'yaml']).stdout).toContain('\n  replicas: 4\n');
    expect(k.run(['get', 'deploy', 'd', '-o', 'jsonpath={.spec.replicas}']).stdout).toBe('1');
  });
});

describe('delete --cascade with no controller running', () => {
  it('orphans or deletes the dependents itself instead of waiting for ever', () => {
    const uid = k.run(['get', 'deploy', 'd', '-o', 'jsonpath={.metadata.uid}']).stdout;
    const owned = (name: string, ownerUid: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: d, uid: ${ownerUid}, controller: true}]\nspec:\n  containers: [{name: c, image: b}]\n`;
    expect(k.run(['apply', '-f', '-'], { input: owned('kept', uid) }).code).toBe(0);
    const r = k.run(['delete', 'deploy', 'd', '--cascade=orphan', '--timeout=20s']);
    expect(r).toEqual({ code: 0, stdout: 'deployment.apps "d" deleted\n', stderr: '' });
    expect(k.run(['get', 'deploy', 'd', '--ignore-not-found']).stdout).toBe('');
    expect(k.run(['get', 'pod', 'kept', '-o', 'jsonpath={.metadata.ownerReferences}']).stdout).toBe('');
    // foreground: the dependents go first, then the owner
    expect(k.run(['create', 'deployment', 'd', '--image=nginx']).code).toBe(0);
    const uid2 = k.run(['get', 'deploy', 'd', '-o', 'jsonpath={.metadata.uid}']).stdout;
    expect(k.run(['apply', '-f', '-'], { input: owned('gone', uid2) }).code).toBe(0);
    const f = k.run(['delete', 'deploy', 'd', '--cascade=foreground', '--timeout=20s']);
    expect(f).toEqual({ code: 0, stdout: 'deployment.apps "d" deleted\n', stderr: '' });
    expect(k.run(['get', 'pods', '-o', 'name']).stdout).toBe('pod/kept\npod/web\n');
    expect(k.run(['delete', 'pod', 'web', '--cascade=orphan', '--timeout=20s'])).toEqual({ code: 0, stdout: 'pod "web" deleted\n', stderr: '' });
  });
});

describe('API defaulting and lenient parsing', () => {
  const V = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: v\n  labels: {a: "1", a: "2"}\nspec:\n  nodeSelector: null\n  volumes:\n  - name: scratch\n  containers:\n  - name: c\n    image: b\n    volumeMounts: [{name: scratch, mountPath: /s}]\n';
  it('duplicate keys are an error, except with --validate=false (last wins)', () => {
    writeFileSync(join(t.home, 'v.yaml'), V);
    expect(k.run(['apply', '-f', 'v.yaml'])).toEqual({ code: 1, stdout: '', stderr: 'error: v.yaml:5:20: duplicate key "a"\n' });
    expect(k.run(['apply', '-f', 'v.yaml', '--validate=false'])).toMatchObject({ code: 0, stdout: 'pod/v created\n' });
    const p = JSON.parse(k.run(['get', 'pod', 'v', '-o', 'json']).stdout);
    expect(p.metadata.labels).toEqual({ a: '2' });
    // a volume without a source is an emptyDir; a null field is not stored
    expect(p.spec.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    expect('nodeSelector' in p.spec).toBe(false);
  });
});
