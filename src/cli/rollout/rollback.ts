// `rollout undo` as pure functions (kubectl pkg/polymorphichelpers/rollback.go, DeploymentRollbacker): pick the
// ReplicaSet of the wanted revision and compute the Deployment with that template restored.
import type { KubeObject } from '../../api/types.js';
import { DEPLOYMENT_REVISION, LAST_APPLIED, POD_TEMPLATE_HASH } from '../../api/meta.js';
import { KctlError } from '../../util/errors.js';
import { equalIgnoreHash, replicaSetsOf, revisionOf } from './replicasets.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

// TODO(lead): these keys belong in api/meta.ts (the deployment controller defines the same ones in its util.ts).
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION_HISTORY, ROLLBACK_TO } from '../../api/meta.js';

/** Deployment annotations a rollback keeps from the Deployment and never takes from the ReplicaSet. */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([LAST_APPLIED, DEPLOYMENT_REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

const revisionNotFound = (r: number): KctlError => new KctlError('Invalid', `unable to find specified revision ${r} in history`);

/**
 * kubectl's deploymentRevision: the controlled ReplicaSet with revision `toRevision`, or for 0 the one with the
 * second-highest revision (the previous rollout).
 */
export function rollbackTarget(d: KubeObject, replicaSets: readonly KubeObject[], toRevision: number): KubeObject {
  if (toRevision < 0) throw revisionNotFound(toRevision);
  let latest: { rs?: KubeObject; rev: number } = { rev: -1 };
  let previous: { rs?: KubeObject; rev: number } = { rev: -1 };
  for (const rs of replicaSetsOf(d, replicaSets)) {
    const v = revisionOf(rs) ?? (rs.metadata.annotations?.[DEPLOYMENT_REVISION] === undefined ? 0 : undefined);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latest.rev < v) {
        previous = latest;
        latest = { rs, rev: v };
      } else if (previous.rev < v) previous = { rs, rev: v };
    } else if (toRevision === v) return rs;
  }
  if (toRevision > 0) throw revisionNotFound(toRevision);
  if (!previous.rs) throw new KctlError('Invalid', `no rollout history found for deployment "${d.metadata.name}"`);
  return previous.rs;
}

export type RollbackPlan =
  /** nothing to write: `skipped rollback (current template already matches revision N)` */
  | { action: 'skipped'; message: string; target: KubeObject }
  /** the Deployment to write: `rolled back` */
  | { action: 'rolled back'; deployment: KubeObject; target: KubeObject };

/**
 * The rollback of `d` to `toRevision` (0: the previous revision): the target ReplicaSet's template without its
 * pod-template-hash label, and the annotations kubectl's JSON patch sets (the Deployment's own bookkeeping
 * annotations, then the ReplicaSet's others, e.g. its change-cause).
 */
export function planRollback(d: KubeObject, replicaSets: readonly KubeObject[], toRevision: number): RollbackPlan {
  const target = rollbackTarget(d, replicaSets, toRevision);
  if (o(d.spec).paused === true)
    throw new KctlError('Invalid', "you cannot rollback a paused deployment; resume it first with 'kctl rollout resume' and try again");
  const rsTemplate = o(o(target.spec).template);
  if (equalIgnoreHash(rsTemplate, o(d.spec).template))
    return { action: 'skipped', message: `skipped rollback (current template already matches revision ${toRevision})`, target };
  const template = structuredClone(rsTemplate);
  const meta = o(template.metadata);
  if (meta.labels !== undefined) {
    const labels = { ...(meta.labels as Record<string, string>) };
    delete labels[POD_TEMPLATE_HASH];
    template.metadata = { ...meta, labels };
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  const next = structuredClone(d);
  if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
  else delete next.metadata.annotations;
  next.spec = { ...o(next.spec), template };
  return { action: 'rolled back', deployment: next, target };
}
