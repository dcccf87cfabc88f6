// The typed-value operations of structured-merge-diff (sigs.k8s.io/structured-merge-diff typed/): ToFieldSet,
// Merge (apply a configuration over a live object), Compare (added/modified/removed fields) and RemoveItems,
// over plain JSON values and the type model of schema.ts. Ported walker by walker, keeping SMD's rules for
// leaves (atomic maps/lists, empty values promoted to leaves), list element identity (k:/v:) and list order.
import { FieldSet, pathToString, type Path, type PathElement } from './field-set.js';
import { fieldType, isNamedField, resolve, type Atom, type TypeRef } from './schema.js';

type Json = unknown;
type Obj = Record<string, Json>;
const isMap = (v: Json): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An object that does not fit its schema as SMD sees it (a list element without its keys, a duplicate key). */
export class TypedValueError extends Error {
  override readonly name = 'TypedValueError';
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

type ListAtom = Extract<Atom, { type: 'list' }>;

/** The path element identifying a list item (k:{keys} for list maps, v:value for sets). */
export function listItemToPathElement(atom: ListAtom, item: Json): PathElement {
  if (atom.rel === 'map' && atom.keys.length > 0) {
    if (item === null) throw new TypedValueError('associative list with keys may not have a null element');
    if (!isMap(item)) throw new TypedValueError('associative list with keys may not have non-map elements');
    const k: [string, Json][] = [];
    for (const name of atom.keys) {
      if (item[name] !== undefined) k.push([name, item[name]]);
      else if (atom.keyDefaults[name] !== undefined) k.push([name, atom.keyDefaults[name]]);
    }
    if (k.length === 0)
      throw new TypedValueError(
        `associative list with keys has an element that omits all key fields ${JSON.stringify(atom.keys).replace(/,/g, ' ')} (and doesn't have default values for any key fields)`,
      );
    k.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    return { k };
  }
  if (isMap(item)) throw new TypedValueError("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new TypedValueError('not supported: associative list with lists as elements');
  if (item === null) throw new TypedValueError("associative list without keys has an element that's an explicit null");
  return { v: item };
}

const peKey = (pe: PathElement): string => JSON.stringify(pe);

function withPrefix(path: Path, err: unknown): never {
  if (err instanceof TypedValueError && !err.message.startsWith('.')) throw new TypedValueError(`${pathToString(path)}: ${err.message}`);
  throw err;
}

// ---------------------------------------------------------------------------------------------- ToFieldSet

/** The set of fields a value sets (TypedValue.ToFieldSet). */
export function toFieldSet(value: Json, ref: TypeRef): FieldSet {
  const set = new FieldSet();
  walkFieldSet(value, ref, [], set);
  return set;
}

function walkFieldSet(value: Json, ref: TypeRef, path: PathElement[], set: FieldSet): void {
  const atom = resolve(ref, value);
  if (atom.type === 'scalar' || atom.type === 'deduced') {
    set.insert(path);
    return;
  }
  if (atom.type === 'list') {
    if (atom.rel === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    const seen = new Set<string>();
    const dups = new Set<string>();
    const pes = value.map((item, i) => {
      try {
        return listItemToPathElement(atom, item);
      } catch (e) {
        return withPrefix(path, new TypedValueError(`element ${i}: ${(e as Error).message}`));
      }
    });
    for (const pe of pes) {
      const k = peKey(pe);
      if (seen.has(k) && !dups.has(k)) {
        set.insert([...path, pe]);
        dups.add(k);
      }
      seen.add(k);
    }
    value.forEach((item, i) => {
      const pe = pes[i]!;
      if (dups.has(peKey(pe))) return;
      walkFieldSet(item, atom.elem, [...path, pe], set);
      set.insert([...path, pe]);
    });
    return;
  }
  if (atom.atomic) {
    set.insert(path);
    return;
  }
  if (!isMap(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const p = [...path, { f: k }];
    walkFieldSet(v, fieldType(atom, k), p, set);
    if (v === null || (isMap(v) && Object.keys(v).length === 0) || !isNamedField(atom, k)) set.insert(p);
  }
}

// ---------------------------------------------------------------------------------------------- Merge

/** The configuration `rhs` merged over `lhs` (TypedValue.Merge): rhs wins; granular maps and lists merge. */
export function merge(lhs: Json, rhs: Json, ref: TypeRef, path: PathElement[] = []): Json {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const atom = resolve(ref, rhs);
  if (atom.type === 'scalar' || atom.type === 'deduced') return rhs;
  if (atom.type === 'list') {
    if (!Array.isArray(rhs)) return rhs;
    const l = Array.isArray(lhs) ? lhs : [];
    if (atom.rel === 'atomic' || (l.length === 0 && rhs.length === 0)) return rhs;
    return mergeList(atom, l, rhs, path);
  }
  if (!isMap(rhs)) return rhs;
  const l = isMap(lhs) ? lhs : {};
  if (atom.atomic || (Object.keys(l).length === 0 && Object.keys(rhs).length === 0)) return rhs;
  const out: Obj = {};
  for (const k of new Set([...Object.keys(l), ...Object.keys(rhs)])) {
    const v = merge(l[k], rhs[k], fieldType(atom, k), [...path, { f: k }]);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function indexList(atom: ListAtom, list: Json[], path: PathElement[], allowDuplicates: boolean) {
  const pes: PathElement[] = [];
  const observed = new Map<string, Json>();
  list.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = listItemToPathElement(atom, item);
    } catch (e) {
      return withPrefix(path, new TypedValueError(`element ${i}: ${(e as Error).message}`));
    }
    const k = peKey(pe);
    if (observed.has(k)) {
      if (!allowDuplicates) withPrefix(path, new TypedValueError(`duplicate entries for key ${pathToString([pe])}`));
      observed.set(k, undefined);
    } else observed.set(k, item);
    pes.push(pe);
  });
  return { pes, observed };
}

/** mergingWalker.visitListItems: shared items keep rhs order; lhs-only items stay where they were. */
function mergeList(atom: ListAtom, lhs: Json[], rhs: Json[], path: PathElement[]): Json[] | undefined {
  const R = indexList(atom, rhs, path, false);
  const L = indexList(atom, lhs, path, true);
  const out: Json[] = [];
  const sharedOrder = R.pes.filter((pe) => L.observed.has(peKey(pe)));
  let nextShared: PathElement | undefined = sharedOrder.shift();
  const mergedRHS = new Set<string>();
  const item = (pe: PathElement, l: Json, r: Json): void => {
    const v = merge(l, r, atom.elem, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  for (let lI = 0, rI = 0; lI < L.pes.length || rI < R.pes.length; ) {
    if (lI < L.pes.length && rI < R.pes.length) {
      const pe = L.pes[lI]!;
      if (peKey(pe) === peKey(R.pes[rI]!)) {
        mergedRHS.add(peKey(pe));
        item(pe, L.observed.get(peKey(pe)), R.observed.get(peKey(pe)));
        lI++;
        rI++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (R.observed.has(peKey(pe)) && nextShared !== undefined && peKey(nextShared) !== peKey(pe)) {
        lI++;
        continue;
      }
    }
    if (lI < L.pes.length) {
      const pe = L.pes[lI]!;
      if (!R.observed.has(peKey(pe))) {
        item(pe, lhs[lI], undefined);
        lI++;
        continue;
      } else if (mergedRHS.has(peKey(pe))) lI++;
    }
    if (rI < R.pes.length) {
      const pe = R.pes[rI]!;
      mergedRHS.add(peKey(pe));
      item(pe, L.observed.get(peKey(pe)), R.observed.get(peKey(pe)));
      rI++;
      if (nextShared !== undefined && peKey(nextShared) === peKey(pe)) nextShared = sharedOrder.shift();
    }
  }
  return out.length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------- Compare

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** The fields added, modified and removed from lhs to rhs (TypedValue.Compare). */
export function compare(lhs: Json, rhs: Json, ref: TypeRef): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(lhs, rhs, ref, [], c);
  return c;
}

function leaf(lhs: Json, rhs: Json, path: PathElement[], c: Comparison): void {
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!deepEqual(lhs, rhs)) c.modified.insert(path);
}

function compareAt(lhs: Json, rhs: Json, ref: TypeRef, path: PathElement[], c: Comparison): void {
  const la = resolve(ref, lhs);
  const ra = resolve(ref, rhs);
  const atom = rhs === undefined ? la : ra;
  if (lhs !== undefined && rhs !== undefined && la.type !== ra.type) return leaf(lhs, rhs, path, c);
  if (atom.type === 'scalar' || atom.type === 'deduced') return leaf(lhs, rhs, path, c);
  if (atom.type === 'list') {
    const l = Array.isArray(lhs) ? lhs : [];
    const r = Array.isArray(rhs) ? rhs : [];
    if (atom.rel === 'atomic' || (l.length === 0 && r.length === 0)) return leaf(lhs, rhs, path, c);
    compareListItems(atom, l, r, path, c);
  } else {
    const l = isMap(lhs) ? lhs : {};
    const r = isMap(rhs) ? rhs : {};
    if (atom.atomic || (Object.keys(l).length === 0 && Object.keys(r).length === 0)) return leaf(lhs, rhs, path, c);
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      if (l[k] === undefined && r[k] === undefined) continue;
      compareAt(l[k], r[k], fieldType(atom, k), [...path, { f: k }], c);
    }
  }
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
}

function compareListItems(atom: ListAtom, lhs: Json[], rhs: Json[], path: PathElement[], c: Comparison): void {
  const all: PathElement[] = [];
  const lv = new Map<string, Json[]>();
  const rv = new Map<string, Json[]>();
  const index = (list: Json[], into: Map<string, Json[]>, other?: Map<string, Json[]>) =>
    list.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = listItemToPathElement(atom, item);
      } catch (e) {
        return withPrefix(path, new TypedValueError(`element ${i}: ${(e as Error).message}`));
      }
      const k = peKey(pe);
      const got = into.get(k);
      if (got) got.push(item);
      else {
        into.set(k, [item]);
        if (!other?.has(k)) all.push(pe);
      }
    });
  index(lhs, lv);
  index(rhs, rv, lv);
  for (const pe of all) {
    const l = lv.get(peKey(pe)) ?? [];
    const r = rv.get(peKey(pe)) ?? [];
    const p = [...path, pe];
    if (l.length <= 1 && r.length <= 1) compareAt(l[0], r[0], atom.elem, p, c);
    else if (l.length >= 2 && r.length >= 2) {
      if (!deepEqual(l, r)) c.modified.insert(p);
    } else if (l.length >= 2) {
      if (r.length) compareAt(undefined, r[0], atom.elem, p, c);
      c.removed.insert(p);
    } else {
      if (l.length) compareAt(l[0], undefined, atom.elem, p, c);
      c.added.insert(p);
    }
  }
}

// ---------------------------------------------------------------------------------------------- RemoveItems

/** The value without the members of `set` (map keys, list items) and their subtrees (TypedValue.RemoveItems). */
export function removeItems(value: Json, set: FieldSet, ref: TypeRef): Json {
  const atom = resolve(ref, value);
  if (atom.type === 'list') {
    if (!Array.isArray(value) || value.length === 0 || atom.rel === 'atomic') return value;
    const out: Json[] = [];
    for (const item of value) {
      let pe: PathElement;
      try {
        pe = listItemToPathElement(atom, item);
      } catch {
        out.push(item);
        continue;
      }
      if (set.hasMember(pe)) continue;
      const sub = set.child(pe);
      const v = sub ? removeItems(item, sub, atom.elem) : item;
      out.push(v ?? null);
    }
    return out.length ? out : undefined;
  }
  if (atom.type !== 'map' || !isMap(value) || Object.keys(value).length === 0 || atom.atomic) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = { f: k };
    if (set.hasMember(pe)) continue;
    const sub = set.child(pe);
    const nv = sub ? removeItems(v, sub, fieldType(atom, k)) : v;
    if (nv !== undefined) out[k] = nv;
  }
  return Object.keys(out).length ? out : undefined;
}

