// `rollout history` as pure functions (kubectl pkg/polymorphichelpers/history.go, DeploymentHistoryViewer): the
// revisions of a Deployment's ReplicaSets with their change-cause, or one revision's pod template.
import type { KubeObject } from '../../api/types.js';
import { CHANGE_CAUSE } from '../../api/meta.js';
import { describe } from '../../printers/describe/index.js';
import { tabwrite } from '../../printers/tabwriter.js';
import { KctlError } from '../../util/errors.js';
import { replicaSetsOf, revisionOf } from './replicasets.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export interface HistoryEntry {
  revision: number;
  /** the ReplicaSet's pod template, with the change-cause copied into its annotations (as kubectl shows it) */
  template: Obj;
  changeCause?: string;
  replicaSet: KubeObject;
}

/**
 * Revision → entry for the Deployment's ReplicaSets, in ascending revision order. ReplicaSets without a valid
 * revision annotation are left out (kubectl logs a warning and skips them); when two share a revision, the later
 * one in creation order wins, as kubectl's map assignment does.
 */
export function deploymentHistory(d: KubeObject, replicaSets: readonly KubeObject[]): HistoryEntry[] {
  const byRevision = new Map<number, HistoryEntry>();
  for (const rs of replicaSetsOf(d, replicaSets)) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    const template = structuredClone(o(o(rs.spec).template));
    const changeCause = rs.metadata.annotations?.[CHANGE_CAUSE];
    if (changeCause) {
      const meta = o(template.metadata);
      template.metadata = { ...meta, annotations: { ...o(meta.annotations), [CHANGE_CAUSE]: changeCause } };
    }
    byRevision.set(revision, { revision, template, ...(changeCause ? { changeCause } : {}), replicaSet: rs });
  }
  return [...byRevision.values()].sort((x, y) => x.revision - y.revision);
}

/** The `REVISION  CHANGE-CAUSE` table (kubectl's tabwriter: minwidth 0, padding 2). */
export function formatHistoryTable(entries: readonly HistoryEntry[]): string {
  const lines = ['REVISION\tCHANGE-CAUSE', ...entries.map((e) => `${e.revision}\t${e.changeCause || '<none>'}`)];
  return tabwrite(`${lines.join('\n')}\n`, { minwidth: 0, padding: 2 });
}

/**
 * describe.DescribePodTemplate: the `Pod Template:` block of `kubectl describe`, rendered by kctl's describe
 * printer (the block a ReplicaSet's page shows), with the columns aligned.
 */
export function describePodTemplate(template: unknown): string {
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: '' }, spec: { template } };
  const page = describe(rs, {}, new Date(0), { showEvents: false });
  const at = page.search(/^Pod Template:/m);
  return at >= 0 ? page.slice(at) : `Pod Template:\n  <unset>\n`;
}

/**
 * ViewHistory's text: `No rollout history found.`, the revision table, or (revision > 0) that revision's pod
 * template. Throws kubectl's `unable to find the specified revision`.
 */
export function viewDeploymentHistory(d: KubeObject, replicaSets: readonly KubeObject[], revision: number): string {
  return viewHistory(deploymentHistory(d, replicaSets), revision);
}

/** ViewHistory over the entries of any workload (Deployment revisions, ControllerRevisions). */
export function viewHistory(entries: readonly HistoryEntry[], revision: number): string {
  if (entries.length === 0) return 'No rollout history found.';
  if (revision > 0) {
    const e = entries.find((x) => x.revision === revision);
    if (!e) throw new KctlError('Invalid', 'unable to find the specified revision');
    return describePodTemplate(e.template);
  }
  return formatHistoryTable(entries);
}
