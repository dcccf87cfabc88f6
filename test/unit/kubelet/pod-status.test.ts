import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../../../src/api/types.js';
import type { ObservedContainer, ObservedPod } from '../../../src/kubelet/pod-actions.js';
import { generatePodStatus, getPhase, parsePortsAnnotation, portsAnnotation, qosClass } from '../../../src/kubelet/pod-status.js';

const NOW = new Date('2026-01-01T01:00:00Z');
const T = (s: number): string => new Date(NOW.getTime() + s * 1000).toISOString();

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, status: Pod['status'] = { phase: 'Pending' }): Pod {
  return { metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { nodeName: 'n', containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec }, status };
}
function ctr(name: string, attempt: number, state: ObservedContainer['state'], o: Partial<ObservedContainer> = {}): ObservedContainer {
  return { id: `${name}-${attempt}`, name, attempt, sandboxId: 'sb0', state, image: 'nginx:1.25', createdAt: T(-100 + attempt), ...o };
}
const observed = (containers: ObservedContainer[], o: Partial<ObservedPod> = {}): ObservedPod => ({
  sandboxes: [{ id: 'sb0', attempt: 0, state: 'ready', createdAt: T(-200), podIP: '10.244.0.7', ports: [] }],
  containers,
  images: {},
  ...o,
});
const gen = (p: Pod, o: ObservedPod, waiting = {}) => generatePodStatus({ pod: p, observed: o, now: NOW, waiting, hostIP: '127.0.0.1' });

const running: ContainerStatus['state'] = { running: {} };
const term = (exitCode: number): ContainerStatus['state'] => ({ terminated: { exitCode } });
const waiting: ContainerStatus['state'] = { waiting: { reason: 'ContainerCreating' } };
const cs = (name: string, state: ContainerStatus['state'], last?: ContainerStatus['state'], ready = false): ContainerStatus => ({
  name,
  image: 'x',
  imageID: '',
  ready,
  restartCount: 0,
  state,
  ...(last ? { lastState: last } : {}),
});

describe('getPhase', () => {
  const two = { containers: [{ name: 'a' }, { name: 'b' }] };
  it.each<[string, Partial<NonNullable<Pod['spec']>>, ContainerStatus[], ContainerStatus[], string]>([
    ['nothing known yet', two, [], [], 'Pending'],
    ['one waiting', two, [], [cs('a', running), cs('b', waiting)], 'Pending'],
    ['all running', two, [], [cs('a', running), cs('b', running)], 'Running'],
    ['one running, one done (Never)', { ...two, restartPolicy: 'Never' }, [], [cs('a', running), cs('b', term(0))], 'Running'],
    ['all done, Always: restarting', two, [], [cs('a', term(1)), cs('b', term(0))], 'Running'],
    ['all succeeded, OnFailure', { ...two, restartPolicy: 'OnFailure' }, [], [cs('a', term(0)), cs('b', term(0))], 'Succeeded'],
    ['one failed, OnFailure: restarting', { ...two, restartPolicy: 'OnFailure' }, [], [cs('a', term(1)), cs('b', term(0))], 'Running'],
    ['one failed, Never', { ...two, restartPolicy: 'Never' }, [], [cs('a', term(1)), cs('b', term(0))], 'Failed'],
    ['CrashLoopBackOff (waiting after a termination) counts as stopped', { containers: [{ name: 'a' }] }, [], [cs('a', { waiting: { reason: 'CrashLoopBackOff' } }, term(1))], 'Running'],
    ['init running', { ...two, initContainers: [{ name: 'i' }] }, [cs('i', running)], [cs('a', waiting), cs('b', waiting)], 'Pending'],
    ['init failed, Never', { ...two, restartPolicy: 'Never', initContainers: [{ name: 'i' }] }, [cs('i', term(1))], [], 'Failed'],
    ['init failed, Always: retried', { ...two, initContainers: [{ name: 'i' }] }, [cs('i', term(1))], [cs('a', waiting), cs('b', waiting)], 'Pending'],
  ])('%s → %s', (_n, spec, inits, statuses, want) => {
    expect(getPhase(pod(spec), inits, statuses)).toBe(want);
  });
});

