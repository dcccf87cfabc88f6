// Test harness for the workload controllers: MemoryStore + FakeClock, the three reconcilers, a kubelet stand-in
// (binds pods, marks them Running/Ready, finishes terminating ones) and a loop that runs passes to a fixpoint.
import type { KubeObject } from '../../../../src/api/types.js';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { ReplicaSetController } from '../../../../src/controllers/replicaset/replicaset-controller.js';
import { DeploymentController } from '../../../../src/controllers/deployment/deployment-controller.js';
import { GarbageCollector } from '../../../../src/controllers/gc/garbage-collector.js';
import type { DeploymentObj, PodObj, ReplicaSetObj } from '../../../../src/controllers/deployment/types.js';
import { objectKey, parseObjectKey, refOf, type Store, type WatchEvent } from '../../../../src/store/store.js';
import { DONE, type Reconciler, type Result } from '../../../../src/reconcile/reconciler.js';

export type { DeploymentObj, PodObj, ReplicaSetObj };

export const NODE = 'node1';
export const T0 = '2026-01-01T00:00:00Z';

export interface DeploymentOpts {
  name?: string;
  replicas?: number;
  image?: string;
  strategy?: Record<string, unknown>;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export function deployment(o: DeploymentOpts = {}): DeploymentObj {
  const name = o.name ?? 'web';
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: o.image ?? 'nginx:1.25' }] } },
      ...(o.strategy ? { strategy: o.strategy } : {}),
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      ...(o.paused ? { paused: true } : {}),
    },
  };
}

export function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: 'web' }): ReplicaSetObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

export interface KubeletOpts {
  /** whether a (running) pod's readiness probe passes; default: every pod */
  ready?: (p: PodObj) => boolean;
}

export function setup() {
  const clock = new FakeClock(T0);
  let uid = 0;
  let suffix = 0;
  const ALPHA = 'bcdfghjklmnpqrstvwxz2456789';
  const store = new MemoryStore({
    clock,
    uid: () => `uid-${++uid}`,
    nameSuffix: () => {
      let n = suffix++;
      let s = '';
      for (let i = 0; i < 5; i++) {
        s = ALPHA[n % ALPHA.length] + s;
        n = Math.floor(n / ALPHA.length);
      }
      return s;
    },
  });
  const rsc = new ReplicaSetController({ store, clock, events: new EventRecorder({ store, clock, component: 'replicaset-controller' }) });
  const dc = new DeploymentController({ store, clock, events: new EventRecorder({ store, clock, component: 'deployment-controller' }) });
  const gc = new GarbageCollector({ store });

  const pods = async (): Promise<PodObj[]> => (await store.list<PodObj>('pods', { namespace: 'default' })).items;
  const sets = async (): Promise<ReplicaSetObj[]> => (await store.list<ReplicaSetObj>('replicasets', { namespace: 'default' })).items;
  const deploy = (name = 'web'): Promise<DeploymentObj> => store.get<DeploymentObj>({ resource: 'deployments', namespace: 'default', name });
  const rs = (name: string): Promise<ReplicaSetObj> => store.get<ReplicaSetObj>({ resource: 'replicasets', namespace: 'default', name });
  const events = async (): Promise<CoreEvent[]> =>
    (await store.list<CoreEvent>('events')).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const eventMessages = async (reason?: string): Promise<string[]> =>
    (await events()).filter((e) => !reason || e.reason === reason).map((e) => e.message);

  /** One kubelet step: bind new pods, run them (Ready when opts.ready says so), finish terminating ones. */
  async function kubelet(opts: KubeletOpts = {}): Promise<void> {
    const now = clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const p of await pods()) {
      const ref = { resource: 'pods', namespace: 'default', name: p.metadata.name };
      if (p.metadata.deletionTimestamp) {
        await store.delete(ref, { gracePeriodSeconds: 0 });
        continue;
      }
      let cur = p;
      if (!cur.spec?.nodeName) cur = await store.update<PodObj>({ ...cur, spec: { ...cur.spec!, nodeName: NODE } });
      const ready = opts.ready ? opts.ready(cur) : true;
      const wasReady = cur.status?.conditions?.find((c) => c.type === 'Ready');
      if (cur.status?.phase === 'Running' && (wasReady?.status === 'True') === ready) continue;
      const status = {
        ...(cur.status ?? {}),
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: wasReady && (wasReady.status === 'True') === ready ? wasReady.lastTransitionTime : now }],
      };
      await store.updateStatus<PodObj>({ ...cur, status });
    }
  }

  const keyOf = (o: KubeObject, resource: string): string => objectKey({ resource, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name });

  /** One pass of every controller over every object (deployments, then replicasets, then the collector). */
  async function passAll(withGc = false): Promise<void> {
    for (const d of (await store.list<DeploymentObj>('deployments')).items) await dc.reconcile(keyOf(d, 'deployments'));
    for (const r of await sets()) await rsc.reconcile(keyOf(r, 'replicasets'));
    if (withGc) for (const k of await gc.resyncKeys()) await gc.reconcile(k);
  }

  /** Controllers (and the kubelet stand-in, when given) until nothing changes; returns the passes it took. */
  async function settle(opts: { kubelet?: KubeletOpts | false; gc?: boolean; max?: number } = {}): Promise<number> {
    for (let i = 1; i <= (opts.max ?? 50); i++) {
      const before = await store.revision();
      await passAll(opts.gc);
      if (opts.kubelet !== false && opts.kubelet !== undefined) await kubelet(opts.kubelet);
      if ((await store.revision()) === before) return i;
    }
    throw new Error('did not settle');
  }

  /** Runs reconcile on a key and reports whether the store changed. */
  async function writes(fn: () => Promise<unknown>): Promise<number> {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  }

  return { clock, store, rsc, dc, gc, pods, sets, deploy, rs, events, eventMessages, kubelet, passAll, settle, writes };
}

export type Harness = ReturnType<typeof setup>;

export const isReady = (p: PodObj): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
export const active = (ps: PodObj[]): PodObj[] => ps.filter((p) => !p.metadata.deletionTimestamp);
export const imageOf = (p: { spec?: { containers?: { image?: string }[] } } | undefined): string | undefined => p?.spec?.containers?.[0]?.image;

/** Binds (unless a scheduler does), runs and readies every pod; finishes terminating ones. */
export class KubeletStandIn implements Reconciler {
  readonly name = 'kubelet';
  readonly watches = ['pods'];
  constructor(
    private readonly store: Store,
    private readonly bind = true,
  ) {}
  keysFor(ev: WatchEvent<KubeObject>): string[] {
    return ev.type === 'DELETED' ? [] : [objectKey(refOf(ev.object))];
  }
  async resyncKeys(): Promise<string[]> {
    return [];
  }
  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    let p = await this.store.tryGet<PodObj>(ref);
    if (!p) return DONE;
    if (p.metadata.deletionTimestamp) {
      await this.store.delete(ref, { gracePeriodSeconds: 0 });
      return DONE;
    }
    if (!p.spec?.nodeName) {
      if (!this.bind) return DONE;
      p = await this.store.update<PodObj>({ ...p, spec: { ...p.spec!, nodeName: NODE } });
    }
    if (p.status?.phase !== 'Running')
      await this.store.updateStatus<PodObj>({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T0 }] } });
    return DONE;
  }
}

