// What the rollout verbs need to know about a Deployment's ReplicaSets (kubectl's pkg/util/deployment): which
// ones it controls, their revisions, and which one runs its current template.
import type { KubeObject } from '../../api/types.js';
import { DEPLOYMENT_REVISION, POD_TEMPLATE_HASH } from '../../api/meta.js';
import { deepEqual } from '../../store/object-semantics.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** metav1.IsControlledBy: `obj` has a controller ownerReference to `owner` (by uid). */
export function controlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid;
  return Boolean(uid) && (obj.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);
}

/**
 * deploymentutil.Revision: the deployment.kubernetes.io/revision annotation as a number; undefined when it is
 * missing or not an integer.
 */
export function revisionOf(obj: Pick<KubeObject, 'metadata'>): number | undefined {
  const v = obj.metadata.annotations?.[DEPLOYMENT_REVISION];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** A pod template without the pod-template-hash label (and without the label map if that leaves it empty). */
export function withoutHash(template: unknown): Obj {
  const t = structuredClone(o(template));
  const meta = o(t.metadata);
  if (t.metadata !== undefined) {
    const labels = { ...o(meta.labels) } as Record<string, string>;
    delete labels[POD_TEMPLATE_HASH];
    const next: Obj = { ...meta, labels };
    if (Object.keys(labels).length === 0) delete next.labels;
    if (next.annotations !== undefined && Object.keys(o(next.annotations)).length === 0) delete next.annotations;
    t.metadata = next;
    if (Object.keys(next).length === 0) delete t.metadata;
  }
  return t;
}

/** deploymentutil.EqualIgnoreHash: two pod templates equal but for the pod-template-hash label. */
export function equalIgnoreHash(t1: unknown, t2: unknown): boolean {
  return deepEqual(withoutHash(t1), withoutHash(t2));
}

const byCreation = (x: KubeObject, y: KubeObject): number => {
  const tx = Date.parse(x.metadata.creationTimestamp ?? '') || 0;
  const ty = Date.parse(y.metadata.creationTimestamp ?? '') || 0;
  if (tx !== ty) return tx - ty;
  return x.metadata.name < y.metadata.name ? -1 : x.metadata.name > y.metadata.name ? 1 : 0;
};

/** The ReplicaSets the Deployment controls (deploymentutil.GetAllReplicaSets: old and new), oldest first. */
export function replicaSetsOf(d: KubeObject, replicaSets: readonly KubeObject[]): KubeObject[] {
  return replicaSets.filter((rs) => rs.metadata.namespace === d.metadata.namespace && controlledBy(rs, d)).sort(byCreation);
}

/** deploymentutil.FindNewReplicaSet: the oldest controlled ReplicaSet whose template is the Deployment's. */
export function newReplicaSetOf(d: KubeObject, replicaSets: readonly KubeObject[]): KubeObject | undefined {
  const template = o(d.spec).template;
  return replicaSetsOf(d, replicaSets).find((rs) => equalIgnoreHash(o(rs.spec).template, template));
}
