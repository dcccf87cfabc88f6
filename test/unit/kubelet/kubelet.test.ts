import { describe, expect, it } from 'vitest';
import type { ConfigMap, KubeObject } from '../../../src/api/types.js';
import { RuntimeError, type ContainerConfig, type SandboxConfig } from '../../../src/runtime/runtime.js';
import { Kubelet, type PodNetworking } from '../../../src/kubelet/kubelet.js';
import { PORTS_ANNOTATION } from '../../../src/kubelet/helpers.js';
import { parsePortsAnnotation } from '../../../src/kubelet/pod-status.js';
import { condition, containerId, containerStatus, createPod, getPod, KEY, mutatingCalls, NODE, pass, podObject, setup } from './harness.js';

const createCfgs = (h: ReturnType<typeof setup>): ContainerConfig[] => h.runtime.callsTo('createContainer').map((a) => a[1] as ContainerConfig);

describe('Kubelet: a fresh pod', () => {
  it('creates the sandbox and container, writes Running status and the ports annotation', async () => {
    const h = setup();
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, name: 'http' }] }] });
    expect(await pass(h)).toEqual({});
    const p = await getPod(h);
    expect(p.status?.phase).toBe('Running');
    expect(condition(p, 'Ready')?.status).toBe('True');
    expect(condition(p, 'ContainersReady')?.status).toBe('True');
    expect(condition(p, 'Initialized')?.status).toBe('True');
    const cs = containerStatus(p)!;
    expect(cs).toMatchObject({ name: 'web', image: 'nginx:1.25', ready: true, started: true, restartCount: 0, lastState: {} });
    expect(cs.state?.running?.startedAt).toBe('2026-01-01T00:00:00Z');
    expect(cs.containerID).toMatch(/^docker:\/\/container-\d+$/);
    expect(p.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(p.status?.hostIP).toBe('127.0.0.1');
    expect(p.status?.startTime).toBe('2026-01-01T00:00:00Z');
    expect(p.status?.qosClass).toBe('BestEffort');
    expect(p.metadata?.finalizers).toBeUndefined();
    const ports = parsePortsAnnotation(p.metadata?.annotations?.[PORTS_ANNOTATION]);
    expect(ports).toEqual([{ containerPort: 80, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: expect.any(Number), name: 'http' }]);
    const sb = h.runtime.callsTo('runPodSandbox')[0]![0] as SandboxConfig;
    expect(sb).toMatchObject({ attempt: 0, network: 'kctl', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    expect(h.events.reasons()).toEqual(['Pulled', 'Created', 'Started']);
    expect(h.events.messages()).toEqual(['Container image "nginx:1.25" already present on machine', 'Created container web', 'Started container web']);
    expect(h.events.events[1]!.fieldPath).toBe('spec.containers{web}');
  });

  it('makes zero writes on a second pass (and no engine changes)', async () => {
    const h = setup();
    await createPod(h);
    await pass(h);
    const rev = await h.store.revision();
    h.runtime.resetCalls();
    h.events.clear();
    expect(await pass(h)).toEqual({});
    expect(await h.store.revision()).toBe(rev);
    expect(mutatingCalls(h)).toEqual([]);
    expect(h.events.events).toEqual([]);
  });

  it('ignores pods bound to another node and unscheduled pods', async () => {
    const h = setup();
    await h.store.create(podObject({ nodeName: 'other' }));
    await h.store.create(podObject({ nodeName: undefined }, 'pending'));
    const rev = await h.store.revision();
    await pass(h);
    await pass(h, 'pods/default/pending');
    expect(mutatingCalls(h)).toEqual([]);
    expect(await h.store.revision()).toBe(rev);
  });

  it('keysFor, handleRuntimeEvent and resyncKeys name the pods of this node', async () => {
    const h = setup();
    const mine = await h.store.create(podObject({}));
    const other = await h.store.create(podObject({ nodeName: 'other' }, 'theirs'));
    expect(h.kubelet.keysFor({ type: 'ADDED', object: mine, revision: 1 })).toEqual([KEY]);
    expect(h.kubelet.keysFor({ type: 'DELETED', object: mine, revision: 2 })).toEqual([KEY]);
    expect(h.kubelet.keysFor({ type: 'ADDED', object: other, revision: 3 })).toEqual([]);
    await pass(h);
    const id = await containerId(h);
    const labels = (await h.runtime.inspectContainer(id)).labels;
    expect(h.kubelet.handleRuntimeEvent({ type: 'die', containerId: id, labels, time: new Date() })).toEqual([KEY]);
    expect(h.kubelet.handleRuntimeEvent({ type: 'die', containerId: 'x', labels: {}, time: new Date() })).toEqual([]);
    expect(await h.kubelet.resyncKeys()).toEqual([KEY]);
    expect(h.kubelet.name).toBe('kubelet');
    expect(h.kubelet.watches).toEqual(['pods', 'configmaps', 'secrets']);
    expect(h.kubelet.nodeName).toBe(NODE);
  });
});

