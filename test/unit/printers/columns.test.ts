import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { columnsFor, formatEndpoints, makePortString, podCells, serviceExternalIP } from '../../../src/printers/columns.js';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (sec: number): string => new Date(now.getTime() - sec * 1000).toISOString();
const obj = (kind: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(600), ...meta }, ...rest }) as KubeObject;
const cells = (o: KubeObject, wide = false): Record<string, string> =>
  Object.fromEntries(columnsFor(o.kind).filter((c) => wide || !c.wide).map((c) => [c.name, c.get(o, { now })]));

const running = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ready: true,
  restartCount: 0,
  started: true,
  state: { running: { startedAt: ago(500) } },
  ...extra,
});
const pod = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject =>
  obj('Pod', { spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec }, status }, meta);

describe('printPod: READY, STATUS, RESTARTS', () => {
  it.each<[string, KubeObject, string, string, string]>([
    ['running', pod({}, { phase: 'Running', containerStatuses: [running('app')] }), '1/1', 'Running', '0'],
    ['pending, no status', pod({}, { phase: 'Pending' }), '0/1', 'Pending', '0'],
    ['phase missing', pod({}, {}), '0/1', '', '0'],
    ['status reason wins over phase', pod({}, { phase: 'Failed', reason: 'Evicted' }), '0/1', 'Evicted', '0'],
    [
      'crash loop with restarts and age of the last one',
      pod({}, {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(150) } } },
        ],
      }),
      '0/1',
      'CrashLoopBackOff',
      '4 (2m30s ago)',
    ],
    [
      'terminated without reason, by signal',
      pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      '0/1',
      'Signal:9',
      '0',
    ],
    [
      'completed',
      pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      '0/1',
      'Completed',
      '0',
    ],
    [
      'completed container while another still runs, pod not ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [running('a'), { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      ),
      '1/2',
      'NotReady',
      '0',
    ],
    [
      'first init container running',
      pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, state: { running: {} } }] }),
      '0/1',
      'Init:0/2',
      '0',
    ],
    [
      'second init container waiting',
      pod(
        { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i1', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } },
            { name: 'i2', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
      ),
      '0/1',
      'Init:1/2',
      '0',
    ],
    [
      'init container image pull failure',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } }] }),
      '0/1',
      'Init:ErrImagePull',
      '0',
    ],
    [
      'init container failed by exit code',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 1, state: { terminated: { exitCode: 3 } } }] }),
      '0/1',
      'Init:ExitCode:3',
      '1',
    ],
    [
      'restartable init container counts as a container',
      pod(
        { initContainers: [{ name: 'side', restartPolicy: 'Always' }] },
        { phase: 'Running', initContainerStatuses: [{ ...running('side'), started: true }], containerStatuses: [running('app')] },
      ),
      '2/2',
      'Running',
      '0',
    ],
    [
      'scheduling gated',
      pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      '0/1',
      'SchedulingGated',
      '0',
    ],
    ['terminating', pod({}, { phase: 'Running', containerStatuses: [running('app')] }, { deletionTimestamp: ago(5) }), '1/1', 'Terminating', '0'],
    ['terminating but already succeeded', pod({}, { phase: 'Succeeded' }, { deletionTimestamp: ago(5) }), '0/1', 'Succeeded', '0'],
    ['node lost', pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(5) }), '0/1', 'Unknown', '0'],
  ])('%s', (_name, p, ready, status, restarts) => {
    expect(podCells(p, now)).toEqual({ ready, status, restarts });
  });

  it('wide columns: IP, NODE, NOMINATED NODE, READINESS GATES', () => {
    const p = pod(
      { nodeName: 'n1', readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] },
      { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'a', status: 'True' }] },
    );
    expect(cells(p, true)).toMatchObject({ IP: '10.0.0.1', NODE: 'n1', 'NOMINATED NODE': '<none>', 'READINESS GATES': '1/2' });
    expect(cells(pod({}, {}), true)).toMatchObject({ IP: '<none>', NODE: '<none>', 'READINESS GATES': '<none>' });
  });
});

