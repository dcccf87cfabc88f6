import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../src/api/types.js';
import type { BackoffEntry } from '../../../src/kubelet/backoff.js';
import { hashContainer } from '../../../src/kubelet/helpers.js';
import {
  computePodActions,
  crashBackoffKey,
  pullBackoffKey,
  type ObservedContainer,
  type ObservedPod,
  type ObservedSandbox,
  type PodActions,
} from '../../../src/kubelet/pod-actions.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString();
const UID = 'uid-1';
const WEB: Container = { name: 'web', image: 'nginx:1.25' };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, extra: { meta?: Partial<NonNullable<Pod['metadata']>>; status?: Pod['status'] } = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: UID, ...extra.meta },
    spec: { nodeName: 'n', containers: [WEB], ...spec },
    status: extra.status ?? { phase: 'Pending' },
  };
}
const sb = (attempt = 0, state: 'ready' | 'notready' = 'ready', id = `sb${attempt}`): ObservedSandbox => ({
  id,
  attempt,
  state,
  createdAt: iso(100_000 - attempt),
  ports: [],
  ...(state === 'ready' ? { podIP: '10.0.0.2' } : {}),
});
function ctr(name: string, attempt: number, state: ObservedContainer['state'], o: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    id: `${name}-${attempt}`,
    name,
    attempt,
    sandboxId: 'sb0',
    state,
    image: 'nginx:1.25',
    createdAt: iso(50_000 - attempt),
    ...(state !== 'created' ? { startedAt: iso(40_000) } : {}),
    ...(state === 'exited' ? { finishedAt: iso(30_000), exitCode: 1 } : {}),
    ...o,
  };
}
const obs = (sandboxes: ObservedSandbox[], containers: ObservedContainer[], o: Partial<ObservedPod> = {}): ObservedPod => ({
  sandboxes,
  containers,
  images: { 'nginx:1.25': true, 'busybox:1.36': true },
  ...o,
});
const plan = (p: Pod, o: ObservedPod, backoff: [string, BackoffEntry][] = []): PodActions => computePodActions(p, o, NOW, new Map(backoff));
const starts = (a: PodActions): string[] => [
  ...(a.initContainerToStart ? [`${a.initContainerToStart.name}#${a.initContainerToStart.attempt}`] : []),
  ...a.containersToStart.map((s) => `${s.name}#${s.attempt}`),
];
const kills = (a: PodActions): string[] => a.containersToKill.map((k) => `${k.id}:${k.reason}`);

