import { describe, expect, it } from 'vitest';
import {
  computeEndpointSubsets,
  desiredEndpoints,
  findPort,
  shouldPodBeInEndpoints,
  type PodObj,
} from '../../../../src/controllers/endpoints/endpoints.js';
import { pod, service } from './fixtures.js';

const addr = (p: PodObj) => ({
  ip: p.status!.podIP!,
  nodeName: 'node1',
  targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
});

describe('findPort', () => {
  const p = pod('a', { ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
  it.each([
    ['a number is taken as is', { port: 80, targetPort: 9090 }, 9090],
    ['no targetPort: the port', { port: 80 }, 80],
    ['a name resolves to the container port', { port: 80, targetPort: 'http' }, 8080],
    ['a name with another protocol does not resolve', { port: 53, targetPort: 'dns' }, undefined],
    ['the name with its protocol resolves', { port: 53, targetPort: 'dns', protocol: 'UDP' }, 53],
    ['an unknown name does not resolve', { port: 80, targetPort: 'web' }, undefined],
  ])('%s', (_, sp, want) => {
    expect(findPort(p, sp)).toBe(want);
  });
});

describe('shouldPodBeInEndpoints', () => {
  it.each([
    ['running pod with an IP', {}, false, true],
    ['no IP yet', { ip: null }, false, false],
    ['terminating', { deleting: true }, false, false],
    ['terminating, included', { deleting: true }, true, true],
    ['Never + Succeeded', { restartPolicy: 'Never', phase: 'Succeeded' }, false, false],
    ['Never + Failed', { restartPolicy: 'Never', phase: 'Failed' }, false, false],
    ['OnFailure + Failed (will restart)', { restartPolicy: 'OnFailure', phase: 'Failed' }, false, true],
    ['OnFailure + Succeeded', { restartPolicy: 'OnFailure', phase: 'Succeeded' }, false, false],
    ['Always + Failed', { restartPolicy: 'Always', phase: 'Failed' }, false, true],
  ] as const)('%s', (_, o, includeTerminating, want) => {
    expect(shouldPodBeInEndpoints(pod('a', o), includeTerminating)).toBe(want);
  });
});

describe('computeEndpointSubsets', () => {
  it('ready pods in addresses, not-ready ones in notReadyAddresses, the named port resolved', () => {
    const a = pod('a', { ip: '172.17.0.2' });
    const b = pod('b', { ip: '172.17.0.3' });
    const c = pod('c', { ip: '172.17.0.4', ready: false });
    expect(computeEndpointSubsets(service('web'), [c, b, a])).toEqual([
      { addresses: [addr(a), addr(b)], notReadyAddresses: [addr(c)], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    ]);
  });

  it('leaves out terminating pods, pods without IP, pods of other namespaces or labels', () => {
    const pods = [
      pod('gone', { deleting: true }),
      pod('noip', { ip: null }),
      pod('other-ns', { ns: 'other' }),
      pod('other-app', { labels: { app: 'db' } }),
      pod('ok', { ip: '172.17.0.9' }),
    ];
    expect(computeEndpointSubsets(service('web'), pods)).toEqual([{ addresses: [addr(pods[4]!)], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
  });

  it('a named targetPort resolving to different numbers gives one subset per number', () => {
    const a = pod('a', { ip: '172.17.0.2', ports: [{ name: 'http', containerPort: 8080 }] });
    const b = pod('b', { ip: '172.17.0.3', ports: [{ name: 'http', containerPort: 9090 }] });
    expect(computeEndpointSubsets(service('web'), [a, b])).toEqual([
      { addresses: [addr(a)], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr(b)], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  it('a pod without a named port is left out of that port only; addresses offering the same ports are packed together', () => {
    const svc = service('web', {
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9100, targetPort: 'metrics' },
      ],
    });
    const a = pod('a', { ip: '172.17.0.2', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9100 }] });
    const b = pod('b', { ip: '172.17.0.3', ports: [{ name: 'http', containerPort: 8080 }] });
    expect(computeEndpointSubsets(svc, [b, a])).toEqual([
      { addresses: [addr(a), addr(b)], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr(a)], ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }] },
    ]);
  });

  it('packs several ports offered by the same addresses into one subset', () => {
    const svc = service('web', {
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'admin', port: 81, targetPort: 8081 },
      ],
    });
    const a = pod('a', { ip: '172.17.0.2' });
    expect(computeEndpointSubsets(svc, [a])).toEqual([
      {
        addresses: [addr(a)],
        ports: [
          { name: 'admin', port: 8081, protocol: 'TCP' },
          { name: 'http', port: 8080, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('publishNotReadyAddresses puts every pod, terminating ones too, in addresses', () => {
    const a = pod('a', { ip: '172.17.0.2', ready: false });
    const b = pod('b', { ip: '172.17.0.3', deleting: true });
    expect(computeEndpointSubsets(service('web', { publishNotReadyAddresses: true }), [a, b])).toEqual([
      { addresses: [addr(a), addr(b)], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    ]);
  });

  it('a headless Service without ports gets addresses without ports; hostname when the subdomain is the Service', () => {
    const a = pod('a', { ip: '172.17.0.2', hostname: 'a-0', subdomain: 'db' });
    const svc = service('db', { clusterIP: 'None', ports: [] });
    expect(computeEndpointSubsets(svc, [a])).toEqual([{ addresses: [{ ip: '172.17.0.2', hostname: 'a-0', nodeName: 'node1', targetRef: addr(a).targetRef }] }]);
    // not headless, no ports: nothing
    expect(computeEndpointSubsets(service('db', { ports: [] }), [a])).toEqual([]);
  });

  it('gives equal output whatever the order of the pods', () => {
    const pods = ['a', 'b', 'c', 'd'].map((n, i) => pod(n, { ip: `172.17.0.${10 - i}`, ready: i % 2 === 0 }));
    const want = computeEndpointSubsets(service('web'), pods);
    expect(computeEndpointSubsets(service('web'), [...pods].reverse())).toEqual(want);
    expect(computeEndpointSubsets(service('web'), [pods[2]!, pods[0]!, pods[3]!, pods[1]!])).toEqual(want);
    // addresses sorted by IP
    expect(want[0]!.addresses!.map((x) => x.ip)).toEqual(['172.17.0.10', '172.17.0.8']);
  });
});

describe('desiredEndpoints', () => {
  it("carries the Service's labels, the headless and managed-by labels; no subsets field when empty", () => {
    const svc = service('db', { clusterIP: 'None', labels: { tier: 'data' } });
    expect(desiredEndpoints(svc, [])).toEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'db',
        namespace: 'default',
        labels: { tier: 'data', 'service.kubernetes.io/headless': '', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' },
      },
    });
  });
});
