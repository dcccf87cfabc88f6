// The ReplicaSet controller (upstream pkg/controller/replicaset/replica_set.go, without expectations: every pass
// re-reads the store, and pod writes are synchronous, so a pass never sees less than the previous one did).
//
// One pass (syncReplicaSet):
// 1. read the ReplicaSet fresh; absent → done;
// 2. list the namespace's pods, keep the active ones (not finished, not terminating), claim them: keep the ones
//    we control that still match, adopt matching orphans, release the ones whose labels stopped matching;
// 3. unless the ReplicaSet is being deleted: create missing pods (slow-start batches 1, 2, 4, ... up to
//    burstReplicas) or delete surplus ones (podsToDelete order: unscheduled < pending < not ready < ready ...);
// 4. write status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration,
//    ReplicaFailure) only when it changed; requeue when a ready pod becomes available after minReadySeconds.
import type { KubeObject, Pod, ReplicaSet } from '../../api/types.js';
import { matches, selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import type { Clock } from '../../util/clock.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../util/errors.js';
import { deepEqual } from '../../store/object-semantics.js';
import { isForbidden, objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { getControllerOf, newControllerRef } from '../../reconcile/controller-ref.js';
import { claimObjects } from '../../reconcile/claim.js';
import { OwnerIndex } from '../../reconcile/owner-index.js';
import { podFromTemplate } from '../pod-template.js';
import { filterActivePods, isPodActive, nextAvailableInMs, podsToDelete, slowStartBatch } from './pods.js';
import { calculateStatus, type ManageReplicasError } from './status.js';

export type ReplicaSetObj = ReplicaSet & KubeObject;
export type PodObj = Pod & KubeObject;

/** upstream BurstReplicas: at most this many pods are created or deleted in one pass */
export const BURST_REPLICAS = 500;
/** upstream SlowStartInitialBatchSize */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;
const RS_API_VERSION = 'apps/v1';

export interface ReplicaSetControllerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "replicaset-controller" */
  events?: EventSink;
  log?: Logger;
  burstReplicas?: number;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const rsKey = (namespace: string, name: string): string => objectKey({ resource: 'replicasets', namespace, name });

/** Keeps `spec.replicas` pods matching each ReplicaSet's selector. */
export class ReplicaSetController implements Reconciler {
  readonly name = 'replicaset';
  readonly watches = ['replicasets', 'pods'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  private readonly burst: number;
  /** the ReplicaSets seen (watch events, passes): routes a pod to its owner, an orphan to who may adopt it */
  private readonly owners = new OwnerIndex({ owner: { apiVersion: RS_API_VERSION, kind: 'ReplicaSet', resource: 'replicasets' } });

  constructor(opts: ReplicaSetControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
    this.burst = Math.max(1, opts.burstReplicas ?? BURST_REPLICAS);
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    if (ev.object.kind === 'ReplicaSet') return [this.owners.observeOwner(ev)];
    // a pod: its controller ReplicaSet, or for an orphan every ReplicaSet that could adopt it
    return ev.object.kind === 'Pod' ? this.owners.keysForOwned(ev) : [];
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<ReplicaSetObj>('replicasets');
    return items.map((rs) => rsKey(rs.metadata.namespace ?? 'default', rs.metadata.name));
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'replicasets') return DONE;
    const rs = await this.store.tryGet<ReplicaSetObj>(ref);
    if (!rs) {
      this.owners.forgetOwner(key);
      return DONE;
    }
    const ns = rs.metadata.namespace ?? 'default';
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(rs.spec?.selector);
    } catch (e) {
      this.log.warn(`replicaset ${key}: invalid selector: ${errMessage(e)}`);
      return DONE;
    }
    this.owners.setOwner(key, ns, rs.metadata.name, selector);

    const all = (await this.store.list<PodObj>('pods', { namespace: ns })).items;
    let pods = await this.claimPods(rs, selector, filterActivePods(all));

    let manageErr: (ManageReplicasError & { retry?: boolean }) | undefined;
    if (!rs.metadata.deletionTimestamp) {
      const r = await this.manageReplicas(rs, selector, pods, all);
      pods = r.pods;
      manageErr = r.error;
    }

    const now = this.clock.now();
    const status = calculateStatus(rs, pods, now, manageErr);
    if (!deepEqual(status, rs.status ?? {})) {
      await this.store.updateStatus<ReplicaSetObj>({ ...rs, status });
    }
    if (manageErr) {
      if (manageErr.retry === false) return DONE;
      throw new Error(manageErr.message);
    }
    const wait = nextAvailableInMs(pods, rs.spec?.minReadySeconds ?? 0, now);
    return wait === undefined ? DONE : { requeueAfterMs: wait };
  }

  /** upstream ClaimPods: the active pods this set controls afterwards (adopted ones included). */
  private claimPods(rs: ReplicaSetObj, selector: Selector, active: PodObj[]): Promise<PodObj[]> {
    return claimObjects({
      store: this.store,
      log: this.log,
      owner: rs,
      ref: newControllerRef(rs, RS_API_VERSION, 'ReplicaSet'),
      candidates: active,
      isMember: (pod) => matches(selector, pod.metadata.labels),
      ownerDesc: `replicaset ${ns(rs)}/${rs.metadata.name}`,
      kindDesc: 'pod',
    });
  }

  /** upstream manageReplicas: returns the active pods after the creates/deletes, and the first failure. */
  private async manageReplicas(
    rs: ReplicaSetObj,
    selector: Selector,
    pods: PodObj[],
    all: PodObj[],
  ): Promise<{ pods: PodObj[]; error?: ManageReplicasError & { retry?: boolean } }> {
    const desired = rs.spec?.replicas ?? 1;
    const diff = pods.length - desired;
    if (diff < 0) {
      if (!matches(selector, rs.spec?.template?.metadata?.labels)) {
        // pods made from this template would never be ours: creating them would never end
        const message = '`selector` does not match template `labels`';
        const known = rs.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.message === message);
        if (!known) await this.events?.event(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`);
        return { pods, error: { reason: 'FailedCreate', message, retry: false } };
      }
      const want = Math.min(-diff, this.burst);
      const created: PodObj[] = [];
      const r = await slowStartBatch(want, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        const pod = await this.createPod(rs);
        if (pod) created.push(pod);
      });
      const out = [...pods, ...created];
      if (r.error !== undefined) {
        const message = errMessage(r.error);
        await this.events?.event(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`);
        return { pods: out, error: { reason: 'FailedCreate', message } };
      }
      return { pods: out };
    }
    if (diff > 0) {
      const n = Math.min(diff, this.burst);
      const victims = podsToDelete(pods, n, await this.relatedPods(rs, all, pods));
      const gone = new Set<string>();
      let failure: unknown;
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.store.delete({ resource: 'pods', namespace: ns(rs), name: pod.metadata.name }, { uid: pod.metadata.uid });
            gone.add(pod.metadata.name);
            await this.events?.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
          } catch (e) {
            if (isNotFound(e) || isConflict(e)) {
              // already gone (or the name now belongs to another pod)
              gone.add(pod.metadata.name);
              return;
            }
            failure ??= e;
            await this.events?.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
          }
        }),
      );
      const out = pods.filter((p) => !gone.has(p.metadata.name));
      if (failure !== undefined) return { pods: out, error: { reason: 'FailedDelete', message: errMessage(failure) } };
      return { pods: out };
    }
    return { pods };
  }

  /** Pods of every ReplicaSet controlled by the same owner (upstream getIndirectlyRelatedPods), for ranking. */
  private async relatedPods(rs: ReplicaSetObj, all: PodObj[], own: PodObj[]): Promise<PodObj[]> {
    const owner = getControllerOf(rs);
    if (!owner) return own;
    const sets = (await this.store.list<ReplicaSetObj>('replicasets', { namespace: ns(rs) })).items;
    const uids = new Set(sets.filter((s) => getControllerOf(s)?.uid === owner.uid).map((s) => s.metadata.uid));
    uids.add(rs.metadata.uid);
    return all.filter((p) => isPodActive(p) && uids.has(getControllerOf(p)?.uid));
  }

  /** upstream GetPodFromTemplate + create: undefined when the namespace is going away (not an error). */
  private async createPod(rs: ReplicaSetObj): Promise<PodObj | undefined> {
    const pod = podFromTemplate(rs.spec?.template, rs, newControllerRef(rs, RS_API_VERSION, 'ReplicaSet'));
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await this.store.create<PodObj>(structuredClone(pod));
        await this.events?.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        return created;
      } catch (e) {
        if (isAlreadyExists(e) && attempt < 3) continue; // a generated name collided: draw again
        if (isForbidden(e)) return undefined; // namespace terminating: every create would fail
        throw e;
      }
    }
  }
}

const ns = (o: KubeObject): string => o.metadata.namespace ?? 'default';
