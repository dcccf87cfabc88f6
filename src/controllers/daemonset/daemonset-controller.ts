// The DaemonSet controller (upstream pkg/controller/daemon daemon_controller.go syncDaemonSet and update.go),
// without expectations: every pass re-reads the store, and one pass makes one bounded move.
//
// One pass over a DaemonSet:
// 1. absent or being deleted → done (the garbage collector removes its pods); an empty selector → event, done;
// 2. claim its pods and ControllerRevisions; constructHistory: the revision of the current template (created,
//    or an older equal one raised to the next number: a rollback); its hash labels the pods;
// 3. manage: per node (NodeShouldRunDaemonPod), create the missing daemon pod (bound by node affinity
//    `metadata.name In [node]`, which the scheduler honours), delete excess, finished and misplaced pods (failed
//    ones behind a back-off, with a FailedDaemonPod event);
// 4. when manage wrote nothing: RollingUpdate (maxUnavailable / maxSurge) deletes old pods or surges new ones;
//    OnDelete does nothing (pods are replaced when the user deletes them);
// 5. old revisions beyond revisionHistoryLimit are deleted; status is written only when it changed.
import { matches, selectorFromLabelSelector, type Selector } from '../../api/labels.js';
import { CONTROLLER_REVISION_HASH } from '../../api/meta.js';
import type { RevisionObj } from '../../api/controller-revision.js';
import type { Clock } from '../../util/clock.js';
import { ignoreNotFound, isAlreadyExists, isConflict, isNotFound } from '../../util/errors.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { newControllerRef } from '../../reconcile/controller-ref.js';
import { claimObjects } from '../../reconcile/claim.js';
import { OwnerIndex } from '../../reconcile/owner-index.js';
import type { KubeObject } from '../../api/types.js';
import { podFromTemplate } from '../pod-template.js';
import { nextAvailableInMs, slowStartBatch } from '../replicaset/pods.js';
import { calculateStatus, getNodesToDaemonPods, planManage, planRollingUpdate, type DaemonSetCounts } from './daemon-pods.js';
import { FailedPodsBackoff, failedPodsBackoffKey } from './failed-pods-backoff.js';
import { historyToDelete, keepCurrent, matchRevision, newDaemonSetRevision, planHistory } from './revision.js';
import { createPodTemplate, getTemplateGeneration, replaceDaemonSetPodNodeNameNodeAffinity, type DaemonSetObj, type NodeObj, type PodObj } from './util.js';

export type { DaemonSetObj, NodeObj, PodObj };

const APPS_V1 = 'apps/v1';
/** upstream controller.SlowStartInitialBatchSize */
const SLOW_START_INITIAL_BATCH_SIZE = 1;
/** upstream BurstReplicas: at most this many creations (and deletions) per pass */
const BURST_REPLICAS = 250;

export interface DaemonSetControllerOptions {
  store: Store;
  clock: Clock;
  /** a recorder with source.component "daemonset-controller" */
  events?: EventSink;
  log?: Logger;
  /** failed-pod deletion back-off (default upstream's 1 s doubling to 15 min) */
  failedPodsBackoff?: FailedPodsBackoff;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const dsKey = (namespace: string, name: string): string => objectKey({ resource: 'daemonsets', namespace, name });

/** What of a Node decides where daemon pods run (upstream shouldIgnoreNodeUpdate compares the rest away). */
const nodeFingerprint = (n: NodeObj): string => JSON.stringify([n.metadata.labels ?? {}, n.spec?.taints ?? [], n.spec?.unschedulable ?? false]);

export class DaemonSetController implements Reconciler {
  readonly name = 'daemonset';
  readonly watches = ['daemonsets', 'pods', 'nodes', 'controllerrevisions'] as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  private readonly backoff: FailedPodsBackoff;
  private readonly owners = new OwnerIndex({ owner: { apiVersion: APPS_V1, kind: 'DaemonSet', resource: 'daemonsets' } });
  /** every DaemonSet key seen: a node change concerns them all */
  private readonly known = new Set<string>();
  private readonly nodes = new Map<string, string>();

  constructor(opts: DaemonSetControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
    this.backoff = opts.failedPodsBackoff ?? new FailedPodsBackoff();
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    if (o.kind === 'DaemonSet') {
      const key = this.owners.observeOwner(ev);
      if (ev.type === 'DELETED') this.known.delete(key);
      else this.known.add(key);
      return [key];
    }
    if (o.kind === 'Node') {
      const name = o.metadata.name;
      const print = ev.type === 'DELETED' ? undefined : nodeFingerprint(o as NodeObj);
      if (print === this.nodes.get(name) && print !== undefined) return [];
      if (print === undefined) this.nodes.delete(name);
      else this.nodes.set(name, print);
      return [...this.known];
    }
    return o.kind === 'Pod' || o.kind === 'ControllerRevision' ? this.owners.keysForOwned(ev) : [];
  }

