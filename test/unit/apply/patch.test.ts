import { describe, expect, it } from 'vitest';
import { applyEdit, parsePatch, patchObject, toPatchType, type PatchType } from '../../../src/apply/patch.js';
import { readLastApplied, withLastApplied } from '../../../src/apply/last-applied.js';
import { LAST_APPLIED } from '../../../src/api/meta.js';
import type { KubeObject } from '../../../src/api/types.js';
import { UsageError } from '../../../src/util/errors.js';
import { containersOf, deployment, live, names, type Json } from './builders.js';

const current = (): KubeObject =>
  live(
    deployment(
      [
        { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 'envoy:1' },
      ],
      {},
      { labels: { app: 'web', tier: 'fe' } },
    ),
    { replicas: 2 },
  );

describe('patchObject', () => {
  it.each<{ name: string; type: PatchType | undefined; patch: string; check: (o: KubeObject) => void }>([
    {
      name: 'strategic (default): containers merge by name',
      type: undefined,
      patch: '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}',
      check: (o) => {
        expect(containersOf(o)).toEqual([
          { name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] },
          { name: 'side', image: 'envoy:1' },
        ]);
      },
    },
    {
      name: 'strategic accepts YAML',
      type: 'strategic',
      patch: 'spec:\n  replicas: 4\n',
      check: (o) => expect((o.spec as Json).replicas).toBe(4),
    },
    {
      name: 'merge: null removes a label',
      type: 'merge',
      patch: '{"metadata":{"labels":{"tier":null}}}',
      check: (o) => expect(o.metadata.labels).toEqual({ app: 'web' }),
    },
    {
      name: 'merge: removing every label leaves no empty labels map',
      type: 'merge',
      patch: '{"metadata":{"labels":{"tier":null,"app":null}}}',
      check: (o) => expect('labels' in o.metadata).toBe(false),
    },
    {
      name: 'merge: a list is replaced wholesale',
      type: 'merge',
      patch: '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:3"}]}}}}',
      check: (o) => expect(containersOf(o)).toEqual([{ name: 'web', image: 'nginx:3' }]),
    },
    {
      name: 'json: replace by index',
      type: 'json',
      patch: '[{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"envoy:2"}]',
      check: (o) => expect(containersOf(o)[1]).toEqual({ name: 'side', image: 'envoy:2' }),
    },
    {
      name: 'json: a passing test guards a replace',
      type: 'json',
      patch: '[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":3}]',
      check: (o) => expect((o.spec as Json).replicas).toBe(3),
    },
    {
      name: 'json: remove a label (escaped pointer)',
      type: 'json',
      patch: '[{"op":"remove","path":"/metadata/labels/tier"}]',
      check: (o) => expect(o.metadata.labels).toEqual({ app: 'web' }),
    },
  ])('$name', ({ type, patch, check }) => {
    const before = current();
    const { result, changed } = patchObject(before, patch, { type });
    expect(changed).toBe(true);
    check(result);
    expect(result.metadata.resourceVersion).toBe('7');
    expect(before).toEqual(current());
  });

  it.each<{ name: string; type: PatchType; patch: string; message: string }>([
    {
      name: 'a failing test op',
      type: 'json',
      patch: '[{"op":"test","path":"/spec/replicas","value":5},{"op":"replace","path":"/spec/replicas","value":3}]',
      message: 'The request is invalid: testing value /spec/replicas failed: test failed',
    },
    {
      name: 'replace at a missing path',
      type: 'json',
      patch: '[{"op":"replace","path":"/spec/nope","value":1}]',
      message: 'The request is invalid: replace operation does not apply: doc is missing key: /spec/nope: missing value',
    },
    {
      name: 'remove at a missing path',
      type: 'json',
      patch: '[{"op":"remove","path":"/metadata/labels/nope"}]',
      message: "The request is invalid: error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value",
    },
    {
      name: 'add under a missing parent',
      type: 'json',
      patch: '[{"op":"add","path":"/spec/a/b","value":1}]',
      message: 'The request is invalid: add operation does not apply: doc is missing path: "/spec/a/b": missing value',
    },
    {
      name: 'an unknown op',
      type: 'json',
      patch: '[{"op":"frob","path":"/spec"}]',
      message: 'The request is invalid: Unexpected kind: frob: unknown object type',
    },
    {
      name: 'a JSON patch that is not a list',
      type: 'json',
      patch: '{"op":"add"}',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    },
    {
      name: 'unparsable text',
      type: 'merge',
      patch: '{"spec": [',
      message: 'unable to parse "{\\"spec\\": [":',
    },
    {
      name: 'a strategic element without merge key',
      type: 'strategic',
      patch: '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}',
      message: 'does not contain declared merge key: name',
    },
  ])('fails clearly on $name', ({ type, patch, message }) => {
    expect(() => patchObject(current(), patch, { type })).toThrow(message);
  });

  it.each<{ name: string; type: PatchType; patch: string; message: string }>([
    {
      name: 'name (merge)',
      type: 'merge',
      patch: '{"metadata":{"name":"other"}}',
      message: 'the name of the object (other) does not match the name on the URL (web)',
    },
    {
      name: 'namespace (strategic)',
      type: 'strategic',
      patch: '{"metadata":{"namespace":"prod"}}',
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    },
    {
      name: 'kind (json)',
      type: 'json',
      patch: '[{"op":"replace","path":"/kind","value":"StatefulSet"}]',
      message: 'Deployment "web" is invalid: kind: Invalid value: "StatefulSet": field is immutable',
    },
    {
      name: 'apiVersion (merge)',
      type: 'merge',
      patch: '{"apiVersion":"apps/v2"}',
      message: 'Deployment "web" is invalid: apiVersion: Invalid value: "apps/v2": field is immutable',
    },
    {
      name: 'uid (merge)',
      type: 'merge',
      patch: '{"metadata":{"uid":"x"}}',
      message: 'Precondition failed: UID in precondition: uid-1, UID in object meta: x',
    },
    {
      name: 'the whole document (merge patch that is not an object)',
      type: 'merge',
      patch: '[1]',
      message: 'the patched object is not a JSON object',
    },
  ])('refuses a patch that changes the $name', ({ type, patch, message }) => {
    expect(() => patchObject(current(), patch, { type })).toThrow(message);
  });

  it('a no-op patch reports no change ("patched (no change)")', () => {
    const { changed, result } = patchObject(current(), { metadata: { labels: { app: 'web' } } });
    expect(changed).toBe(false);
    expect(result).toEqual(current());
  });

  it('server-owned metadata cannot be cleared; a stale resourceVersion conflicts', () => {
    const { result, changed } = patchObject(current(), '{"metadata":{"generation":null,"creationTimestamp":null}}', { type: 'merge' });
    expect(changed).toBe(false);
    expect(result.metadata.generation).toBe(1);
    expect(() => patchObject(current(), '{"metadata":{"resourceVersion":"1"},"spec":{"replicas":9}}')).toThrow(
      'Operation cannot be fulfilled on deployments.apps "web"',
    );
  });

  it('status is ignored on the main resource and is all that --subresource status changes', () => {
    const main = patchObject(current(), '{"status":{"replicas":9},"spec":{"replicas":9}}', { type: 'merge' });
    expect(main.result.status).toEqual(current().status);
    expect((main.result.spec as Json).replicas).toBe(9);
    const sub = patchObject(current(), '{"status":{"replicas":9},"spec":{"replicas":9}}', { type: 'merge', subresource: 'status' });
    expect((sub.result.status as Json).replicas).toBe(9);
    expect((sub.result.spec as Json).replicas).toBe(2);
  });

  it('strategic patches are refused for kinds without merge metadata', () => {
    const widget = { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { a: 1 } } as KubeObject;
    expect(() => patchObject(widget, '{"spec":{"a":2}}')).toThrow(/the body of the request was in an unknown format/);
    expect(patchObject(widget, '{"spec":{"a":2}}', { type: 'merge' }).result.spec).toEqual({ a: 2 });
  });
});

