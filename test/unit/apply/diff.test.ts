import { describe, expect, it } from 'vitest';
import { diffFileName, diffTimestamp, diffYaml, unifiedDiff } from '../../../src/apply/diff.js';
import type { KubeObject } from '../../../src/api/types.js';

const T = new Date(Date.UTC(2024, 4, 1, 12, 30, 5, 250));

const cm = (data: Record<string, string>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: 'default', uid: 'u1', resourceVersion: '10', ...metadata },
    data,
  }) as KubeObject;

const dep = (image: string, metadata: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', generation: 3, resourceVersion: '42', ...metadata },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] } } },
  }) as KubeObject;

describe('unifiedDiff (kctl diff)', () => {
  it('a changed value, with headers like kubectl diff', () => {
    const out = unifiedDiff(cm({ a: '1', b: '2' }), cm({ a: '1', b: '3' }), {
      name: 'v1.ConfigMap.default.cfg',
      liveDir: '/tmp/LIVE-123',
      mergedDir: '/tmp/MERGED-456',
      time: T,
    });
    expect(out).toBe(
      [
        'diff -u -N /tmp/LIVE-123/v1.ConfigMap.default.cfg /tmp/MERGED-456/v1.ConfigMap.default.cfg',
        '--- /tmp/LIVE-123/v1.ConfigMap.default.cfg\t2024-05-01 12:30:05.250000000 +0000',
        '+++ /tmp/MERGED-456/v1.ConfigMap.default.cfg\t2024-05-01 12:30:05.250000000 +0000',
        '@@ -1,7 +1,7 @@',
        ' apiVersion: v1',
        ' data:',
        '   a: "1"',
        '-  b: "2"',
        '+  b: "3"',
        ' kind: ConfigMap',
        ' metadata:',
        '   name: cfg',
        '',
      ].join('\n'),
    );
  });

  it('a Deployment image change shows the generation bump the server would make', () => {
    const out = unifiedDiff(dep('nginx:1'), dep('nginx:2'), { name: 'apps.v1.Deployment.default.web' });
    expect(out).toBe(
      [
        'diff -u -N /tmp/LIVE-0/apps.v1.Deployment.default.web /tmp/MERGED-0/apps.v1.Deployment.default.web',
        '--- /tmp/LIVE-0/apps.v1.Deployment.default.web',
        '+++ /tmp/MERGED-0/apps.v1.Deployment.default.web',
        '@@ -1,7 +1,7 @@',
        ' apiVersion: apps/v1',
        ' kind: Deployment',
        ' metadata:',
        '-  generation: 3',
        '+  generation: 4',
        '   name: web',
        '   namespace: default',
        '   resourceVersion: "42"',
        '@@ -10,7 +10,7 @@',
        '   template:',
        '     spec:',
        '       containers:',
        '-      - image: nginx:1',
        '+      - image: nginx:2',
        '         name: web',
        '         ports:',
        '         - containerPort: 80',
        '',
      ].join('\n'),
    );
  });

  it('a new object: all lines added, the missing live file dated at the epoch (diff -N)', () => {
    const out = unifiedDiff(undefined, cm({ a: '1' }, { uid: undefined, resourceVersion: undefined }), {
      name: 'v1.ConfigMap.default.cfg',
      time: T,
    });
    expect(out).toBe(
      [
        'diff -u -N /tmp/LIVE-0/v1.ConfigMap.default.cfg /tmp/MERGED-0/v1.ConfigMap.default.cfg',
        '--- /tmp/LIVE-0/v1.ConfigMap.default.cfg\t1970-01-01 00:00:00.000000000 +0000',
        '+++ /tmp/MERGED-0/v1.ConfigMap.default.cfg\t2024-05-01 12:30:05.250000000 +0000',
        '@@ -0,0 +1,7 @@',
        '+apiVersion: v1',
        '+data:',
        '+  a: "1"',
        '+kind: ConfigMap',
        '+metadata:',
        '+  name: cfg',
        '+  namespace: default',
        '',
      ].join('\n'),
    );
  });

  it('a pruned object: all lines removed', () => {
    const out = unifiedDiff(cm({ a: '1' }), undefined, { name: 'v1.ConfigMap.default.cfg' });
    expect(out.split('\n').slice(3, 5)).toEqual(['@@ -1,9 +0,0 @@', '-apiVersion: v1']);
  });

  it.each<[string, KubeObject, KubeObject]>([
    ['identical objects', dep('nginx:1'), dep('nginx:1')],
    [
      'only managedFields differ',
      dep('nginx:1', { managedFields: [{ manager: 'kubectl' }] }),
      dep('nginx:1', { managedFields: [{ manager: 'kctl', operation: 'Update' }] }),
    ],
    ['only the resourceVersion differs (a dry run does not write)', dep('nginx:1'), dep('nginx:1', { resourceVersion: '43' })],
  ])('no difference → empty output: %s', (_n, a, b) => {
    expect(unifiedDiff(a, b, { name: 'x' })).toBe('');
  });

  it('does not mutate its inputs', () => {
    const a = dep('nginx:1', { managedFields: [{ manager: 'm' }] });
    const b = dep('nginx:2');
    const copies = structuredClone([a, b]);
    unifiedDiff(a, b, { name: 'x' });
    expect([a, b]).toEqual(copies);
  });
});

describe('diffFileName', () => {
  it.each<[string, KubeObject]>([
    ['apps.v1.Deployment.default.web', dep('x')],
    ['v1.ConfigMap.default.cfg', cm({})],
    ['v1.Namespace..dev', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } } as KubeObject],
    [
      'batch.v1.CronJob.jobs.nightly',
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'jobs' } } as KubeObject,
    ],
  ])('%s', (want, obj) => {
    expect(diffFileName(obj)).toBe(want);
  });
});

describe('diffYaml', () => {
  it('sorts keys, does not indent block lists, quotes ambiguous strings, keeps block scalars', () => {
    expect(
      diffYaml({
        kind: 'X',
        metadata: { name: 'web', annotations: { z: 'yes', a: '{"j":1}\n' } },
        spec: { ports: [{ port: 80, name: 'http' }], flag: 'true', when: '2024-01-01T00:00:00Z', empty: {} },
      }),
    ).toBe(
      [
        'kind: X',
        'metadata:',
        '  annotations:',
        '    a: |',
        '      {"j":1}',
        '    z: "yes"',
        '  name: web',
        'spec:',
        '  empty: {}',
        '  flag: "true"',
        '  ports:',
        '  - name: http',
        '    port: 80',
        '  when: "2024-01-01T00:00:00Z"',
        '',
      ].join('\n'),
    );
  });

  it('diffTimestamp prints GNU diff style in UTC', () => {
    expect(diffTimestamp(new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 7)))).toBe('2023-12-31 23:59:59.007000000 +0000');
  });
});
