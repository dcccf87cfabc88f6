// kubectl parity, issue 11 "Batches": apply stays all-or-nothing unless --continue-on-error; the verbs that read
// -f go on past a broken document, report each error with file:line and exit 1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-parity-batch-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const BATCH = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {a: "1"}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {a: [1]}\n',
  'apiVersion: v1\nkind: Nope\nmetadata: {name: three}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: four}\n',
].join('---\n');
writeFileSync(join(t.home, 'batch.yaml'), BATCH);

const INVALID = 'error: batch.yaml:9:11: ConfigMap "two": data[a]: Invalid value: [1]: data[a] in body must be of type string: "array"\n';
const UNKNOWN = 'error: batch.yaml:11:1: resource mapping not found for name: "three" namespace: "" from "batch.yaml": no matches for kind "Nope" in version "v1"\nensure CRDs are installed first\n';
const MISSING = 'Error from server (NotFound): configmaps "two" not found\n';

describe('apply of a batch with broken documents', () => {
  it('writes nothing by default', () => {
    expect(k.run(['apply', '-f', 'batch.yaml'])).toEqual({ code: 1, stdout: '', stderr: INVALID + UNKNOWN });
    expect(k.run(['get', 'cm', '-o', 'name'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--continue-on-error applies the valid ones and reports the others', () => {
    expect(k.run(['apply', '-f', 'batch.yaml', '--continue-on-error'])).toEqual({
      code: 1,
      stdout: 'configmap/one created\nconfigmap/four created\n',
      stderr: INVALID + UNKNOWN,
    });
  });
});

describe('verbs reading -f go on past a broken document', () => {
  it('get, describe', () => {
    const g = k.run(['get', '-f', 'batch.yaml', '-o', 'name']);
    expect(g).toEqual({ code: 1, stdout: 'configmap/one\nconfigmap/four\n', stderr: UNKNOWN + MISSING });
    const d = k.run(['describe', '-f', 'batch.yaml']);
    expect(d.code).toBe(1);
    expect(d.stdout.match(/^Name:\s+\S+$/gm)).toEqual(['Name:         one', 'Name:         four']);
    expect(d.stderr).toBe(UNKNOWN + MISSING);
  });

  it('label, annotate, patch', () => {
    expect(k.run(['label', '-f', 'batch.yaml', 'x=y'])).toEqual({ code: 1, stdout: 'configmap/one labeled\nconfigmap/four labeled\n', stderr: UNKNOWN + MISSING });
    expect(k.run(['annotate', '-f', 'batch.yaml', 'x=y'])).toEqual({ code: 1, stdout: 'configmap/one annotated\nconfigmap/four annotated\n', stderr: UNKNOWN + MISSING });
    expect(k.run(['patch', '-f', 'batch.yaml', '-p', '{"data":{"b":"2"}}'])).toEqual({ code: 1, stdout: 'configmap/one patched\nconfigmap/four patched\n', stderr: UNKNOWN + MISSING });
    expect(k.run(['get', 'cm', 'four', '-o', 'jsonpath={.metadata.labels.x}{.data.b}']).stdout).toBe('y2');
  });

  it('diff shows the valid ones and exits >1 for the errors', () => {
    writeFileSync(join(t.home, 'diff.yaml'), BATCH.replace('{a: "1"}', '{a: "changed"}'));
    const r = k.run(['diff', '-f', 'diff.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+  a: changed\n');
    expect(r.stderr).toBe((INVALID + UNKNOWN).replaceAll('batch.yaml', 'diff.yaml'));
  });

  it('wait and delete', () => {
    writeFileSync(join(t.home, 'present.yaml'), BATCH.replace('name: two', 'name: one'));
    expect(k.run(['wait', '--for=create', '-f', 'present.yaml', '--timeout=5s'])).toEqual({
      code: 1,
      stdout: 'configmap/one condition met\nconfigmap/one condition met\nconfigmap/four condition met\n',
      stderr: UNKNOWN.replaceAll('batch.yaml', 'present.yaml'),
    });
    expect(k.run(['delete', '-f', 'batch.yaml'])).toEqual({ code: 1, stdout: 'configmap "one" deleted\nconfigmap "four" deleted\n', stderr: UNKNOWN + MISSING });
  });
});
