// structured-merge-diff's merge.Updater: Update (a write by a manager takes the fields it changed) and Apply (a
// manager's configuration merged over the live object: it owns exactly the fields of its configuration, fields
// it stopped applying are pruned when nobody else owns them, and changing another manager's fields is a
// conflict unless forced).
import { FieldSet, type Path } from './field-set.js';
import type { ManagerSet, Managers } from './managed-fields.js';
import type { TypeRef } from './schema.js';
import { compare, deepEqual, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type Comparison } from './typed.js';

type Json = unknown;

export interface Conflict {
  /** the manager identifier (managed-fields.ts managerIdentifier) */
  managerId: string;
  path: Path;
}

/** merge.Conflicts: apply changed fields other managers own. */
export class ConflictsError extends Error {
  override readonly name = 'ConflictsError';
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
  }
}

/** Paths excluded from every manager's set (the strategy's reset fields: status on the main resource...). */
export type FieldFilter = (set: FieldSet) => FieldSet;
const noFilter: FieldFilter = (s) => s;

function filterComparison(c: Comparison, filter: FieldFilter): Comparison {
  return { added: filter(c.added), modified: filter(c.modified), removed: filter(c.removed) };
}

function updateManagers(
  live: Json,
  next: Json,
  ref: TypeRef,
  managers: Managers,
  workflow: string,
  force: boolean,
  filter: FieldFilter,
): { managers: Managers; comparison: Comparison } {
  const comparison = filterComparison(compare(live, next, ref), filter);
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    const c = m.set.intersection(changed);
    if (!c.empty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const id of [...conflicts.keys()].sort()) for (const path of conflicts.get(id)!.paths()) list.push({ managerId: id, path });
    throw new ConflictsError(list);
  }
  const out: Managers = new Map();
  for (const [id, m] of managers) {
    let set = m.set;
    if (id !== workflow) {
      const c = conflicts.get(id);
      if (c) set = set.difference(c);
      if (!comparison.removed.empty()) set = set.difference(comparison.removed);
    }
    if (!set.empty()) out.set(id, { ...m, set });
  }
  return { managers: out, comparison };
}

/**
 * Updater.Update: the manager (`id`, already in `managers` or `fresh`) takes the fields this write changed;
 * `touched` says whether it changed any (managedFieldsUpdater then stamps the manager's time).
 */
export function update(
  live: Json,
  next: Json,
  ref: TypeRef,
  managers: Managers,
  id: string,
  fresh: Omit<ManagerSet, 'set'>,
  filter: FieldFilter = noFilter,
): { managers: Managers; touched: boolean } {
  const r = updateManagers(live, next, ref, managers, id, true, filter);
  const prev = r.managers.get(id)?.set ?? new FieldSet();
  const changes = filter(r.comparison.modified.union(r.comparison.added));
  const set = filter(prev.difference(r.comparison.removed).union(changes));
  if (set.empty()) r.managers.delete(id);
  else r.managers.set(id, { ...(r.managers.get(id) ?? fresh), set });
  return { managers: r.managers, touched: !changes.empty() };
}

/**
 * Updater.Apply: `config` merged over `live`; the applier `id` owns toFieldSet(config). Returns the new object,
 * or undefined when applying changes nothing (a no-op apply), and the managers.
 */
export function apply(
  live: Json,
  config: Json,
  ref: TypeRef,
  managers: Managers,
  id: string,
  entry: Omit<ManagerSet, 'set'>,
  force: boolean,
  filter: FieldFilter = noFilter,
): { object: Json | undefined; managers: Managers } {
  let next = merge(live, config, ref);
  const last = managers.get(id);
  const lastSet = last?.set;
  const working: Managers = new Map(managers);
  working.set(id, { ...entry, ...(last?.time ? { time: last.time } : {}), set: filter(toFieldSet(config, ref)) });
  next = prune(next, working, id, lastSet, ref);
  const r = updateManagers(live, next, ref, working, id, force, filter);
  return { object: deepEqual(live, next) ? undefined : next, managers: r.managers };
}

/** Updater.prune: remove what the applier owned last time, no longer applies, and nobody else owns. */
function prune(merged: Json, managers: Managers, id: string, lastSet: FieldSet | undefined, ref: TypeRef): Json {
  if (!lastSet || lastSet.empty()) return merged;
  const named = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, ref, merged);
  const last = named(lastSet);
  const pruned = removeItems(merged, last, ref);
  // addBackOwnedItems
  let managed = new FieldSet();
  for (const m of managers.values()) managed = managed.union(m.set);
  const mergedSet = named(toFieldSet(merged, ref));
  const pruned2 = removeItems(merged, mergedSet.difference(named(toFieldSet(pruned, ref)).union(named(managed))), ref);
  // addBackDanglingItems
  const prunedSet = named(toFieldSet(pruned2, ref));
  return removeItems(merged, mergedSet.difference(prunedSet).intersection(last), ref);
}
