// Applies a function to the field(s) a field spec names in one object, creating missing maps when the spec
// says `create` (kustomize's fieldspec filter). A path segment that meets a list visits every element.
import type { FieldSpec } from './fieldspecs.js';
import { gvkOf, isMap, specSelects, type JsonMap } from './resource.js';

export interface Seg {
  key: string;
  /** marked `[]`: a list, never created */
  list: boolean;
}

/** `a/b\/c/d[]` → a, b/c, d (a list) */
export function splitPath(path: string): Seg[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => (s.endsWith('[]') ? { key: s.slice(0, -2), list: true } : { key: s, list: false }));
}

/**
 * Calls `set(parent, key)` for each place the path reaches (parent map and key of the final field); `set` may
 * read and write `parent[key]`. When `create`, missing intermediate maps are added and `set` is called for a
 * missing final field too.
 */
export function walkPath(node: unknown, segs: Seg[], create: boolean, set: (parent: JsonMap, key: string) => void): void {
  if (Array.isArray(node)) {
    for (const el of node) walkPath(el, segs, create, set);
    return;
  }
  if (!isMap(node)) return;
  const [seg, ...rest] = segs;
  if (seg === undefined) return;
  const head = seg.key;
  if (rest.length === 0) {
    if (head in node || create) set(node, head);
    return;
  }
  let next = node[head];
  if (next === undefined || next === null) {
    // a path through a missing list cannot be completed, so nothing of it is created
    if (!create || segs.some((s) => s.list)) return;
    next = {};
    node[head] = next;
  }
  walkPath(next, rest, create, set);
}

/** Applies `set` at every spec of `specs` that selects `obj`'s kind. */
export function applySpecs(obj: JsonMap, specs: readonly FieldSpec[], set: (parent: JsonMap, key: string) => void): void {
  const gvk = gvkOf(obj);
  for (const fs of specs) if (specSelects(fs, gvk)) walkPath(obj, splitPath(fs.path), fs.create ?? false, set);
}