  async resyncKeys(): Promise<string[]> {
    this.backoff.gc(this.clock.now().getTime());
    const { items } = await this.store.list<DaemonSetObj>('daemonsets');
    return items.map((d) => dsKey(nsOf(d), d.metadata.name));
  }

  /** upstream syncDaemonSet. */
  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'daemonsets') return DONE;
    const ds = await this.store.tryGet<DaemonSetObj>(ref);
    if (!ds) {
      this.owners.forgetOwner(key);
      this.known.delete(key);
      return DONE;
    }
    this.known.add(key);
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(ds.spec?.selector);
    } catch (e) {
      this.log.warn(`daemonset ${key}: invalid selector: ${errMessage(e)}`);
      return DONE;
    }
    this.owners.setOwner(key, nsOf(ds), ds.metadata.name, selector);
    const sel = ds.spec?.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
      await this.events?.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return DONE;
    }
    // being deleted (foreground or orphan): its history may be gone already; nothing is reliable to count
    if (ds.metadata.deletionTimestamp) return DONE;

    const nodes = (await this.store.list<NodeObj>('nodes')).items;
    const { cur, old, ds: current } = await this.constructHistory(ds, selector);
    const hash = cur.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '';

    const result: Result = {};
    const wrote = await this.manage(current, selector, nodes, hash, result);
    if (!wrote && current.spec?.updateStrategy?.type === 'RollingUpdate') await this.rollingUpdate(current, selector, nodes, hash);
    const pods = await this.claimPods(current, selector);
    await this.cleanupHistory(current, pods, old);
    return this.updateDaemonSetStatus(current, pods, nodes, hash, result);
  }

  // ------------------------------------------------------------------ claiming

  /** upstream getDaemonPods: ClaimPods (adopt matching orphans, release pods that stopped matching). */
  private async claimPods(ds: DaemonSetObj, selector: Selector): Promise<PodObj[]> {
    return claimObjects({
      store: this.store,
      log: this.log,
      owner: ds,
      ref: newControllerRef(ds, APPS_V1, 'DaemonSet'),
      candidates: (await this.store.list<PodObj>('pods', { namespace: nsOf(ds) })).items,
      isMember: (pod) => matches(selector, pod.metadata.labels),
      ownerDesc: `daemonset ${nsOf(ds)}/${ds.metadata.name}`,
      kindDesc: 'pod',
    });
  }

  /** upstream controlledHistories: the revisions the DaemonSet controls, matching orphans adopted. */
  private async claimRevisions(ds: DaemonSetObj, selector: Selector): Promise<RevisionObj[]> {
    return claimObjects({
      store: this.store,
      log: this.log,
      owner: ds,
      ref: newControllerRef(ds, APPS_V1, 'DaemonSet'),
      candidates: (await this.store.list<RevisionObj>('controllerrevisions', { namespace: nsOf(ds) })).items,
      isMember: (rev) => matches(selector, rev.metadata.labels),
      ownerDesc: `daemonset ${nsOf(ds)}/${ds.metadata.name}`,
      kindDesc: 'controllerrevision',
      release: false,
    });
  }

  // ------------------------------------------------------------------ history (update.go)

  /**
   * upstream constructHistory: the current revision (created by snapshot, deduplicated, raised above the old
   * ones) and the old ones. Returns the DaemonSet as this pass should use it (collisionCount may have moved).
   */
  private async constructHistory(ds: DaemonSetObj, selector: Selector): Promise<{ cur: RevisionObj; old: RevisionObj[]; ds: DaemonSetObj }> {
    const plan = planHistory(ds, await this.claimRevisions(ds, selector));
    const relabeled = new Map<string, RevisionObj>();
    for (const rev of plan.relabel) {
      const next = structuredClone(rev);
      next.metadata.labels = { ...(next.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH]: rev.metadata.name };
      const written = await ignoreNotFound(() => this.store.update<RevisionObj>(next));
      if (written) relabeled.set(rev.metadata.name, written);
    }
    const fresh = (r: RevisionObj): RevisionObj => relabeled.get(r.metadata.name) ?? r;
    const old = plan.old.map(fresh);
    let cur: RevisionObj;
    if (!plan.current.length) {
      const snap = await this.snapshot(ds, plan.currRevision);
      if (snap.ds !== ds) return this.constructHistory(snap.ds, selector);
      cur = snap.rev!;
    } else {
      cur = fresh(await this.dedupCurHistories(ds, selector, plan.current.map(fresh)));
      if (cur.revision < plan.currRevision) cur = await this.store.update<RevisionObj>({ ...structuredClone(cur), revision: plan.currRevision });
    }
    return { cur, old, ds };
  }

  /**
   * upstream snapshot: creates the revision of the current template. A name taken by a revision holding the same
   * template is it; one holding another template is a hash collision: status.collisionCount is raised and the
   * caller hashes again (the returned `ds` is the updated object).
   */
  private async snapshot(ds: DaemonSetObj, revision: number): Promise<{ rev?: RevisionObj; ds: DaemonSetObj }> {
    const candidate = newDaemonSetRevision(ds, revision);
    try {
      return { rev: await this.store.create<RevisionObj>(candidate), ds };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    const existing = await this.store.tryGet<RevisionObj>({ resource: 'controllerrevisions', namespace: nsOf(ds), name: candidate.metadata.name });
    if (existing && matchRevision(ds, existing)) return { rev: existing, ds };
    const status = serializeStatus({ ...(ds.status ?? {}), collisionCount: (ds.status?.collisionCount ?? 0) + 1 } as Status);
    return { ds: await this.store.updateStatus<DaemonSetObj>({ ...structuredClone(ds), status }) };
  }

  /**
   * upstream dedupCurHistories: of several revisions holding the current template the highest one is kept; pods
   * labelled with another one's hash are relabelled, then the others are deleted. (Upstream relabels every pod
   * whose hash differs; kctl only those of the duplicates, so old pods stay old.)
   */
  private async dedupCurHistories(ds: DaemonSetObj, selector: Selector, current: RevisionObj[]): Promise<RevisionObj> {
    if (current.length === 1) return current[0]!;
    const keep = keepCurrent(current);
    const keepHash = keep.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? keep.metadata.name;
    const dupHashes = new Set(current.filter((r) => r !== keep).map((r) => r.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? r.metadata.name));
    for (const pod of await this.claimPods(ds, selector)) {
      const h = pod.metadata.labels?.[CONTROLLER_REVISION_HASH];
      if (h === undefined || !dupHashes.has(h)) continue;
      const next = structuredClone(pod);
      next.metadata.labels = { ...(next.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH]: keepHash };
      await ignoreNotFound(() => this.store.update<PodObj>(next));
    }
    for (const rev of current) {
      if (rev === keep) continue;
      await ignoreNotFound(() => this.store.delete({ resource: 'controllerrevisions', namespace: nsOf(ds), name: rev.metadata.name }, { uid: rev.metadata.uid }));
    }
    return keep;
  }

  /** upstream cleanupHistory: old revisions beyond revisionHistoryLimit go, except those a pod still runs. */
  private async cleanupHistory(ds: DaemonSetObj, pods: readonly PodObj[], old: readonly RevisionObj[]): Promise<void> {
    const live = new Set<string>();
    for (const list of getNodesToDaemonPods(pods, true).values())
      for (const p of list) {
        const h = p.metadata.labels?.[CONTROLLER_REVISION_HASH];
        if (h) live.add(h);
      }
    for (const rev of historyToDelete(old, live, ds.spec?.revisionHistoryLimit ?? 10))
      await ignoreNotFound(() => this.store.delete({ resource: 'controllerrevisions', namespace: nsOf(ds), name: rev.metadata.name }, { uid: rev.metadata.uid }));
  }

  // ------------------------------------------------------------------ manage / rolling update

  /** upstream manage: returns whether it created or deleted anything (upstream's unmet expectations). */
  private async manage(ds: DaemonSetObj, selector: Selector, nodes: NodeObj[], hash: string, result: Result): Promise<boolean> {
    const pods = await this.claimPods(ds, selector);
    const now = this.clock.now();
    const plan = planManage(ds, nodes, getNodesToDaemonPods(pods, false), hash, now);
    const toDelete = [...plan.podsToDelete];
    for (const { node, pod } of plan.failed) {
      const bkey = failedPodsBackoffKey(ds.metadata.uid ?? '', ds.status?.observedGeneration ?? 0, node);
      if (this.backoff.isInBackOffSinceUpdate(bkey, now.getTime())) {
        requeue(result, this.backoff.get(bkey));
        continue;
      }
      this.backoff.next(bkey, now.getTime());
      await this.events?.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${nsOf(pod)}/${pod.metadata.name} on node ${node}, will try to kill it`);
      toDelete.push(pod);
    }
    return this.syncNodes(ds, toDelete, plan.nodesNeedingDaemonPods, hash);
  }

  /** upstream rollingUpdate. */
  private async rollingUpdate(ds: DaemonSetObj, selector: Selector, nodes: NodeObj[], hash: string): Promise<void> {
    const pods = await this.claimPods(ds, selector);
    const plan = planRollingUpdate(ds, nodes, getNodesToDaemonPods(pods, false), hash, this.clock.now());
    await this.syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash);
  }

  /**
   * upstream syncNodes: creates a daemon pod per node (in slow-start batches; the pod is aimed at its node by
   * node affinity) and deletes the given pods. Returns whether anything was written.
   */
  private async syncNodes(ds: DaemonSetObj, podsToDelete: PodObj[], nodesNeedingDaemonPods: string[], hash: string): Promise<boolean> {
    const createNodes = nodesNeedingDaemonPods.slice(0, BURST_REPLICAS);
    const deletes = podsToDelete.slice(0, BURST_REPLICAS);
    const template = createPodTemplate(ds.spec?.template, getTemplateGeneration(ds), hash);
    const ref = newControllerRef(ds, APPS_V1, 'DaemonSet');
    let i = 0;
    const { error } = await slowStartBatch(createNodes.length, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      const nodeName = createNodes[i++]!;
      const pod = podFromTemplate(template, ds, ref);
      pod.spec = { ...pod.spec!, affinity: replaceDaemonSetPodNodeNameNodeAffinity(pod.spec?.affinity, nodeName) };
      try {
        const created = await this.store.create<PodObj>(pod);
        await this.events?.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        this.log.info(`daemonset ${nsOf(ds)}/${ds.metadata.name}: created pod ${created.metadata.name} for node ${nodeName}`);
      } catch (e) {
        await this.events?.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
        throw e;
      }
    });
    const errors: unknown[] = error === undefined ? [] : [error];
    for (const pod of deletes) {
      try {
        await this.store.delete({ resource: 'pods', namespace: nsOf(pod), name: pod.metadata.name }, { uid: pod.metadata.uid });
        await this.events?.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        this.log.info(`daemonset ${nsOf(ds)}/${ds.metadata.name}: deleted pod ${pod.metadata.name}`);
      } catch (e) {
        if (isNotFound(e) || isConflict(e)) continue;
        await this.events?.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
        errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
    return createNodes.length > 0 || deletes.length > 0;
  }

  // ------------------------------------------------------------------ status

  /** upstream updateDaemonSetStatus + storeDaemonSetStatus: a write only when a count or the generation moved. */
  private async updateDaemonSetStatus(ds: DaemonSetObj, pods: PodObj[], nodes: NodeObj[], hash: string, result: Result): Promise<Result> {
    const now = this.clock.now();
    const counts = calculateStatus(ds, nodes, getNodesToDaemonPods(pods, false), hash, now);
    const st = ds.status;
    const same =
      st !== undefined &&
      (Object.keys(counts) as (keyof DaemonSetCounts)[]).every((k) => (st[k] ?? 0) === counts[k]) &&
      (st.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0);
    if (!same) {
      const status = serializeStatus({ ...(st ?? {}), ...counts, observedGeneration: ds.metadata.generation });
      try {
        await this.store.updateStatus<DaemonSetObj>({ ...structuredClone(ds), status });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) {
      const wait = nextAvailableInMs(pods, minReady, now) ?? minReady * 1000;
      requeue(result, wait);
    }
    return result.requeueAfterMs === undefined ? DONE : result;
  }
}

function requeue(result: Result, ms: number): void {
  result.requeueAfterMs = result.requeueAfterMs === undefined ? ms : Math.min(result.requeueAfterMs, ms);
}

type Status = NonNullable<DaemonSetObj['status']>;

/**
 * The status as the API server stores it: the four required counts always, the optional ones (omitempty
 * upstream) only when non-zero, in upstream's field order.
 */
export function serializeStatus(s: Status): Status {
  const out: Record<string, unknown> = {
    currentNumberScheduled: s.currentNumberScheduled ?? 0,
    numberMisscheduled: s.numberMisscheduled ?? 0,
    desiredNumberScheduled: s.desiredNumberScheduled ?? 0,
    numberReady: s.numberReady ?? 0,
  };
  for (const k of ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'] as const) if (s[k]) out[k] = s[k];
  if (s.conditions?.length) out.conditions = s.conditions;
  return out as unknown as Status;
}
