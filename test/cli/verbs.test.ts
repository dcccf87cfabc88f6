// The remaining issue-2 verbs, run through the built binary: create/delete -f, describe, edit, explain,
// api-resources, version, completion, and colour rules.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-verbs-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {app: demo}\ndata:\n  mode: dev\n';

describe('create and delete -f', () => {
  it('creates once, then reports AlreadyExists for that object', () => {
    writeFileSync(join(t.home, 'cm.yaml'), CM);
    expect(k.run(['create', '-f', 'cm.yaml'])).toMatchObject({ code: 0, stdout: 'configmap/settings created\n' });
    const again = k.run(['create', '-f', 'cm.yaml']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('configmaps "settings" already exists');
    // create does not record last-applied (kubectl only does with --save-config)
    expect(k.run(['get', 'cm', 'settings', '-o', 'jsonpath={.metadata.annotations}']).stdout).toBe('');
  });

  it('describes with kubectl layout', () => {
    const r = k.run(['describe', 'cm', 'settings']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+settings\nNamespace:\s+default\nLabels:\s+app=demo\n/);
    expect(r.stdout).toContain('mode:\n----\ndev\n');
    expect(r.stdout).not.toContain('\x1b['); // no colour when stdout is not a terminal
  });

  it('an immutable ConfigMap refuses a data change as kubectl reports an Invalid object', () => {
    expect(k.run(['create', 'configmap', 'frozen', '--from-literal=a=1']).code).toBe(0);
    expect(k.run(['patch', 'cm', 'frozen', '-p', '{"immutable":true}']).code).toBe(0);
    const r = k.run(['patch', 'cm', 'frozen', '-p', '{"data":{"a":"2"}}']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n' });
    expect(k.run(['get', 'cm', 'frozen', '-o', 'jsonpath={.data.a}']).stdout).toBe('1');
    expect(k.run(['delete', 'cm', 'frozen']).code).toBe(0); // immutable data, yet deletable
  });

  it('deletes what a file names', () => {
    expect(k.run(['delete', '-f', 'cm.yaml']).stdout).toBe('configmap "settings" deleted\n');
    expect(k.run(['get', 'cm']).stderr).toBe('No resources found in default namespace.\n');
  });
});

describe('edit', () => {
  it('applies what the editor saved, and cancels when nothing changed', () => {
    k.run(['apply', '-f', '-'], { input: CM });
    const editor = join(t.home, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/mode: dev/mode: prod/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = k.run(['edit', 'cm', 'settings'], { env: { KUBE_EDITOR: editor } });
    expect(r).toMatchObject({ code: 0, stdout: 'configmap/settings edited\n' });
    expect(k.run(['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}']).stdout).toBe('prod');
    // edit keeps the last-applied annotation in step, so a later apply sees the edit as the user's
    const last = JSON.parse(k.run(['get', 'cm', 'settings', '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}']).stdout);
    expect(last.data.mode).toBe('prod');
    const same = k.run(['edit', 'cm', 'settings'], { env: { KUBE_EDITOR: 'true' } });
    expect(same.stdout).toBe('Edit cancelled, no changes made.\n');
  });

  it('refuses an edit that breaks validation, keeping a copy of the changes', () => {
    const editor = join(t.home, 'bad-editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^data:/datta:/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = k.run(['edit', 'cm', 'settings'], { env: { KUBE_EDITOR: editor } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown field "datta"/);
    expect(r.stderr).toContain('a copy of your changes has been stored to');
    expect(k.run(['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}']).stdout).toBe('prod');
  });
});

describe('explain, api-resources, version, completion', () => {
  it('explains fields from the schemas', () => {
    const r = k.run(['explain', 'deployment.spec.strategy']);
    expect(r.stdout).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    expect(r.stdout).toContain('FIELD: strategy <DeploymentStrategy>');
    expect(r.stdout).toContain('rollingUpdate\t<RollingUpdateDeployment>');
    expect(k.run(['explain', 'pods.spec.nope'])).toMatchObject({ code: 1 });
    expect(k.run(['explain', 'pods.spec.nope']).stderr).toContain('field "nope" does not exist');
  });

  it('lists the resources kctl serves', () => {
    const r = k.run(['api-resources']);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    expect(r.stdout).toMatch(/\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
    expect(k.run(['api-resources', '--namespaced=false', '-o', 'name']).stdout).toContain('namespaces\n');
  });

  it('prints versions and completion scripts', () => {
    expect(k.run(['version', '--client']).stdout).toMatch(/^Client Version: v\d+\.\d+\.\d+\n$/);
    expect(JSON.parse(k.run(['version', '-o', 'json']).stdout).clientVersion.gitVersion).toMatch(/^v/);
    const bash = k.run(['completion', 'bash']).stdout;
    expect(bash).toContain('complete -o default -F _kctl kctl');
    expect(bash).toContain('rollout');
    expect(k.run(['completion', 'fish'])).toMatchObject({ code: 1 });
  });

  it('prints help and usage errors without stack traces', () => {
    const help = k.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('apply');
    const bad = k.run(['frobnicate']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown command "frobnicate" for "kctl"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