describe('computePodActions: sandbox and starts', () => {
  it.each<[string, Pod, ObservedPod, Partial<{ createSandbox: boolean; attempt: number; starts: string[]; kills: string[]; stop: string[]; killPod: boolean; remove: string[] }>]>([
    ['fresh pod: sandbox 0 and every container', pod(), obs([], []), { createSandbox: true, attempt: 0, starts: ['web#0'], kills: [] }],
    [
      'dead sandbox, exited container: new sandbox, next attempt',
      pod(),
      obs([sb(0, 'notready')], [ctr('web', 0, 'exited')]),
      { createSandbox: true, attempt: 1, starts: ['web#1'] },
    ],
    [
      'dead sandbox, running container: stop it first',
      pod(),
      obs([sb(0, 'notready')], [ctr('web', 0, 'running')]),
      { createSandbox: false, starts: [], kills: ['web-0:SandboxChanged'], killPod: true },
    ],
    [
      'dead sandbox, Never, containers ran: nothing more',
      pod({ restartPolicy: 'Never' }),
      obs([sb(0, 'notready')], [ctr('web', 0, 'exited')]),
      { createSandbox: false, starts: [], kills: [] },
    ],
    [
      'dead sandbox, OnFailure, all succeeded: nothing more',
      pod({ restartPolicy: 'OnFailure' }),
      obs([sb(0, 'notready')], [ctr('web', 0, 'exited', { exitCode: 0 })]),
      { createSandbox: false, starts: [] },
    ],
    [
      'dead sandbox, Never, nothing ever ran: retry the sandbox',
      pod({ restartPolicy: 'Never' }),
      obs([sb(0, 'notready')], []),
      { createSandbox: true, attempt: 1, starts: ['web#0'] },
    ],
    [
      'two ready sandboxes: kill and start over',
      pod(),
      obs([sb(0), sb(1)], [ctr('web', 0, 'running')]),
      { createSandbox: false, kills: ['web-0:SandboxChanged'] },
    ],
    [
      'two ready sandboxes, nothing runs: stop them, create a third',
      pod(),
      obs([sb(0), sb(1)], []),
      { createSandbox: true, attempt: 2, stop: ['sb1', 'sb0'] },
    ],
    ['running and healthy: nothing to do', pod(), obs([sb(0)], [ctr('web', 0, 'running')]), { createSandbox: false, starts: [], kills: [], killPod: false }],
    [
      'on its namespace\'s network: nothing to do',
      pod(),
      obs([{ ...sb(0), network: 'kctl.x.default' }], [ctr('web', 0, 'running')], { network: 'kctl.x.default' }),
      { createSandbox: false, kills: [] },
    ],
    [
      'sandbox on another network (started before per-namespace networks): killed, then made again',
      pod(),
      obs([{ ...sb(0), network: 'kctl' }], [ctr('web', 0, 'running')], { network: 'kctl.x.default' }),
      { createSandbox: false, kills: ['web-0:SandboxChanged'] },
    ],
    [
      'sandbox on another network, nothing runs: stop it, create the next',
      pod(),
      obs([{ ...sb(0), network: 'kctl' }], [ctr('web', 0, 'exited')], { network: 'kctl.x.default' }),
      { createSandbox: true, attempt: 1, stop: ['sb0'] },
    ],
    [
      'sandbox ready, container created but never started: removed and made again under the same attempt',
      pod(),
      obs([sb(0)], [ctr('web', 0, 'created')]),
      { starts: ['web#0'], remove: ['web-0'] },
    ],
    [
      'a restart left unstarted (killed between create and start): replaced, the exited predecessor kept',
      pod(),
      obs([sb(0)], [ctr('web', 1, 'created'), ctr('web', 0, 'exited')]),
      { starts: ['web#1'], remove: ['web-1'] },
    ],
    [
      'a pod with init containers starts with the first one',
      pod({ initContainers: [{ name: 'i1', image: 'busybox:1.36' }, { name: 'i2', image: 'busybox:1.36' }] }),
      obs([], []),
      { createSandbox: true, starts: ['i1#0'] },
    ],
  ])('%s', (_name, p, o, want) => {
    const a = plan(p, o);
    if (want.createSandbox !== undefined) expect(a.createSandbox).toBe(want.createSandbox);
    if (want.attempt !== undefined) expect(a.attempt).toBe(want.attempt);
    if (want.starts) expect(starts(a)).toEqual(want.starts);
    if (want.kills) expect(kills(a)).toEqual(want.kills);
    if (want.stop) expect(a.sandboxesToStop).toEqual(want.stop);
    if (want.killPod !== undefined) expect(a.killPod).toBe(want.killPod);
    if (want.remove) expect(a.containersToRemove).toEqual(want.remove);
  });
});

describe('computePodActions: init containers', () => {
  const inits = { initContainers: [{ name: 'i1', image: 'busybox:1.36' }, { name: 'i2', image: 'busybox:1.36' }] };
  it.each<[string, Partial<NonNullable<Pod['spec']>>, ObservedContainer[], string[], boolean]>([
    ['i1 running: wait', inits, [ctr('i1', 0, 'running')], [], false],
    ['i1 done: i2 next', inits, [ctr('i1', 0, 'exited', { exitCode: 0 })], ['i2#0'], false],
    ['both done: app containers', inits, [ctr('i1', 0, 'exited', { exitCode: 0 }), ctr('i2', 0, 'exited', { exitCode: 0 })], ['web#0'], false],
    ['i1 failed, Always: i1 again', inits, [ctr('i1', 0, 'exited', { exitCode: 2 })], ['i1#1'], false],
    ['i1 failed, Never: the pod is done', { ...inits, restartPolicy: 'Never' }, [ctr('i1', 0, 'exited', { exitCode: 2 })], [], true],
    ['init containers of an old sandbox do not count', inits, [ctr('i1', 0, 'exited', { exitCode: 0, sandboxId: 'old' })], ['i1#1'], false],
    ['an app container runs: initialized', inits, [ctr('web', 0, 'running')], [], false],
    ['an app container crashed in this sandbox: restart it, not the init containers', inits, [ctr('web', 0, 'exited')], ['web#1'], false],
  ])('%s', (_n, spec, containers, want, killPod) => {
    const a = plan(pod(spec), obs([sb(0)], containers));
    expect(starts(a)).toEqual(want);
    expect(a.killPod).toBe(killPod);
  });

  it('an init container that failed recently backs off (Init:CrashLoopBackOff)', () => {
    const i1: Container = { name: 'i1', image: 'busybox:1.36' };
    const a = plan(pod({ initContainers: [i1] }), obs([sb(0)], [ctr('i1', 1, 'exited', { finishedAt: iso(3_000) })]), [
      [crashBackoffKey(UID, 'i1', hashContainer(i1)), { durationMs: 10_000, lastUpdateMs: NOW - 3_000 }],
    ]);
    expect(starts(a)).toEqual([]);
    expect(a.waiting.i1?.reason).toBe('CrashLoopBackOff');
    expect(a.requeueAfterMs).toBe(7_000);
  });
});

