// Harness of the DaemonSet controller tests: MemoryStore + FakeClock + DaemonSetController + GarbageCollector,
// one Node, and stand-ins for the scheduler (binds a pod to the node its affinity names) and the kubelet (runs,
// fails or removes pods).
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { DaemonSetController, type DaemonSetObj, type NodeObj, type PodObj } from '../../../../src/controllers/daemonset/daemonset-controller.js';
import { GarbageCollector } from '../../../../src/controllers/gc/garbage-collector.js';
import { getTargetNodeName } from '../../../../src/controllers/daemonset/util.js';
import type { RevisionObj } from '../../../../src/api/controller-revision.js';
import type { Taint } from 'kubernetes-types/core/v1.js';

export type { DaemonSetObj, NodeObj, PodObj, RevisionObj };
export const T0 = '2026-01-01T00:00:00Z';
export const KEY = 'daemonsets/default/agent';
export const NODE = 'node1';

export function daemonSet(spec: Record<string, unknown> = {}, templateSpec: Record<string, unknown> = {}, name = 'agent'): DaemonSetObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox:1' }], ...templateSpec } },
      ...spec,
    },
  } as DaemonSetObj;
}

const rfc = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function setup(node: { labels?: Record<string, string>; taints?: Taint[] } = {}) {
  const clock = new FakeClock(T0);
  let uid = 0;
  let suffix = 0;
  const store = new MemoryStore({ clock, uid: () => `uid-${++uid}`, nameSuffix: () => `p${String(suffix++).padStart(4, '0')}` });
  const dc = new DaemonSetController({ store, clock, events: new EventRecorder({ store, clock, component: 'daemonset-controller' }) });
  const gc = new GarbageCollector({ store });
  await store.create<NodeObj>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE, ...(node.labels ?? {}) } },
    spec: node.taints ? { taints: node.taints } : {},
  });

  const podRef = (name: string) => ({ resource: 'pods', namespace: 'default', name });
  const pods = async (): Promise<PodObj[]> => (await store.list<PodObj>('pods', { namespace: 'default' })).items;
  const live = async (): Promise<PodObj[]> => (await pods()).filter((p) => !p.metadata.deletionTimestamp);
  const getDs = (name = 'agent'): Promise<DaemonSetObj> => store.get<DaemonSetObj>({ resource: 'daemonsets', namespace: 'default', name });
  const revisions = async (): Promise<RevisionObj[]> =>
    (await store.list<RevisionObj>('controllerrevisions', { namespace: 'default' })).items.sort((a, b) => a.revision - b.revision);
  const events = async (): Promise<CoreEvent[]> => (await store.list<CoreEvent>('events')).items;
  const eventReasons = async (): Promise<string[]> => (await events()).map((e) => `${e.reason}: ${e.message}`);
  /** status with the counts upstream leaves out when zero (omitempty) filled in */
  const status = async () => ({ updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0, observedGeneration: 0, ...(await getDs()).status });
  const getNode = (): Promise<NodeObj> => store.get<NodeObj>({ resource: 'nodes', name: NODE });
  async function setNode(fn: (n: NodeObj) => void): Promise<void> {
    const n = structuredClone(await getNode());
    fn(n);
    await store.update(n);
  }
  async function updateDs(fn: (d: DaemonSetObj) => void, name = 'agent'): Promise<void> {
    const d = structuredClone(await getDs(name));
    fn(d);
    await store.update(d);
  }

  /** The scheduler: binds every unbound pod to the node its affinity names. */
  async function schedule(): Promise<void> {
    for (const p of await pods()) {
      if (p.spec?.nodeName || p.metadata.deletionTimestamp) continue;
      const node = getTargetNodeName(p);
      if (node) await store.update<PodObj>({ ...p, spec: { ...p.spec!, nodeName: node } });
    }
  }

  /** The kubelet runs a pod (Running, Ready since now). */
  async function run(name: string): Promise<void> {
    const p = await store.get<PodObj>(podRef(name));
    await store.updateStatus<PodObj>({
      ...p,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc(clock.now()) }],
        containerStatuses: [{ name: 'main', image: 'busybox:1', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: rfc(clock.now()) } } }],
      },
    });
  }

  /** Runs every live pod not yet Running. */
  async function runAll(): Promise<void> {
    for (const p of await live()) if (p.status?.phase !== 'Running') await run(p.metadata.name);
  }

  /** The pod fails (phase Failed). */
  async function fail(name: string): Promise<void> {
    const p = await store.get<PodObj>(podRef(name));
    await store.updateStatus<PodObj>({ ...p, status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: rfc(clock.now()) }] } });
  }

  /** The kubelet finishes terminating pods. */
  async function reap(): Promise<void> {
    for (const p of await pods()) if (p.metadata.deletionTimestamp) await store.delete(podRef(p.metadata.name), { gracePeriodSeconds: 0 }).catch(() => undefined);
  }

  async function writes(fn: () => Promise<unknown>): Promise<number> {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  }

  /** Reconciles the DaemonSet (scheduling, and with `kubelet` running and reaping pods) until nothing changes. */
  async function settle(opts: { kubelet?: boolean; key?: string } = {}) {
    for (let i = 0; i < 30; i++) {
      const before = await store.revision();
      const r = await dc.reconcile(opts.key ?? KEY);
      await schedule();
      if (opts.kubelet) {
        await runAll();
        await reap();
      }
      if ((await store.revision()) === before) return r;
    }
    throw new Error('did not settle');
  }

  return { clock, store, dc, gc, pods, live, getDs, status, updateDs, revisions, events, eventReasons, getNode, setNode, schedule, run, runAll, fail, reap, writes, settle };
}

export type Harness = Awaited<ReturnType<typeof setup>>;