describe('Kubelet: restarts', () => {
  it('CrashLoopBackOff: the first restart at once, then 10 s, 20 s, 40 s', async () => {
    const h = setup();
    const pod = await createPod(h, { containers: [{ name: 'web', image: 'busybox:1.36', command: ['sh', '-c', 'exit 1'] }] });
    const uid = pod.metadata!.uid!;
    await pass(h); // started, exited 1
    let cs = containerStatus(await getPod(h))!;
    expect(cs.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.restartCount).toBe(0);

    await pass(h); // first restart: at once
    expect(createCfgs(h).map((c) => c.attempt)).toEqual([0, 1]);

    for (const [i, backoff] of [10_000, 20_000, 40_000].entries()) {
      const r = await pass(h);
      expect(r.requeueAfterMs).toBe(backoff);
      const p = await getPod(h);
      cs = containerStatus(p)!;
      expect(cs.state?.waiting).toEqual({
        reason: 'CrashLoopBackOff',
        message: `back-off ${backoff / 1000}s restarting failed container=web pod=web_default(${uid})`,
      });
      expect(cs.lastState?.terminated?.exitCode).toBe(1);
      expect(cs.restartCount).toBe(i + 1);
      expect(p.status?.phase).toBe('Running');
      expect(condition(p, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
      expect(h.events.messages('BackOff').at(-1)).toBe(`Back-off restarting failed container web in pod web_default(${uid})`);

      h.clock.advance(backoff - 1);
      expect((await pass(h)).requeueAfterMs).toBe(1); // still backing off
      expect(createCfgs(h)).toHaveLength(i + 2);
      h.clock.advance(1);
      await pass(h); // restarted
      expect(createCfgs(h).map((c) => c.attempt).at(-1)).toBe(i + 2);
    }
    // one BackOff event per back-off period, not per pass
    expect(h.events.messages('BackOff')).toHaveLength(3);
  });

  it('forgets the back-off after the container ran backoffResetMs', async () => {
    const h = setup({ config: { backoffResetMs: 60_000 } });
    await createPod(h);
    const crash = async (): Promise<{ requeueAfterMs?: number }> => {
      h.runtime.exitContainer(await containerId(h), 1);
      return pass(h);
    };
    await pass(h);
    expect(await crash()).toEqual({}); // restarted at once
    expect((await crash()).requeueAfterMs).toBe(10_000);
    h.clock.advance(10_000);
    await pass(h); // restarted, back-off now 20 s
    h.clock.advance(61_000); // runs longer than the reset
    expect(await crash()).toEqual({}); // at once again
    expect((await crash()).requeueAfterMs).toBe(10_000); // and the base period, not 40 s
  });

  it.each([
    ['Always', 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 1, true],
    ['Never', 0, false],
    ['Never', 1, false],
  ] as const)('restartPolicy %s, exit %i: restarted=%s', async (policy, code, restarted) => {
    const h = setup();
    await createPod(h, { restartPolicy: policy, containers: [{ name: 'web', image: 'busybox:1.36', command: ['sh', '-c', `exit ${code}`] }] });
    await pass(h);
    await pass(h);
    expect(createCfgs(h)).toHaveLength(restarted ? 2 : 1);
    const p = await getPod(h);
    if (!restarted) {
      expect(p.status?.phase).toBe(code === 0 ? 'Succeeded' : 'Failed');
      expect(containerStatus(p)?.state?.terminated?.exitCode).toBe(code);
      expect(h.runtime.callsTo('stopPodSandbox')).toHaveLength(1); // the pod is done: its sandbox stops
      expect(p.metadata?.annotations?.[PORTS_ANNOTATION]).toBeUndefined();
      const rev = await h.store.revision();
      h.runtime.resetCalls();
      await pass(h);
      expect(mutatingCalls(h)).toEqual([]);
      expect(await h.store.revision()).toBe(rev);
    } else expect(p.status?.phase).toBe('Running');
  });

  it('recreates a container removed behind its back (docker rm -f), counted as a restart', async () => {
    const h = setup();
    await createPod(h);
    await pass(h);
    h.runtime.forceRemove(await containerId(h));
    await pass(h);
    expect(createCfgs(h).map((c) => c.attempt)).toEqual([0, 1]);
    const cs = containerStatus(await getPod(h))!;
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.running).toBeDefined();
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'ContainerStatusUnknown' });
    // and again: the count keeps growing
    h.runtime.forceRemove(await containerId(h));
    await pass(h);
    expect(containerStatus(await getPod(h))!.restartCount).toBe(2);
  });

  it('recreates a removed sandbox: containers are stopped, then run in a new sandbox', async () => {
    const h = setup();
    await createPod(h);
    await pass(h);
    const sb = (await h.runtime.listPodSandboxes())[0]!;
    h.runtime.forceRemove(sb.id);
    await pass(h); // stops the container of the old sandbox
    expect(h.events.reasons()).toContain('SandboxChanged');
    await pass(h); // new sandbox + container
    const sbs = await h.runtime.listPodSandboxes();
    expect(sbs.map((s) => s.state)).toEqual(['ready']);
    expect(sbs[0]!.id).not.toBe(sb.id);
    const p = await getPod(h);
    expect(p.status?.phase).toBe('Running');
    expect(containerStatus(p)?.restartCount).toBe(1);
    expect(p.status?.podIP).toBe(sbs[0]!.podIP);
  });

  it('adopts what runs after a restart of the kubelet: no duplicate, no write', async () => {
    const h = setup();
    await createPod(h);
    await pass(h);
    const rev = await h.store.revision();
    h.restart();
    h.runtime.resetCalls();
    await pass(h);
    expect(mutatingCalls(h)).toEqual([]);
    expect(await h.store.revision()).toBe(rev);
    // a crash seen by the new kubelet restarts with the next attempt, never a name conflict
    h.runtime.exitContainer(await containerId(h), 2);
    h.restart();
    await pass(h);
    expect(createCfgs(h).map((c) => c.attempt)).toEqual([1]);
    expect(containerStatus(await getPod(h))?.restartCount).toBe(1);
    expect((await h.runtime.listContainers()).filter((c) => c.state === 'running')).toHaveLength(1);
  });

  it('keeps the previous instance only (for lastState and logs --previous)', async () => {
    const h = setup();
    await createPod(h);
    await pass(h);
    for (let i = 0; i < 4; i++) {
      h.runtime.exitContainer(await containerId(h), 1);
      h.clock.advance(600_000);
      await pass(h);
    }
    const attempts = (await h.runtime.listContainers()).map((c) => c.attempt).sort();
    expect(attempts).toEqual([3, 4]);
    const cs = containerStatus(await getPod(h))!;
    expect(cs.restartCount).toBe(4);
    expect(cs.lastState?.terminated?.exitCode).toBe(1);
  });

  it('restarts a container whose image changed (spec hash)', async () => {
    const h = setup();
    await createPod(h, { restartPolicy: 'Never' });
    await pass(h);
    const p = (await getPod(h)) as unknown as KubeObject & { spec: { containers: { image: string }[] } };
    p.spec.containers[0]!.image = 'busybox:1.36';
    await h.store.update(p);
    await pass(h);
    expect(h.events.messages('Killing')).toEqual(['Container web definition changed, will be restarted']);
    await pass(h);
    expect(createCfgs(h).map((c) => [c.container.image, c.attempt])).toEqual([
      ['nginx:1.25', 0],
      ['busybox:1.36', 1],
    ]);
    expect(containerStatus(await getPod(h))).toMatchObject({ image: 'busybox:1.36', restartCount: 1 });
  });
});

