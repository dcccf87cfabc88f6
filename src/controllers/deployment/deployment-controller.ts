// The Deployment controller (upstream pkg/controller/deployment: deployment_controller.go syncDeployment, sync.go,
// rolling.go, recreate.go, progress.go). Level-based: every pass reads the Deployment, claims its ReplicaSets
// (adopting orphans its selector matches, releasing those it stopped matching) and makes one bounded move:
//
// - deleting            → status only;
// - paused              → no rollout: scale (proportionally) and clean up history, status; Progressing Unknown/DeploymentPaused;
// - a scaling event     → (desired-replicas annotation of an active set ≠ spec.replicas) sync as when paused;
// - RollingUpdate       → reconcileNewReplicaSet, else reconcileOldReplicaSets, else cleanupDeployment; syncRolloutStatus;
// - Recreate            → scale the old sets to 0, wait until their pods are gone, then create/scale the new set.
//
// The new ReplicaSet is `<deployment>-<pod-template-hash>`; a template equal to an old set's (rollout undo) re-uses
// that set and raises its revision to max + 1. Writes carry resourceVersion preconditions; a conflict makes the runner
// requeue at once, and the next pass starts again from the store.
import { matches, selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import { DEPLOYMENT_REVISION, POD_TEMPLATE_HASH } from '../../api/meta.js';
import type { Clock } from '../../util/clock.js';
import { ignoreNotFound, isAlreadyExists, isNotFound } from '../../util/errors.js';
import { deepEqual } from '../../store/object-semantics.js';
import { isForbidden, objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { getControllerOf, newControllerRef } from '../../reconcile/controller-ref.js';
import { claimObjects } from '../../reconcile/claim.js';
import { OwnerIndex } from '../../reconcile/owner-index.js';
import type { DeploymentObj, DeploymentStatus, KubeObject, PodObj, ReplicaSetObj } from './types.js';
import {
  compareByCreationTimestamp,
  compareByRevision,
  computeHash,
  equalIgnoreHash,
  filterActiveReplicaSets,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getDesiredReplicasAnnotation,
  getReplicaCountForReplicaSets,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportionalSizes,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  rsReplicas,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './util.js';
import {
  FAILED_RS_CREATE_REASON,
  FOUND_NEW_RS_REASON,
  NEW_REPLICA_SET_REASON,
  PAUSED_DEPLOY_REASON,
  PROGRESSING,
  RESUMED_DEPLOY_REASON,
  TIMED_OUT_REASON,
  calculateStatus,
  deploymentComplete,
  getDeploymentCondition,
  hasProgressDeadline,
  newDeploymentCondition,
  requeueStuckDeploymentMs,
  rolloutStatus,
  setDeploymentCondition,
} from './status.js';

const APPS_V1 = 'apps/v1';

export interface DeploymentControllerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "deployment-controller" */
  events?: EventSink;
  log?: Logger;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const deployKey = (namespace: string, name: string): string => objectKey({ resource: 'deployments', namespace, name });
const rsKeyOf = (namespace: string, name: string): string => objectKey({ resource: 'replicasets', namespace, name });

/** The state of one pass: the Deployment and its ReplicaSets as last written or read. */
interface Pass {
  d: DeploymentObj;
  /** the claimed ReplicaSets, kept current after every write of this pass */
  rsList: ReplicaSetObj[];
  requeueAfterMs?: number;
}

export class DeploymentController implements Reconciler {
  readonly name = 'deployment';
  readonly watches = ['deployments', 'replicasets', 'pods'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  /** the Deployments seen (watch events): routes a ReplicaSet to its owner, an orphan to who may adopt it */
  private readonly owners = new OwnerIndex({ owner: { apiVersion: APPS_V1, kind: 'Deployment', resource: 'deployments' } });
  /** ReplicaSet key → key of the Deployment controlling it, to route pod deletions (Recreate waits for them) */
  private readonly rsOwner = new Map<string, string>();

  constructor(opts: DeploymentControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    const ns = nsOf(o);
    if (o.kind === 'Deployment') return [this.owners.observeOwner(ev)];
    if (o.kind === 'ReplicaSet') {
      const key = rsKeyOf(ns, o.metadata.name);
      const keys = this.owners.keysForOwned(ev);
      if (ev.type !== 'DELETED' && getControllerOf(o) && keys.length) this.rsOwner.set(key, keys[0]!);
      else this.rsOwner.delete(key);
      return keys;
    }
    if (o.kind === 'Pod' && ev.type === 'DELETED') {
      // Recreate waits until the old pods are gone: their final deletion changes no ReplicaSet
      const ref = getControllerOf(o);
      if (ref?.kind !== 'ReplicaSet') return [];
      const owner = this.rsOwner.get(rsKeyOf(ns, ref.name));
      return owner ? [owner] : [];
    }
    return [];
  }

  async resyncKeys(): Promise<string[]> {
    const { items } = await this.store.list<DeploymentObj>('deployments');
    return items.map((d) => deployKey(nsOf(d), d.metadata.name));
  }

  /** upstream syncDeployment. */
  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'deployments') return DONE;
    const d = await this.store.tryGet<DeploymentObj>(ref);
    if (!d) {
      this.owners.forgetOwner(key);
      return DONE;
    }
    if (deepEqual(d.spec?.selector ?? null, {})) {
      // (upstream repeats the event every sync; kctl once per generation, so a quiet pass writes nothing)
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.events?.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
        await this.store.updateStatus<DeploymentObj>({ ...d, status: { ...(d.status ?? {}), observedGeneration: d.metadata.generation } });
      }
      return DONE;
    }
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(d.spec?.selector);
    } catch (e) {
      this.log.warn(`deployment ${key}: invalid selector: ${errMessage(e)}`);
      return DONE;
    }
    this.owners.setOwner(key, nsOf(d), d.metadata.name, selector);

    const pass: Pass = { d, rsList: await this.getReplicaSetsForDeployment(d, selector) };
    for (const rs of pass.rsList) this.rsOwner.set(rsKeyOf(nsOf(rs), rs.metadata.name), key);

    if (d.metadata.deletionTimestamp) {
      await this.syncStatusOnly(pass);
      return DONE;
    }
    await this.checkPausedConditions(pass);
    if (pass.d.spec?.paused) {
      await this.sync(pass);
      return DONE;
    }
    if (await this.isScalingEvent(pass)) {
      await this.sync(pass);
      return DONE;
    }
    if (pass.d.spec?.strategy?.type === 'Recreate') await this.rolloutRecreate(pass, selector);
    else await this.rolloutRolling(pass);
    return pass.requeueAfterMs === undefined ? DONE : { requeueAfterMs: pass.requeueAfterMs };
  }

  // ------------------------------------------------------------------ claiming

  /** upstream getReplicaSetsForDeployment (ClaimReplicaSets): the sets this Deployment controls after adoption/release. */
  private async getReplicaSetsForDeployment(d: DeploymentObj, selector: Selector): Promise<ReplicaSetObj[]> {
    return claimObjects({
      store: this.store,
      log: this.log,
      owner: d,
      ref: newControllerRef(d, APPS_V1, 'Deployment'),
      candidates: (await this.store.list<ReplicaSetObj>('replicasets', { namespace: nsOf(d) })).items,
      isMember: (rs) => matches(selector, rs.metadata.labels),
      ownerDesc: `deployment ${nsOf(d)}/${d.metadata.name}`,
      kindDesc: 'replicaset',
    });
  }

  /** The pods of the Deployment's sets (matching its selector), by controlling ReplicaSet uid (upstream getPodMapForDeployment). */
  private async getPodMapForDeployment(pass: Pass, selector: Selector): Promise<Map<string, PodObj[]>> {
    const pods = (await this.store.list<PodObj>('pods', { namespace: nsOf(pass.d) })).items;
    const map = new Map<string, PodObj[]>();
    for (const rs of pass.rsList) map.set(rs.metadata.uid ?? '', []);
    for (const p of pods) {
      if (!matches(selector, p.metadata.labels)) continue;
      const uid = getControllerOf(p)?.uid;
      if (uid !== undefined && map.has(uid)) map.get(uid)!.push(p);
    }
    return map;
  }

  // ------------------------------------------------------------------ writes

  /** The latest version of a set seen in this pass. */
  private fresh(pass: Pass, rs: ReplicaSetObj): ReplicaSetObj;
  private fresh(pass: Pass, rs: ReplicaSetObj | undefined): ReplicaSetObj | undefined;
  private fresh(pass: Pass, rs: ReplicaSetObj | undefined): ReplicaSetObj | undefined {
    if (!rs) return undefined;
    return pass.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  private remember(pass: Pass, rs: ReplicaSetObj): void {
    const i = pass.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) pass.rsList[i] = rs;
    else pass.rsList.push(rs);
  }

  private async updateRS(pass: Pass, rs: ReplicaSetObj): Promise<ReplicaSetObj> {
    const updated = await this.store.update<ReplicaSetObj>(rs);
    this.remember(pass, updated);
    return updated;
  }

  /** Writes the Deployment's metadata (the revision annotation); status is untouched. */
  private async updateDeployment(pass: Pass, d: DeploymentObj): Promise<void> {
    pass.d = await this.store.update<DeploymentObj>(d);
  }

  private async updateDeploymentStatus(pass: Pass, status: DeploymentStatus): Promise<void> {
    pass.d = await this.store.updateStatus<DeploymentObj>({ ...pass.d, status });
  }

  private async event(pass: Pass, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.events?.event(pass.d, type, reason, message);
  }

  // ------------------------------------------------------------------ sync.go

  /**
   * upstream getAllReplicaSetsAndSyncRevision: the new set (created when asked and missing) with its revision
   * raised to max(old) + 1, and every old set.
   */
  private async getAllReplicaSetsAndSyncRevision(
    pass: Pass,
    createIfNotExisted: boolean,
  ): Promise<{ newRS: ReplicaSetObj | undefined; oldRSs: ReplicaSetObj[] }> {
    const { allOldRSs } = findOldReplicaSets(pass.d, pass.rsList);
    const newRS = await this.getNewReplicaSet(pass, allOldRSs, createIfNotExisted);
    return { newRS, oldRSs: allOldRSs.map((rs) => this.fresh(pass, rs)) };
  }

  /** upstream getNewReplicaSet. */
  private async getNewReplicaSet(pass: Pass, oldRSs: ReplicaSetObj[], createIfNotExisted: boolean): Promise<ReplicaSetObj | undefined> {
    const d = pass.d;
    const existing = findNewReplicaSet(d, pass.rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      let rs = existing;
      const rsCopy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReadyNeedsUpdate = (rsCopy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyNeedsUpdate) {
        rsCopy.spec = { ...rsCopy.spec!, minReadySeconds: d.spec?.minReadySeconds ?? 0 };
        if (!rsCopy.spec.minReadySeconds) delete rsCopy.spec.minReadySeconds;
        // (upstream returns here and syncs the Deployment's revision on the next pass; kctl goes on, so one
        // pass reaches the fixpoint)
        rs = await this.updateRS(pass, rsCopy);
      }
      const dCopy = structuredClone(pass.d);
      if (setDeploymentRevision(dCopy, rs.metadata.annotations?.[DEPLOYMENT_REVISION] ?? '')) await this.updateDeployment(pass, dCopy);
      if (hasProgressDeadline(pass.d) && !getDeploymentCondition(pass.d.status, PROGRESSING)) {
        const status = structuredClone(pass.d.status ?? {});
        setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'True', FOUND_NEW_RS_REASON, `Found new replica set "${rs.metadata.name}"`, this.clock.now()));
        await this.updateDeploymentStatus(pass, status);
      }
      return rs;
    }
    if (!createIfNotExisted) return undefined;

    const template = structuredClone(d.spec!.template);
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const newRS: ReplicaSetObj = {
      apiVersion: APPS_V1,
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: nsOf(d),
        labels: { ...template.metadata.labels },
        ownerReferences: [newControllerRef(d, APPS_V1, 'Deployment')],
      },
      spec: {
        replicas: 0,
        ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        selector,
        template,
      },
    };
    const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = newReplicasCount;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSetObj;
    let alreadyExists = false;
    try {
      created = await this.store.create<ReplicaSetObj>(newRS);
    } catch (e) {
      if (isAlreadyExists(e)) {
        const rs = await this.store.tryGet<ReplicaSetObj>({ resource: 'replicasets', namespace: nsOf(d), name: newRS.metadata.name });
        if (!rs) throw e;
        if (getControllerOf(rs)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
          created = rs;
          alreadyExists = true;
        } else {
          // a hash collision: another template took this name; a new collisionCount gives a new hash next pass
          const status = structuredClone(d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.updateDeploymentStatus(pass, status);
          this.log.info(`deployment ${nsOf(d)}/${d.metadata.name}: hash collision on ${newRS.metadata.name}, collisionCount ${status.collisionCount}`);
          throw e;
        }
      } else if (isForbidden(e)) {
        throw e; // the namespace is being deleted: every create fails, nothing to report
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${errMessage(e)}`;
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'False', FAILED_RS_CREATE_REASON, msg, this.clock.now()));
          await this.updateDeploymentStatus(pass, status).catch(() => undefined);
        }
        await this.event(pass, 'Warning', FAILED_RS_CREATE_REASON, msg);
        throw e;
      }
    }
    this.remember(pass, created);
    if (!alreadyExists && newReplicasCount > 0)
      await this.event(pass, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${newReplicasCount}`);
    const dCopy = structuredClone(pass.d);
    if (setDeploymentRevision(dCopy, String(newRevision))) await this.updateDeployment(pass, dCopy);
    if (!alreadyExists && hasProgressDeadline(pass.d)) {
      const status = structuredClone(pass.d.status ?? {});
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'True', NEW_REPLICA_SET_REASON, `Created new replica set "${created.metadata.name}"`, this.clock.now()));
      if (!deepEqual(status, pass.d.status ?? {})) await this.updateDeploymentStatus(pass, status);
    }
    return created;
  }

  /** upstream syncStatusOnly: a Deployment being deleted only gets its status refreshed. */
  private async syncStatusOnly(pass: Pass): Promise<void> {
    const { newRS } = await this.getAllReplicaSetsAndSyncRevision(pass, false);
    await this.syncDeploymentStatus(pass, newRS);
  }

  /** upstream sync: scaling (paused or a scaling event), history cleanup when paused, status. */
  private async sync(pass: Pass): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(pass, false);
    await this.scale(pass, newRS, oldRSs);
    if (pass.d.spec?.paused) await this.cleanupDeployment(pass, oldRSs.map((rs) => this.fresh(pass, rs)));
    await this.syncDeploymentStatus(pass, this.fresh(pass, newRS));
  }

  /** upstream checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
  private async checkPausedConditions(pass: Pass): Promise<void> {
    const d = pass.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getDeploymentCondition(d.status, PROGRESSING);
    if (cond?.reason === TIMED_OUT_REASON) return;
    const pausedCondExists = cond?.reason === PAUSED_DEPLOY_REASON;
    const status = structuredClone(d.status ?? {});
    if (d.spec?.paused && !pausedCondExists)
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'Unknown', PAUSED_DEPLOY_REASON, 'Deployment is paused', this.clock.now()));
    else if (!d.spec?.paused && pausedCondExists)
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'Unknown', RESUMED_DEPLOY_REASON, 'Deployment is resumed', this.clock.now()));
    else return;
    await this.updateDeploymentStatus(pass, status);
  }

  /** upstream isScalingEvent: an active set was last sized for another spec.replicas. */
  private async isScalingEvent(pass: Pass): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(pass, false);
    for (const rs of filterActiveReplicaSets([...oldRSs, newRS])) {
      const desired = getDesiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(pass.d)) return true;
    }
    return false;
  }

  /**
   * upstream scale: one active set (or none: the newest) takes the full size; a saturated new set scales the old
   * ones to 0; otherwise, for RollingUpdate, the change is shared proportionally (proportionalSizes).
   */
  private async scale(pass: Pass, newRS: ReplicaSetObj | undefined, oldRSs: ReplicaSetObj[]): Promise<void> {
    const d = pass.d;
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (rsReplicas(activeOrLatest) === replicasOf(d)) return;
      await this.scaleReplicaSetAndRecordEvent(pass, activeOrLatest, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActiveReplicaSets(oldRSs)) await this.scaleReplicaSetAndRecordEvent(pass, old, 0);
      return;
    }
    if (isRollingUpdate(d)) {
      const active = filterActiveReplicaSets([...oldRSs, newRS]);
      const { sizes, order, operation } = proportionalSizes(d, active);
      for (const rs of order as ReplicaSetObj[]) await this.scaleReplicaSet(pass, rs, sizes.get(rs.metadata.name)!, operation);
    }
  }

  private async scaleReplicaSetAndRecordEvent(pass: Pass, rs: ReplicaSetObj, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSetObj }> {
    if (rsReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(pass, rs, newScale, rsReplicas(rs) < newScale ? 'up' : 'down');
  }

  /** upstream scaleReplicaSet: new size and the desired/max-replicas annotations in one update; an event when the size changed. */
  private async scaleReplicaSet(pass: Pass, rs: ReplicaSetObj, newScale: number, operation: string): Promise<{ scaled: boolean; rs: ReplicaSetObj }> {
    const d = pass.d;
    const cur = this.fresh(pass, rs);
    const sizeNeedsUpdate = rsReplicas(cur) !== newScale;
    const desired = replicasOf(d);
    const max = desired + maxSurge(d);
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(cur, desired, max)) return { scaled: false, rs: cur };
    const oldScale = rsReplicas(cur);
    const copy = structuredClone(cur);
    copy.spec = { ...copy.spec!, replicas: newScale };
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.updateRS(pass, copy);
    if (sizeNeedsUpdate)
      await this.event(pass, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} to ${newScale} from ${oldScale}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /**
   * upstream cleanupDeployment: keeps revisionHistoryLimit old sets; deletes the oldest revisions beyond it that
   * are fully scaled down (spec and status 0, generation observed) and not already being deleted.
   */
  private async cleanupDeployment(pass: Pass, oldRSs: ReplicaSetObj[]): Promise<void> {
    const limit = pass.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(compareByRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.store.delete({ resource: 'replicasets', namespace: nsOf(rs), name: rs.metadata.name }, { uid: rs.metadata.uid });
        this.log.info(`deployment ${nsOf(pass.d)}/${pass.d.metadata.name}: deleted old replicaset ${rs.metadata.name} (revision history limit ${limit})`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      pass.rsList = pass.rsList.filter((x) => x.metadata.uid !== rs.metadata.uid);
    }
  }

  /** upstream syncDeploymentStatus: calculateStatus, written only when it changed. */
  private async syncDeploymentStatus(pass: Pass, newRS: ReplicaSetObj | undefined): Promise<void> {
    const all = pass.rsList;
    const status = calculateStatus(all, this.fresh(pass, newRS), pass.d, this.clock.now());
    if (!deepEqual(status, pass.d.status ?? {})) await this.updateDeploymentStatus(pass, status);
  }

  // ------------------------------------------------------------------ progress.go

  /** upstream syncRolloutStatus: status with progress conditions; a requeue to notice a progress deadline passing. */
  private async syncRolloutStatus(pass: Pass, newRS: ReplicaSetObj | undefined): Promise<void> {
    const now = this.clock.now();
    const status = rolloutStatus(pass.rsList, this.fresh(pass, newRS), pass.d, now);
    if (!deepEqual(status, pass.d.status ?? {})) await this.updateDeploymentStatus(pass, status);
    const after = requeueStuckDeploymentMs(pass.d, status, now);
    if (after !== undefined) pass.requeueAfterMs = after;
  }

  // ------------------------------------------------------------------ rolling.go

  /** upstream rolloutRolling: one bounded move (scale the new set up, or the old ones down), then status. */
  private async rolloutRolling(pass: Pass): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(pass, true);
    const nrs = newRS!;
    if (await this.reconcileNewReplicaSet(pass, [...oldRSs, nrs], nrs)) return this.syncRolloutStatus(pass, nrs);
    const freshNew = this.fresh(pass, nrs);
    const freshOld = oldRSs.map((rs) => this.fresh(pass, rs));
    if (await this.reconcileOldReplicaSets(pass, [...freshOld, freshNew], filterActiveReplicaSets(freshOld), freshNew))
      return this.syncRolloutStatus(pass, nrs);
    if (deploymentComplete(pass.d, pass.d.status ?? {})) await this.cleanupDeployment(pass, freshOld.map((rs) => this.fresh(pass, rs)));
    return this.syncRolloutStatus(pass, nrs);
  }

  /** upstream reconcileNewReplicaSet: scale the new set toward spec.replicas within maxSurge. */
  private async reconcileNewReplicaSet(pass: Pass, allRSs: ReplicaSetObj[], newRS: ReplicaSetObj): Promise<boolean> {
    const desired = replicasOf(pass.d);
    if (rsReplicas(newRS) === desired) return false;
    if (rsReplicas(newRS) > desired) return (await this.scaleReplicaSetAndRecordEvent(pass, newRS, desired)).scaled;
    const n = newRSNewReplicas(pass.d, allRSs, newRS);
    return (await this.scaleReplicaSetAndRecordEvent(pass, newRS, n)).scaled;
  }

  /**
   * upstream reconcileOldReplicaSets: scale old sets down by at most
   * allPods − minAvailable − (new set's unavailable pods): unhealthy replicas first, then available ones while
   * more than minAvailable are available.
   */
  private async reconcileOldReplicaSets(pass: Pass, allRSs: ReplicaSetObj[], oldRSs: ReplicaSetObj[], newRS: ReplicaSetObj): Promise<boolean> {
    if (getReplicaCountForReplicaSets(oldRSs) === 0) return false;
    const allPodsCount = getReplicaCountForReplicaSets(allRSs);
    const minAvailableCount = replicasOf(pass.d) - maxUnavailable(pass.d);
    const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPodsCount - minAvailableCount - newRSUnavailable;
    if (maxScaledDown <= 0) return false;
    const { oldRSs: cleaned, count: cleanupCount } = await this.cleanupUnhealthyReplicas(pass, oldRSs, maxScaledDown);
    const scaledDown = await this.scaleDownOldReplicaSetsForRollingUpdate(pass, [...cleaned, this.fresh(pass, newRS)], cleaned);
    return cleanupCount + scaledDown > 0;
  }

  /** upstream cleanupUnhealthyReplicas: scale old sets down by their unavailable replicas, oldest first, up to max. */
  private async cleanupUnhealthyReplicas(pass: Pass, oldRSs: ReplicaSetObj[], maxCleanupCount: number): Promise<{ oldRSs: ReplicaSetObj[]; count: number }> {
    const sorted = [...oldRSs].sort(compareByCreationTimestamp);
    let total = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (total >= maxCleanupCount) break;
      const rs = sorted[i]!;
      const replicas = rsReplicas(rs);
      const available = rs.status?.availableReplicas ?? 0;
      if (replicas === 0 || replicas === available) continue;
      const count = Math.min(maxCleanupCount - total, replicas - available);
      const { rs: updated } = await this.scaleReplicaSetAndRecordEvent(pass, rs, replicas - count);
      total += count;
      sorted[i] = updated;
    }
    return { oldRSs: sorted, count: total };
  }

  /** upstream scaleDownOldReplicaSetsForRollingUpdate: remove available old replicas above minAvailable, oldest sets first. */
  private async scaleDownOldReplicaSetsForRollingUpdate(pass: Pass, allRSs: ReplicaSetObj[], oldRSs: ReplicaSetObj[]): Promise<number> {
    const minAvailableCount = replicasOf(pass.d) - maxUnavailable(pass.d);
    const availableCount = getAvailableReplicaCountForReplicaSets(allRSs);
    if (availableCount <= minAvailableCount) return 0;
    const totalScaleDownCount = availableCount - minAvailableCount;
    let total = 0;
    for (const rs of [...oldRSs].sort(compareByCreationTimestamp)) {
      if (total >= totalScaleDownCount) break;
      if (rsReplicas(rs) === 0) continue;
      const count = Math.min(rsReplicas(rs), totalScaleDownCount - total);
      await this.scaleReplicaSetAndRecordEvent(pass, rs, rsReplicas(rs) - count);
      total += count;
    }
    return total;
  }

  // ------------------------------------------------------------------ recreate.go

  /** upstream rolloutRecreate: old sets to 0; once none of their pods runs, create/scale the new set. */
  private async rolloutRecreate(pass: Pass, selector: Selector): Promise<void> {
    let { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(pass, false);
    let scaledDown = false;
    for (const rs of filterActiveReplicaSets(oldRSs)) {
      if ((await this.scaleReplicaSetAndRecordEvent(pass, rs, 0)).scaled) scaledDown = true;
    }
    if (scaledDown) return this.syncRolloutStatus(pass, newRS);
    oldRSs = oldRSs.map((rs) => this.fresh(pass, rs));
    if (oldPodsRunning(newRS, oldRSs, await this.getPodMapForDeployment(pass, selector))) return this.syncRolloutStatus(pass, newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(pass, true));
    await this.scaleReplicaSetAndRecordEvent(pass, this.fresh(pass, newRS!), replicasOf(pass.d));
    if (deploymentComplete(pass.d, pass.d.status ?? {})) await this.cleanupDeployment(pass, oldRSs.map((rs) => this.fresh(pass, rs)));
    return this.syncRolloutStatus(pass, newRS);
  }
}

/** upstream oldPodsRunning: an old set still reports pods, or a pod of an old set is not finished. */
export function oldPodsRunning(
  newRS: ReplicaSetObj | undefined,
  oldRSs: readonly ReplicaSetObj[],
  podMap: ReadonlyMap<string, readonly PodObj[]>,
): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}

