// ReplicaSet status arithmetic (upstream pkg/controller/replicaset/replica_set_utils.go calculateStatus). Pure.
import type { Pod, ReplicaSet } from '../../api/types.js';
import type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { matches, selectorFromSet } from '../../api/labels.js';
import { isPodAvailable, isPodReady } from './pods.js';

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ManageReplicasError {
  /** FailedCreate / FailedDelete */
  reason: string;
  message: string;
}

/**
 * The status a ReplicaSet should have given its active (claimed, not terminating) pods:
 * replicas, fullyLabeledReplicas (pods carrying every template label), readyReplicas, availableReplicas
 * (ready for more than minReadySeconds), observedGeneration = metadata.generation, and a ReplicaFailure
 * condition while creating/deleting pods fails (kept, with its first message, until a pass succeeds).
 * Zero counts are omitted, as the API serializes them (replicas is always present).
 */
export function calculateStatus(
  rs: Pick<ReplicaSet, 'metadata' | 'spec' | 'status'>,
  activePods: readonly Pick<Pod, 'metadata' | 'spec' | 'status'>[],
  now: Date,
  manageErr?: ManageReplicasError,
): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels ?? {});
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of activePods) {
    if (matches(templateLabels, p.metadata?.labels)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageErr && !failure) {
    conditions.push({
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: rfc3339(now),
      reason: manageErr.reason,
      message: manageErr.message,
    });
  } else if (!manageErr && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaSetStatus = { replicas: activePods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  const gen = rs.metadata?.generation;
  if (gen) status.observedGeneration = gen;
  if (conditions.length) status.conditions = conditions;
  return status;
}