describe('Kubelet: deletion', () => {
  it('stops the containers (with the grace period), removes them and the sandbox, then the Pod object', async () => {
    const h = setup();
    const pod = await createPod(h, { terminationGracePeriodSeconds: 5, volumes: [{ name: 'cache', emptyDir: {} }] });
    await pass(h);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' });
    expect((await getPod(h)).metadata?.deletionTimestamp).toBeDefined(); // Terminating
    await h.kubelet.reconcile(KEY);
    expect(h.events.messages('Killing')).toEqual(['Stopping container web']);
    expect(h.runtime.callsTo('stopContainer')[0]![1]).toBe(5); // deletionGracePeriodSeconds
    await h.kubelet.whenIdle();
    expect(h.enqueued).toContain(KEY);
    expect(await h.store.tryGet({ resource: 'pods', namespace: 'default', name: 'web' })).toBeDefined();
    await pass(h);
    expect(await h.store.tryGet({ resource: 'pods', namespace: 'default', name: 'web' })).toBeUndefined();
    expect(await h.runtime.listContainers()).toEqual([]);
    expect(await h.runtime.listPodSandboxes()).toEqual([]);
    expect(h.volumes.removed).toEqual([`/kctl/pods/${pod.metadata!.uid}`]);
  });

  it('with Services wired: joins the namespace network with its DNS names, gets the service variables, and drains before SIGTERM', async () => {
    let releaseDrain!: () => void;
    let drainStarted!: () => void;
    const draining = new Promise<void>((r) => (drainStarted = r));
    const drains: { name: string; deadline: number }[] = [];
    const networking: PodNetworking = {
      network: (ns) => `kctl.test.${ns}`,
      aliases: (p) => (p.spec?.subdomain ? [`${p.spec.hostname}.${p.spec.subdomain}`] : []),
      serviceEnv: async () => ({ WEB_SERVICE_HOST: '172.30.0.9', WEB_SERVICE_PORT: '80' }),
      drain: (p, deadline) => {
        drains.push({ name: p.metadata!.name!, deadline });
        drainStarted();
        return new Promise<void>((r) => (releaseDrain = r));
      },
    };
    const h = setup({ networking });
    await createPod(h, { terminationGracePeriodSeconds: 5, hostname: 'web', subdomain: 'svc', containers: [{ name: 'web', image: 'nginx:1.25', env: [{ name: 'URL', value: 'http://$(WEB_SERVICE_HOST)' }] }] });
    await pass(h);
    const sb = h.runtime.callsTo('runPodSandbox')[0]![0] as { network: string; networkAliases?: string[] };
    expect(sb.network).toBe('kctl.test.default');
    expect(sb.networkAliases).toEqual(['web.svc']);
    const env = createCfgs(h)[0]!.env;
    expect(env).toEqual(expect.arrayContaining([{ name: 'URL', value: 'http://172.30.0.9' }, { name: 'WEB_SERVICE_PORT', value: '80' }]));

    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' });
    await h.kubelet.reconcile(KEY);
    await draining; // the stop runs in the background: wait until it asks for the drain
    expect(drains).toEqual([{ name: 'web', deadline: h.clock.now().getTime() + 2_500 }]); // half the grace period at most
    expect(h.runtime.callsTo('stopContainer')).toEqual([]); // no SIGTERM while draining
    releaseDrain();
    await h.kubelet.whenIdle();
    expect(h.runtime.callsTo('stopContainer')[0]![1]).toBe(5);
  });

  it('the resync sweeps storage of pods gone from the store and the engine alike, and keeps that of live pods', async () => {
    const h = setup();
    const live = await createPod(h, { volumes: [{ name: 'cache', emptyDir: {} }] });
    await pass(h);
    await h.volumes.ensureDir('/kctl/pods/ghost-uid/volumes/cache', 0o777);
    await h.runtime.createVolume('kctl-mem-ghost-uid-m', { 'kctl.io/pod-uid': 'ghost-uid' }, { tmpfs: {} });
    await h.kubelet.resyncKeys();
    expect(h.volumes.removed).toContain('/kctl/pods/ghost-uid');
    expect((await h.runtime.listVolumes()).map((v) => v.name)).toEqual([]);
    expect(h.volumes.removed).not.toContain(`/kctl/pods/${live.metadata!.uid}`);
    expect(h.volumes.dirs.has(`/kctl/pods/${live.metadata!.uid}/volumes/cache`)).toBe(true);
  });

  it('cleans up containers whose pod is gone (found by resync)', async () => {
    const h = setup();
    await createPod(h, { terminationGracePeriodSeconds: 7 });
    await pass(h);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' }, { gracePeriodSeconds: 0 }); // --force
    expect(await h.kubelet.resyncKeys()).toEqual([KEY]);
    await pass(h);
    expect(h.runtime.callsTo('stopContainer')[0]![1]).toBe(7); // the pod's grace, from the container label
    await pass(h);
    expect(await h.runtime.listContainers()).toEqual([]);
    expect(await h.runtime.listPodSandboxes()).toEqual([]);
    expect(await h.kubelet.resyncKeys()).toEqual([]);
  });

  it('removes the leftovers of a former pod of the same name', async () => {
    const h = setup();
    await createPod(h);
    await pass(h);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' }, { gracePeriodSeconds: 0 });
    const fresh = await createPod(h);
    await pass(h);
    await pass(h);
    const sbs = await h.runtime.listPodSandboxes();
    expect(sbs.map((s) => s.pod.uid)).toEqual([fresh.metadata!.uid]);
    expect((await h.runtime.listContainers()).map((c) => c.pod.uid)).toEqual([fresh.metadata!.uid]);
  });
});

