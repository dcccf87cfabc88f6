// Field sets as structured-merge-diff (sigs.k8s.io/structured-merge-diff fieldpath) models them, and their
// FieldsV1 encoding in metadata.managedFields, byte for byte as the API server writes it:
//   {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}
// A path element is a field name (f:), the key fields of an associative-list element (k:{...}, keys sorted), the
// value of a set element (v:...) or a list index (i:N). A set node lists its members (leaves, `{}`) and its
// children (sub-sets); a path that is both a member and has children carries ".": {}.

export type PathElement =
  | { readonly f: string }
  | { readonly k: ReadonlyArray<readonly [string, unknown]> }
  | { readonly v: unknown }
  | { readonly i: number };
export type Path = readonly PathElement[];

/** Go's encoding/json string escaping (HTML-safe: <, >, & and U+2028/U+2029 as \u00XX). */
export function goJSON(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's JSON of a value, keys of objects sorted (as Go marshals a map). */
function goJSONSorted(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJSONSorted).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${goJSON(k)}:${goJSONSorted((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return goJSON(v ?? null);
}

export function serializePathElement(pe: PathElement): string {
  if ('f' in pe) return `f:${pe.f}`;
  if ('k' in pe) return `k:{${pe.k.map(([n, v]) => `${goJSON(n)}:${goJSONSorted(v)}`).join(',')}}`;
  if ('v' in pe) return `v:${goJSONSorted(pe.v)}`;
  return `i:${pe.i}`;
}

export function deserializePathElement(s: string): PathElement {
  const body = s.slice(2);
  switch (s.slice(0, 2)) {
    case 'f:':
      return { f: body };
    case 'v:':
      return { v: JSON.parse(body) as unknown };
    case 'i:':
      return { i: Number(body) };
    case 'k:': {
      const o = JSON.parse(body) as Record<string, unknown>;
      return { k: Object.keys(o).sort(compareStrings).map((n) => [n, o[n]] as const) };
    }
    default:
      throw new Error(`unknown path element type: ${s}`);
  }
}

/** Byte-wise (UTF-8) order, as Go's strings.Compare. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const rank = (v: unknown): number => {
  if (typeof v === 'number') return Number.isInteger(v) ? 1 : 0;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 3;
  if (Array.isArray(v)) return 4;
  if (v !== null && typeof v === 'object') return 5;
  return 6; // null
};

/** SMD's total order of values: floats/ints numerically, then strings, bools, lists, maps, null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra <= 1 && rb <= 1) return Math.sign((a as number) - (b as number));
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 2:
      return compareStrings(a as string, b as string);
    case 3:
      return a === b ? 0 : a ? 1 : -1;
    case 4: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c) return c;
      }
      return Math.sign(x.length - y.length);
    }
    case 5: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const kx = Object.keys(x).sort(compareStrings);
      const ky = Object.keys(y).sort(compareStrings);
      for (let i = 0; i < Math.min(kx.length, ky.length); i++) {
        const c = compareStrings(kx[i]!, ky[i]!) || compareValues(x[kx[i]!], y[ky[i]!]);
        if (c) return c;
      }
      return Math.sign(kx.length - ky.length);
    }
    default:
      return 0;
  }
}

const peRank = (pe: PathElement): number => ('f' in pe ? 0 : 'k' in pe ? 1 : 'v' in pe ? 2 : 3);

/** fieldpath.PathElement.Compare: field names < keys < values < indices. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ra = peRank(a);
  const rb = peRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ('f' in a) return compareStrings(a.f, (b as { f: string }).f);
  if ('k' in a) {
    const x = a.k;
    const y = (b as { k: ReadonlyArray<readonly [string, unknown]> }).k;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compareStrings(x[i]![0], y[i]![0]) || compareValues(x[i]![1], y[i]![1]);
      if (c) return c;
    }
    return Math.sign(x.length - y.length);
  }
  if ('v' in a) return compareValues(a.v, (b as { v: unknown }).v);
  return Math.sign(a.i - (b as { i: number }).i);
}

/** Go's %q of a string (close enough: JSON escaping without the HTML escapes). */
const goQuote = (s: string): string => JSON.stringify(s);

function valueToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${valueToString(x)}`)
      .join('');
  return String(v);
}

/** fieldpath.Path.String: `.spec.template.spec.containers[name="web"].image`, `[=value]`, `[0]`. */
export function pathToString(path: Path): string {
  return path
    .map((pe) => {
      if ('f' in pe) return `.${pe.f}`;
      if ('k' in pe) return `[${pe.k.map(([n, v]) => `${n}=${valueToString(v)}`).join(',')}]`;
      if ('v' in pe) return `[=${valueToString(pe.v)}]`;
      return `[${pe.i}]`;
    })
    .join('');
}

interface Entry {
  pe: PathElement;
  member: boolean;
  children?: FieldSet;
}

/** A set of field paths (fieldpath.Set). Immutable operations return new sets; insert mutates. */
export class FieldSet {
  private readonly entries = new Map<string, Entry>();

  static fromPaths(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): this {
    if (path.length === 0) return this;
    const key = serializePathElement(path[0]!);
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { pe: path[0]!, member: false }));
    if (path.length === 1) e.member = true;
    else (e.children ??= new FieldSet()).insert(path.slice(1));
    return this;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    const e = this.entries.get(serializePathElement(path[0]!));
    if (!e) return false;
    return path.length === 1 ? e.member : (e.children?.has(path.slice(1)) ?? false);
  }

  /** The sub-set under one path element (SMD's WithPrefix), or undefined. */
  child(pe: PathElement): FieldSet | undefined {
    const c = this.entries.get(serializePathElement(pe))?.children;
    return c && !c.empty() ? c : undefined;
  }

  /** True when pe is a member at this level. */
  hasMember(pe: PathElement): boolean {
    return this.entries.get(serializePathElement(pe))?.member ?? false;
  }

  /** This level: its members and its children, in SMD's order. */
  level(): { members: PathElement[]; children: { pe: PathElement; set: FieldSet }[] } {
    const sorted = this.sorted();
    return {
      members: sorted.filter((e) => e.member).map((e) => e.pe),
      children: sorted.filter((e) => e.children && !e.children.empty()).map((e) => ({ pe: e.pe, set: e.children! })),
    };
  }

  empty(): boolean {
    for (const e of this.entries.values()) if (e.member || (e.children && !e.children.empty())) return false;
    return true;
  }

  private sorted(): Entry[] {
    return [...this.entries.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  private static combine(a: FieldSet, b: FieldSet, op: (x: boolean, y: boolean) => boolean, keepA: boolean, keepB: boolean): FieldSet {
    const out = new FieldSet();
    const keys = new Set([...a.entries.keys(), ...b.entries.keys()]);
    for (const k of keys) {
      const x = a.entries.get(k);
      const y = b.entries.get(k);
      if (!x && !keepB) continue;
      if (!y && !keepA) continue;
      const member = op(x?.member ?? false, y?.member ?? false);
      let children: FieldSet | undefined;
      if (x?.children && y?.children) children = FieldSet.combine(x.children, y.children, op, keepA, keepB);
      else if (x?.children && keepA) children = x.children.copy();
      else if (y?.children && keepB) children = y.children.copy();
      if (children?.empty()) children = undefined;
      if (member || children) out.entries.set(k, { pe: (x ?? y)!.pe, member, ...(children ? { children } : {}) });
    }
    return out;
  }

  copy(): FieldSet {
    return FieldSet.combine(this, new FieldSet(), (x) => x, true, false);
  }

  union(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x || y, true, true);
  }

  intersection(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x && y, false, false);
  }

  /** Members of this not in o, level by level (SMD's Difference: not recursive on o's members). */
  difference(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x && !y, true, false);
  }

  /** Every path that is a member, in SMD's Iterate order (members of a level, then its children). */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: Path): void => {
      const sorted = s.sorted();
      for (const e of sorted) if (e.member) out.push([...prefix, e.pe]);
      for (const e of sorted) if (e.children) walk(e.children, [...prefix, e.pe]);
    };
    walk(this, []);
    return out;
  }

  /** The FieldsV1 object (keys in SMD's order, so JSON.stringify writes what the API server writes). */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const e of this.sorted()) {
      const kids = e.children && !e.children.empty() ? e.children.toFieldsV1() : undefined;
      if (kids) out[serializePathElement(e.pe)] = e.member ? { '.': {}, ...kids } : kids;
      else if (e.member) out[serializePathElement(e.pe)] = {};
    }
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (v === null || typeof v !== 'object') return s;
    for (const [k, sub] of Object.entries(v as Record<string, unknown>)) {
      if (k === '.') continue;
      let pe: PathElement;
      try {
        pe = deserializePathElement(k);
      } catch {
        continue; // unknown element types are skipped, as SMD does
      }
      const kids = FieldSet.fromFieldsV1(sub);
      const isObj = sub !== null && typeof sub === 'object';
      const member = !isObj || '.' in (sub as object) || Object.keys(sub as object).length === 0;
      const key = serializePathElement(pe);
      const e: Entry = { pe, member };
      if (!kids.empty()) e.children = kids;
      if (e.member || e.children) s.entries.set(key, e);
    }
    return s;
  }

  toString(): string {
    return this.paths().map(pathToString).join('\n');
  }
}
