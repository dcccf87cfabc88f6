// Deployments on the real Docker engine, end to end through the built CLI (issue 4, "Behaviour that must hold"):
// stalled rollouts and undo, the maxSurge/maxUnavailable bounds checked at every store revision of a rollout, undo
// toggling and revisionHistoryLimit, scale surviving a re-apply, a SIGKILLed controller finishing a rollout,
// self-healing without a new revision, and cascading deletion. Traffic goes to 127.0.0.1 only (published pod ports).
import http from 'node:http';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, condition, containerIdOf, containerStatus, dockerCli, hostPortOf, sleep, type StoredPod } from '../helpers/e2e-cluster.js';
import { FileStore } from '../../src/store/file-store.js';
import type { Deployment, KubeObject, ReplicaSet } from '../../src/api/types.js';

// CI: throws (the suite fails) when the engine or the test image is missing; elsewhere false (skips, saying why)
const haveDocker = await requireDocker();

/** The same image under another reference: a different pod template (and pod-template-hash), nothing to pull. */
const ALT_IMAGE = `docker.io/${TEST_IMAGE}`;
/** A pull goes to 127.0.0.1:1 and is refused at once (no registry anywhere). */
const MISSING_IMAGE = '127.0.0.1:1/kctl-test/missing:1';
const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

type DeployObj = Deployment & KubeObject;
type RSObj = ReplicaSet & KubeObject;

interface DeployOpts {
  replicas?: number;
  image?: string;
  env?: Record<string, string>;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  revisionHistoryLimit?: number;
  /** readinessProbe.initialDelaySeconds (slows each new pod down, to catch a rollout in the middle) */
  readyDelay?: number;
}

/** An httpd Deployment (label app=<name>) with an httpGet readiness probe every second. */
function deployment(name: string, o: DeployOpts = {}): Record<string, unknown> {
  const container: Record<string, unknown> = {
    name: 'web',
    image: o.image ?? TEST_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    command: ['httpd', '-f', '-p', '80', '-h', '/www'],
    ports: [{ containerPort: 80 }],
    readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, ...(o.readyDelay ? { initialDelaySeconds: o.readyDelay } : {}) },
  };
  if (o.env) container.env = Object.entries(o.env).map(([k, v]) => ({ name: k, value: v }));
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [container] } },
  };
  if (o.replicas !== undefined) spec.replicas = o.replicas;
  if (o.maxSurge !== undefined || o.maxUnavailable !== undefined)
    spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' } };
  if (o.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = o.revisionHistoryLimit;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec };
}

function httpGet(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 2_000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

const isTerminating = (p: StoredPod) => !!p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isReady = (p: StoredPod) => condition(p, 'Ready') === 'True';
const revisionOf = (o: KubeObject | undefined) => o?.metadata.annotations?.[REVISION];
const envOf = (o: { spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } } | undefined) =>
  Object.fromEntries((o?.spec?.template?.spec?.containers?.[0]?.env ?? []).map((e) => [e.name, e.value]));
