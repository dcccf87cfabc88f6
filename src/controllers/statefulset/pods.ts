// Pure pod and claim helpers of the StatefulSet controller (upstream pkg/controller/statefulset/
// stateful_set_utils.go): ordinals and identity, claims from volumeClaimTemplates, versioned pods, status counts,
// and which pods a pass deletes for scale-down and rolling update.
import { CONTROLLER_REVISION_HASH, POD_INDEX, STATEFULSET_POD_NAME } from '../../api/meta.js';
import type { OwnerReference } from '../../api/types.js';
import { newControllerRef } from '../../reconcile/controller-ref.js';
import { podFromTemplate } from '../pod-template.js';
import { isPodAvailable, isPodReady } from '../replicaset/pods.js';
import type { ClaimObj, PodObj, StatefulSetObj, StatefulSetStatus } from './types.js';

const APPS_V1 = 'apps/v1';
type PodLike = Pick<PodObj, 'metadata' | 'spec' | 'status'>;
type SetLike = Pick<StatefulSetObj, 'metadata' | 'spec' | 'status'>;

const STATEFUL_POD_RE = /^(.*)-([0-9]+)$/;

/** upstream getParentNameAndOrdinal: "web-3" → {parent: "web", ordinal: 3}; ordinal -1 when the name has none. */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } {
  const m = STATEFUL_POD_RE.exec(name);
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) && ordinal <= 2147483647 ? { parent: m[1]!, ordinal } : { parent: '', ordinal: -1 };
}

export const ordinalOf = (pod: Pick<PodObj, 'metadata'>): number => parentAndOrdinal(pod.metadata.name).ordinal;
export const podName = (set: Pick<SetLike, 'metadata'>, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const replicasOf = (set: SetLike): number => set.spec?.replicas ?? 1;
/** spec.ordinals.start (StatefulSetStartOrdinal, GA in 1.31) */
export const startOrdinal = (set: SetLike): number => set.spec?.ordinals?.start ?? 0;
export const endOrdinal = (set: SetLike): number => startOrdinal(set) + replicasOf(set) - 1;

/** upstream isMemberOf: the pod's name is `<set>-<ordinal>`. */
export function isMemberOf(set: Pick<SetLike, 'metadata'>, pod: Pick<PodObj, 'metadata'>): boolean {
  return parentAndOrdinal(pod.metadata.name).parent === set.metadata.name;
}

/** upstream podInOrdinalRange: start ≤ ordinal ≤ end. */
export function inOrdinalRange(pod: Pick<PodObj, 'metadata'>, set: SetLike): boolean {
  const ord = ordinalOf(pod);
  return ord >= startOrdinal(set) && ord <= endOrdinal(set);
}

export const podRevision = (pod: { metadata: { labels?: Record<string, string> } }): string => pod.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '';
export const isCreated = (pod: PodLike): boolean => !!pod.status?.phase;
export const isFailed = (pod: PodLike): boolean => pod.status?.phase === 'Failed';
export const isSucceeded = (pod: PodLike): boolean => pod.status?.phase === 'Succeeded';
export const isPending = (pod: PodLike): boolean => pod.status?.phase === 'Pending';
export const isTerminating = (pod: PodLike): boolean => !!pod.metadata.deletionTimestamp;
export const isRunningAndReady = (pod: PodLike): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: PodLike, minReadySeconds: number, now: Date): boolean =>
  pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
/** upstream isHealthy: running, ready and not terminating. */
export const isHealthy = (pod: PodLike): boolean => isRunningAndReady(pod) && !isTerminating(pod);

/** upstream allowsBurst: Parallel pod management. */
export const allowsBurst = (set: SetLike): boolean => set.spec?.podManagementPolicy === 'Parallel';

// ---------------------------------------------------------------- claims

/** upstream getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`. */
export const claimName = (set: Pick<SetLike, 'metadata'>, template: string, ordinal: number): string => `${template}-${set.metadata.name}-${ordinal}`;

/**
 * upstream getPersistentVolumeClaims: one claim per volumeClaimTemplate for this ordinal, labelled with the
 * template's labels plus the set's selector matchLabels, keyed by template (volume) name, in template order.
 */
export function claimsFor(set: SetLike, ordinal: number): Map<string, ClaimObj> {
  const out = new Map<string, ClaimObj>();
  const matchLabels = set.spec?.selector?.matchLabels ?? {};
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const tname = t.metadata?.name ?? '';
    const claim: ClaimObj = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(set, tname, ordinal),
        namespace: set.metadata.namespace ?? 'default',
        labels: { ...(t.metadata?.labels ?? {}), ...matchLabels },
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      },
      spec: structuredClone(t.spec ?? {}),
    };
    out.set(tname, claim);
  }
  return out;
}

