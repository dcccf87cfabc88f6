import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { cellText, groupKindOf, multipleKinds, printTable } from '../../../src/printers/table.js';

const now = new Date('2026-01-01T12:00:00Z');
const ts = new Date(now.getTime() - 300_000).toISOString();
const cm = (name: string, ns = 'default', labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, creationTimestamp: ts, labels },
  data: { a: 'b' },
});
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: ts }, status: { phase: 'Active' } });
const widget = (name: string): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default', creationTimestamp: ts } });

describe('printTable', () => {
  it('lays out one kind with upper-case headers and 3-space gutters', () => {
    expect(printTable([cm('a'), cm('bbbbbbbbbbbb')], { now })).toBe(
      'NAME           DATA   AGE\na              1      5m\nbbbbbbbbbbbb   1      5m\n',
    );
  });
  it('prints nothing for no objects', () => {
    expect(printTable([], { now })).toBe('');
  });
  it('one table per kind, kind-prefixed names, a blank line between tables', () => {
    expect(printTable([cm('a'), widget('w')], { now })).toBe(
      'NAME          DATA   AGE\nconfigmap/a   1      5m\n\nNAME                   AGE\nwidget.example.com/w   5m\n',
    );
  });
  it('no blank line between tables with --no-headers', () => {
    expect(printTable([cm('a'), widget('w')], { now, noHeaders: true })).toBe('configmap/a   1     5m\nwidget.example.com/w   5m\n');
  });
  it('objects of one kind are not prefixed', () => {
    expect(printTable([cm('a')], { now }).startsWith('NAME   DATA')).toBe(true);
    expect(printTable([cm('a')], { now, withKind: true })).toContain('configmap/a');
  });
  it('adds NAMESPACE first for namespaced kinds only', () => {
    expect(printTable([cm('a', 'kube-system')], { now, allNamespaces: true })).toBe(
      'NAMESPACE     NAME   DATA   AGE\nkube-system   a      1      5m\n',
    );
    expect(printTable([ns('default')], { now, allNamespaces: true })).toBe('NAME      STATUS   AGE\ndefault   Active   5m\n');
  });
  it('--show-labels and -L columns come last', () => {
    expect(printTable([cm('a', 'default', { 'app.kubernetes.io/name': 'web', tier: 'fe' }), cm('b')], {
      now,
      showLabels: true,
      labelColumns: ['app.kubernetes.io/name'],
    })).toBe(
      'NAME   DATA   AGE   NAME   LABELS\na      1      5m    web    app.kubernetes.io/name=web,tier=fe\nb      1      5m           <none>\n',
    );
  });
  it('sorts rows within each table when asked', () => {
    const out = printTable([cm('b'), cm('a')], { now, sortRows: (xs) => [...xs].sort((x, y) => x.metadata.name.localeCompare(y.metadata.name)) });
    expect(out).toBe('NAME   DATA   AGE\na      1      5m\nb      1      5m\n');
  });
});

describe('cells and names', () => {
  it('cuts a cell at its first line break', () => {
    expect(cellText('line one\nline two')).toBe('line one...');
    expect(cellText('a\rb')).toBe('a...');
    expect(cellText('esc\x1b[0m')).toBe('esc^[[0m');
  });
  it('groupKindOf and multipleKinds', () => {
    expect(groupKindOf({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('deployment.apps');
    expect(groupKindOf({ apiVersion: 'v1', kind: 'Pod' })).toBe('pod');
    expect(multipleKinds([cm('a'), cm('b')])).toBe(false);
    expect(multipleKinds([cm('a'), widget('b')])).toBe(true);
  });
});