describe('Kubelet: images', () => {
  it('Never and missing: ErrImageNeverPull', async () => {
    const h = setup();
    await createPod(h, { containers: [{ name: 'web', image: 'missing:1', imagePullPolicy: 'Never' }] });
    await pass(h);
    const msg = 'Container image "missing:1" is not present with pull policy of Never';
    expect(containerStatus(await getPod(h))?.state?.waiting).toEqual({ reason: 'ErrImageNeverPull', message: msg });
    expect(h.events.events.find((e) => e.reason === 'ErrImageNeverPull')).toMatchObject({ type: 'Warning', message: msg });
    expect(h.runtime.callsTo('pullImage')).toEqual([]);
  });

  it('a failing pull: ErrImagePull, then ImagePullBackOff, pulled again after the back-off', async () => {
    const h = setup();
    await createPod(h, { containers: [{ name: 'web', image: 'missing:1' }] });
    let r = await pass(h); // the fake engine fails the pull at once, within the pass
    expect(h.events.messages().slice(0, 3)).toEqual([
      'Pulling image "missing:1"',
      expect.stringMatching(/^Failed to pull image "missing:1": pull access denied/),
      'Error: ErrImagePull',
    ]);
    const p = await getPod(h);
    expect(containerStatus(p)?.state?.waiting).toEqual({ reason: 'ErrImagePull', message: expect.stringMatching(/pull access denied/) });
    expect(p.status?.phase).toBe('Pending');
    expect(r.requeueAfterMs).toBeLessThanOrEqual(1000);
    h.clock.advance(r.requeueAfterMs!);
    r = await pass(h);
    expect(containerStatus(await getPod(h))?.state?.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "missing:1"' });
    expect(h.events.events.filter((e) => e.reason === 'BackOff').map((e) => [e.type, e.message])).toEqual([['Normal', 'Back-off pulling image "missing:1"']]);
    expect(h.events.messages('Failed')).toContain('Error: ImagePullBackOff');
    expect(h.runtime.callsTo('pullImage')).toHaveLength(1);
    h.clock.advance(r.requeueAfterMs!);
    await pass(h);
    expect(h.runtime.callsTo('pullImage')).toHaveLength(2);
  });

  it('pulls a missing image once, then starts the container', async () => {
    const h = setup({ registry: ['redis:7'] });
    await createPod(h, { containers: [{ name: 'web', image: 'redis:7' }] });
    await pass(h);
    expect(h.events.messages('Pulled')).toEqual([expect.stringMatching(/^Successfully pulled image "redis:7" in \d+\.\d{3}s/)]);
    await pass(h);
    expect(h.runtime.callsTo('pullImage')).toEqual([['redis:7']]);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
  });

  it.each([
    ['busybox', undefined, true],
    ['busybox:latest', undefined, true],
    ['busybox:1.36', undefined, false],
    ['busybox:1.36', 'Always', true],
    ['busybox:latest', 'IfNotPresent', false],
  ] as const)('image %s with policy %s pulls: %s', async (image, policy, pulls) => {
    const h = setup({ images: ['busybox', 'busybox:latest', 'busybox:1.36'] });
    await createPod(h, { containers: [{ name: 'web', image, ...(policy ? { imagePullPolicy: policy } : {}) }] });
    await pass(h);
    expect(h.runtime.callsTo('pullImage')).toHaveLength(pulls ? 1 : 0);
  });
});

describe('Kubelet: init containers', () => {
  const spec = (code1: number, policy: 'Always' | 'Never' = 'Always') => ({
    restartPolicy: policy,
    initContainers: [
      { name: 'init1', image: 'busybox:1.36', command: ['sh', '-c', `exit ${code1}`] },
      { name: 'init2', image: 'busybox:1.36', command: ['sh', '-c', 'exit 0'] },
    ],
  });

  it('runs them in order, each to success, then the app containers', async () => {
    const h = setup();
    await createPod(h, spec(0));
    await pass(h);
    let p = await getPod(h);
    expect(p.status?.phase).toBe('Pending');
    expect(condition(p, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init2]' });
    expect(containerStatus(p)?.state?.waiting?.reason).toBe('PodInitializing');
    await pass(h);
    await pass(h);
    expect(createCfgs(h).map((c) => c.container.name)).toEqual(['init1', 'init2', 'web']);
    p = await getPod(h);
    expect(p.status?.phase).toBe('Running');
    expect(condition(p, 'Initialized')?.status).toBe('True');
    expect(p.status?.initContainerStatuses?.map((s) => [s.name, s.ready, s.state?.terminated?.reason])).toEqual([
      ['init1', true, 'Completed'],
      ['init2', true, 'Completed'],
    ]);
    const rev = await h.store.revision();
    await pass(h);
    expect(await h.store.revision()).toBe(rev);
  });

  it('a failed init container is retried with back-off (Init:CrashLoopBackOff)', async () => {
    const h = setup();
    await createPod(h, spec(1));
    await pass(h);
    await pass(h); // immediate retry
    const r = await pass(h);
    expect(r.requeueAfterMs).toBe(10_000);
    const p = await getPod(h);
    expect(p.status?.initContainerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(p.status?.initContainerStatuses?.[0]?.restartCount).toBe(1);
    expect(p.status?.phase).toBe('Pending');
    expect(createCfgs(h).map((c) => c.container.name)).toEqual(['init1', 'init1']);
  });

  it('a failed init container with restartPolicy Never fails the pod', async () => {
    const h = setup();
    await createPod(h, spec(1, 'Never'));
    await pass(h);
    await pass(h);
    const p = await getPod(h);
    expect(p.status?.phase).toBe('Failed');
    expect(createCfgs(h).map((c) => c.container.name)).toEqual(['init1']);
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);
  });
});

describe('Kubelet: container config', () => {
  it('resolves env from the store; a missing ConfigMap waits with CreateContainerConfigError', async () => {
    const h = setup();
    await createPod(h, {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          env: [
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'URL', value: 'http://$(POD_IP):80/$(MODE)' },
          ],
        },
      ],
    });
    await pass(h);
    const p = await getPod(h);
    expect(containerStatus(p)?.state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' });
    expect(h.events.events.find((e) => e.reason === 'Failed')).toMatchObject({ type: 'Warning', message: 'Error: configmap "cfg" not found' });
    const cm: ConfigMap & KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { mode: 'fast' } };
    await h.store.create(cm);
    await pass(h);
    const env = createCfgs(h)[0]!.env!;
    const ip = (await getPod(h)).status!.podIP!;
    expect(env).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'POD_IP', value: ip },
      { name: 'URL', value: `http://${ip}:80/fast` },
    ]);
    // one Failed event for the same failure, whatever the number of passes
    expect(h.events.messages('Failed')).toHaveLength(1);
  });

  it('refuses privileged containers unless allowed', async () => {
    const h = setup();
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', securityContext: { privileged: true } }] });
    await pass(h);
    expect(containerStatus(await getPod(h))?.state?.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'securityContext.privileged: Forbidden: disallowed by cluster policy',
    });
    expect(h.runtime.callsTo('createContainer')).toEqual([]);
  });

  it('backs emptyDir and configMap volumes with host directories under the data dir', async () => {
    const h = setup();
    await h.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site', namespace: 'default' }, data: { 'index.html': 'hi' } });
    const pod = await createPod(h, {
      volumes: [
        { name: 'cache', emptyDir: {} },
        { name: 'site', configMap: { name: 'site' } },
      ],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          volumeMounts: [
            { name: 'cache', mountPath: '/cache' },
            { name: 'site', mountPath: '/usr/share/nginx/html' },
          ],
        },
        { name: 'side', image: 'busybox:1.36', volumeMounts: [{ name: 'cache', mountPath: '/data' }] },
      ],
    });
    await pass(h);
    const dir = `/kctl/pods/${pod.metadata!.uid}/volumes`;
    expect(h.volumes.dirs.get(`${dir}/cache`)).toBe(0o777);
    expect(h.volumes.files.get(`${dir}/site/index.html`)).toEqual({ data: 'hi', mode: 0o644 });
    const [web, side] = createCfgs(h);
    expect(web!.volumes).toEqual({ cache: `${dir}/cache`, site: `${dir}/site` });
    expect(web!.container.volumeMounts?.find((m) => m.name === 'site')?.readOnly).toBe(true);
    expect(side!.volumes).toEqual({ cache: `${dir}/cache` });
  });

  it('a mount of an unsupported volume type: CreateContainerConfigError', async () => {
    const h = setup();
    await createPod(h, {
      volumes: [{ name: 'data', nfs: { server: 'nas', path: '/export' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    });
    await pass(h);
    expect(containerStatus(await getPod(h))?.state?.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'volume "data": nfs volumes are not supported by kctl',
    });
  });

  it('a missing ConfigMap volume: FailedMount, the pod stays ContainerCreating', async () => {
    const h = setup();
    await createPod(h, {
      volumes: [{ name: 'site', configMap: { name: 'nope' } }],
      containers: [{ name: 'web', image: 'nginx:1.25', volumeMounts: [{ name: 'site', mountPath: '/site' }] }],
    });
    const r = await pass(h);
    expect(r.requeueAfterMs).toBe(10_000);
    expect(h.events.events.find((e) => e.reason === 'FailedMount')?.message).toBe('MountVolume.SetUp failed for volume "site" : configmap "nope" not found');
    expect(containerStatus(await getPod(h))?.state?.waiting?.reason).toBe('ContainerCreating');
  });
});