/** A non-controller reference, as upstream setOwnerRef writes on claims. */
const plainRef = (o: { metadata: { name: string; uid?: string } }, apiVersion: string, kind: string): OwnerReference => ({
  apiVersion,
  kind,
  name: o.metadata.name,
  uid: o.metadata.uid ?? '',
});

/**
 * upstream updateClaimOwnerRefForSetAndPod: the ownerReferences a claim should carry under the set's
 * persistentVolumeClaimRetentionPolicy: whenDeleted Delete → the set owns it; whenScaled Delete and the pod
 * scaled away → the pod owns it (the garbage collector then deletes it with its owner); Retain → neither.
 * Returns undefined when the claim's references are already right.
 */
export function claimOwnerRefs(claim: Pick<ClaimObj, 'metadata'>, set: SetLike & { metadata: { name: string; uid?: string } }, pod: PodLike & { metadata: { name: string; uid?: string } }): OwnerReference[] | undefined {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  const whenDeleted = policy.whenDeleted === 'Delete';
  const whenScaled = policy.whenScaled === 'Delete';
  const scaledDown = !inOrdinalRange(pod, set);
  const wantSet = whenDeleted && !(whenScaled && scaledDown);
  const wantPod = whenScaled && scaledDown;
  const refs = claim.metadata.ownerReferences ?? [];
  const isSetRef = (r: OwnerReference): boolean => r.kind === 'StatefulSet' && r.name === set.metadata.name;
  const isPodRef = (r: OwnerReference): boolean => r.kind === 'Pod' && r.name === pod.metadata.name;
  let next = refs.filter((r) => (wantSet || !isSetRef(r)) && (wantPod || !isPodRef(r)));
  // a reference to an earlier set or pod of the same name is replaced
  if (wantSet && !next.some((r) => isSetRef(r) && r.uid === set.metadata.uid)) next = [...next.filter((r) => !isSetRef(r)), plainRef(set, APPS_V1, 'StatefulSet')];
  if (wantPod && pod.metadata.uid && !next.some((r) => isPodRef(r) && r.uid === pod.metadata.uid))
    next = [...next.filter((r) => !isPodRef(r)), plainRef(pod, 'v1', 'Pod')];
  return JSON.stringify(next) === JSON.stringify(refs) ? undefined : next;
}

// ---------------------------------------------------------------- identity and storage

/** upstream updateIdentity + initIdentity: name, namespace, pod-name and pod-index labels, hostname, subdomain. */
export function setIdentity(set: SetLike, pod: PodObj, ordinal: number, init: boolean): void {
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace ?? 'default';
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [STATEFULSET_POD_NAME]: pod.metadata.name, [POD_INDEX]: String(ordinal) };
  if (init) {
    pod.spec = { ...pod.spec!, hostname: pod.metadata.name };
    if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
  }
}

/** upstream identityMatches. */
export function identityMatches(set: SetLike, pod: PodLike & { metadata: { name: string } }): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    (pod.metadata.namespace ?? 'default') === (set.metadata.namespace ?? 'default') &&
    pod.metadata.labels?.[STATEFULSET_POD_NAME] === pod.metadata.name &&
    pod.metadata.labels?.[POD_INDEX] === String(ordinal)
  );
}

/** upstream updateStorage: a volume per claim template pointing at this pod's claim, then the pod's other volumes. */
export function setStorage(set: SetLike, pod: PodObj): void {
  const ordinal = ordinalOf(pod);
  const claims = claimsFor(set, ordinal);
  if (claims.size === 0) return;
  const volumes = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata.name } }));
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v as (typeof volumes)[number]);
  pod.spec = { ...pod.spec!, volumes };
}

/** upstream storageMatches: every claim template has a volume of that name pointing at this pod's claim. */
export function storageMatches(set: SetLike, pod: PodLike & { metadata: { name: string } }): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  for (const [name, claim] of claimsFor(set, ordinal)) {
    const v = pod.spec?.volumes?.find((x) => x.name === name);
    if (v?.persistentVolumeClaim?.claimName !== claim.metadata.name) return false;
  }
  return true;
}

/** upstream newStatefulSetPod: the template's pod with the set's identity and storage, controlled by the set. */
export function newStatefulSetPod(set: StatefulSetObj, ordinal: number): PodObj {
  const pod = podFromTemplate(set.spec?.template, set, newControllerRef(set, APPS_V1, 'StatefulSet'));
  delete pod.metadata.generateName; // named by ordinal (setIdentity), as kctl's set pods always were
  setIdentity(set, pod, ordinal, true);
  setStorage(set, pod);
  return pod;
}

/**
 * upstream newVersionedStatefulSetPod: ordinals below the partition (RollingUpdate) are made at the current
 * revision, the others at the update revision; the pod's controller-revision-hash names its revision.
 */
