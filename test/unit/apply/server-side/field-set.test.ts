import { describe, expect, it } from 'vitest';
import { FieldSet, pathToString, serializePathElement, type Path } from '../../../../src/apply/server-side/field-set.js';
import { typeOfKind } from '../../../../src/apply/server-side/schema.js';
import { toFieldSet } from '../../../../src/apply/server-side/typed.js';

describe('path elements (FieldsV1 keys)', () => {
  it.each([
    [{ f: 'spec' }, 'f:spec'],
    [{ f: 'kubectl.kubernetes.io/last-applied-configuration' }, 'f:kubectl.kubernetes.io/last-applied-configuration'],
    [{ k: [['name', 'web']] as [string, unknown][] }, 'k:{"name":"web"}'],
    [{ k: [['containerPort', 80], ['protocol', 'TCP']] as [string, unknown][] }, 'k:{"containerPort":80,"protocol":"TCP"}'],
    [{ v: 'example.com/finalizer' }, 'v:"example.com/finalizer"'],
    [{ v: '<a&b>' }, 'v:"\\u003ca\\u0026b\\u003e"'],
    [{ i: 3 }, 'i:3'],
  ])('%j -> %s', (pe, s) => {
    expect(serializePathElement(pe)).toBe(s);
  });

  it.each<[Path, string]>([
    [[{ f: 'spec' }, { f: 'replicas' }], '.spec.replicas'],
    [[{ f: 'spec' }, { f: 'containers' }, { k: [['name', 'web']] }, { f: 'image' }], '.spec.containers[name="web"].image'],
    [[{ f: 'ports' }, { k: [['containerPort', 80], ['protocol', 'TCP']] }], '.ports[containerPort=80,protocol="TCP"]'],
    [[{ f: 'metadata' }, { f: 'finalizers' }, { v: 'a' }], '.metadata.finalizers[=a]'.replace('=a', '="a"')],
    [[{ f: 'args' }, { i: 0 }], '.args[0]'],
  ])('path %j prints as %s', (p, s) => {
    expect(pathToString(p)).toBe(s);
  });
});

// managedFields[].fieldsV1 of real 1.32 objects (kubectl create / kubectl apply --server-side of the manifest below)
const CREATE_FIELDS = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:progressDeadlineSeconds': {},
    'f:replicas': {},
    'f:revisionHistoryLimit': {},
    'f:selector': {},
    'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"nginx"}': {
            '.': {},
            'f:image': {},
            'f:imagePullPolicy': {},
            'f:name': {},
            'f:resources': {},
            'f:terminationMessagePath': {},
            'f:terminationMessagePolicy': {},
          },
        },
        'f:dnsPolicy': {},
        'f:restartPolicy': {},
        'f:schedulerName': {},
        'f:securityContext': {},
        'f:terminationGracePeriodSeconds': {},
      },
    },
  },
};

describe('FieldsV1 round trip', () => {
  it('decodes and re-encodes real managedFields byte for byte', () => {
    const s = FieldSet.fromFieldsV1(CREATE_FIELDS);
    expect(JSON.stringify(s.toFieldsV1())).toBe(JSON.stringify(CREATE_FIELDS));
    expect(s.has([{ f: 'spec' }, { f: 'replicas' }])).toBe(true);
    expect(s.has([{ f: 'spec' }])).toBe(false);
    expect(s.has([{ f: 'metadata' }, { f: 'labels' }])).toBe(true);
  });

  it('orders members as SMD does: fields, then keys, then values, then indices; keys by value order', () => {
    const s = new FieldSet()
      .insert([{ i: 1 }])
      .insert([{ v: 'b' }])
      .insert([{ k: [['port', 8080]] }])
      .insert([{ k: [['port', 443]] }])
      .insert([{ f: 'z' }])
      .insert([{ f: 'a' }]);
    expect(Object.keys(s.toFieldsV1())).toEqual(['f:a', 'f:z', 'k:{"port":443}', 'k:{"port":8080}', 'v:"b"', 'i:1']);
  });

  it('set algebra: union, intersection, difference are level by level', () => {
    const a = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {}, 'f:paused': {} } });
    const b = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } });
    expect(a.intersection(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(a.difference(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:paused': {} } });
    expect(a.union(b).paths().map(pathToString)).toEqual(['.metadata.labels.x', '.spec.paused', '.spec.replicas']);
  });
});

describe('toFieldSet (the fields an apply configuration owns)', () => {
  const ref = typeOfKind('apps/v1', 'Deployment');
  it('encodes a Deployment configuration as kubectl apply --server-side records it', () => {
    const config = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', labels: { app: 'nginx' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    expect(toFieldSet(config, ref).toFieldsV1()).toEqual({
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('sets and untyped maps', () => {
    const cm = { metadata: { finalizers: ['a/b'] }, data: { k: 'v' } };
    expect(toFieldSet(cm, typeOfKind('v1', 'ConfigMap')).toFieldsV1()).toEqual({
      'f:data': { 'f:k': {} },
      'f:metadata': { 'f:finalizers': { 'v:"a/b"': {} } },
    });
    // a kind without a schema: every map key is a member (`.`), lists are atomic
    expect(toFieldSet({ spec: { a: { b: 1 }, l: [1, 2] } }, typeOfKind('example.com/v1', 'Widget')).toFieldsV1()).toEqual({
      'f:spec': { '.': {}, 'f:a': { '.': {}, 'f:b': {} }, 'f:l': {} },
    });
  });
});
