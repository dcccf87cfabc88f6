// Pure pod helpers of the Job controller (upstream pkg/controller/job/job_controller.go): which pods count as
// failed or terminating, which active pods to remove first, the OnFailure restart budget, and the pod a Job makes
// from its template (GetPodFromTemplate + the tracking finalizer + an Indexed Job's index).
import type { Job, KubeObject, OwnerReference, Pod } from '../../api/types.js';
import {
  JOB_COMPLETION_INDEX,
  JOB_COMPLETION_INDEX_ENV,
  JOB_TRACKING_FINALIZER,
} from '../../api/meta.js';
import { activePodsOrder } from '../replicaset/pods.js';
import { duplicatedIndexPods, podGenerateNameWithIndex } from './indexes.js';

type PodLike = Pick<Pod, 'metadata' | 'spec' | 'status'>;
type JobLike = Pick<Job, 'metadata' | 'spec'>;

export const hasTrackingFinalizer = (p: Pick<Pod, 'metadata'>): boolean => p.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;

export const isIndexedJob = (job: JobLike): boolean => job.spec?.completionMode === 'Indexed';

export const jobSuspended = (job: JobLike): boolean => job.spec?.suspend === true;

/** upstream onlyReplaceFailedPods: podReplacementPolicy Failed, or a podFailurePolicy. */
export function onlyReplaceFailedPods(job: JobLike): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/** upstream isPodFailed: Failed, or (replacing terminating pods) deleted before it succeeded. */
export function isPodFailed(p: PodLike, job: JobLike): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** upstream CountTerminatingPods: being deleted and not finished. */
export function countTerminatingPods(pods: readonly PodLike[]): number {
  return pods.filter((p) => !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
}

export const isPodReady = (p: PodLike): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** upstream pastBackoffLimitOnFailure: with restartPolicy OnFailure, the restarts of running/pending pods reach the limit. */
export function pastBackoffLimitOnFailure(job: JobLike, pods: readonly PodLike[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += cs.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * upstream activePodsForRemoval: for an Indexed Job first the pods with a repeated, missing or out-of-range
 * index, then (sorted not-ready < ready, unscheduled < scheduled, pending < running) up to `rmAtLeast` in all.
 */
export function activePodsForRemoval<T extends PodLike>(job: JobLike, pods: readonly T[], rmAtLeast: number): T[] {
  let rm: T[] = [];
  let left: T[] = [...pods];
  if (isIndexedJob(job)) [rm, left] = duplicatedIndexPods(activePodsOrder(pods).reverse(), job.spec?.completions ?? 0);
  if (rm.length < rmAtLeast) rm = [...rm, ...activePodsOrder(left).slice(0, rmAtLeast - rm.length)];
  return rm;
}

type PodSpec = NonNullable<Pod['spec']>;
type Container = PodSpec['containers'][number];

/** upstream addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the annotation, unless the container sets it. */
function addCompletionIndexEnv(c: Container): Container {
  if (c.env?.some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) return c;
  const env = [...(c.env ?? []), { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } }];
  return { ...c, env };
}

/**
 * The pod a Job creates (upstream GetPodFromTemplate with the Job's controllerRef, the tracking finalizer and,
 * for an Indexed Job, the index in annotation, label, env and hostname, and the name `<job>-<index>-xxxxx`).
 */
export function jobPodFromTemplate(job: JobLike & { metadata: { name: string; namespace?: string } }, ref: OwnerReference, index: number | undefined): Pod & KubeObject {
  const tpl = job.spec?.template ?? {};
  const meta = tpl.metadata ?? {};
  const spec: PodSpec = structuredClone(tpl.spec ?? { containers: [] });
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const finalizers = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  let generateName = `${job.metadata.name}-`;
  if (index !== undefined) {
    spec.containers = spec.containers.map(addCompletionIndexEnv);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(addCompletionIndexEnv);
    annotations[JOB_COMPLETION_INDEX] = String(index);
    labels[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname = `${job.metadata.name}-${index}`;
    generateName = podGenerateNameWithIndex(job.metadata.name, index);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName,
      namespace: job.metadata.namespace ?? 'default',
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers,
      ownerReferences: [ref],
    },
    spec,
  };
}