describe('Kubelet: lifecycle hooks', () => {
  it('runs preStop before stopping, within the grace period', async () => {
    const h = setup();
    await createPod(h, {
      terminationGracePeriodSeconds: 10,
      containers: [{ name: 'web', image: 'nginx:1.25', lifecycle: { preStop: { sleep: { seconds: 3 } } } }],
    });
    await pass(h);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' });
    await h.kubelet.reconcile(KEY);
    await Promise.resolve();
    expect(h.runtime.callsTo('stopContainer')).toEqual([]); // still in preStop
    h.clock.advance(3_000);
    await h.kubelet.whenIdle();
    expect(h.runtime.callsTo('stopContainer')[0]![1]).toBe(7); // what is left of the grace period
  });

  it('an exec preStop runs in the container first; a failure is an event', async () => {
    const h = setup();
    h.runtime.setExecHandler((_id, cmd) => (cmd[0] === 'drain' ? { exitCode: 3, stdout: 'busy', stderr: '' } : undefined));
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', lifecycle: { preStop: { exec: { command: ['drain'] } } } }] });
    await pass(h);
    h.runtime.resetCalls();
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'web' });
    await pass(h);
    expect(h.runtime.callNames().filter((m) => m === 'exec' || m === 'stopContainer')).toEqual(['exec', 'stopContainer']);
    expect(h.events.messages('FailedPreStopHook')).toEqual(["PreStopHook failed: command 'drain' exited with 3: busy"]);
  });

  it('a failing postStart hook stops the container (restarted per policy)', async () => {
    const h = setup();
    h.runtime.setExecHandler((_id, cmd) => (cmd[0] === 'init-db' ? { exitCode: 1, stdout: '', stderr: 'no db' } : undefined));
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', lifecycle: { postStart: { exec: { command: ['init-db'] } } } }] });
    await pass(h);
    expect(h.events.messages('FailedPostStartHook')).toEqual(["PostStartHook failed: command 'init-db' exited with 1: no db"]);
    expect(h.events.messages('Killing')).toEqual(['FailedPostStartHook']);
    await pass(h);
    expect(createCfgs(h).map((c) => c.attempt)).toEqual([0, 1]);
  });
});

