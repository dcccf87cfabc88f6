// `rollout status` as pure functions: kubectl's status viewers (pkg/polymorphichelpers/rollout_status.go) turn one
// object into a message and a done flag, and kctl's --fail-fast check finds a pod of the newest ReplicaSet that
// cannot start (CrashLoopBackOff, ErrImagePull, ImagePullBackOff).
import type { KubeObject } from '../../api/types.js';
import { KctlError } from '../../util/errors.js';
import { controlledBy, newReplicaSetOf, revisionOf } from './replicasets.js';
import { POD_TEMPLATE_HASH } from '../../api/meta.js';
import { labelSelectorMatches } from '../../api/labels.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface RolloutStatus {
  /** kubectl's line, newline-terminated */
  message: string;
  done: boolean;
}

/** Progressing=False with this reason: the deployment controller gave up waiting (progressDeadlineSeconds). */
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

/** The kinds `rollout status` understands (kubectl's StatusViewerFor). */
export const STATUS_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'] as const;

/** A failure that ends `rollout status` at once (exit 1). */
export class RolloutError extends KctlError {
  constructor(message: string) {
    super('Invalid', message);
  }
}

/** kubectl's DeploymentStatusViewer.Status. `revision` > 0 pins the rollout to that revision. */
export function deploymentStatus(d: KubeObject, revision = 0): RolloutStatus {
  const name = d.metadata.name;
  const spec = o(d.spec);
  const status = o(d.status);
  if (revision > 0) {
    // deploymentutil.Revision: a missing annotation is revision 0
    const current = revisionOf(d) ?? 0;
    if (current !== revision) throw new RolloutError(`desired revision (${revision}) is different from the running revision (${current})`);
  }
  if (num(d.metadata.generation) <= num(status.observedGeneration)) {
    const progressing = a(status.conditions).map(o).find((c) => c.type === 'Progressing');
    if (progressing && progressing.reason === TIMED_OUT_REASON) throw new RolloutError(`deployment "${name}" exceeded its progress deadline`);
    const updated = num(status.updatedReplicas);
    const replicas = num(status.replicas);
    const available = num(status.availableReplicas);
    if (typeof spec.replicas === 'number' && updated < spec.replicas)
      return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${spec.replicas} new replicas have been updated...\n`, done: false };
    if (replicas > updated)
      return { message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...\n`, done: false };
    if (available < updated)
      return { message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...\n`, done: false };
    return { message: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
}

/** kubectl's DaemonSetStatusViewer.Status (the revision is ignored, as kubectl does). */
export function daemonSetStatus(ds: KubeObject): RolloutStatus {
  const name = ds.metadata.name;
  const status = o(ds.status);
  const strategy = str(o(o(ds.spec).updateStrategy).type) || 'RollingUpdate';
  if (strategy !== 'RollingUpdate') throw new RolloutError('rollout status is only available for RollingUpdate strategy type');
  if (num(ds.metadata.generation) <= num(status.observedGeneration)) {
    const updated = num(status.updatedNumberScheduled);
    const desired = num(status.desiredNumberScheduled);
    const available = num(status.numberAvailable);
    if (updated < desired)
      return { message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...\n`, done: false };
    if (available < desired)
      return { message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...\n`, done: false };
    return { message: `daemon set "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
}

/** kubectl's StatefulSetStatusViewer.Status. */
export function statefulSetStatus(sts: KubeObject): RolloutStatus {
  const spec = o(sts.spec);
  const status = o(sts.status);
  const strategy = o(spec.updateStrategy);
  if ((str(strategy.type) || 'RollingUpdate') !== 'RollingUpdate') throw new RolloutError('rollout status is only available for RollingUpdate strategy type');
  const observed = num(status.observedGeneration);
  if (observed === 0 || num(sts.metadata.generation) > observed) return { message: 'Waiting for statefulset spec update to be observed...\n', done: false };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : undefined;
  if (replicas !== undefined && num(status.readyReplicas) < replicas)
    return { message: `Waiting for ${replicas - num(status.readyReplicas)} pods to be ready...\n`, done: false };
  const rolling = strategy.rollingUpdate === undefined || strategy.rollingUpdate === null ? undefined : o(strategy.rollingUpdate);
  if (rolling) {
    if (replicas !== undefined && typeof rolling.partition === 'number') {
      const want = replicas - rolling.partition;
      if (num(status.updatedReplicas) < want)
        return { message: `Waiting for partitioned roll out to finish: ${num(status.updatedReplicas)} out of ${want} new pods have been updated...\n`, done: false };
    }
    return { message: `partitioned roll out complete: ${num(status.updatedReplicas)} new pods have been updated...\n`, done: true };
  }
  if (str(status.updateRevision) !== str(status.currentRevision))
    return { message: `waiting for statefulset rolling update to complete ${num(status.updatedReplicas)} pods at revision ${str(status.updateRevision)}...\n`, done: false };
  return { message: `statefulset rolling update complete ${num(status.currentReplicas)} pods at revision ${str(status.currentRevision)}...\n`, done: true };
}

/** The status viewer for a kind, or kubectl's error for kinds without one ("ReplicaSet.apps", "Pod"). */
export function statusViewerFor(kind: string, groupKind: string): (obj: KubeObject, revision: number) => RolloutStatus {
  switch (kind) {
    case 'Deployment':
      return deploymentStatus;
    case 'DaemonSet':
      return (x) => daemonSetStatus(x);
    case 'StatefulSet':
      return (x) => statefulSetStatus(x);
    default:
      throw new KctlError('Invalid', `no status viewer has been implemented for ${groupKind}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// --fail-fast

/** Waiting reasons that mean a new pod will not become ready on its own. */
export const FAIL_FAST_REASONS: ReadonlySet<string> = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff']);

export interface PodFailure {
  pod: string;
  container: string;
  reason: string;
  message: string;
}

/** The pods of a ReplicaSet: controlled by it, or carrying its pod-template-hash and the owner's selector. */
export function podsOfReplicaSet(rs: KubeObject, pods: readonly KubeObject[], selector?: unknown): KubeObject[] {
  const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH];
  return pods.filter(
    (p) =>
      p.metadata.namespace === rs.metadata.namespace &&
      (controlledBy(p, rs) ||
        (hash !== undefined && p.metadata.labels?.[POD_TEMPLATE_HASH] === hash && (selector === undefined || labelSelectorMatches(selector as never, p.metadata.labels)))),
  );
}

/** The first container of the pods that waits for one of FAIL_FAST_REASONS (init containers first). */
export function firstPodFailure(pods: readonly KubeObject[]): PodFailure | undefined {
  const sorted = [...pods].filter((p) => !p.metadata.deletionTimestamp).sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : x.metadata.name > y.metadata.name ? 1 : 0));
  for (const p of sorted) {
    const st = o(p.status);
    for (const cs of [...a(st.initContainerStatuses), ...a(st.containerStatuses)].map(o)) {
      const waiting = o(o(cs.state).waiting);
      const reason = str(waiting.reason);
      if (FAIL_FAST_REASONS.has(reason)) return { pod: p.metadata.name, container: str(cs.name), reason, message: str(waiting.message) };
    }
  }
  return undefined;
}

/**
 * --fail-fast for a Deployment: a pod of its newest ReplicaSet (the one whose template is the Deployment's) that
 * cannot start. Old ReplicaSets' pods are not looked at: they are on their way out.
 */
export function deploymentFailure(d: KubeObject, replicaSets: readonly KubeObject[], pods: readonly KubeObject[]): PodFailure | undefined {
  const rs = newReplicaSetOf(d, replicaSets);
  if (!rs) return undefined;
  return firstPodFailure(podsOfReplicaSet(rs, pods, o(d.spec).selector));
}

/** `deployment "web" rollout failed: pod "web-abc-xyz" container "web": ImagePullBackOff: Back-off pulling image "nope:1"` */
export function failureMessage(kind: string, name: string, f: PodFailure): string {
  return `${kind.toLowerCase()} "${name}" rollout failed: pod "${f.pod}" container "${f.container}": ${f.reason}${f.message ? `: ${f.message}` : ''}`;
}