/** SMD's EnsureNamedFieldsAreMembers: struct fields with children become members too (map keys do not). */
export function ensureNamedFieldsAreMembers(set: FieldSet, ref: TypeRef, value: Json): FieldSet {
  const out = new FieldSet();
  const walk = (s: FieldSet, r: TypeRef, v: Json, prefix: PathElement[]): void => {
    const atom = resolve(r, v);
    const { members, children } = s.level();
    for (const pe of members) out.insert([...prefix, pe]);
    for (const { pe, set: sub } of children) {
      if ('f' in pe && isNamedField(atom, pe.f)) out.insert([...prefix, pe]);
      let childRef: TypeRef = 'd';
      let childVal: Json;
      if ('f' in pe) {
        childRef = fieldType(atom, pe.f);
        childVal = isMap(v) ? v[pe.f] : undefined;
      } else if (atom.type === 'list') {
        childRef = atom.elem;
        childVal = Array.isArray(v) ? v.find((item) => samePE(atom, item, pe)) : undefined;
      }
      walk(sub, childRef, childVal, [...prefix, pe]);
    }
  };
  walk(set, ref, value, []);
  return out;
}

function samePE(atom: ListAtom, item: Json, pe: PathElement): boolean {
  try {
    return peKey(listItemToPathElement(atom, item)) === peKey(pe);
  } catch {
    return false;
  }
}