describe('Kubelet: engine errors and wiring', () => {
  it('a name conflict on create (made meanwhile) is no failure: looked at again soon', async () => {
    const h = setup();
    await createPod(h);
    h.runtime.injectError('createContainer', new RuntimeError('RuntimeConflict', 'Conflict. The container name is already in use', { statusCode: 409 }));
    expect(await pass(h)).toEqual({ requeueAfterMs: 1000 });
    expect(h.events.messages('Failed')).toEqual([]);
    await pass(h);
    expect(containerStatus(await getPod(h))?.state?.running).toBeDefined();
  });

  it('an unreachable engine fails the pass (the runner retries)', async () => {
    const h = setup();
    await createPod(h);
    h.runtime.injectError('listContainers', new RuntimeError('Runtime', 'cannot reach the Docker engine at unix:///var/run/docker.sock: connect ENOENT', { reason: 'EngineUnreachable' }));
    await expect(h.kubelet.reconcile(KEY)).rejects.toThrow(/cannot reach the Docker engine/);
  });

  it('without an enqueue callback it polls pods with probes; onEnqueue wires one', async () => {
    const h = setup();
    const k = new Kubelet({ store: h.store, runtime: h.runtime, clock: h.clock, events: h.events, nodeName: NODE, volumeHost: h.volumes });
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', readinessProbe: { exec: { command: ['true'] } } }] });
    expect(await k.reconcile(KEY)).toEqual({ requeueAfterMs: 1000 });
    const keys: string[] = [];
    k.onEnqueue((key) => keys.push(key));
    await k.whenIdle();
    expect(await k.reconcile(KEY)).toEqual({});
    h.clock.advance(10_000);
    await k.whenIdle();
    expect(keys).toEqual([]); // result unchanged: nothing to enqueue
    k.stop();
  });

  it('takes a ClusterConfig: home is the data directory, backoff settings apply', () => {
    const h = setup();
    const k = new Kubelet({
      store: h.store,
      runtime: h.runtime,
      clock: h.clock,
      events: h.events,
      nodeName: NODE,
      config: { home: '/home/me/.kctl', backoffBaseMs: 100, allowPrivileged: true },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
    });
    expect(k.config).toMatchObject({ dataDir: '/home/me/.kctl', backoffBaseMs: 100, backoffMaxMs: 300_000, allowPrivileged: true, network: 'kctl' });
  });
});
