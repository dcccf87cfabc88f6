// DaemonSets on the real Docker engine through the built CLI (issue 10): the daemon pod runs on the node, a new
// image rolls over (rollout status prints kubectl's waiting lines and ends with the success line), history and
// undo go back, a nodeSelector the node does not match leaves no pod, and deleting the DaemonSet removes its pod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { E2eCluster, TEST_IMAGE, condition, type StoredPod } from '../helpers/e2e-cluster.js';
import { FileStore } from '../../src/store/file-store.js';
import type { KubeObject } from '../../src/api/types.js';

// CI: throws (the suite fails) when the engine or the test image is missing; elsewhere false (skips, saying why)
const haveDocker = await requireDocker();

/** The same image under another reference: a different pod template, nothing to pull. */
const ALT_IMAGE = `docker.io/${TEST_IMAGE}`;

/**
 * `agent`: a shell loop (PID 1 ignores SIGTERM, so an old pod takes its 3 s grace to go: the rollout's
 * "new pods have been updated" window), Ready 2 s after start (the "updated pods are available" window).
 */
function daemonSet(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 3,
          containers: [
            {
              name: 'main',
              image: TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'while true; do sleep 1; done'],
              readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 2, periodSeconds: 1 },
            },
          ],
          ...extra,
        },
      },
    },
  };
}

type DsObj = KubeObject & { spec?: { template?: { spec?: { containers?: { image?: string }[] } } }; status?: Record<string, number> };

const isLive = (p: StoredPod): boolean => !p.metadata.deletionTimestamp;
const WAITING_UPDATED = 'Waiting for daemon set "agent" rollout to finish: 0 out of 1 new pods have been updated...';
const WAITING_AVAILABLE = 'Waiting for daemon set "agent" rollout to finish: 0 of 1 updated pods are available...';
const DONE_LINE = 'daemon set "agent" successfully rolled out';

describe.runIf(haveDocker)('daemonsets on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('ds');
  let store: FileStore;

  const pods = async (app: string) => ((await store.list('pods', { namespace: 'default' })).items as unknown as StoredPod[]).filter((p) => p.metadata.labels?.app === app);
  const ds = (name: string) => store.tryGet<DsObj>({ resource: 'daemonsets', namespace: 'default', name });

  async function rolloutStatus(name: string): Promise<string[]> {
    const r = await cluster.kctl(['rollout', 'status', `ds/${name}`, '--timeout=90s'], { timeoutMs: 100_000 });
    if (r.code !== 0) throw new Error(`rollout status ${name} exited ${r.code}\n${r.stdout}${r.stderr}\n${await cluster.diagnostics()}`);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  /** The one live pod of `agent`, Running and Ready, with this image (nothing else left, terminating included). */
  const settledPod = (image: string) =>
    cluster.waitFor(`agent: one ready pod of ${image}`, async () => {
      const ps = await pods('agent');
      const [p] = ps;
      return ps.length === 1 && isLive(p!) && condition(p, 'Ready') === 'True' && p!.spec?.containers[0]!.image === image ? p : undefined;
    }, 90_000);

  beforeAll(async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warm-up' }, data: { a: 'b' } });
    store = await FileStore.open(cluster.home);
  });

  afterAll(async () => {
    await cluster.kctl(['delete', 'ds', '--all', '--wait=false']).catch(() => undefined);
    await store?.close();
    await cluster.dispose();
  });

  it("runs one pod on the node, bound there, and rollout status ends with kubectl's success line", async () => {
    await cluster.apply(daemonSet('agent'));
    const lines = await rolloutStatus('agent');
    expect(lines[lines.length - 1]).toBe(DONE_LINE);
    const pod = await settledPod(TEST_IMAGE);
    expect(pod.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    const node = (await store.list('nodes')).items[0]!.metadata.name;
    expect(pod.spec?.nodeName).toBe(node);
    expect(pod.metadata.labels?.['pod-template-generation']).toBe('1');
    const c = pod.status?.containerStatuses?.[0];
    expect(c?.state?.running).toBeDefined();
    const table = await cluster.ok(['get', 'ds', 'agent']);
    const [head, row] = table.split('\n');
    expect(head!.split(/\s{2,}/)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    expect(row!.split(/\s+/).slice(0, 7)).toEqual(['agent', '1', '1', '1', '1', '1', '<none>']);
  });

  it('rolls to a new image: rollout status prints the waiting lines, then the success line', async () => {
    await settledPod(TEST_IMAGE);
    expect(await cluster.ok(['set', 'image', 'ds/agent', `main=${ALT_IMAGE}`])).toBe('daemonset.apps/agent image updated\n');
    const lines = await rolloutStatus('agent');
    expect(lines).toContain(WAITING_UPDATED);
    expect(lines).toContain(WAITING_AVAILABLE);
    expect(lines[lines.length - 1]).toBe(DONE_LINE);
    for (const l of lines) expect([WAITING_UPDATED, WAITING_AVAILABLE, DONE_LINE, 'Waiting for daemon set spec update to be observed...']).toContain(l);
    const pod = await settledPod(ALT_IMAGE);
    expect(pod.metadata.labels?.['pod-template-generation']).toBe('2');
    const status = (await ds('agent'))!.status!;
    expect(status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, observedGeneration: 2 });
  });

  it('rollout history lists both revisions; undo goes back to the first image', async () => {
    const history = await cluster.ok(['rollout', 'history', 'ds/agent']);
    expect(history).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(await cluster.ok(['rollout', 'undo', 'ds/agent'])).toBe('daemonset.apps/agent rolled back\n');
    const lines = await rolloutStatus('agent');
    expect(lines[lines.length - 1]).toBe(DONE_LINE);
    await settledPod(TEST_IMAGE);
    expect((await ds('agent'))!.spec?.template?.spec?.containers?.[0]?.image).toBe(TEST_IMAGE);
    expect(await cluster.ok(['rollout', 'history', 'ds/agent'])).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  });

  it("a nodeSelector the node doesn't match leaves 0 pods", async () => {
    await cluster.apply(daemonSet('nowhere', { nodeSelector: { 'example.com/role': 'none' } }));
    const st = await cluster.waitFor('nowhere: status observed', async () => {
      const d = await ds('nowhere');
      return d?.status?.observedGeneration === 1 ? d.status : undefined;
    });
    expect(st).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });
    expect(await pods('nowhere')).toEqual([]);
    const table = await cluster.ok(['get', 'ds', 'nowhere']);
    expect(table.split('\n')[1]!.split(/\s+/).slice(0, 7)).toEqual(['nowhere', '0', '0', '0', '0', '0', 'example.com/role=none']);
    const r = await cluster.kctl(['rollout', 'status', 'ds/nowhere', '--timeout=30s']);
    expect(r.stdout).toBe('daemon set "nowhere" successfully rolled out\n');
  });

  it('deleting the DaemonSet removes its pod', async () => {
    const [pod] = (await pods('agent')).filter(isLive);
    expect(pod).toBeDefined();
    expect(await cluster.ok(['delete', 'ds', 'agent'])).toBe('daemonset.apps "agent" deleted\n');
    await cluster.waitFor('agent pods gone', async () => ((await pods('agent')).length === 0 ? true : undefined), 60_000);
    await cluster.waitFor('agent containers gone', async () => {
      const cs = (await cluster.containers()).filter((c) => c.Labels['kctl.io/pod-uid'] === pod!.metadata.uid && c.State === 'running');
      return cs.length === 0 ? true : undefined;
    }, 60_000);
  });
});