describe('workload columns', () => {
  it('Deployment: READY ready/desired, wide selector with expressions', () => {
    const d = obj('Deployment', {
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
        template: { spec: { containers: [{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }] } },
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    expect(cells(d, true)).toEqual({
      NAME: 'x',
      READY: '2/3',
      'UP-TO-DATE': '3',
      AVAILABLE: '2',
      AGE: '10m',
      CONTAINERS: 'a,b',
      IMAGES: 'i1,i2',
      SELECTOR: 'app=web,tier notin (db)',
    });
  });
  it.each<[Record<string, unknown>, Record<string, unknown>, string, string]>([
    [{ completions: 3 }, { succeeded: 1 }, '1/3', 'Running'],
    [{ parallelism: 2 }, {}, '0/1 of 2', 'Running'],
    [{}, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }, '1/1', 'Complete'],
    [{}, { conditions: [{ type: 'Failed', status: 'True' }] }, '0/1', 'Failed'],
    [{ suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }, '0/1', 'Suspended'],
  ])('Job %j %j', (spec, status, completions, st) => {
    const j = obj('Job', { spec: { template: { spec: {} }, ...spec }, status });
    expect(cells(j)).toMatchObject({ COMPLETIONS: completions, STATUS: st });
  });
  it('Job DURATION runs to now until completion', () => {
    expect(cells(obj('Job', { spec: {}, status: { startTime: ago(90) } })).DURATION).toBe('90s');
    expect(cells(obj('Job', { spec: {}, status: { startTime: ago(900), completionTime: ago(300) } })).DURATION).toBe('10m');
    expect(cells(obj('Job', { spec: {}, status: {} })).DURATION).toBe('');
  });
  it('CronJob: TIMEZONE, SUSPEND, LAST SCHEDULE', () => {
    const c = obj('CronJob', { spec: { schedule: '*/5 * * * *', timeZone: 'Etc/UTC' }, status: { active: [{}], lastScheduleTime: ago(120) } });
    expect(cells(c)).toMatchObject({ SCHEDULE: '*/5 * * * *', TIMEZONE: 'Etc/UTC', SUSPEND: '<unset>', ACTIVE: '1', 'LAST SCHEDULE': '2m' });
  });
  it('unknown kinds get NAME and AGE', () => {
    expect(cells(obj('Widget', {}))).toEqual({ NAME: 'x', AGE: '10m' });
  });
});

describe('services and endpoints', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj('Service', { spec, status });
  it.each<[Record<string, unknown>, Record<string, unknown>, string]>([
    [{ type: 'ClusterIP' }, {}, '<none>'],
    [{ type: 'NodePort', externalIPs: ['1.2.3.4', '5.6.7.8'] }, {}, '1.2.3.4,5.6.7.8'],
    [{ type: 'LoadBalancer' }, {}, '<pending>'],
    [{ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }, { hostname: 'a.example' }] } }, '9.9.9.9,a.example'],
    [{ type: 'LoadBalancer', externalIPs: ['1.1.1.1'] }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }] } }, '9.9.9.9,1.1.1.1'],
    [{ type: 'ExternalName', externalName: 'db.example.com' }, {}, 'db.example.com'],
    [{ type: 'Odd' }, {}, '<unknown>'],
  ])('EXTERNAL-IP for %j', (spec, status, want) => expect(serviceExternalIP(svc(spec, status), true)).toBe(want));
  it('clips long load-balancer lists to 16 characters only when asked for non-wide cells', () => {
    const s = svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ hostname: 'very-long-hostname.example.com' }] } });
    expect(serviceExternalIP(s, false)).toBe('very-long-hos...');
    expect(cells(s)['EXTERNAL-IP']).toBe('very-long-hostname.example.com');
  });
  it('PORT(S) and CLUSTER-IP', () => {
    expect(makePortString([{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 8080 }])).toBe(
      '80/TCP,53:30053/UDP,8080/TCP',
    );
    expect(cells(svc({ clusterIP: '10.0.0.1' }))).toMatchObject({ TYPE: 'ClusterIP', 'CLUSTER-IP': '10.0.0.1', 'PORT(S)': '<none>' });
  });
  it('ENDPOINTS: three addresses then "+ N more..."', () => {
    const ep = obj('Endpoints', {
      subsets: [
        { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] },
        { addresses: [{ ip: '10.0.0.3' }, { ip: 'fd00::4' }], ports: [{ port: 80 }] },
      ],
    });
    expect(formatEndpoints(ep)).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
    expect(formatEndpoints(obj('Endpoints', { subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 53 }] }] }))).toBe('[fd00::1]:53');
    expect(formatEndpoints(obj('Endpoints', {}))).toBe('<none>');
    expect(formatEndpoints(obj('Endpoints', { subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }))).toBe('10.0.0.1');
  });
});

describe('cluster and config columns', () => {
  it('Node STATUS and ROLES', () => {
    const n = obj(
      'Node',
      { spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.32.0' } } },
      { labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge' } },
    );
    expect(cells(n)).toMatchObject({ STATUS: 'NotReady,SchedulingDisabled', ROLES: 'control-plane,edge,worker', VERSION: 'v1.32.0' });
    expect(cells(obj('Node', { status: {} }))).toMatchObject({ STATUS: 'Unknown', ROLES: '<none>' });
  });
  it('ConfigMap and Secret DATA', () => {
    expect(cells(obj('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })).DATA).toBe('3');
    expect(cells(obj('Secret', { type: 'Opaque', data: { a: 'MQ==' } }))).toMatchObject({ TYPE: 'Opaque', DATA: '1' });
  });
  it('Event LAST SEEN / OBJECT / COUNT with series and eventTime', () => {
    const e = obj('Event', {
      involvedObject: { kind: 'Pod', name: 'web' },
      reason: 'Pulled',
      type: 'Normal',
      message: '  pulled  \n',
      eventTime: ago(300),
      series: { count: 7, lastObservedTime: ago(60) },
    });
    expect(cells(e, true)).toMatchObject({ 'LAST SEEN': '60s', OBJECT: 'pod/web', MESSAGE: 'pulled', 'FIRST SEEN': '5m', COUNT: '7' });
  });
  it('StorageClass default marker and defaults', () => {
    const sc = obj('StorageClass', { provisioner: 'p' }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
    expect(cells(sc)).toMatchObject({ NAME: 'x (default)', RECLAIMPOLICY: 'Delete', VOLUMEBINDINGMODE: 'Immediate', ALLOWVOLUMEEXPANSION: 'false' });
  });
  it('ControllerRevision CONTROLLER', () => {
    const cr = obj('ControllerRevision', { revision: 3 }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', controller: true }] });
    expect(cells(cr)).toMatchObject({ CONTROLLER: 'statefulset.apps/db', REVISION: '3' });
  });
});
