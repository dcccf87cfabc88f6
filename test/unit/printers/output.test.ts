import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { KctlError } from '../../../src/util/errors.js';
import { noResourcesMessage, parseOutputFlag, printObjects } from '../../../src/printers/output.js';

const now = new Date('2026-01-01T12:00:00Z');
const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T11:00:00Z' },
    spec: { containers: [{ name: 'c', image: `img-${name}` }] },
    ...extra,
  }) as KubeObject;

const ALLOWED =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

describe('parseOutputFlag', () => {
  it.each<[string | undefined, unknown]>([
    [undefined, { format: 'table' }],
    ['', { format: 'table' }],
    ['wide', { format: 'wide' }],
    ['json', { format: 'json' }],
    ['JSON', { format: 'json' }],
    ['Yaml', { format: 'yaml' }],
    ['NAME', { format: 'name' }],
    ['jsonpath={.a}', { format: 'jsonpath', arg: '{.a}' }],
    ['jsonpath=.kind', { format: 'jsonpath', arg: '.kind' }],
    ['jsonpath-as-json={.a}', { format: 'jsonpath-as-json', arg: '{.a}' }],
    ['jsonpath-file=t.txt', { format: 'jsonpath-file', arg: 't.txt' }],
    ['custom-columns=A:.a', { format: 'custom-columns', arg: 'A:.a' }],
    ['custom-columns-file=c.txt', { format: 'custom-columns-file', arg: 'c.txt' }],
    ['go-template={{.kind}}', { format: 'go-template', arg: '{{.kind}}' }],
  ])('%j', (flag, want) => expect(parseOutputFlag(flag)).toEqual(want));

  it.each(['foo', 'WIDE', 'JSONPATH={.a}', 'json=x', 'custom-columns', 'custom-columns='])('rejects %j as kubectl does', (flag) => {
    expect(() => parseOutputFlag(flag)).toThrow(
      `unable to match a printer suitable for the output format "${flag}", allowed formats are: ${ALLOWED}`,
    );
  });
  it.each(['jsonpath', 'jsonpath=', 'go-template='])('%j needs a template', (flag) => {
    expect(() => parseOutputFlag(flag)).toThrow('template format specified but no template given');
  });
  it('throws coded errors', () => {
    expect(() => parseOutputFlag('foo')).toThrow(KctlError);
  });
});