const imageOf = (o: { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } | undefined) => o?.spec?.template?.spec?.containers?.[0]?.image;
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(haveDocker)('deployments on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('deploy');
  let store: FileStore;

  // ------------------------------------------------------------------ reading the cluster

  const deploy = (name: string) => store.tryGet<DeployObj>({ resource: 'deployments', namespace: 'default', name });
  const replicaSets = async (app: string) => (await store.list<RSObj>('replicasets', { namespace: 'default' })).items.filter((rs) => rs.metadata.labels?.app === app);
  const pods = async (app: string) => ((await store.list('pods', { namespace: 'default' })).items as unknown as StoredPod[]).filter((p) => p.metadata.labels?.app === app);
  /** This run's containers (all states) of the pods whose name starts with `<app>-`. */
  const containersOf = async (app: string): Promise<Docker.ContainerInfo[]> =>
    (await cluster.containers()).filter((c) => c.Labels['kctl.io/pod-name']?.startsWith(`${app}-`));

  /** `kctl rollout status` that must end with the success line. */
  async function rolloutDone(name: string, timeout = '90s'): Promise<void> {
    const r = await cluster.kctl(['rollout', 'status', `deploy/${name}`, `--timeout=${timeout}`], { timeoutMs: 100_000 });
    if (r.code !== 0) throw new Error(`rollout status ${name} exited ${r.code}\n${r.stdout}${r.stderr}\n${await cluster.diagnostics()}`);
    expect(r.stdout).toContain(`deployment "${name}" successfully rolled out`);
  }

  /** Waits until the Deployment's pods are exactly `n`, all of the current template, Ready and not terminating. */
  async function settled(name: string, n: number, timeoutMs = 60_000): Promise<StoredPod[]> {
    return cluster.waitFor(`${name}: ${n} ready pods of the current template and nothing else`, async () => {
      const d = await deploy(name);
      const rss = await replicaSets(name);
      const newRS = rss.find((rs) => revisionOf(rs) === revisionOf(d));
      const ps = await pods(name);
      if (!newRS || ps.length !== n) return undefined;
      const hash = newRS.metadata.labels?.[HASH];
      return ps.every((p) => !isTerminating(p) && isReady(p) && p.metadata.labels?.[HASH] === hash) ? ps : undefined;
    }, timeoutMs);
  }

  /**
   * No container of any other pod (orphans), and each live pod has exactly one running sandbox and one running
   * `web` container (no duplicates). A stopped earlier instance of `web` (lower attempt) may remain, as the kubelet
   * keeps one for `logs --previous` — e.g. one created but never started when the controller was killed in between.
   */
  async function expectContainersMatch(app: string, live: StoredPod[]): Promise<void> {
    const want = live.map((p) => p.metadata.uid).sort();
    const cs = await cluster.waitFor(`${app}: containers only of the live pods`, async () => {
      const all = await containersOf(app);
      const uids = [...new Set(all.map((c) => c.Labels['kctl.io/pod-uid']!))].sort();
      return JSON.stringify(uids) === JSON.stringify(want) ? all : undefined;
    }, 30_000);
    for (const p of live) {
      const mine = cs.filter((c) => c.Labels['kctl.io/pod-uid'] === p.metadata.uid);
      const running = mine.filter((c) => c.State === 'running');
      expect(running.map((c) => c.Labels['kctl.io/container-name']).sort(), `running containers of ${p.metadata.name}`).toEqual(['POD', 'web']);
      const current = Number(running.find((c) => c.Labels['kctl.io/container-name'] === 'web')!.Labels['kctl.io/attempt']);
      const stopped = mine.filter((c) => c.State !== 'running');
      expect(stopped.length, `stopped containers of ${p.metadata.name}`).toBeLessThanOrEqual(1);
      for (const c of stopped) {
        expect(c.Labels['kctl.io/container-name']).toBe('web');
        expect(Number(c.Labels['kctl.io/attempt'])).toBeLessThan(current);
      }
    }
  }

  beforeAll(async () => {
    // the first mutating command starts the controller in the background
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warm-up' }, data: { a: 'b' } });
    store = await FileStore.open(cluster.home);
  });

  afterAll(async () => {
    await store?.close();
    // KCTL_E2E_KEEP_LOG=<file>: keep the controller's log of the run (debugging)
    if (process.env.KCTL_E2E_KEEP_LOG) await copyFile(join(cluster.home, 'controller.log'), process.env.KCTL_E2E_KEEP_LOG).catch(() => undefined);
    await cluster.dispose();
  });

  // ------------------------------------------------------------------ tests

  it('a rollout to a missing image stalls with the old pods serving; status times out, --fail-fast names the pod; undo finishes', async () => {
    const name = 'stall';
    await cluster.apply(deployment(name, { replicas: 2, maxSurge: 1, maxUnavailable: 0 }));
    await rolloutDone(name);
    const old = await settled(name, 2);
    const oldNames = old.map((p) => p.metadata.name).sort();
    const oldRS = (await replicaSets(name))[0]!;

    expect(await cluster.ok(['set', 'image', `deploy/${name}`, `web=${MISSING_IMAGE}`])).toBe(`deployment.apps/${name} image updated\n`);
    // one surge pod is made and cannot pull; nothing old goes (maxUnavailable 0)
    const stuck = await cluster.waitFor('the new pod to fail pulling', async () => {
      const ps = (await pods(name)).filter((p) => p.metadata.labels?.[HASH] !== oldRS.metadata.labels?.[HASH]);
      const reason = containerStatus(ps[0], 'web')?.state?.waiting?.reason;
      return ps.length === 1 && (reason === 'ErrImagePull' || reason === 'ImagePullBackOff') ? ps[0] : undefined;
    });

    const status = await cluster.kctl(['rollout', 'status', `deploy/${name}`, '--timeout=20s'], { timeoutMs: 40_000 });
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`Waiting for deployment "${name}" rollout to finish: 1 out of 2 new replicas have been updated...`);
    expect(status.stderr).toBe('error: timed out waiting for the condition\n');

    // still stalled, the old pods still Ready and answering on their published ports
    const now = await pods(name);
    expect(now.map((p) => p.metadata.name).sort()).toEqual([...oldNames, stuck.metadata.name].sort());
    for (const p of now.filter((x) => oldNames.includes(x.metadata.name))) {
      expect(isReady(p), `${p.metadata.name} ready`).toBe(true);
      expect(isTerminating(p)).toBe(false);
      expect(await httpGet(hostPortOf(p, 80)!), `${p.metadata.name} serves`).toBe(200);
    }
    const d = (await deploy(name))!;
    expect(d.status?.availableReplicas).toBe(2);
    expect(d.status?.updatedReplicas).toBe(1);
    // what kubectl's columns show: READY 2/2, UP-TO-DATE 1, AVAILABLE 2; the sets 2 2 2 and 1 1 0
    expect((await cluster.ok(['get', 'deploy', name])).split('\n')[1]).toMatch(new RegExp(`^${name}\\s+2/2\\s+1\\s+2\\s+\\S+$`));
    const rsRows = (await cluster.ok(['get', 'rs', '-l', `app=${name}`])).trim().split('\n');
    expect(rsRows[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    expect(rsRows.slice(1).map((r) => r.split(/\s+/).slice(0, 4).join(' ')).sort()).toEqual(
      [`${oldRS.metadata.name} 2 2 2`, `${name}-${stuck.metadata.labels?.[HASH]} 1 1 0`].sort(),
    );
    expect((await replicaSets(name)).find((rs) => rs.metadata.uid === oldRS.metadata.uid)?.spec?.replicas).toBe(2);

    const t0 = Date.now();
    const ff = await cluster.kctl(['rollout', 'status', `deploy/${name}`, '--fail-fast', '--timeout=60s']);
    expect(ff.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(ff.stderr).toMatch(
      new RegExp(`^error: deployment "${name}" rollout failed: pod "${stuck.metadata.name}" container "web": (ErrImagePull|ImagePullBackOff)\\b.*${MISSING_IMAGE.replace(/[.]/g, '\\.')}`),
    );

    expect(await cluster.ok(['rollout', 'undo', `deploy/${name}`])).toBe(`deployment.apps/${name} rolled back\n`);
    await rolloutDone(name, '60s');
    const after = await settled(name, 2);
    // the previous template, in the previous ReplicaSet (now revision 3); the old pods never went away
    expect(imageOf(await deploy(name))).toBe(TEST_IMAGE);
    expect(after.map((p) => p.metadata.name).sort()).toEqual(oldNames);
    const rss = await replicaSets(name);
    expect(revisionOf(rss.find((rs) => rs.metadata.uid === oldRS.metadata.uid))).toBe('3');
    expect(revisionOf(await deploy(name))).toBe('3');
    await cluster.waitFor('the failed pod to be gone', async () => !(await pods(name)).some((p) => p.metadata.name === stuck.metadata.name));
    await cluster.ok(['delete', 'deploy', name]);
  });

  it('a RollingUpdate of 5 (maxSurge 1, maxUnavailable 1) never has more than 6 pods or fewer than 4 ready, at any store revision', async () => {
    const name = 'roll';
    const opts = { replicas: 5, maxSurge: 1, maxUnavailable: 1 };
    await cluster.apply(deployment(name, { ...opts, env: { V: '1' } }));
    await rolloutDone(name);
    await settled(name, 5);

    // Every state the rollout goes through, not samples of it: a snapshot of the pods at a quiet store revision,
    // then every pod change after it from the store's watch, replayed one revision at a time.
    let snap: { items: StoredPod[]; rev: number };
    for (;;) {
      const l = await store.list('pods', { namespace: 'default' });
      if (String(await store.revision()) === l.resourceVersion) {
        snap = { items: l.items as unknown as StoredPod[], rev: Number(l.resourceVersion) };
        break;
      }
      await sleep(50);
    }
    const state = new Map(snap.items.filter((p) => p.metadata.labels?.app === name).map((p) => [p.metadata.uid, p]));
    const counts = () => {
      const live = [...state.values()].filter((p) => !isTerminating(p));
      return { total: live.length, ready: live.filter(isReady).length, v2: live.filter((p) => envOf({ spec: { template: { spec: p.spec } } }).V === '2').length };
    };
    expect(counts()).toEqual({ total: 5, ready: 5, v2: 0 });
    const seen: { rev: number; total: number; ready: number; v2: number }[] = [];
    const violations: string[] = [];
    const ac = new AbortController();
    const replay = (async () => {
      for await (const ev of store.watch<KubeObject>({ resource: 'pods', namespace: 'default', fromRevision: snap.rev, signal: ac.signal })) {
        const p = ev.object as unknown as StoredPod;
        if (p.metadata.labels?.app !== name) continue;
        if (ev.type === 'DELETED') state.delete(p.metadata.uid);
        else state.set(p.metadata.uid, p);
        const c = { rev: ev.revision, ...counts() };
        seen.push(c);
        if (c.total > 6 || c.ready < 4)
          violations.push(`${JSON.stringify(c)} after ${ev.type} ${p.metadata.name}: ${[...state.values()].map((x) => `${x.metadata.name}${isTerminating(x) ? '(T)' : ''}${isReady(x) ? '(R)' : ''}`).join(' ')}`);
      }
    })().catch((e: unknown) => {
      if (!ac.signal.aborted) throw e;
    });

    await cluster.apply(deployment(name, { ...opts, env: { V: '2' } }));
    await rolloutDone(name);
    await settled(name, 5);
    // let the watch deliver what is left, then stop it
    await cluster.waitFor('the replay to reach the end state', async () => JSON.stringify(counts()) === JSON.stringify({ total: 5, ready: 5, v2: 5 }), 10_000);
    await sleep(500);
    ac.abort();
    await replay;

    expect(violations, violations.join('\n')).toEqual([]);
    // the replay saw the rollout in motion: a surge pod, and moments with one pod short of ready
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.some((c) => c.total === 6)).toBe(true);
    expect(seen.some((c) => c.ready === 4)).toBe(true);
    expect(counts()).toEqual({ total: 5, ready: 5, v2: 5 });
    await cluster.ok(['delete', 'deploy', name]);
  });

  it('rollout undo twice toggles between the last two revisions; only revisionHistoryLimit old ReplicaSets are kept', async () => {
    const name = 'hist';
    const apply = async (image: string, v: string) => {
      await cluster.apply(deployment(name, { replicas: 1, image, env: { V: v }, revisionHistoryLimit: 2 }));
      await rolloutDone(name, '60s');
    };
    await apply(TEST_IMAGE, '1'); // revision 1
    await apply(ALT_IMAGE, '1'); // revision 2
    const rev = async () => revisionOf(await deploy(name));
    expect(await rev()).toBe('2');

    expect(await cluster.ok(['rollout', 'undo', `deploy/${name}`])).toBe(`deployment.apps/${name} rolled back\n`);
    await rolloutDone(name, '60s');
    expect(imageOf(await deploy(name))).toBe(TEST_IMAGE);
    expect(await rev()).toBe('3');
    await settled(name, 1);

    expect(await cluster.ok(['rollout', 'undo', `deploy/${name}`])).toBe(`deployment.apps/${name} rolled back\n`);
    await rolloutDone(name, '60s');
    expect(imageOf(await deploy(name))).toBe(ALT_IMAGE);
    expect(await rev()).toBe('4');
    const [pod] = await settled(name, 1);
    expect(pod!.spec?.containers[0]!.image).toBe(ALT_IMAGE);
    // two sets, their revisions 3 and 4 (the numbers 1 and 2 live on in revision-history)
    const toggled = await replicaSets(name);
    expect(toggled.map(revisionOf).sort()).toEqual(['3', '4']);
    const history = await cluster.ok(['rollout', 'history', `deploy/${name}`]);
    expect(history).toMatch(/^deployment\.apps\/hist \nREVISION\s+CHANGE-CAUSE\n3\s+<none>\n4\s+<none>\n\n$/);

    // four more rollouts with revisionHistoryLimit 2: the current set and the two newest old ones remain
    for (const v of ['2', '3', '4', '5']) await apply(ALT_IMAGE, v);
    expect(await rev()).toBe('8');
    const rss = await cluster.waitFor('at most 3 ReplicaSets', async () => {
      const l = await replicaSets(name);
      return l.length === 3 ? l : undefined;
    }, 20_000);
    expect(rss.map(revisionOf).sort()).toEqual(['6', '7', '8']);
    expect(rss.filter((rs) => revisionOf(rs) !== '8').every((rs) => rs.spec?.replicas === 0)).toBe(true);
    const table = await cluster.ok(['get', 'rs', '-l', `app=${name}`]);
    expect(table.trim().split('\n')).toHaveLength(4); // header + 3
    // and it stays there (a later pass deletes nothing more, recreates nothing)
    await sleep(1_500);
    expect((await replicaSets(name)).map((rs) => rs.metadata.uid).sort()).toEqual(rss.map((rs) => rs.metadata.uid).sort());
    await settled(name, 1);
    await cluster.ok(['delete', 'deploy', name]);
  });

  it('kctl scale survives re-applying a manifest that never set replicas', async () => {
    const name = 'scaled';
    const manifest = deployment(name, { env: { V: '1' } }); // no spec.replicas
    expect(await cluster.apply(manifest)).toBe(`deployment.apps/${name} created\n`);
    await rolloutDone(name);
    expect((await deploy(name))!.spec?.replicas).toBe(1);

    expect(await cluster.ok(['scale', `deploy/${name}`, '--replicas=3'])).toBe(`deployment.apps/${name} scaled\n`);
    await rolloutDone(name);
    const three = await settled(name, 3);

    // the same manifest again: the last-applied configuration never had replicas, so the three-way merge keeps 3
    expect(await cluster.apply(manifest)).toBe(`deployment.apps/${name} unchanged\n`);
    expect((await deploy(name))!.spec?.replicas).toBe(3);
    await sleep(2_000);
    const still = await settled(name, 3);
    expect(still.map((p) => p.metadata.uid).sort()).toEqual(three.map((p) => p.metadata.uid).sort());

    // a changed manifest (still no replicas): configured, rolled, and still 3
    expect(await cluster.apply(deployment(name, { env: { V: '2' } }))).toBe(`deployment.apps/${name} configured\n`);
    expect((await deploy(name))!.spec?.replicas).toBe(3);
    await rolloutDone(name);
    const rolled = await settled(name, 3);
    expect(rolled.every((p) => p.spec?.containers[0]!.env?.[0]?.value === '2')).toBe(true);
    expect((await deploy(name))!.spec?.replicas).toBe(3);
    await cluster.ok(['delete', 'deploy', name]);
  });

  it('a controller SIGKILLed in the middle of a rollout finishes it after a restart, without duplicate or orphan containers', async () => {
    const name = 'killed';
    const opts = { replicas: 4, maxSurge: 1, maxUnavailable: 1, readyDelay: 2 };
    await cluster.apply(deployment(name, { ...opts, env: { V: '1' } }));
    await rolloutDone(name);
    await settled(name, 4);

    await cluster.apply(deployment(name, { ...opts, env: { V: '2' } }));
    // in the middle: the new set has pods, the old one still has some
    await cluster.waitFor('the rollout to be under way', async () => {
      const rss = await replicaSets(name);
      const d = await deploy(name);
      const newRS = rss.find((rs) => envOf(rs).V === '2');
      const oldRS = rss.find((rs) => envOf(rs).V === '1');
      return !!newRS && (newRS.status?.replicas ?? 0) >= 1 && (oldRS?.spec?.replicas ?? 0) >= 2 && (d?.status?.updatedReplicas ?? 0) < 4;
    }, 30_000);
    const pid = Number((await readFile(join(cluster.home, 'controller.pid'), 'utf8')).trim());
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await cluster.waitFor(`controller pid ${pid} to die`, async () => !isAlive(pid));
    const frozen = (await deploy(name))!;
    expect(frozen.status?.updatedReplicas ?? 0).toBeLessThan(4);
    await sleep(1_000);

    // the next mutating command starts a new controller
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'poke-killed' }, data: { a: '1' } });
    const newPid = await cluster.waitFor('a new controller', () => cluster.controllerPid());
    expect(newPid).not.toBe(pid);

    await rolloutDone(name);
    const live = await settled(name, 4);
    const d = (await deploy(name))!;
    expect(envOf(d)).toEqual({ V: '2' });
    expect(revisionOf(d)).toBe('2');
    expect(live.every((p) => p.spec?.containers[0]!.env?.[0]?.value === '2')).toBe(true);
    const rss = await replicaSets(name);
    expect(rss.map((rs) => [revisionOf(rs), rs.spec?.replicas]).sort()).toEqual([
      ['1', 0],
      ['2', 4],
    ]);
    await expectContainersMatch(name, live);
    await cluster.ok(['delete', 'deploy', name]);
  });

  it('a pod deleted by hand is replaced and a kill -9ed container restarts, without a new revision', async () => {
    const name = 'heal';
    await cluster.apply(deployment(name, { replicas: 2 }));
    await rolloutDone(name);
    const [a, b] = await settled(name, 2);
    const before = (await deploy(name))!;
    expect(revisionOf(before)).toBe('1');
    const rsBefore = (await replicaSets(name)).map((rs) => rs.metadata.uid);

    expect(await cluster.ok(['delete', 'pod', a!.metadata.name])).toBe(`pod "${a!.metadata.name}" deleted\n`);
    const replaced = await settled(name, 2);
    expect(replaced.map((p) => p.metadata.name)).not.toContain(a!.metadata.name);
    expect(replaced.map((p) => p.metadata.name)).toContain(b!.metadata.name);

    // kill -9 of the container's main process from the host
    const id = containerIdOf(b!, 'web');
    const inspect = await dockerCli(['inspect', '-f', '{{.State.Pid}}', id]);
    const pid = Number(inspect.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const restarted = await cluster.waitForPod(b!.metadata.name, 'restarted and ready', (p) => (containerStatus(p, 'web')?.restartCount ?? 0) >= 1 && isReady(p), 60_000);
    expect(containerStatus(restarted, 'web')!.restartCount).toBe(1);

    const after = (await deploy(name))!;
    expect(revisionOf(after)).toBe('1');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect((await replicaSets(name)).map((rs) => rs.metadata.uid)).toEqual(rsBefore);
    const live = await settled(name, 2);
    expect(live.map((p) => p.metadata.name)).toContain(b!.metadata.name);
    await cluster.ok(['delete', 'deploy', name]);
  });

  it('kctl delete deploy cascades to ReplicaSets, pods and containers (background, foreground); --cascade=orphan leaves them, unowned', async () => {
    await cluster.apply([deployment('casc', { replicas: 2 }), deployment('fg', { replicas: 2 }), deployment('orph', { replicas: 2 })]);
    for (const n of ['casc', 'fg', 'orph']) await rolloutDone(n);
    await settled('casc', 2);
    await settled('fg', 2);
    const orphPods = await settled('orph', 2);
    expect((await containersOf('casc')).filter((c) => c.State === 'running')).toHaveLength(4);

    expect(await cluster.ok(['delete', 'deploy', 'casc'])).toBe('deployment.apps "casc" deleted\n');
    await cluster.waitFor('casc: ReplicaSets and pods gone', async () => (await replicaSets('casc')).length === 0 && (await pods('casc')).length === 0);
    await cluster.waitFor('casc: containers removed', async () => (await containersOf('casc')).length === 0, 30_000);
    expect(await cluster.ok(['get', 'deploy,rs,pods', '-l', 'app=casc'])).toBe('');

    // foreground: `kctl delete` waits for the Deployment, which goes only after its ReplicaSet and their pods
    expect(await cluster.ok(['delete', 'deploy', 'fg', '--cascade=foreground'])).toBe('deployment.apps "fg" deleted\n');
    expect(await deploy('fg')).toBeUndefined();
    expect(await replicaSets('fg')).toEqual([]);
    expect(await pods('fg')).toEqual([]);
    await cluster.waitFor('fg: containers removed', async () => (await containersOf('fg')).length === 0, 30_000);

    const orphRS = (await replicaSets('orph'))[0]!;
    expect(orphRS.metadata.ownerReferences?.[0]?.kind).toBe('Deployment');
    expect(await cluster.ok(['delete', 'deploy', 'orph', '--cascade=orphan'])).toBe('deployment.apps "orph" deleted\n');
    await cluster.waitFor('orph: the Deployment gone', async () => (await deploy('orph')) === undefined);
    const rs = await cluster.waitFor('orph: the ReplicaSet without owner', async () => {
      const l = await replicaSets('orph');
      return l.length === 1 && !l[0]!.metadata.ownerReferences ? l[0] : undefined;
    });
    expect(rs.metadata.uid).toBe(orphRS.metadata.uid);
    await sleep(1_500);
    // the pods stay (still the ReplicaSet's), running the same containers
    const stay = await stillRunning(orphPods);
    for (const p of stay) expect(p.metadata.ownerReferences?.map((r) => r.uid)).toEqual([orphRS.metadata.uid]);
    expect((await replicaSets('orph')).length).toBe(1);
    await expectContainersMatch('orph', stay);

    await cluster.ok(['delete', 'rs', '-l', 'app=orph']);
    await cluster.waitFor('orph: pods gone', async () => (await pods('orph')).length === 0);
  });

  /** The same pods as `before` (by uid), still live and ready. */
  async function stillRunning(before: StoredPod[]): Promise<StoredPod[]> {
    const uids = new Set(before.map((p) => p.metadata.uid));
    const now = ((await store.list('pods', { namespace: 'default' })).items as unknown as StoredPod[]).filter((p) => uids.has(p.metadata.uid));
    expect(now).toHaveLength(before.length);
    for (const p of now) {
      expect(isTerminating(p), `${p.metadata.name} terminating`).toBe(false);
      expect(isReady(p), `${p.metadata.name} ready`).toBe(true);
    }
    return now;
  }
});
