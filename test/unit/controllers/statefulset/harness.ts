// Test harness for the StatefulSet controller: MemoryStore + FakeClock, the controller and the garbage collector,
// a kubelet stand-in (binds pods, runs them, readies the ones `ready` says, finishes terminating ones).
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { GarbageCollector } from '../../../../src/controllers/gc/garbage-collector.js';
import { StatefulSetController } from '../../../../src/controllers/statefulset/statefulset-controller.js';
import type { ClaimObj, PodObj, StatefulSetObj } from '../../../../src/controllers/statefulset/types.js';
import type { RevisionObj } from '../../../../src/api/controller-revision.js';

export type { ClaimObj, PodObj, RevisionObj, StatefulSetObj };

export const T0 = '2026-01-01T00:00:00Z';
export const KEY = 'statefulsets/default/web';

export interface SetOpts {
  replicas?: number;
  image?: string;
  policy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: Record<string, unknown>;
  claims?: boolean;
  retention?: { whenDeleted?: string; whenScaled?: string };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** A StatefulSet `web` as the API server stores it (defaults applied), with a claim template `www` when asked. */
export function statefulSet(o: SetOpts = {}): StatefulSetObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'web',
      podManagementPolicy: o.policy ?? 'OrderedReady',
      updateStrategy: (o.updateStrategy ?? { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }) as never,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: o.retention?.whenDeleted ?? 'Retain', whenScaled: o.retention?.whenScaled ?? 'Retain' } as never,
      selector: { matchLabels: { app: 'web' } },
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: o.image ?? 'nginx:1.25', volumeMounts: o.claims ? [{ name: 'www', mountPath: '/data' }] : undefined }] },
      },
      ...(o.claims
        ? {
            volumeClaimTemplates: [
              { metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' } },
            ],
          }
        : {}),
    },
  };
}

export function setup() {
  const clock = new FakeClock(T0);
  let uid = 0;
  const store = new MemoryStore({ clock, uid: () => `uid-${++uid}` });
  const ssc = new StatefulSetController({ store, clock, events: new EventRecorder({ store, clock, component: 'statefulset-controller' }) });
  const gc = new GarbageCollector({ store });
  const ns = { namespace: 'default' };

  const pods = async (): Promise<PodObj[]> => (await store.list<PodObj>('pods', ns)).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const podNames = async (): Promise<string[]> => (await pods()).map((p) => p.metadata.name + (p.metadata.deletionTimestamp ? ' (terminating)' : ''));
  const claims = async (): Promise<ClaimObj[]> => (await store.list<ClaimObj>('persistentvolumeclaims', ns)).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const revisions = async (): Promise<RevisionObj[]> => (await store.list<RevisionObj>('controllerrevisions', ns)).items.sort((a, b) => a.revision - b.revision);
  const sts = (): Promise<StatefulSetObj> => store.get<StatefulSetObj>({ resource: 'statefulsets', namespace: 'default', name: 'web' });
  const edit = async (fn: (s: StatefulSetObj) => void): Promise<StatefulSetObj> => {
    const s = structuredClone(await sts());
    fn(s);
    return store.update(s);
  };
  const eventMessages = async (reason?: string): Promise<string[]> =>
    (await store.list<CoreEvent>('events')).items
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .filter((e) => !reason || e.reason === reason)
      .map((e) => e.message);

  /** One kubelet step: bind, run (Ready unless `ready` says no), finish terminating pods. */
  async function kubelet(ready: (p: PodObj) => boolean = () => true): Promise<void> {
    const now = clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const p of await pods()) {
      const ref = { resource: 'pods', namespace: 'default', name: p.metadata.name };
      if (p.metadata.deletionTimestamp) {
        await store.delete(ref, { gracePeriodSeconds: 0 });
        continue;
      }
      if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') continue;
      let cur = p;
      if (!cur.spec?.nodeName) cur = await store.update<PodObj>({ ...cur, spec: { ...cur.spec!, nodeName: 'node1' } });
      const r = ready(cur);
      const was = cur.status?.conditions?.find((c) => c.type === 'Ready');
      if (cur.status?.phase === 'Running' && (was?.status === 'True') === r) continue;
      await store.updateStatus<PodObj>({ ...cur, status: { phase: 'Running', conditions: [{ type: 'Ready', status: r ? 'True' : 'False', lastTransitionTime: now }] } });
    }
  }

  /** Store writes made by fn. */
  async function writes(fn: () => Promise<unknown>): Promise<number> {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  }

  /** Controller (+ kubelet, + collector) passes until nothing changes. */
  async function settle(opts: { kubelet?: boolean; ready?: (p: PodObj) => boolean; gc?: boolean; max?: number } = {}): Promise<number> {
    for (let i = 1; i <= (opts.max ?? 60); i++) {
      const before = await store.revision();
      if (await store.tryGet({ resource: 'statefulsets', namespace: 'default', name: 'web' })) await ssc.reconcile(KEY);
      if (opts.gc) for (const k of await gc.resyncKeys()) await gc.reconcile(k);
      if (opts.kubelet !== false) await kubelet(opts.ready);
      if ((await store.revision()) === before) return i;
    }
    throw new Error('did not settle');
  }

  return { clock, store, ssc, gc, pods, podNames, claims, revisions, sts, edit, eventMessages, kubelet, writes, settle };
}

export type Harness = ReturnType<typeof setup>;
export const imageOf = (p: PodObj | undefined): string | undefined => p?.spec?.containers?.[0]?.image;
export const revOf = (p: PodObj | undefined): string | undefined => p?.metadata.labels?.['controller-revision-hash'];