describe('computePodActions: restart policy and back-off', () => {
  it.each<[string, 'Always' | 'OnFailure' | 'Never', number, string[], boolean]>([
    ['Always, exit 1', 'Always', 1, ['web#1'], false],
    ['Always, exit 0', 'Always', 0, ['web#1'], false],
    ['OnFailure, exit 1', 'OnFailure', 1, ['web#1'], false],
    ['OnFailure, exit 0', 'OnFailure', 0, [], true],
    ['Never, exit 1', 'Never', 1, [], true],
    ['Never, exit 0', 'Never', 0, [], true],
  ])('%s', (_n, policy, exitCode, want, killPod) => {
    const a = plan(pod({ restartPolicy: policy }), obs([sb(0)], [ctr('web', 0, 'exited', { exitCode })]));
    expect(starts(a)).toEqual(want);
    expect(a.killPod).toBe(killPod);
    if (killPod) expect(a.sandboxesToStop).toEqual(['sb0']); // nothing runs: the sandbox stops
  });

  const key = crashBackoffKey(UID, 'web', hashContainer(WEB));
  it.each<[string, number | undefined, string, number | undefined, string[], number | undefined]>([
    // name, backoff entry (ms), finished ago, ran (ms), starts, next period or requeue
    ['first crash: at once, back-off 10 s begins', undefined, '30s', undefined, ['web#1'], 10_000],
    ['in back-off: wait the rest', 10_000, '4s', undefined, [], 6_000],
    ['back-off over: restart, period doubles', 10_000, '11s', undefined, ['web#1'], 20_000],
    ['capped at 300 s', 300_000, '301s', undefined, ['web#1'], 300_000],
    ['160 s → 300 s (cap)', 160_000, '170s', undefined, ['web#1'], 300_000],
    ['ran longer than the reset: at once, back to 10 s', 80_000, '1s', 700_000, ['web#1'], 10_000],
  ])('%s', (_n, entry, ago, ran, want, next) => {
    const finishedAgo = Number(ago.replace('s', '')) * 1000;
    const c = ctr('web', 0, 'exited', {
      finishedAt: iso(finishedAgo),
      startedAt: iso(finishedAgo + (ran ?? 1_000)),
    });
    const a = plan(pod(), obs([sb(0)], [c]), entry === undefined ? [] : [[key, { durationMs: entry, lastUpdateMs: NOW - finishedAgo }]]);
    expect(starts(a)).toEqual(want);
    if (want.length) expect(a.backoffUpdates[key]).toEqual({ durationMs: next, lastUpdateMs: NOW });
    else {
      expect(a.requeueAfterMs).toBe(next);
      expect(a.waiting.web).toEqual({
        reason: 'CrashLoopBackOff',
        message: `back-off ${entry! / 1000}s restarting failed container=web pod=web_default(${UID})`,
      });
      expect(a.events).toEqual([
        { type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container web in pod web_default(${UID})`, container: 'web' },
      ]);
    }
  });

  it('the CrashLoopBackOff message uses Go durations (2m40s)', () => {
    const a = plan(pod(), obs([sb(0)], [ctr('web', 5, 'exited', { finishedAt: iso(1_000) })]), [[key, { durationMs: 160_000, lastUpdateMs: NOW }]]);
    expect(a.waiting.web?.message).toMatch(/^back-off 2m40s restarting failed container=web /);
  });

  it('a container removed behind kctl\'s back (known from pod.status) is restarted with the next attempt, at once', () => {
    const p = pod({}, {
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'web', image: 'nginx:1.25', imageID: '', ready: true, restartCount: 4, containerID: 'docker://gone', state: { running: {} } }],
      },
    });
    const a = plan(p, obs([sb(0)], []), [[key, { durationMs: 80_000, lastUpdateMs: NOW }]]);
    expect(starts(a)).toEqual(['web#5']);
  });

  it('a Never container removed after it completed is not run again', () => {
    const p = pod({ restartPolicy: 'Never' }, {
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'web', image: 'nginx:1.25', imageID: '', ready: false, restartCount: 0, containerID: 'docker://gone', state: { terminated: { exitCode: 0 } } },
        ],
      },
    });
    expect(starts(plan(p, obs([sb(0)], [])))).toEqual([]);
  });

  it('a terminal pod never starts anything again', () => {
    const a = plan(pod({}, { status: { phase: 'Succeeded' } }), obs([sb(0)], [ctr('web', 0, 'exited', { exitCode: 0 })]));
    expect(starts(a)).toEqual([]);
    expect(a.sandboxesToStop).toEqual(['sb0']);
  });
});

describe('computePodActions: kills', () => {
  it.each<[string, Pod, ObservedPod, string[], string[], number[]]>([
    [
      'liveness failure, Always: stop, restarted later',
      pod({ containers: [{ ...WEB, livenessProbe: { exec: { command: ['x'] } } }] }),
      obs([sb(0)], [ctr('web', 0, 'running')], { probes: { 'web-0': { liveness: 'failure' } } }),
      ['web-0:LivenessProbe'],
      ['Container web failed liveness probe, will be restarted'],
      [30],
    ],
    [
      'liveness failure, Never: stop only (and the pod is done)',
      pod({ restartPolicy: 'Never', containers: [{ ...WEB, livenessProbe: { exec: { command: ['x'] } } }] }),
      obs([sb(0)], [ctr('web', 0, 'running')], { probes: { 'web-0': { liveness: 'failure' } } }),
      ['web-0:LivenessProbe'],
      ['Container web failed liveness probe'],
      [30],
    ],
    [
      "liveness failure with the probe's own grace period",
      pod({ containers: [{ ...WEB, livenessProbe: { exec: { command: ['x'] }, terminationGracePeriodSeconds: 3 } }] }),
      obs([sb(0)], [ctr('web', 0, 'running')], { probes: { 'web-0': { liveness: 'failure' } } }),
      ['web-0:LivenessProbe'],
      ['Container web failed liveness probe, will be restarted'],
      [3],
    ],
    [
      'startup failure',
      pod({ containers: [{ ...WEB, startupProbe: { exec: { command: ['x'] } } }] }),
      obs([sb(0)], [ctr('web', 0, 'running')], { probes: { 'web-0': { startup: 'failure' } } }),
      ['web-0:StartupProbe'],
      ['Container web failed startup probe, will be restarted'],
      [30],
    ],
    [
      'spec change (image): restart whatever the policy',
      pod({ restartPolicy: 'Never', containers: [{ ...WEB, image: 'nginx:1.26' }] }),
      obs([sb(0)], [ctr('web', 0, 'running', { hash: hashContainer(WEB) })]),
      ['web-0:SpecChanged'],
      ['Container web definition changed, will be restarted'],
      [30],
    ],
    [
      'a container already being stopped is not stopped twice',
      pod({ containers: [{ ...WEB, livenessProbe: { exec: { command: ['x'] } } }] }),
      obs([sb(0)], [ctr('web', 0, 'running')], { probes: { 'web-0': { liveness: 'failure' } }, killing: ['web-0'] }),
      [],
      [],
      [],
    ],
    [
      'deletion: every running container, with deletionGracePeriodSeconds',
      pod({ containers: [WEB, { name: 'side', image: 'busybox:1.36' }] }, { meta: { deletionTimestamp: iso(0), deletionGracePeriodSeconds: 5 } }),
      obs([sb(0)], [ctr('web', 0, 'running'), ctr('side', 0, 'running')]),
      ['web-0:Deletion', 'side-0:Deletion'],
      ['Stopping container web', 'Stopping container side'],
      [5, 5],
    ],
    [
      'deletion with grace 0: still the 2 s minimum',
      pod({}, { meta: { deletionTimestamp: iso(0), deletionGracePeriodSeconds: 0 } }),
      obs([sb(0)], [ctr('web', 0, 'running')]),
      ['web-0:Deletion'],
      ['Stopping container web'],
      [2],
    ],
  ])('%s', (_n, p, o, wantKills, messages, graces) => {
    const a = plan(p, o);
    expect(kills(a)).toEqual(wantKills);
    expect(a.containersToKill.map((k) => k.message)).toEqual(messages);
    expect(a.containersToKill.map((k) => k.graceSeconds)).toEqual(graces);
    expect(starts(a)).toEqual([]);
  });

  it('a container stopped for a spec change starts again even with restartPolicy Never', () => {
    const p = pod({ restartPolicy: 'Never', containers: [{ ...WEB, image: 'nginx:1.26' }] });
    const a = plan(p, obs([sb(0)], [ctr('web', 0, 'exited', { exitCode: 137, hash: hashContainer(WEB) })], { restartRequested: ['web-0'] }));
    expect(starts(a)).toEqual(['web#1']);
  });

  it('deletion, nothing runs any more: remove everything and finalize', () => {
    const p = pod({}, { meta: { deletionTimestamp: iso(0), deletionGracePeriodSeconds: 30 } });
    const a = plan(p, obs([sb(0, 'notready'), sb(1)], [ctr('web', 0, 'exited'), ctr('web', 1, 'exited', { sandboxId: 'sb1' })]));
    expect(a.containersToKill).toEqual([]);
    expect(a.containersToRemove.sort()).toEqual(['web-0', 'web-1']);
    expect(a.sandboxesToRemove.sort()).toEqual(['sb0', 'sb1']);
    expect(a.finalize).toBe(true);
  });

  it('deletion waits while a stop runs', () => {
    const p = pod({}, { meta: { deletionTimestamp: iso(0), deletionGracePeriodSeconds: 30 } });
    const a = plan(p, obs([sb(0)], [ctr('web', 0, 'running')], { killing: ['web-0'] }));
    expect(a.containersToKill).toEqual([]);
    expect(a.finalize).toBe(false);
  });
});

describe('computePodActions: images', () => {
  const withImage = (image: string, policy?: 'Always' | 'IfNotPresent' | 'Never') =>
    pod({ containers: [{ name: 'web', image, ...(policy ? { imagePullPolicy: policy } : {}) }] });
  it.each<[string, Pod, Record<string, boolean>, boolean | 'ErrImageNeverPull']>([
    ['IfNotPresent, present: no pull', withImage('app:1', 'IfNotPresent'), { 'app:1': true }, false],
    ['IfNotPresent, missing: pull', withImage('app:1', 'IfNotPresent'), { 'app:1': false }, true],
    ['Always, present: pull', withImage('app:1', 'Always'), { 'app:1': true }, true],
    ['Never, present: no pull', withImage('app:1', 'Never'), { 'app:1': true }, false],
    ['Never, missing: ErrImageNeverPull', withImage('app:1', 'Never'), { 'app:1': false }, 'ErrImageNeverPull'],
    ['default for a tag: IfNotPresent', withImage('app:1'), { 'app:1': true }, false],
    ['default for :latest: Always', withImage('app:latest'), { 'app:latest': true }, true],
    ['default without a tag: Always', withImage('app'), { app: true }, true],
    ['default for a registry with a port and no tag: Always', withImage('localhost:5000/app'), { 'localhost:5000/app': true }, true],
    ['default for a digest: IfNotPresent', withImage('app@sha256:abc'), { 'app@sha256:abc': true }, false],
  ])('%s', (_n, p, images, want) => {
    const a = plan(p, obs([sb(0)], [], { images }));
    if (want === 'ErrImageNeverPull') {
      expect(a.containersToStart).toEqual([]);
      expect(a.waiting.web?.reason).toBe('ErrImageNeverPull');
      expect(a.events[0]).toMatchObject({ type: 'Warning', reason: 'ErrImageNeverPull' });
    } else expect(a.containersToStart.map((s) => s.pullImage)).toEqual([want]);
  });

  it('a pull in back-off waits with ImagePullBackOff', () => {
    const p = withImage('app:1', 'IfNotPresent');
    const a = plan(p, obs([sb(0)], [], { images: { 'app:1': false } }), [[pullBackoffKey(UID, 'app:1'), { durationMs: 20_000, lastUpdateMs: NOW - 5_000 }]]);
    expect(a.containersToStart).toEqual([]);
    expect(a.waiting.web).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:1"' });
    expect(a.events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Normal', 'BackOff', 'Back-off pulling image "app:1"'],
      ['Warning', 'Failed', 'Error: ImagePullBackOff'],
    ]);
    expect(a.requeueAfterMs).toBe(15_000);
  });
});

describe('computePodActions: garbage', () => {
  it('keeps the newest two instances of a container, removes older exited ones', () => {
    const a = plan(pod(), obs([sb(0)], [ctr('web', 3, 'running'), ctr('web', 2, 'exited'), ctr('web', 1, 'exited'), ctr('web', 0, 'exited')]));
    expect(a.containersToRemove.sort()).toEqual(['web-0', 'web-1']);
  });

  it('removes dead sandboxes nothing refers to, but never the newest', () => {
    const a = plan(pod(), obs([sb(2), sb(1, 'notready'), sb(0, 'notready')], [ctr('web', 5, 'running', { sandboxId: 'sb2' }), ctr('web', 4, 'exited', { sandboxId: 'sb1' })]));
    expect(a.sandboxesToRemove).toEqual(['sb0']);
  });
});