describe('generatePodStatus', () => {
  it('a running container: state, ids, conditions, IPs, QoS', () => {
    const s = gen(pod(), observed([ctr('web', 0, 'running', { startedAt: T(-10), imageId: 'sha256:abc' })]));
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses).toEqual([
      {
        name: 'web',
        image: 'nginx:1.25',
        imageID: 'sha256:abc',
        containerID: 'docker://web-0',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: '2026-01-01T00:59:50Z' } },
        lastState: {},
      },
    ]);
    expect(s.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
    ]);
    expect(s).toMatchObject({ podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }], hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], startTime: '2026-01-01T01:00:00Z' });
  });

  it('keeps PodScheduled and other conditions, and lastTransitionTime when a status did not flip', () => {
    const old = {
      phase: 'Running',
      startTime: '2026-01-01T00:00:00Z',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:10:00Z' },
        { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-01T00:00:01Z' },
      ],
    };
    const s = gen(pod({}, old), observed([ctr('web', 0, 'running')]));
    expect(s.conditions).toEqual([
      { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-01T00:00:01Z' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T01:00:00Z' },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: '2026-01-01T01:00:00Z' },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
    expect(s.startTime).toBe('2026-01-01T00:00:00Z');
  });

  it('readiness and startup results decide ready and started', () => {
    const p = pod({ containers: [{ name: 'web', readinessProbe: { exec: { command: ['x'] } }, startupProbe: { exec: { command: ['y'] } } }] });
    const c = ctr('web', 0, 'running');
    const st = (probes: ObservedPod['probes']) => gen(p, observed([c], { probes })).containerStatuses![0]!;
    expect(st({ 'web-0': { startup: 'unknown', readiness: 'failure' } })).toMatchObject({ started: false, ready: false });
    expect(st({ 'web-0': { startup: 'success', readiness: 'failure' } })).toMatchObject({ started: true, ready: false });
    expect(st({ 'web-0': { startup: 'success', readiness: 'success' } })).toMatchObject({ started: true, ready: true });
    const s = gen(p, observed([c], { probes: { 'web-0': { startup: 'success', readiness: 'failure' } } }));
    expect(s.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
  });

  it('an exited container: terminated, with the previous one as lastState', () => {
    const s = gen(
      pod(),
      observed([
        ctr('web', 2, 'exited', { exitCode: 1, reason: 'Error', startedAt: T(-5), finishedAt: T(-1) }),
        ctr('web', 1, 'exited', { exitCode: 137, reason: 'OOMKilled', startedAt: T(-50), finishedAt: T(-40) }),
      ]),
    );
    const c = s.containerStatuses![0]!;
    expect(c.restartCount).toBe(2);
    expect(c.state).toEqual({
      terminated: { exitCode: 1, reason: 'Error', containerID: 'docker://web-2', startedAt: '2026-01-01T00:59:55Z', finishedAt: '2026-01-01T00:59:59Z' },
    });
    expect(c.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled', containerID: 'docker://web-1' });
  });

  it('a waiting reason replaces the terminated state, which moves to lastState', () => {
    const s = gen(pod(), observed([ctr('web', 1, 'exited', { exitCode: 1 })]), { web: { reason: 'CrashLoopBackOff', message: 'back-off 10s ...' } });
    const c = s.containerStatuses![0]!;
    expect(c.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s ...' } });
    expect(c.lastState?.terminated?.exitCode).toBe(1);
    expect(c.ready).toBe(false);
  });

  it('containers not created yet wait: ContainerCreating, or PodInitializing with init containers', () => {
    expect(gen(pod(), observed([])).containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    const s = gen(pod({ initContainers: [{ name: 'init', image: 'busybox:1.36' }] }), observed([ctr('init', 0, 'running')]));
    expect(s.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(s.initContainerStatuses![0]!).toMatchObject({ ready: false, started: true, state: { running: {} } });
    expect(s.conditions?.find((x) => x.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init]',
    });
    expect(s.phase).toBe('Pending');
    expect(gen(pod(), observed([]), { web: { reason: 'ErrImagePull', message: 'no' } }).containerStatuses![0]!.state).toEqual({
      waiting: { reason: 'ErrImagePull', message: 'no' },
    });
  });

  it('a container the runtime lost keeps its count and shows its end as ContainerStatusUnknown', () => {
    const old = {
      phase: 'Running',
      containerStatuses: [{ name: 'web', image: 'nginx:1.25', imageID: 'sha256:abc', ready: true, restartCount: 3, containerID: 'docker://gone', state: { running: { startedAt: '2026-01-01T00:30:00Z' } } }],
    };
    const c = gen(pod({}, old), observed([])).containerStatuses![0]!;
    expect(c.restartCount).toBe(3);
    expect(c.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(c.lastState).toEqual({
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        message: 'The container could not be located when the pod was terminated',
        startedAt: '2026-01-01T00:30:00Z',
      },
    });
  });

  it('terminal phases stick; Succeeded pods are not ready (PodCompleted)', () => {
    const s = gen(pod({ restartPolicy: 'Never' }, { phase: 'Succeeded' }), observed([ctr('web', 0, 'exited', { exitCode: 0 })]));
    expect(s.phase).toBe('Succeeded');
    expect(s.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    const f = gen(pod({}, { phase: 'Failed' }), observed([ctr('web', 0, 'running')]));
    expect(f.phase).toBe('Failed');
    expect(f.conditions?.find((x) => x.type === 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodFailed' });
  });

  it('is stable: generating from its own output gives the same status', () => {
    const p = pod();
    const o = observed([ctr('web', 1, 'running', { startedAt: T(-3) }), ctr('web', 0, 'exited', { exitCode: 2, finishedAt: T(-4) })]);
    const s1 = gen(p, o);
    const s2 = generatePodStatus({ pod: { ...p, status: s1 }, observed: o, now: new Date(NOW.getTime() + 60_000), waiting: {}, hostIP: '127.0.0.1' });
    expect(s2).toEqual(s1);
  });
});

describe('qosClass', () => {
  const withRes = (...res: NonNullable<Pod['spec']>['containers'][number]['resources'][]): Pod =>
    pod({ containers: res.map((r, i) => ({ name: `c${i}`, ...(r ? { resources: r } : {}) })) });
  it.each<[string, Pod, string]>([
    ['no requests or limits', withRes(undefined), 'BestEffort'],
    ['limits = requests for cpu and memory', withRes({ limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0.5', memory: '128Mi' } }), 'Guaranteed'],
    ['limits only (requests default to them)', withRes({ limits: { cpu: '1', memory: '1Gi' } }), 'Guaranteed'],
    ['requests below limits', withRes({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }), 'Burstable'],
    ['memory limit only', withRes({ limits: { memory: '1Gi' } }), 'Burstable'],
    ['one guaranteed, one best-effort container', withRes({ limits: { cpu: '1', memory: '1Gi' } }, undefined), 'Burstable'],
  ])('%s → %s', (_n, p, want) => {
    expect(qosClass(p)).toBe(want);
  });
});

describe('the ports annotation', () => {
  it('lists the sandbox ports on 127.0.0.1, sorted, with their spec names', () => {
    const p = pod({ containers: [{ name: 'web', ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 53, protocol: 'UDP', name: 'dns' }] }] });
    const o = observed([]);
    o.sandboxes[0]!.ports = [
      { containerPort: 8080, protocol: 'TCP', hostIp: '127.0.0.1', hostPort: 40001 },
      { containerPort: 53, protocol: 'UDP', hostIp: '127.0.0.1', hostPort: 40002 },
      { containerPort: 9000, protocol: 'TCP', hostIp: '127.0.0.1', hostPort: 40003 },
    ];
    const v = portsAnnotation(p, o)!;
    expect(JSON.parse(v)).toEqual([
      { containerPort: 53, protocol: 'UDP', hostIP: '127.0.0.1', hostPort: 40002, name: 'dns' },
      { containerPort: 8080, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: 40001, name: 'http' },
      { containerPort: 9000, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: 40003 },
    ]);
    expect(parsePortsAnnotation(v)).toHaveLength(3);
  });

  it('is absent without a ready sandbox or ports; bad values parse to []', () => {
    expect(portsAnnotation(pod(), observed([]))).toBeUndefined();
    expect(portsAnnotation(pod(), observed([], { sandboxes: [] }))).toBeUndefined();
    expect(parsePortsAnnotation(undefined)).toEqual([]);
    expect(parsePortsAnnotation('{nope')).toEqual([]);
    expect(parsePortsAnnotation('{"a":1}')).toEqual([]);
  });
});
