// metadata.managedFields <-> the field manager's working form, as k8s.io/apimachinery
// pkg/util/managedfields/internal (managedfields.go, capmanagers.go) does: each entry is keyed by its manager
// identifier (the JSON of {manager, operation, apiVersion (Update only), subresource}), entries are written
// sorted (operation, time in seconds, manager, apiVersion, subresource), and past 10 Update managers the oldest
// are merged into "ancient-changes".
import { FieldSet, goJSON } from './field-set.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerSet {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** manager identifier -> its set (merge.ManagedFields plus the times). */
export type Managers = Map<string, ManagerSet>;

/** BuildManagerIdentifier: the entry without time and fields (and without apiVersion for Apply), as Go's JSON. */
export function managerIdentifier(m: { manager: string; operation: string; apiVersion?: string; subresource?: string }): string {
  const parts = [`"manager":${goJSON(m.manager)}`, `"operation":${goJSON(m.operation)}`];
  if (m.operation !== 'Apply' && m.apiVersion) parts.push(`"apiVersion":${goJSON(m.apiVersion)}`);
  if (m.subresource) parts.push(`"subresource":${goJSON(m.subresource)}`);
  return `{${parts.join(',')}}`;
}

export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
}

/** DecodeManagedFields; throws ManagedFieldsError on an invalid entry. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managers {
  const out: Managers = new Map();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
    if (!e.fieldsType) throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType "${String(e.fieldsType)}" in managed fields entry ${i}`);
    const m: ManagerSet = {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}),
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
    };
    out.set(managerIdentifier(m), m);
  });
  return out;
}

/** Seconds of an RFC 3339 time (metav1.Time.Unix), 0 when absent. */
const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** encodeManagedFields: undefined when there is no manager (the field is then left out). */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  if (managers.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [...managers.values()].map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
  return entries.sort(
    (p, q) =>
      cmp(p.operation!, q.operation!) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager!, q.manager!) ||
      cmp(p.apiVersion!, q.apiVersion!) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

export const DEFAULT_MAX_UPDATE_MANAGERS = 10;

/** capManagersManager: merge the oldest Update managers into "ancient-changes" (one per apiVersion). */
export function capUpdateManagers(managers: Managers, max = DEFAULT_MAX_UPDATE_MANAGERS): Managers {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update').map(([id]) => id);
  if (updaters.length <= max) return managers;
  updaters.sort((a, b) => seconds(managers.get(a)!.time) - seconds(managers.get(b)!.time) || cmp(a, b));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const m = managers.get(id)!;
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    if (!managers.has(bucket)) {
      const s = managers.get(first)!;
      managers.delete(first);
      managers.set(bucket, { ...s, manager: 'ancient-changes', operation: 'Update', subresource: undefined });
    }
    const b = managers.get(bucket)!;
    managers.set(bucket, { ...b, set: m.set.union(b.set), ...(m.time ? { time: m.time } : {}) });
    managers.delete(id);
    length--;
  }
  return managers;
}
