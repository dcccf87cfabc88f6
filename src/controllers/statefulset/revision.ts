// ControllerRevisions of a StatefulSet (upstream pkg/controller/history/controller_history.go and
// pkg/controller/statefulset/stateful_set_utils.go getPatch/newRevision/ApplyRevision). Pure.
//
// A revision's data is the strategic-merge patch `{"spec":{"template":{...,"$patch":"replace"}}}`; its name is
// `<set>-<hash>` where the hash is FNV-32 of that data plus the collision count, rendered as upstream does.
import { CONTROLLER_REVISION_HASH } from '../../api/meta.js';
import { canonicalJson, safeEncodeString } from '../deployment/util.js';
import { newControllerRef } from '../../reconcile/controller-ref.js';
import { deepEqual } from '../../store/object-semantics.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { RevisionObj } from '../../api/controller-revision.js';
import type { KubeObject } from '../../api/types.js';
import type { StatefulSetObj } from './types.js';
import { revisionData, templateOf } from '../../api/controller-revision.js';

type Obj = Record<string, unknown>;
const APPS_V1 = 'apps/v1';

/** FNV-1, 32 bits (Go hash/fnv New32: multiply, then xor). */
export function fnv32(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of data) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}


/** upstream HashControllerRevision: FNV-32 of the data, then the collision count in decimal. */
export function hashRevision(data: unknown, collisionCount: number | undefined): string {
  let text = canonicalJson(data ?? {});
  if (collisionCount !== undefined && collisionCount !== null) text += String(collisionCount);
  return safeEncodeString(String(fnv32(Buffer.from(text, 'utf8'))));
}

/** upstream ControllerRevisionName: the prefix cut to 223 characters, then `-<hash>`. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/**
 * upstream history.NewControllerRevision: a revision of `parent` (labels: the template's plus
 * controller-revision-hash; annotations: the parent's; controller ref to the parent). StatefulSets and
 * DaemonSets both store theirs this way.
 */
export function newControllerRevision(
  parent: KubeObject & { spec?: { template?: PodTemplateSpec } },
  kind: 'StatefulSet' | 'DaemonSet',
  hash: string,
  revision: number,
): RevisionObj {
  return {
    apiVersion: APPS_V1,
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(parent.metadata.name, hash),
      namespace: parent.metadata.namespace ?? 'default',
      labels: { ...(parent.spec?.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH]: hash },
      ...(parent.metadata.annotations ? { annotations: { ...parent.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(parent, APPS_V1, kind)],
    },
    data: revisionData(parent),
    revision,
  };
}

/** upstream newRevision: the revision the set's current template would be stored as. */
export function newRevision(set: StatefulSetObj, revision: number, collisionCount: number): RevisionObj {
  return newControllerRevision(set, 'StatefulSet', hashRevision(revisionData(set), collisionCount), revision);
}


/** upstream ApplyRevision: a copy of the set with the revision's template. */
export function applyRevision(set: StatefulSetObj, rev: Pick<RevisionObj, 'data'>): StatefulSetObj {
  const out = structuredClone(set);
  out.spec = { ...out.spec!, template: templateOf(rev) };
  return out;
}

/** upstream EqualRevision: same data (kctl compares the data itself, not only the hash label). */
export function equalRevision(a: Pick<RevisionObj, 'data'> | undefined, b: Pick<RevisionObj, 'data'> | undefined): boolean {
  if (!a || !b) return a === b;
  return deepEqual(a.data ?? null, b.data ?? null);
}

const created = (r: RevisionObj): number => {
  const t = r.metadata.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
};

/** upstream SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions<T extends RevisionObj>(revs: readonly T[]): T[] {
  return [...revs].sort((a, b) => a.revision - b.revision || created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** upstream nextRevision: one more than the highest revision (1 for none). */
export function nextRevision(revs: readonly RevisionObj[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
}

/**
 * upstream getStatefulSetRevisions without its writes: which revision the set's template is, given the existing
 * revisions (sorted). `reuse`: the newest revision already is it; `bump`: an older one is (a rollback) and gets
 * the next revision number; `create`: none is, make `candidate`.
 */
export type UpdateRevisionPlan =
  | { action: 'reuse'; revision: RevisionObj }
  | { action: 'bump'; revision: RevisionObj; to: number }
  | { action: 'create'; revision: RevisionObj };

export function planUpdateRevision(set: StatefulSetObj, sorted: readonly RevisionObj[], collisionCount: number): UpdateRevisionPlan {
  const candidate = newRevision(set, nextRevision(sorted), collisionCount);
  const equal = sorted.filter((r) => equalRevision(r, candidate));
  const last = sorted[sorted.length - 1];
  if (equal.length && last && equalRevision(last, equal[equal.length - 1])) return { action: 'reuse', revision: last };
  if (equal.length) return { action: 'bump', revision: equal[equal.length - 1]!, to: candidate.revision };
  return { action: 'create', revision: candidate };
}

/**
 * upstream truncateHistory: the revisions to delete so at most `limit` revisions are kept besides the live
 * ones (current, update, and any a pod runs), oldest first.
 */
export function revisionsToTruncate(sorted: readonly RevisionObj[], live: ReadonlySet<string>, limit: number): RevisionObj[] {
  const history = sorted.filter((r) => !live.has(r.metadata.name));
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
