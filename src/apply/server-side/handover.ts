// Client-side apply <-> server-side apply, as kubectl 1.32 and the API server hand over to each other.
//
// CSA -> SSA (`kubectl apply --server-side` after `kubectl apply`): kubectl sends the apply patch (the server lets
// manager "kubectl" take the fields its last-applied configuration still holds, and rewrites the annotation),
// then (pkg/cmd/apply/apply.go) has "kubectl-last-applied" apply the annotation alone so SSA never drops it,
// then migrates the Update entries of the client-side managers that own the annotation into its own Apply entry
// (k8s.io/client-go/util/csaupgrade, sent as a JSON patch of metadata.managedFields), and re-applies so fields
// the manifest dropped are pruned.
// SSA -> CSA (`kubectl apply` after `kubectl apply --server-side`): the annotation the server kept in step is
// what client-side apply diffs against; its patch is an ordinary Update by kubectl-client-side-apply.
import { LAST_APPLIED } from '../../api/meta.js';
import type { KubeObject } from '../../api/types.js';
import { FieldSet } from './field-set.js';
import { defaulted, FIELD_MANAGERS, serverSideApply, updateManagedFields, type ServerSideApplyResult } from './field-manager.js';
import type { ManagedFieldsEntry } from './managed-fields.js';

/** The path of the last-applied annotation, as kubectl looks its owners up. */
export const lastAppliedAnnotationFieldPath = (): FieldSet =>
  new FieldSet().insert([{ f: 'metadata' }, { f: 'annotations' }, { f: LAST_APPLIED }]);

/** csaupgrade.FindFieldsOwners: entries of `operation` whose set contains all of `fields`. */
export function findFieldsOwners(entries: readonly ManagedFieldsEntry[] | undefined, operation: 'Apply' | 'Update', fields: FieldSet): ManagedFieldsEntry[] {
  return (entries ?? []).filter((e) => e.operation === operation && fields.difference(FieldSet.fromFieldsV1(e.fieldsV1 ?? {})).empty());
}

/**
 * csaupgrade.UpgradeManagedFields: the Update entries of each CSA manager merged into the SSA manager's Apply
 * entry (the first CSA entry becomes it when there is none). Returns the same array when nothing changes.
 */
export function upgradeManagedFields(
  entries: readonly ManagedFieldsEntry[] | undefined,
  csaManagerNames: Iterable<string>,
  ssaManagerName: string,
  subresource = '',
): ManagedFieldsEntry[] | undefined {
  if (!entries) return undefined;
  let out: ManagedFieldsEntry[] = entries.map((e) => ({ ...e }));
  for (const csa of csaManagerNames) {
    const isCsa = (e: ManagedFieldsEntry): boolean => e.manager === csa && e.operation === 'Update' && (e.subresource ?? '') === subresource;
    let target = out.findIndex((e) => e.manager === ssaManagerName && e.operation === 'Apply' && (e.subresource ?? '') === subresource);
    if (target < 0) {
      target = out.findIndex(isCsa);
      if (target < 0) continue;
      out[target] = { ...out[target]!, operation: 'Apply', manager: ssaManagerName };
    }
    const ssa = out[target]!;
    const csaEntry = out.find((e) => isCsa(e) && e.apiVersion === ssa.apiVersion);
    let set = FieldSet.fromFieldsV1(ssa.fieldsV1 ?? {});
    if (csaEntry) set = set.union(FieldSet.fromFieldsV1(csaEntry.fieldsV1 ?? {}));
    out[target] = { ...ssa, fieldsV1: set.toFieldsV1() };
    out = out.filter((e) => !isCsa(e));
  }
  return out.length ? out : undefined;
}

export interface KubectlServerSideApplyOptions {
  live: KubeObject | undefined;
  applied: KubeObject;
  /** --field-manager (default "kubectl") */
  manager?: string;
  /** --force-conflicts */
  force?: boolean;
  time: Date | string;
}

/**
 * `kubectl apply --server-side` of one object against kctl's field manager: the apply, then (for manager
 * "kubectl") the last-applied annotation saved under "kubectl-last-applied" and the client-side managers
 * migrated. Throws ApplyConflictError as the first apply does.
 */
export function kubectlServerSideApply(o: KubectlServerSideApplyOptions): ServerSideApplyResult {
  const manager = o.manager ?? FIELD_MANAGERS.serverSideApply;
  const first = serverSideApply({ live: o.live, applied: o.applied, manager, force: o.force ?? false, time: o.time });
  if (manager !== FIELD_MANAGERS.serverSideApply) return first;
  // each step is a request of its own: the next one sees the object as stored (defaulted)
  const stored = (o: KubeObject): KubeObject => defaulted(o as unknown as Record<string, unknown>) as unknown as KubeObject;
  let obj = stored(first.object);
  let changed = first.changed;
  const annotation = obj.metadata.annotations?.[LAST_APPLIED];
  const path = lastAppliedAnnotationFieldPath();
  if (annotation !== undefined && findFieldsOwners(managedOf(obj), 'Apply', path).length === 0) {
    const justAnnotation: KubeObject = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: {
        name: obj.metadata.name,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        annotations: { [LAST_APPLIED]: annotation },
      },
    };
    const r = serverSideApply({ live: obj, applied: justAnnotation, manager: FIELD_MANAGERS.lastAppliedAnnotation, time: o.time });
    obj = stored(r.object);
    changed ||= r.changed;
  }
  const csaManagers = new Set(findFieldsOwners(managedOf(obj), 'Update', path).map((e) => e.manager ?? ''));
  const before = managedOf(obj);
  const upgraded = upgradeManagedFields(before, csaManagers, manager);
  if (JSON.stringify(upgraded) === JSON.stringify(before)) return { object: obj, managedFields: before, changed };
  // the JSON patch of metadata.managedFields: an Update whose request carries the managed fields to keep
  const patched = stored(updateManagedFields({
    old: obj,
    new: { ...obj, metadata: { ...obj.metadata, managedFields: upgraded ?? [] } } as KubeObject,
    manager,
    time: o.time,
  }));
  const again = serverSideApply({ live: patched, applied: o.applied, manager, force: o.force ?? false, time: o.time });
  return { ...again, changed: true };
}

const managedOf = (o: KubeObject): ManagedFieldsEntry[] | undefined =>
  (o.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields;
