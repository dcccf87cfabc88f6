// ControllerRevisions of a DaemonSet (upstream pkg/controller/daemon/update.go constructHistory / snapshot /
// dedupCurHistories / cleanupHistory and util Match). Pure: the controller does the writes.
//
// A revision's data is `{"spec":{"template":{...,"$patch":"replace"}}}` (as a StatefulSet's); its name is
// `<ds>-<hash>` where the hash is ComputeHash(template, collisionCount), the value of its controller-revision-hash
// label and of the pods made from it.
import { CONTROLLER_REVISION_HASH } from '../../api/meta.js';
import { revisionData, type RevisionObj } from '../../api/controller-revision.js';
import { deepEqual } from '../../util/deep-equal.js';
import { computeHash } from '../deployment/util.js';
import { newControllerRevision, sortRevisions } from '../statefulset/revision.js';
import type { DaemonSetObj } from './util.js';


/** upstream Match: the revision holds the DaemonSet's current template. */
export function matchRevision(ds: DaemonSetObj, rev: Pick<RevisionObj, 'data'>): boolean {
  return deepEqual(revisionData(ds), rev.data ?? null);
}

/** upstream snapshot's object: the revision the DaemonSet's template would be stored as. */
export function newDaemonSetRevision(ds: DaemonSetObj, revision: number): RevisionObj {
  return newControllerRevision(ds, 'DaemonSet', computeHash(ds.spec?.template, ds.status?.collisionCount), revision);
}

export interface HistoryPlan {
  /** revisions missing the hash label (upstream adds their name as its value) */
  relabel: RevisionObj[];
  /** revisions holding the current template, and the others */
  current: RevisionObj[];
  old: RevisionObj[];
  /** the revision number the current one must have: one above every old one */
  currRevision: number;
}

/** upstream constructHistory's split (before any write). */
export function planHistory(ds: DaemonSetObj, revisions: readonly RevisionObj[]): HistoryPlan {
  const plan: HistoryPlan = { relabel: [], current: [], old: [], currRevision: 1 };
  for (const rev of sortRevisions(revisions)) {
    if (rev.metadata.labels?.[CONTROLLER_REVISION_HASH] === undefined) plan.relabel.push(rev);
    (matchRevision(ds, rev) ? plan.current : plan.old).push(rev);
  }
  plan.currRevision = plan.old.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
  return plan;
}

/** upstream dedupCurHistories' choice: the current revision with the highest number (the later one on a tie). */
export function keepCurrent(current: readonly RevisionObj[]): RevisionObj {
  let keep = current[0]!;
  for (const r of current) if (r.revision >= keep.revision) keep = r;
  return keep;
}

/**
 * upstream cleanupHistory: the old revisions to delete so that at most revisionHistoryLimit remain, oldest
 * first, never one whose hash a pod still carries.
 */
export function historyToDelete(old: readonly RevisionObj[], liveHashes: ReadonlySet<string>, limit: number): RevisionObj[] {
  let toKill = old.length - limit;
  const out: RevisionObj[] = [];
  for (const rev of sortRevisions(old)) {
    if (toKill <= 0) break;
    const hash = rev.metadata.labels?.[CONTROLLER_REVISION_HASH];
    if (hash !== undefined && liveHashes.has(hash)) continue;
    out.push(rev);
    toKill--;
  }
  return out;
}