describe('printObjects', () => {
  it('-o json: a listing is a List even with one item; a named object is itself', async () => {
    const list = await printObjects([pod('a')], { output: 'json', now });
    expect(JSON.parse(list)).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [{ metadata: { name: 'a' } }] });
    expect(list.startsWith('{\n    "apiVersion": "v1",\n    "items": [\n        {\n')).toBe(true);
    const one = await printObjects(pod('a'), { output: 'json', now });
    expect(JSON.parse(one).kind).toBe('Pod');
    expect(one.endsWith('}\n')).toBe(true);
  });
  it('-o json escapes like Go and sorts keys', async () => {
    const out = await printObjects(pod('a', { zeta: '<b>&', alpha: 1 }), { output: 'json', now });
    expect(out).toContain('"zeta": "\\u003cb\\u003e\\u0026"');
    expect(out.indexOf('"alpha"')).toBeLessThan(out.indexOf('"apiVersion"'));
  });
  it('-o yaml wraps several objects in a List', async () => {
    const out = await printObjects([pod('a'), pod('b')], { output: 'yaml', now });
    expect(out.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n')).toBe(true);
    expect(out.endsWith('kind: List\nmetadata:\n  resourceVersion: ""\n')).toBe(true);
  });
  it('-o json/yaml drop metadata.managedFields unless asked', async () => {
    const p = pod('a');
    p.metadata.managedFields = [{ manager: 'kctl', operation: 'Apply' }];
    expect(await printObjects([p], { output: 'yaml', now })).not.toContain('managedFields');
    expect(await printObjects(p, { output: 'json', now })).not.toContain('managedFields');
    expect(await printObjects(p, { output: 'yaml', now, showManagedFields: true })).toContain('managedFields:\n  - manager: kctl');
    expect(p.metadata.managedFields).toHaveLength(1);
  });
  it('-o yaml keeps stored key order when asked', async () => {
    const out = await printObjects(pod('a'), { output: 'yaml', now, sortKeys: false });
    expect(out.startsWith('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n')).toBe(true);
  });
  it('eachObject prints objects one by one, as apply/create -o do', async () => {
    const y = await printObjects([pod('a'), pod('b')], { output: 'yaml', now, eachObject: true });
    expect(y.match(/^kind: Pod$/gm)).toHaveLength(2);
    expect(y).toContain('\n---\napiVersion: v1\n');
    expect(y.startsWith('apiVersion: v1\nkind: Pod\n')).toBe(true);
    const j = await printObjects([pod('a'), pod('b')], { output: 'json', now, eachObject: true });
    expect(j.split('\n}\n{\n')).toHaveLength(2);
    expect(await printObjects([pod('a'), pod('b')], { output: 'name', now, eachObject: true })).toBe('pod/a\npod/b\n');
  });
  it('-o name', async () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } } as KubeObject;
    expect(await printObjects([pod('x'), d], { output: 'name', now })).toBe('pod/x\ndeployment.apps/web\n');
  });
  it('-o jsonpath sees the List for a listing, the object for a named one', async () => {
    expect(await printObjects([pod('a'), pod('b')], { output: 'jsonpath={.items[*].metadata.name}', now })).toBe('a b');
    expect(await printObjects([pod('a')], { output: 'jsonpath={.metadata.name}', now })).toBe('');
    expect(await printObjects(pod('a'), { output: 'jsonpath={.metadata.name}', now })).toBe('a');
  });
  it('jsonpath errors are kubectl one-liners', async () => {
    await expect(printObjects(pod('a'), { output: 'jsonpath={.metadata.name', now })).rejects.toThrow(
      'error parsing jsonpath {.metadata.name, unclosed action',
    );
    await expect(printObjects(pod('a'), { output: 'jsonpath={.foo}', now, allowMissingTemplateKeys: false })).rejects.toThrow(
      'error executing jsonpath "{.foo}": foo is not found',
    );
    expect(await printObjects(pod('a'), { output: 'jsonpath={.foo}', now })).toBe('');
  });
  it('jsonpath-file and custom-columns-file read through the injected reader', async () => {
    const files: Record<string, string> = { 't.txt': '{.metadata.name}{"\\n"}', 'c.txt': 'NAME   IMAGE\n.metadata.name   {.spec.containers[*].image}\n' };
    const readFile = (p: string): string => {
      if (!(p in files)) throw new Error(`open ${p}: no such file or directory`);
      return files[p]!;
    };
    expect(await printObjects(pod('a'), { output: 'jsonpath-file=t.txt', now, readFile })).toBe('a\n');
    expect(await printObjects([pod('a')], { output: 'custom-columns-file=c.txt', now, readFile })).toBe('NAME   IMAGE\na      img-a\n');
    await expect(printObjects(pod('a'), { output: 'jsonpath-file=nope', now, readFile })).rejects.toThrow(
      'error reading --template nope, open nope: no such file or directory',
    );
  });
  it('custom-columns: headers as given, <none> for missing fields, Go %v for maps', async () => {
    const out = await printObjects([pod('a', { status: { phase: 'Running' } }), pod('b')], {
      output: 'custom-columns=Name:metadata.name,Phase:{.status.phase},Spec:.spec',
      now,
    });
    expect(out).toBe('Name   Phase     Spec\na      Running   map[containers:[map[image:img-a name:c]]]\nb      <none>    map[containers:[map[image:img-b name:c]]]\n');
  });
  it('custom-columns spec errors', async () => {
    await expect(printObjects([pod('a')], { output: 'custom-columns=NAME', now })).rejects.toThrow(
      'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>',
    );
    await expect(printObjects([pod('a')], { output: 'custom-columns=A:{a}{b}', now })).rejects.toThrow(/unexpected path string/);
  });
  it('--sort-by orders a listing (missing values first) and fails when no object has the field', async () => {
    const objs = [pod('b', { status: { podIP: '10.0.0.5' } }), pod('a'), pod('c', { status: { podIP: '10.0.0.11' } })];
    expect(await printObjects(objs, { output: 'name', sortBy: '.status.podIP', now })).toBe('pod/a\npod/c\npod/b\n');
    await expect(printObjects(objs, { output: 'name', sortBy: '.spec.nothing', now })).rejects.toThrow(
      'couldn\'t find any field with path "{.spec.nothing}" in the list of objects',
    );
    // kubectl v1.32 fails on a table sort by a missing field too: it prints nothing (kubernetes/kubectl#1343); kctl errors
    await expect(printObjects(objs, { sortBy: '.spec.nothing', now })).rejects.toThrow(/couldn't find any field/);
  });
  it('--sort-by sorts each kind\'s table on its own', async () => {
    const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } }) as KubeObject;
    const out = await printObjects([cm('z'), cm('y'), pod('b'), pod('a')], { sortBy: '{.metadata.name}', now, noHeaders: true });
    expect(out.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['configmap/y', 'configmap/z', 'pod/a', 'pod/b', '']);
  });
  it('go-template is accepted by the flag but not printed', async () => {
    await expect(printObjects([pod('a')], { output: 'go-template={{.kind}}', now })).rejects.toThrow(/not supported by kctl/);
  });
  it('noResourcesMessage', () => {
    expect(noResourcesMessage('default', false)).toBe('No resources found in default namespace.\n');
    expect(noResourcesMessage('default', true)).toBe('No resources found\n');
    expect(noResourcesMessage(undefined, false)).toBe('No resources found\n');
  });
});