describe('toPatchType / parsePatch', () => {
  it.each<[string | undefined, PatchType]>([
    [undefined, 'strategic'],
    ['json', 'json'],
    ['Merge', 'merge'],
    ['STRATEGIC', 'strategic'],
  ])('--type %s → %s', (arg, want) => {
    expect(toPatchType(arg)).toBe(want);
  });

  it('rejects an unknown --type as a usage error', () => {
    expect(() => toPatchType('apply')).toThrow(UsageError);
    expect(() => toPatchType('apply')).toThrow('--type must be one of [json merge strategic], not "apply"');
  });

  it.each<[string, unknown]>([
    ['{"a":1}', { a: 1 }],
    ['a: 1', { a: 1 }],
    ['[{"op":"remove","path":"/a"}]', [{ op: 'remove', path: '/a' }]],
    ['a: yes', { a: true }],
  ])('parses %s', (text, want) => {
    expect(parsePatch(text)).toEqual(want);
  });
});

describe('applyEdit', () => {
  const shownOf = (o: KubeObject): KubeObject => structuredClone(o);

  it('no change → not changed ("Edit cancelled, no changes made.")', () => {
    const cur = current();
    expect(applyEdit(cur, shownOf(cur), shownOf(cur)).changed).toBe(false);
  });

  it('applies the user edit and keeps a concurrent change to another field', () => {
    const cur = current();
    const shown = shownOf(cur);
    const edited = shownOf(cur);
    containersOf(edited)[0]!.image = 'nginx:edited';
    const concurrent = shownOf(cur);
    (concurrent.spec as Json).replicas = 7;
    const { result, changed } = applyEdit(concurrent, shown, edited);
    expect(changed).toBe(true);
    expect(containersOf(result)[0]!.image).toBe('nginx:edited');
    expect((result.spec as Json).replicas).toBe(7);
  });

  it('removing a container in the editor removes it', () => {
    const cur = current();
    const edited = shownOf(cur);
    containersOf(edited).splice(1, 1);
    expect(names(containersOf(applyEdit(cur, shownOf(cur), edited).result))).toEqual(['web']);
  });

  it('re-stamps an existing last-applied annotation; --save-config creates it', () => {
    const cur = withLastApplied(current());
    const edited = shownOf(cur);
    containersOf(edited)[0]!.image = 'nginx:edited';
    const stamped = applyEdit(cur, shownOf(cur), edited).result;
    expect(containersOf(readLastApplied(stamped))[0]!.image).toBe('nginx:edited');

    const bare = current();
    const e2 = shownOf(bare);
    (e2.spec as Json).replicas = 3;
    expect(applyEdit(bare, shownOf(bare), e2).result.metadata.annotations?.[LAST_APPLIED]).toBeUndefined();
    expect(applyEdit(bare, shownOf(bare), e2, { saveConfig: true }).result.metadata.annotations?.[LAST_APPLIED]).toBeDefined();
  });

  it.each<[string, (o: KubeObject) => void]>([
    ['name', (o) => (o.metadata.name = 'other')],
    ['kind', (o) => (o.kind = 'StatefulSet')],
    ['apiVersion', (o) => (o.apiVersion = 'apps/v2')],
  ])('refuses a changed %s', (_n, mutate) => {
    const cur = current();
    const edited = shownOf(cur);
    mutate(edited);
    expect(() => applyEdit(cur, shownOf(cur), edited)).toThrow('At least one of apiVersion, kind and name was changed');
  });

  it('deleting the labels map in the editor removes the labels', () => {
    const cur = current();
    const edited = shownOf(cur);
    delete edited.metadata.labels;
    expect(applyEdit(cur, shownOf(cur), edited).result.metadata.labels).toBeUndefined();
  });
});
