// Deployment status and conditions (upstream sync.go calculateStatus, progress.go syncRolloutStatus /
// requeueStuckDeployment, and the condition helpers of deployment_util.go). Pure: `now` is passed in.
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from './types.js';
import {
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  maxUnavailable,
  replicasOf,
} from './util.js';

// Condition types and reasons (upstream apps/v1 and deployment_util.go).
export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
export const REPLICA_SET_UPDATED_REASON = 'ReplicaSetUpdated';
export const NEW_REPLICA_SET_REASON = 'NewReplicaSetCreated';
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
export const PAUSED_DEPLOY_REASON = 'DeploymentPaused';
export const RESUMED_DEPLOY_REASON = 'DeploymentResumed';

/** progressDeadlineSeconds meaning "no deadline" (upstream math.MaxInt32) */
export const NO_PROGRESS_DEADLINE = 2147483647;

type DeploymentLike = Pick<Deployment, 'metadata' | 'spec' | 'status'>;
type ReplicaSetLike = Pick<ReplicaSet, 'metadata' | 'spec' | 'status'>;

export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** upstream NewDeploymentCondition: lastUpdateTime = lastTransitionTime = now. */
export function newDeploymentCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: Date): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getDeploymentCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * upstream SetDeploymentCondition: no change when a condition of that type has the same status and reason;
 * otherwise it replaces it (moved to the end), keeping lastTransitionTime when the status is unchanged.
 */
export function setDeploymentCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getDeploymentCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

export function hasProgressDeadline(d: DeploymentLike): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== NO_PROGRESS_DEADLINE;
}

/**
 * upstream calculateStatus: counts summed over the sets (updated = the new set's), unavailable = desired-sized
 * total − available (never negative), conditions copied, Available True when at least desired − maxUnavailable
 * are available. Zero counts are omitted as the API serializes them.
 */
export function calculateStatus(allRSs: readonly (ReplicaSetLike | undefined)[], newRS: ReplicaSetLike | undefined, d: DeploymentLike, now: Date): DeploymentStatus {
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  const total = getReplicaCountForReplicaSets(allRSs);
  const unavailable = Math.max(0, total - available);
  const status: DeploymentStatus = {};
  const gen = d.metadata?.generation;
  if (gen) status.observedGeneration = gen;
  const replicas = getActualReplicaCountForReplicaSets(allRSs);
  if (replicas) status.replicas = replicas;
  const updated = getActualReplicaCountForReplicaSets([newRS]);
  if (updated) status.updatedReplicas = updated;
  const ready = getReadyReplicaCountForReplicaSets(allRSs);
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (unavailable) status.unavailableReplicas = unavailable;
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= replicasOf(d) - maxUnavailable(d))
    setDeploymentCondition(status, newDeploymentCondition(AVAILABLE, 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', now));
  else
    setDeploymentCondition(status, newDeploymentCondition(AVAILABLE, 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', now));
  return status;
}

/** upstream DeploymentComplete: every replica updated and available, and the latest generation observed. */
export function deploymentComplete(d: DeploymentLike, s: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === n &&
    (s.replicas ?? 0) === n &&
    (s.availableReplicas ?? 0) === n &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** upstream DeploymentProgressing: more updated, fewer old, more ready or more available than the stored status says. */
export function deploymentProgressing(d: DeploymentLike, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** upstream DeploymentTimedOut: no progress reported for more than progressDeadlineSeconds (strictly). */
export function deploymentTimedOut(d: DeploymentLike, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getDeploymentCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (c.reason === TIMED_OUT_REASON) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : NaN;
  if (Number.isNaN(from)) return false;
  return from + d.spec!.progressDeadlineSeconds! * 1000 < now.getTime();
}

/** upstream getReplicaFailures: the new set's ReplicaFailure conditions, else the old sets'. */
export function getReplicaFailures(allRSs: readonly (ReplicaSetLike | undefined)[], newRS: ReplicaSetLike | undefined): DeploymentCondition[] {
  const conv = (rs: ReplicaSetLike | undefined): DeploymentCondition[] =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === REPLICA_FAILURE)
      .map((c) => ({
        type: c.type,
        status: c.status,
        lastUpdateTime: c.lastTransitionTime,
        lastTransitionTime: c.lastTransitionTime,
        reason: c.reason,
        message: c.message,
      }));
  const fromNew = conv(newRS);
  if (fromNew.length) return fromNew;
  return allRSs.flatMap(conv);
}

/**
 * The status syncRolloutStatus writes (upstream progress.go): calculateStatus, then — when the Deployment has a
 * progress deadline and the rollout is not known complete — Progressing True/NewReplicaSetAvailable when
 * complete, True/ReplicaSetUpdated (lastUpdateTime refreshed) on any progress, False/ProgressDeadlineExceeded
 * once the deadline passed; then the ReplicaFailure condition of the sets.
 */
export function rolloutStatus(allRSs: readonly (ReplicaSetLike | undefined)[], newRS: ReplicaSetLike | undefined, d: DeploymentLike, now: Date): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(s, PROGRESSING);
  const cur = getDeploymentCondition(d.status, PROGRESSING);
  const isComplete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && cur?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !isComplete) {
    const dn = d.metadata?.name ?? '';
    const rn = newRS?.metadata?.name;
    if (deploymentComplete(d, s)) {
      const msg = rn ? `ReplicaSet "${rn}" has successfully progressed.` : `Deployment "${dn}" has successfully progressed.`;
      setDeploymentCondition(s, newDeploymentCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE_REASON, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = rn ? `ReplicaSet "${rn}" is progressing.` : `Deployment "${dn}" is progressing.`;
      const c = newDeploymentCondition(PROGRESSING, 'True', REPLICA_SET_UPDATED_REASON, msg, now);
      if (cur) {
        if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeDeploymentCondition(s, PROGRESSING);
      }
      setDeploymentCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = rn ? `ReplicaSet "${rn}" has timed out progressing.` : `Deployment "${dn}" has timed out progressing.`;
      setDeploymentCondition(s, newDeploymentCondition(PROGRESSING, 'False', TIMED_OUT_REASON, msg, now));
    }
  }
  const failures = getReplicaFailures(allRSs, newRS);
  if (failures.length) setDeploymentCondition(s, failures[0]!);
  else removeDeploymentCondition(s, REPLICA_FAILURE);
  return s;
}

/**
 * upstream requeueStuckDeployment: when a rollout with a deadline has not progressed, the ms after which to look
 * again (the condition's lastUpdateTime + deadline − now, plus a second); undefined when there is nothing to watch.
 */
export function requeueStuckDeploymentMs(d: DeploymentLike, s: DeploymentStatus, now: Date): number | undefined {
  const cur = getDeploymentCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cur) return undefined;
  if (deploymentComplete(d, s) || cur.reason === TIMED_OUT_REASON) return undefined;
  const from = cur.lastUpdateTime ? Date.parse(cur.lastUpdateTime) : NaN;
  if (Number.isNaN(from)) return undefined;
  const after = from + d.spec!.progressDeadlineSeconds! * 1000 - now.getTime();
  return Math.max(0, after) + 1000;
}
