process.env.TZ = 'UTC';
import { describe as group, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { colorizeDescribe, describe, eventsFor, formatRFC1123Z, joinDescriptions, smartLabelFor } from '../../../src/printers/describe/index.js';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (sec: number): string => new Date(now.getTime() - sec * 1000).toISOString();
const k = (kind: string, name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: ago(3600), ...meta }, ...rest }) as KubeObject;
const event = (name: string, involved: KubeObject, fields: Record<string, unknown>): KubeObject =>
  k('Event', name, {
    involvedObject: { kind: involved.kind, name: involved.metadata.name, namespace: involved.metadata.namespace, uid: involved.metadata.uid },
    type: 'Normal',
    source: { component: 'kctl' },
    ...fields,
  });

group('describe', () => {
  it('never prints secret values, only sizes (not even service-account tokens)', () => {
    const s = k('Secret', 'tok', { type: 'kubernetes.io/service-account-token', data: { token: Buffer.from('sekrit-token').toString('base64'), 'ca.crt': Buffer.from('abc').toString('base64') } });
    const out = describe(s, {}, now);
    expect(out).not.toContain('sekrit-token');
    expect(out).toContain('Type:  kubernetes.io/service-account-token\n\nData\n====\nca.crt:  3 bytes\ntoken:   12 bytes\n');
  });

  it('lists an object\'s events oldest first with repeat counts, aligned on their own', () => {
    const cm = k('ConfigMap', 'cfg', { data: { a: '1' } });
    const events = [
      event('e2', cm, { reason: 'Second', message: 'later', lastTimestamp: ago(60), firstTimestamp: ago(600), count: 4 }),
      event('e1', cm, { reason: 'First', message: 'earlier', lastTimestamp: ago(1200), firstTimestamp: ago(1200), count: 1 }),
      event('e3', cm, { reason: 'Series', type: 'Warning', message: '  trimmed  ', eventTime: ago(900), series: { count: 2, lastObservedTime: ago(30) } }),
      event('other', k('ConfigMap', 'other'), { reason: 'NotMine', lastTimestamp: ago(10) }),
    ];
    const out = describe(cm, { events }, now);
    expect(out.slice(out.indexOf('Events:'))).toBe(
      'Events:\n' +
        '  Type     Reason  Age                From  Message\n' +
        '  ----     ------  ----               ----  -------\n' +
        '  Normal   First   20m                kctl  earlier\n' +
        '  Normal   Second  60s (x4 over 10m)  kctl  later\n' +
        '  Warning  Series  30s (x2 over 15m)  kctl  trimmed\n',
    );
    expect(out).not.toContain('NotMine');
    expect(describe(cm, { events }, now, { showEvents: false })).not.toContain('Events:');
  });

  it('eventsFor matches name, namespace, kind and uid (any kind for pods)', () => {
    const pod = k('Pod', 'web');
    const evs = [
      event('a', pod, {}),
      k('Event', 'b', { involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'old-uid' } }),
      k('Event', 'c', { involvedObject: { kind: 'Deployment', name: 'web', namespace: 'default', uid: 'uid-web' } }),
      k('Event', 'd', { involvedObject: { kind: 'Pod', name: 'web', namespace: 'other', uid: 'uid-web' } }),
    ];
    expect(eventsFor(pod, evs).map((e) => e.metadata.name)).toEqual(['a']);
    expect(eventsFor(pod, evs, true).map((e) => e.metadata.name)).toEqual(['a', 'c']);
  });

  it('Service Endpoints fall back to the Endpoints object when no slices are given', () => {
    const svc = k('Service', 'web', { spec: { type: 'ClusterIP', clusterIP: '10.0.0.9', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] } });
    const ep = k('Endpoints', 'web', { subsets: [{ addresses: [{ ip: '10.1.0.1' }], ports: [{ name: 'http', port: 8080 }] }] });
    expect(describe(svc, { endpoints: ep }, now)).toContain('Endpoints:         10.1.0.1:8080\n');
    expect(describe(svc, {}, now)).toContain('Endpoints:         <none>\n');
  });

  it('Deployment without ReplicaSets has no OldReplicaSets/NewReplicaSet lines', () => {
    const d = k('Deployment', 'web', { spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'Recreate' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, { apiVersion: 'apps/v1' });
    const out = describe(d, { replicaSets: [] }, now);
    expect(out).toContain('Replicas:           2 desired | 0 updated | 0 total | 0 available | 0 unavailable\n');
    expect(out).not.toContain('NewReplicaSet');
  });

  it('unknown kinds use the generic describer', () => {
    const w = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default', uid: 'u1', labels: { a: 'b' } }, spec: { sizeGB: 3, enabled: true, tags: ['x', 'y'], url: 'http://x' } } as KubeObject;
    expect(describe(w, {}, now)).toBe(
      'Name:         w\nNamespace:    default\nLabels:       a=b\nAnnotations:  <none>\nAPI Version:  example.com/v1\nKind:         Widget\nMetadata:\n  UID:  u1\nSpec:\n  Enabled:  true\n  Size GB:  3\n  Tags:\n    x\n    y\n  URL:   http://x\nEvents:  <none>\n',
    );
  });

  it.each<[string, string]>([
    ['apiVersion', 'API Version'],
    ['creationTimestamp', 'Creation Timestamp'],
    ['ownerReferences', 'Owner References'],
    ['podIP', 'Pod IP'],
    ['HTTPServer', 'HTTP Server'],
    ['uid', 'UID'],
    ['v1', 'v1'],
    ['$patch', '$patch'],
    ['max-surge', 'Max - Surge'],
  ])('smartLabelFor(%j) = %j', (f, want) => expect(smartLabelFor(f)).toBe(want));

  it('prints times as RFC1123Z in the local zone, the zero time when missing', () => {
    expect(formatRFC1123Z('2026-01-02T03:04:05Z')).toBe('Fri, 02 Jan 2026 03:04:05 +0000');
    expect(formatRFC1123Z(undefined)).toBe('Mon, 01 Jan 0001 00:00:00 +0000');
  });

  it('joins several descriptions with a blank line, as kubectl does', () => {
    expect(joinDescriptions(['a\n', 'b\n'])).toBe('a\n\n\nb\n');
  });

  it('colour is opt-in emphasis of field names', async () => {
    const out = await colorizeDescribe('Name:  web\nLabels:  <none>\n');
    expect(out).toBe('\u001b[1mName:\u001b[22m  web\n\u001b[1mLabels:\u001b[22m  <none>\n');
  });
});