export function newVersionedPod(
  currentSet: StatefulSetObj,
  updateSet: StatefulSetObj,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
): PodObj {
  const us = currentSet.spec?.updateStrategy;
  const rolling = (us?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = us?.rollingUpdate?.partition;
  const useCurrent =
    (rolling && us?.rollingUpdate === undefined && ordinal < startOrdinal(currentSet) + (currentSet.status?.currentReplicas ?? 0)) ||
    (us?.rollingUpdate !== undefined && ordinal < startOrdinal(currentSet) + (partition ?? 0));
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH]: useCurrent ? currentRevision : updateRevision };
  return pod;
}

// ---------------------------------------------------------------- partitioning a pass

/**
 * upstream updateStatefulSet's first step: pods in [start, end] by index (ordinal − start; undefined where
 * missing), the others with a valid ordinal condemned, highest ordinal first.
 */
export function partitionPods<T extends PodLike & { metadata: { name: string } }>(set: SetLike, pods: readonly T[]): { replicas: (T | undefined)[]; condemned: T[] } {
  const replicas: (T | undefined)[] = new Array(replicasOf(set)).fill(undefined);
  const condemned: T[] = [];
  for (const p of pods) {
    const ord = ordinalOf(p);
    if (inOrdinalRange(p, set)) replicas[ord - startOrdinal(set)] = p;
    else if (ord >= 0) condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  return { replicas, condemned };
}

/** upstream isUnavailable: terminating, or not running and available (ready for minReadySeconds). */
export const isUnavailable = (pod: PodLike, minReadySeconds: number, now: Date): boolean =>
  isTerminating(pod) || !isRunningAndAvailable(pod, minReadySeconds, now);

/** The first unavailable pod: among the replicas by ordinal, else the lowest condemned one (upstream firstUnavailablePod). */
export function firstUnavailable<T extends PodLike>(replicas: readonly (T | undefined)[], condemned: readonly T[], minReadySeconds: number, now: Date): T | undefined {
  for (const p of replicas) if (p && isUnavailable(p, minReadySeconds, now)) return p;
  for (let i = condemned.length - 1; i >= 0; i--) if (isUnavailable(condemned[i]!, minReadySeconds, now)) return condemned[i];
  return undefined;
}

/**
 * The replica a RollingUpdate pass acts on (upstream's last loop of updateStatefulSet): from the highest ordinal
 * down to the partition, the first pod not at the update revision and not terminating is deleted (`delete`); an
 * unavailable one on the way makes the pass wait (`wait`); `none` when every pod from the partition up is updated
 * and available.
 */
export function rollingUpdateTarget<T extends PodLike>(
  set: SetLike,
  replicas: readonly T[],
  updateRevision: string,
  now: Date,
): { action: 'delete'; pod: T } | { action: 'wait'; pod: T } | { action: 'none' } {
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const minReady = set.spec?.minReadySeconds ?? 0;
  for (let i = replicas.length - 1; i >= partition; i--) {
    const pod = replicas[i]!;
    if (podRevision(pod) !== updateRevision && !isTerminating(pod)) return { action: 'delete', pod };
    if (isUnavailable(pod, minReady, now)) return { action: 'wait', pod };
  }
  return { action: 'none' };
}

// ---------------------------------------------------------------- status

/**
 * upstream updateStatus/computeReplicaStatus: counts over the pods of this pass (created ones only for replicas;
 * current/updated: not terminating, by their revision label).
 */
export function computeStatus(
  pods: readonly (PodLike | undefined)[],
  minReadySeconds: number,
  now: Date,
  currentRevision: string,
  updateRevision: string,
): Required<Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'>> {
  const s = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const p of pods) {
    if (!p) continue;
    if (isCreated(p)) s.replicas++;
    if (isRunningAndReady(p)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(p, minReadySeconds, now)) s.availableReplicas++;
    }
    if (isCreated(p) && !isTerminating(p)) {
      const rev = podRevision(p);
      if (rev === currentRevision) s.currentReplicas++;
      if (rev === updateRevision) s.updatedReplicas++;
    }
  }
  return s;
}

/** upstream completeRollingUpdate: once every pod is updated and ready, the update revision becomes current. */
export function completeRollingUpdate(set: SetLike, status: StatefulSetStatus): void {
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  if ((status.updatedReplicas ?? 0) === status.replicas && (status.readyReplicas ?? 0) === status.replicas) {
    status.currentReplicas = status.updatedReplicas ?? 0;
    status.currentRevision = status.updateRevision;
  }
}

/**
 * The status as the API serializes it: zero counts omitted (replicas always present), availableReplicas kept
 * (upstream: `availableReplicas` has no omitempty).
 */
export function serializeStatus(s: StatefulSetStatus): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: s.replicas ?? 0 };
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  out.availableReplicas = s.availableReplicas ?? 0;
  if (s.conditions?.length) out.conditions = s.conditions;
  return out;
}
