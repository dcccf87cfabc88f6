// The StatefulSet controller (upstream pkg/controller/statefulset: stateful_set.go syncStatefulSet,
// stateful_set_control.go UpdateStatefulSet, stateful_pod_control.go), without expectations: every pass re-reads
// the store.
//
// One pass:
// 1. read the set; claim its pods (selector + name `<set>-<ordinal>`) and its ControllerRevisions (adopting orphans);
// 2. the update revision is the set's template (a revision is created, or an older equal one raised to the next
//    number: a rollback); the current revision is status.currentRevision (or the update one at first);
// 3. pods in [start, start+replicas) are processed by ordinal: finished ones deleted (re-made next pass), missing
//    ones created with their claims — OrderedReady stops at the first pod it created or that is not Running,
//    Ready and available; Parallel goes on;
// 4. pods beyond the range are deleted highest ordinal first (OrderedReady: one at a time, only while the pods
//    below are healthy);
// 5. RollingUpdate: from the highest ordinal down to the partition, the first pod not at the update revision is
//    deleted (it comes back at the update revision next pass), waiting for unavailable ones; OnDelete: nothing;
// 6. status (written only when it changed), then old revisions beyond revisionHistoryLimit are deleted.
import { matches, selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import type { Clock } from '../../util/clock.js';
import { ignoreNotFound, isAlreadyExists, isConflict, isNotFound } from '../../util/errors.js';
import { deepEqual } from '../../store/object-semantics.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { newControllerRef } from '../../reconcile/controller-ref.js';
import { claimObjects } from '../../reconcile/claim.js';
import { OwnerIndex } from '../../reconcile/owner-index.js';
import { nextAvailableInMs } from '../replicaset/pods.js';
import { applyRevision, equalRevision, newRevision, nextRevision, planUpdateRevision, revisionsToTruncate, sortRevisions } from './revision.js';
import {
  allowsBurst,
  claimOwnerRefs,
  claimsFor,
  completeRollingUpdate,
  computeStatus,
  firstUnavailable,
  identityMatches,
  isCreated,
  isFailed,
  isMemberOf,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  newVersionedPod,
  ordinalOf,
  partitionPods,
  podRevision,
  replicasOf,
  rollingUpdateTarget,
  serializeStatus,
  setIdentity,
  setStorage,
  startOrdinal,
  storageMatches,
} from './pods.js';
import type { ClaimObj, KubeObject, PodObj, StatefulSetObj, StatefulSetStatus } from './types.js';
import type { RevisionObj } from '../../api/controller-revision.js';

const APPS_V1 = 'apps/v1';

export interface StatefulSetControllerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "statefulset-controller" */
  events?: EventSink;
  log?: Logger;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const stsKey = (namespace: string, name: string): string => objectKey({ resource: 'statefulsets', namespace, name });

/** What one pass works on: the set, its claims by name (read once), and the revisions of this pass. */
interface Pass {
  set: StatefulSetObj;
  claims: Map<string, ClaimObj>;
  current: RevisionObj;
  update: RevisionObj;
  currentSet: StatefulSetObj;
  updateSet: StatefulSetObj;
  monotonic: boolean;
  now: Date;
}

export class StatefulSetController implements Reconciler {
  readonly name = 'statefulset';
  readonly watches = ['statefulsets', 'pods'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  /** the sets seen (watch events, passes): routes a pod to its set, an orphan to the set that may adopt it */
  private readonly owners = new OwnerIndex({
    owner: { apiVersion: APPS_V1, kind: 'StatefulSet', resource: 'statefulsets' },
    canAdopt: (set, pod) => isMemberOf({ metadata: { name: set.name } }, pod),
  });

  constructor(opts: StatefulSetControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    if (ev.object.kind === 'StatefulSet') return [this.owners.observeOwner(ev)];
    return ev.object.kind === 'Pod' ? this.owners.keysForOwned(ev) : [];
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<StatefulSetObj>('statefulsets');
    return items.map((s) => stsKey(nsOf(s), s.metadata.name));
  }

  /** upstream syncStatefulSet + UpdateStatefulSet. */
  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'statefulsets') return DONE;
    const set = await this.store.tryGet<StatefulSetObj>(ref);
    if (!set) {
      this.owners.forgetOwner(key);
      return DONE;
    }
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(set.spec?.selector);
    } catch (e) {
      this.log.warn(`statefulset ${key}: invalid selector: ${errMessage(e)}`);
      return DONE;
    }
    this.owners.setOwner(key, nsOf(set), set.metadata.name, selector);

    const ns = nsOf(set);
    const pods = await this.claimPods(set, selector, (await this.store.list<PodObj>('pods', { namespace: ns })).items);
    const revisions = sortRevisions(await this.claimRevisions(set, selector));
    const { current, update, collisionCount } = await this.getRevisions(set, revisions);

    const claims = new Map<string, ClaimObj>();
    if (set.spec?.volumeClaimTemplates?.length)
      for (const c of (await this.store.list<ClaimObj>('persistentvolumeclaims', { namespace: ns })).items) claims.set(c.metadata.name, c);

    const pass: Pass = {
      set,
      claims,
      current,
      update,
      currentSet: applyRevision(set, current),
      updateSet: applyRevision(set, update),
      monotonic: !allowsBurst(set),
      now: this.clock.now(),
    };
    let failure: unknown;
    let status: StatefulSetStatus;
    try {
      status = await this.updateStatefulSet(pass, collisionCount, pods);
    } catch (e) {
      failure = e;
      status = (e as { status?: StatefulSetStatus }).status ?? { replicas: 0 };
    }
    if (status.updateRevision) await this.writeStatus(set, status);
    if (failure !== undefined) throw failure;
    await this.truncateHistory(set, pods, revisions, current, update);

    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (status.availableReplicas ?? 0) !== replicasOf(set)) {
      const wait = nextAvailableInMs(pods, minReady, this.clock.now());
      return { requeueAfterMs: wait ?? minReady * 1000 };
    }
    return DONE;
  }

  // ------------------------------------------------------------------ claiming

  /** upstream getPodsForStatefulSet: ClaimPods with the isMemberOf filter (terminating pods included). */
  private claimPods(set: StatefulSetObj, selector: Selector, all: PodObj[]): Promise<PodObj[]> {
    return claimObjects({
      store: this.store,
      log: this.log,
      owner: set,
      ref: newControllerRef(set, APPS_V1, 'StatefulSet'),
      candidates: all,
      isMember: (pod) => matches(selector, pod.metadata.labels) && isMemberOf(set, pod),
      ownerDesc: `statefulset ${nsOf(set)}/${set.metadata.name}`,
      kindDesc: 'pod',
    });
  }

  /** upstream ListRevisions + adoptOrphanRevisions: the revisions the set controls, orphans matching its selector adopted. */
  private async claimRevisions(set: StatefulSetObj, selector: Selector): Promise<RevisionObj[]> {
    return claimObjects({
      store: this.store,
      log: this.log,
      owner: set,
      ref: newControllerRef(set, APPS_V1, 'StatefulSet'),
      candidates: (await this.store.list<RevisionObj>('controllerrevisions', { namespace: nsOf(set) })).items,
      isMember: (rev) => matches(selector, rev.metadata.labels),
      ownerDesc: `statefulset ${nsOf(set)}/${set.metadata.name}`,
      kindDesc: 'controllerrevision',
      release: false,
    });
  }

  // ------------------------------------------------------------------ revisions

  /** upstream getStatefulSetRevisions: creates the update revision, or raises an equal older one (a rollback). */
  private async getRevisions(set: StatefulSetObj, sorted: RevisionObj[]): Promise<{ current: RevisionObj; update: RevisionObj; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    const plan = planUpdateRevision(set, sorted, collisionCount);
    let update: RevisionObj;
    if (plan.action === 'reuse') update = plan.revision;
    else if (plan.action === 'bump') update = await this.store.update<RevisionObj>({ ...structuredClone(plan.revision), revision: plan.to });
    else {
      // upstream CreateControllerRevision: a name taken by other data is a hash collision: count it, hash again
      for (;;) {
        const candidate = newRevision(set, nextRevision(sorted), collisionCount);
        try {
          update = await this.store.create<RevisionObj>(candidate);
          break;
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
          const exists = await this.store.tryGet<RevisionObj>({ resource: 'controllerrevisions', namespace: nsOf(set), name: candidate.metadata.name });
          if (exists && equalRevision(exists, candidate)) {
            update = exists;
            break;
          }
          collisionCount++;
        }
      }
    }
    const current = sorted.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** upstream truncateHistory: keep revisionHistoryLimit revisions besides the live ones. */
  private async truncateHistory(set: StatefulSetObj, pods: PodObj[], sorted: RevisionObj[], current: RevisionObj, update: RevisionObj): Promise<void> {
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
    for (const rev of revisionsToTruncate(sorted, live, set.spec?.revisionHistoryLimit ?? 10)) {
      await ignoreNotFound(() => this.store.delete({ resource: 'controllerrevisions', namespace: nsOf(set), name: rev.metadata.name }, { uid: rev.metadata.uid }));
    }
  }

  // ------------------------------------------------------------------ the pass

  /**
   * upstream updateStatefulSet: returns the status this pass leaves. A failure is thrown with `status` attached
   * (the status is still written, as upstream does).
   */
  private async updateStatefulSet(pass: Pass, collisionCount: number, pods: PodObj[]): Promise<StatefulSetStatus> {
    const { set, current, update, now } = pass;
    const minReady = set.spec?.minReadySeconds ?? 0;
    const { replicas: slots, condemned } = partitionPods(set, pods);
    const replicas: PodObj[] = slots.map((p, i) => p ?? newVersionedPod(pass.currentSet, pass.updateSet, current.metadata.name, update.metadata.name, startOrdinal(set) + i));
    const firstUnavailablePod = firstUnavailable(replicas, condemned, minReady, now);
    const status = (): StatefulSetStatus => ({
      observedGeneration: set.metadata.generation,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount,
      ...computeStatus([...replicas, ...condemned], minReady, now, current.metadata.name, update.metadata.name),
    });
    const fail = (e: unknown): never => {
      throw Object.assign(e instanceof Error ? e : new Error(String(e)), { status: status() });
    };

    if (set.metadata.deletionTimestamp) return status();

    try {
      if (await this.runForAll(replicas.length, (i) => this.processReplica(pass, replicas, i), pass.monotonic)) return status();
      // claims of pods about to go follow the retention policy (whenScaled: Delete hands them to the pod)
      if (await this.runForAll(condemned.length, async (i) => (await this.syncClaimRefs(pass, pass.updateSet, condemned[i]!), false), pass.monotonic)) return status();
      if (await this.runForAll(condemned.length, (i) => this.processCondemned(pass, condemned, i, firstUnavailablePod), pass.monotonic)) return status();
    } catch (e) {
      fail(e);
    }

    const st = status();
    if (set.spec?.updateStrategy?.type === 'OnDelete') return st;
    const target = rollingUpdateTarget(set, replicas, update.metadata.name, now);
    if (target.action === 'delete') {
      try {
        await this.deletePod(set, target.pod);
      } catch (e) {
        fail(e);
      }
      st.currentReplicas = (st.currentReplicas ?? 0) - 1;
    }
    return st;
  }

  /**
   * upstream runForAll: OrderedReady goes one by one and stops when fn says so; Parallel runs every fn (kctl: in
   * turn) and stops only on a failure. Returns whether the pass must end here.
   */
  private async runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
    for (let i = 0; i < n; i++) {
      const exit = await fn(i);
      if (exit && monotonic) return true;
    }
    return false;
  }

  /** upstream processReplica: true when an OrderedReady pass must stop at this ordinal. */
  private async processReplica(pass: Pass, replicas: PodObj[], i: number): Promise<boolean> {
    const { set, monotonic } = pass;
    const minReady = set.spec?.minReadySeconds ?? 0;
    let pod = replicas[i]!;
    if (isFailed(pod) || isSucceeded(pod)) {
      // re-made on the next pass, once the old one is gone
      if (!pod.metadata.deletionTimestamp) replicas[i] = (await this.deletePod(set, pod)) ?? pod;
      return true;
    }
    if (!isCreated(pod)) {
      if (this.claimIsStale(pass, pod)) return true;
      pod = await this.createPod(pass, pod);
      replicas[i] = pod;
      if (monotonic) return true;
    }
    if (isPending(pod)) await this.createMissingClaims(pass, pod);
    if (isTerminating(pod) && monotonic) return true;
    if (!isRunningAndReady(pod) && monotonic) return true;
    if (!isRunningAndAvailable(pod, minReady, pass.now) && monotonic) return true;
    if (identityMatches(set, pod) && storageMatches(set, pod) && this.claimRefsMatch(pass, pass.updateSet, pod)) return false;
    replicas[i] = await this.updatePod(pass, pod);
    return false;
  }

  /** upstream processCondemned: deletes a pod beyond the range (OrderedReady: only once those below are healthy). */
  private async processCondemned(pass: Pass, condemned: PodObj[], i: number, firstUnavailablePod: PodObj | undefined): Promise<boolean> {
    const { set, monotonic } = pass;
    const pod = condemned[i]!;
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnavailablePod) {
      if (!isRunningAndReady(pod)) return true;
      if (!isRunningAndAvailable(pod, set.spec?.minReadySeconds ?? 0, pass.now)) return true;
    }
    condemned[i] = (await this.deletePod(set, pod)) ?? pod;
    return true;
  }

  // ------------------------------------------------------------------ pod and claim writes (stateful_pod_control.go)

  private async event(set: StatefulSetObj, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.events?.event(set, type, reason, message);
  }

  /** upstream CreateStatefulPod: the claims first, then the pod; events as recordPodEvent/recordClaimEvent word them. */
  private async createPod(pass: Pass, pod: PodObj): Promise<PodObj> {
    const { set } = pass;
    let created: PodObj;
    try {
      await this.createMissingClaims(pass, pod);
      created = await this.store.create<PodObj>(pod);
    } catch (e) {
      await this.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      throw e;
    }
    await this.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    this.log.info(`statefulset ${nsOf(set)}/${set.metadata.name}: created pod ${pod.metadata.name}`);
    await this.syncClaimRefs(pass, set, created);
    return created;
  }

  /** upstream createPersistentVolumeClaims: each missing claim of the pod is created; one being deleted is an error. */
  private async createMissingClaims(pass: Pass, pod: PodObj): Promise<void> {
    const { set, claims } = pass;
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = claims.get(claim.metadata.name);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        claims.set(claim.metadata.name, await this.store.create<ClaimObj>(claim));
        await this.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        await this.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
        errors.push(`failed to create PVC ${claim.metadata.name}: ${errMessage(e)}`);
      }
    }
    if (errors.length) throw new Error(errors.join(', '));
  }

  /** upstream PodClaimIsStale: with whenScaled Delete, a claim still owned by an earlier pod of that name must go first. */
  private claimIsStale(pass: Pass, pod: PodObj): boolean {
    if (pass.set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return false;
    for (const claim of claimsFor(pass.set, ordinalOf(pod)).values()) {
      const existing = pass.claims.get(claim.metadata.name);
      if (existing?.metadata.ownerReferences?.some((r) => r.kind === 'Pod' && r.name === pod.metadata.name && r.uid !== pod.metadata.uid)) return true;
    }
    return false;
  }

  /** upstream ClaimsMatchRetentionPolicy. */
  private claimRefsMatch(pass: Pass, set: StatefulSetObj, pod: PodObj): boolean {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = pass.claims.get(claim.metadata.name);
      if (existing && claimOwnerRefs(existing, set, pod) !== undefined) return false;
    }
    return true;
  }

  /** upstream UpdatePodClaimForRetentionPolicy: the pod's claims get the ownerReferences the policy asks for. */
  private async syncClaimRefs(pass: Pass, set: StatefulSetObj, pod: PodObj): Promise<void> {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = pass.claims.get(claim.metadata.name);
      if (!existing) continue;
      const refs = claimOwnerRefs(existing, set, pod);
      if (refs === undefined) continue;
      const next = structuredClone(existing);
      if (refs.length) next.metadata.ownerReferences = refs;
      else delete next.metadata.ownerReferences;
      const written = await ignoreNotFound(() => this.store.update<ClaimObj>(next));
      if (written) pass.claims.set(claim.metadata.name, written);
      else pass.claims.delete(claim.metadata.name);
    }
  }

  /** upstream UpdateStatefulPod: identity and storage restored (claims created), claims' references per policy. */
  private async updatePod(pass: Pass, pod: PodObj): Promise<PodObj> {
    const { set } = pass;
    const next = structuredClone(pod);
    if (!identityMatches(set, next)) setIdentity(set, next, ordinalOf(next), false);
    if (!storageMatches(set, next)) {
      setStorage(pass.updateSet, next);
      await this.createMissingClaims(pass, next);
    }
    await this.syncClaimRefs(pass, pass.updateSet, next);
    if (deepEqual(next, pod)) return pod;
    try {
      const updated = await this.store.update<PodObj>(next);
      await this.event(set, 'Normal', 'SuccessfulUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      return updated;
    } catch (e) {
      if (isNotFound(e)) return pod;
      await this.event(set, 'Warning', 'FailedUpdate', `update Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      throw e;
    }
  }

  /** upstream DeleteStatefulPod: the marked (or gone) pod; undefined when it was already gone. */
  private async deletePod(set: StatefulSetObj, pod: PodObj): Promise<PodObj | undefined> {
    try {
      const gone = await this.store.delete<PodObj>({ resource: 'pods', namespace: nsOf(set), name: pod.metadata.name }, { uid: pod.metadata.uid });
      await this.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      this.log.info(`statefulset ${nsOf(set)}/${set.metadata.name}: deleted pod ${pod.metadata.name}`);
      // a pod the store removed at once (never bound, or finished) counts as terminating for the rest of the pass
      return gone.metadata.deletionTimestamp ? gone : { ...gone, metadata: { ...gone.metadata, deletionTimestamp: this.clock.now().toISOString() } };
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return undefined;
      await this.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errMessage(e)}`);
      throw e;
    }
  }

  // ------------------------------------------------------------------ status

  /** upstream updateStatefulSetStatus: completeRollingUpdate, then a write only when something changed. */
  private async writeStatus(set: StatefulSetObj, computed: StatefulSetStatus): Promise<void> {
    const st = { ...computed };
    completeRollingUpdate(set, st);
    const next = serializeStatus({ ...st, ...(set.status?.conditions ? { conditions: set.status.conditions } : {}) });
    if (deepEqual(next, set.status ?? {})) return;
    try {
      await this.store.updateStatus<StatefulSetObj>({ ...set, status: next });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

