// `rollout history` and `rollout undo` for StatefulSets and DaemonSets as pure functions (kubectl pkg/polymorphichelpers
// history.go StatefulSetHistoryViewer / DaemonSetHistoryViewer, rollback.go StatefulSetRollbacker / DaemonSetRollbacker,
// which are alike): the owner's ControllerRevisions, each holding
// a `{"spec":{"template":...}}` patch.
import type { KubeObject } from '../../api/types.js';
import { CHANGE_CAUSE } from '../../api/meta.js';
import { labelSelectorMatches } from '../../api/labels.js';
import { deepEqual } from '../../store/object-semantics.js';
import { KctlError } from '../../util/errors.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { revisionData, templateOf, type RevisionObj } from '../../api/controller-revision.js';
import { viewHistory, type HistoryEntry } from './history.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const revisionNumber = (r: KubeObject): number => (typeof r.revision === 'number' ? r.revision : 0);

/** kubectl controlledHistories: the revisions in the set's namespace matching its selector and controlled by it. */
export function controlledRevisions(owner: KubeObject, revisions: readonly KubeObject[]): RevisionObj[] {
  const selector = o(owner.spec).selector;
  return revisions.filter(
    (r) =>
      r.metadata.namespace === owner.metadata.namespace &&
      labelSelectorMatches(selector as never, r.metadata.labels) &&
      r.metadata.ownerReferences?.some((ref) => ref.controller === true && ref.uid === owner.metadata.uid),
  ) as RevisionObj[];
}

/** Revision → entry, ascending (a revision number seen twice: the later one wins, as kubectl's map does). */
export function statefulSetHistory(sts: KubeObject, revisions: readonly KubeObject[]): HistoryEntry[] {
  const byRevision = new Map<number, HistoryEntry>();
  for (const r of controlledRevisions(sts, revisions)) {
    const changeCause = r.metadata.annotations?.[CHANGE_CAUSE];
    byRevision.set(r.revision, { revision: r.revision, template: templateOf(r) as Obj, ...(changeCause ? { changeCause } : {}), replicaSet: r });
  }
  return [...byRevision.values()].sort((x, y) => x.revision - y.revision);
}

/** printHistory: `No rollout history found.`, the table, or one revision's pod template. */
export function viewStatefulSetHistory(sts: KubeObject, revisions: readonly KubeObject[], revision: number): string {
  return viewHistory(statefulSetHistory(sts, revisions), revision);
}

export type StatefulSetRollbackPlan =
  | { action: 'skipped'; message: string; target: RevisionObj }
  | { action: 'rolled back'; statefulSet: KubeObject; target: RevisionObj };

/**
 * StatefulSetRollbacker: the revision `toRevision` (0: the one before the newest) restored as the set's template;
 * skipped when the set already has it.
 */
export function planStatefulSetRollback(sts: KubeObject, revisions: readonly KubeObject[], toRevision: number): StatefulSetRollbackPlan {
  const notFound = new KctlError('Invalid', `unable to find specified revision ${toRevision} in history`);
  if (toRevision < 0) throw notFound;
  const history = [...controlledRevisions(sts, revisions)].sort((a, b) => revisionNumber(a) - revisionNumber(b));
  if (toRevision === 0 && history.length <= 1) throw new KctlError('Invalid', 'no last revision to roll back to');
  const target = toRevision === 0 ? history[history.length - 2] : history.find((r) => r.revision === toRevision);
  if (!target) throw notFound;
  if (deepEqual(revisionData(sts as StatefulSet), target.data ?? null))
    return { action: 'skipped', message: `skipped rollback (current template already matches revision ${toRevision})`, target };
  const next = structuredClone(sts);
  next.spec = { ...o(next.spec), template: templateOf(target) };
  return { action: 'rolled back', statefulSet: next, target };
}
