// Strategic merge patch, as k8s.io/apimachinery/pkg/util/strategicpatch computes and applies it, over the
// patch metadata of merge-keys.ts. Patches use the upstream wire format, so a patch a user types for
// `kctl patch --type strategic` and a patch `kctl apply` computes are the same kind of object:
//   - a map value of null deletes the key;
//   - lists with a merge key merge element-wise; an element `{<key>: v, $patch: delete}` removes one,
//     `{$patch: replace}` replaces the whole list; lists of scalars with a merge strategy merge as sets, with a
//     parallel `$deleteFromPrimitiveList/<field>` list of values to remove;
//   - `$setElementOrder/<field>` fixes the order of a merge list (server-only elements keep their relative place);
//   - `$retainKeys` (retainKeys maps, e.g. volumes, Deployment spec.strategy) clears keys it does not list;
//   - `$patch: replace` / `$patch: delete` on a map replaces / empties it.
// Every other list is replaced wholesale. All functions are pure: inputs are never mutated.
//
// Deliberate deviations from upstream, each to keep `apply` idempotent ("unchanged" on a re-apply):
//   - a null in `modified` for a key absent from the other side yields no patch entry;
//   - `$retainKeys` is emitted only with a non-empty map patch (upstream also emits it when the live map merely
//     has extra, e.g. server-defaulted, keys);
//   - a merge list's order counts as changed only when the manifest's elements appear in a different relative
//     order in the live list (upstream also counts live-only elements as an order change);
//   - a `$patch: delete` is emitted for a merge key only when no element of `modified` carries that key, so a
//     duplicated key (two env vars with the same name) cannot delete the surviving element.
import { KctlError } from '../util/errors.js';
import { clone, deepEqual, goJson, hasOwn, isMap, kindOf, scalarString, type JsonMap } from './json.js';
import { lookupPatchMeta, type PatchMeta } from './merge-keys.js';

export const DIRECTIVE_MARKER = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';

/** A strategic merge patch in the Kubernetes wire format (a JSON object). */
export type StrategicPatch = JsonMap;

export interface StrategicMergeOptions {
  /** Kind whose merge keys apply; defaults to `kind` of modified/current (or of the object being patched). */
  kind?: string;
}

/** Strategic-merge failures, worded as the apiserver/kubectl word them. */
export const patchError = (message: string): KctlError => new KctlError('Invalid', message);

interface Ctx {
  kind: string | undefined;
}

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeys: boolean;
}

const nonEmpty = (m: JsonMap): boolean => Object.keys(m).length > 0;
const meta = (ctx: Ctx, path: readonly string[]): PatchMeta | undefined => lookupPatchMeta(ctx.kind, path);
const kindFrom = (...objs: unknown[]): string | undefined => {
  for (const o of objs) if (isMap(o) && typeof o.kind === 'string') return o.kind;
  return undefined;
};

function asMap(v: unknown, what: string): JsonMap {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw patchError(`${what} must be a JSON object`);
  return v;
}

const noMergeKey = (m: unknown, key: string): KctlError =>
  patchError(`map: ${goJson(m)} does not contain declared merge key: ${key}`);

const sortScalars = (l: unknown[]): unknown[] =>
  [...l].sort((a, b) => {
    const x = scalarString(a);
    const y = scalarString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });

// ---------------------------------------------------------------------------------------------------------
// Diff: original/modified → patch

function diffMaps(original: JsonMap, modified: JsonMap, path: string[], ctx: Ctx, o: DiffOptions): JsonMap {
  const patch: JsonMap = {};
  const retainKeys: string[] = [];
  for (const [key, mv] of Object.entries(modified)) {
    if (mv === undefined) continue;
    if (o.buildRetainKeys && mv !== null) retainKeys.push(key);
    const ov = original[key];
    if (!hasOwn(original, key) || ov === undefined) {
      if (!o.ignoreChangesAndAdditions && mv !== null) patch[key] = clone(mv);
      continue;
    }
    if (key === DIRECTIVE_MARKER) {
      if (ov !== mv) patch[key] = mv;
      continue;
    }
    const kind = kindOf(ov);
    if (kind !== kindOf(mv)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = clone(mv);
      continue;
    }
    const childPath = [...path, key];
    if (kind === 'map') {
      const m = meta(ctx, childPath);
      const sub = diffMaps(ov as JsonMap, mv as JsonMap, childPath, ctx, { ...o, buildRetainKeys: !!m?.retainKeys });
      if (nonEmpty(sub)) patch[key] = sub;
    } else if (kind === 'list') {
      diffSlice(key, ov as unknown[], mv as unknown[], patch, childPath, ctx, o);
    } else if (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv)) {
      patch[key] = mv;
    }
  }
  if (!o.ignoreDeletions) {
    for (const key of Object.keys(original)) {
      if (original[key] !== undefined && (!hasOwn(modified, key) || modified[key] === undefined)) patch[key] = null;
    }
  }
  if (retainKeys.length > 0 && nonEmpty(patch)) patch[RETAIN_KEYS_DIRECTIVE] = sortScalars(retainKeys);
  return patch;
}

function diffSlice(
  key: string,
  ov: unknown[],
  mv: unknown[],
  patch: JsonMap,
  path: string[],
  ctx: Ctx,
  o: DiffOptions,
): void {
  const m = meta(ctx, path);
  if (m?.strategy !== 'merge') {
    if (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv)) patch[key] = clone(mv);
    return;
  }
  const { add, del, order } = diffLists(ov, mv, m, path, ctx, { ...o, buildRetainKeys: !!m.retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/${key}`] = del;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER_PREFIX}/${key}`] = order;
}

function elementKind(...lists: unknown[][]): 'map' | 'scalar' | undefined {
  let seen: string | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = kindOf(v);
      if (k === 'list') throw patchError('lists of lists are not supported');
      if (seen === undefined) seen = k;
      else if (seen !== k) throw patchError(`list element types are not identical: ${goJson(lists)}`);
    }
  }
  if (seen === undefined) return undefined;
  return seen === 'map' ? 'map' : 'scalar';
}

/** Whether the elements present in both lists appear in the same relative order. */
function relativeOrderSame(current: unknown[], modified: unknown[], id: (v: unknown) => string): boolean {
  const inModified = new Set(modified.map(id));
  const inCurrent = new Set(current.map(id));
  const a = current.map(id).filter((k) => inModified.has(k));
  const b = modified.map(id).filter((k) => inCurrent.has(k));
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function diffLists(
  ov: unknown[],
  mv: unknown[],
  m: PatchMeta,
  path: string[],
  ctx: Ctx,
  o: DiffOptions,
): { add: unknown[]; del: unknown[]; order: unknown[] } {
  const none = { add: [], del: [], order: [] };
  if (ov.length === 0) {
    if (mv.length === 0 || o.ignoreChangesAndAdditions) return none;
    return { add: clone(mv), del: [], order: [] };
  }
  const ek = elementKind(ov, mv);
  if (ek === 'map') {
    const mergeKey = m.mergeKey;
    if (!mergeKey) throw patchError('cannot merge lists without merge key for type map');
    for (const v of [...ov, ...mv]) if (!hasOwn(v as JsonMap, mergeKey)) throw noMergeKey(v, mergeKey);
    const id = (v: unknown): string => scalarString((v as JsonMap)[mergeKey]);
    const patchList = diffListsOfMaps(ov as JsonMap[], mv as JsonMap[], mergeKey, path, ctx, o);
    const orderSame = relativeOrderSame(ov, mv, id);
    const wantOrder =
      o.setElementOrder &&
      ((!o.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) ||
        (!o.ignoreDeletions && patchList.length > 0));
    const order = wantOrder ? (mv as JsonMap[]).map((v) => ({ [mergeKey]: v[mergeKey] })) : [];
    return { add: patchList, del: [], order };
  }
  // lists of scalars merged as sets
  const inOriginal = new Set(ov.map(scalarString));
  const inModified = new Set(mv.map(scalarString));
  const add = o.ignoreChangesAndAdditions ? [] : mv.filter((v) => !inOriginal.has(scalarString(v)));
  const del: unknown[] = [];
  if (!o.ignoreDeletions) {
    const seen = new Set<string>();
    for (const v of ov) {
      const s = scalarString(v);
      if (!inModified.has(s) && !seen.has(s)) {
        seen.add(s);
        del.push(v);
      }
    }
  }
  const wantOrder =
    o.setElementOrder &&
    ((!o.ignoreDeletions && del.length > 0) ||
      (!o.ignoreChangesAndAdditions && (add.length > 0 || !relativeOrderSame(ov, mv, scalarString))));
  return { add: clone(add), del, order: wantOrder ? clone(mv) : [] };
}

function diffListsOfMaps(
  ov: JsonMap[],
  mv: JsonMap[],
  mergeKey: string,
  path: string[],
  ctx: Ctx,
  o: DiffOptions,
): unknown[] {
  const byKey = new Map<string, JsonMap[]>();
  for (const e of ov) {
    const k = scalarString(e[mergeKey]);
    byKey.set(k, [...(byKey.get(k) ?? []), e]);
  }
  const patch: unknown[] = [];
  const modifiedKeys = new Set<string>();
  for (const e of mv) {
    const k = scalarString(e[mergeKey]);
    modifiedKeys.add(k);
    const candidates = byKey.get(k);
    const orig = candidates?.shift();
    if (orig) {
      const sub = diffMaps(orig, e, path, ctx, o);
      if (nonEmpty(sub)) patch.push({ [mergeKey]: e[mergeKey], ...sub });
    } else if (!o.ignoreChangesAndAdditions) {
      patch.push(clone(e));
    }
  }
  if (!o.ignoreDeletions) {
    const deleted = new Map<string, unknown>();
    for (const e of ov) {
      const k = scalarString(e[mergeKey]);
      if (!modifiedKeys.has(k) && !deleted.has(k)) deleted.set(k, e[mergeKey]);
    }
    for (const k of [...deleted.keys()].sort()) patch.push({ [mergeKey]: deleted.get(k), [DIRECTIVE_MARKER]: 'delete' });
  }
  return patch;
}

/** Merges the deletions patch and the delta patch of a three-way diff (upstream: mergeMap without parallel lists). */
function combinePatches(a: JsonMap, b: JsonMap, path: string[], ctx: Ctx): JsonMap {
  const out = clone(a);
  for (const [k, bv] of Object.entries(b)) {
    if (!hasOwn(out, k) || k.startsWith('$')) {
      out[k] = clone(bv);
      continue;
    }
    const av = out[k];
    const childPath = [...path, k];
    if (isMap(av) && isMap(bv)) {
      out[k] = combinePatches(av, bv, childPath, ctx);
    } else if (Array.isArray(av) && Array.isArray(bv)) {
      const m = meta(ctx, childPath);
      if (m?.strategy === 'merge' && m.mergeKey) {
        const key = m.mergeKey;
        const fromA = [...av];
        const merged: unknown[] = bv.map((be) => {
          const i = fromA.findIndex((ae) => isMap(ae) && isMap(be) && ae[key] === be[key]);
          if (i < 0) return clone(be);
          const [ae] = fromA.splice(i, 1);
          return combinePatches(ae as JsonMap, be as JsonMap, childPath, ctx);
        });
        out[k] = [...merged, ...fromA];
      } else if (m?.strategy === 'merge') {
        out[k] = [...av, ...bv.filter((x) => !av.some((y) => deepEqual(x, y)))];
      } else {
        out[k] = clone(bv);
      }
    } else {
      out[k] = clone(bv);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Apply: current + patch → result (upstream mergeMap with MergeParallelList and IgnoreUnmatchedNulls)

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw patchError('invalid patch format of primitive list');
    throw patchError('invalid patch format of setElementOrder list');
  }
  return s.slice(i + 1);
}

/** A patch value placed where the target has nothing: directives are processed and nulls dropped. */
function materialize(pv: unknown, path: string[], ctx: Ctx): unknown {
  if (isMap(pv)) return mergeMap({}, pv, path, ctx);
  if (Array.isArray(pv)) {
    const m = meta(ctx, path);
    if (m?.strategy === 'merge') return mergeSlice([], pv, m, path, ctx);
  }
  return clone(pv);
}

/** Merges `patchIn` into `original`, which the caller owns (it is mutated and returned). */
function mergeMap(original: JsonMap, patchIn: JsonMap, path: string[], ctx: Ctx): JsonMap {
  if (hasOwn(patchIn, DIRECTIVE_MARKER)) {
    const d = patchIn[DIRECTIVE_MARKER];
    if (d === 'replace') {
      const rest = { ...patchIn };
      delete rest[DIRECTIVE_MARKER];
      return mergeMap({}, rest, path, ctx);
    }
    if (d === 'delete') return {};
    throw patchError(`Unknown patch type: ${scalarString(d)} in map: ${goJson(patchIn)}`);
  }
  const patch = { ...patchIn };
  applyRetainKeys(original, patch);
  mergeSetElementOrder(original, patch, path, ctx);
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === undefined) continue;
    if (k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`) || k === DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
      const field = extractKey(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      if (!Array.isArray(pv)) throw patchError('invalid patch format of primitive list');
      const cur = original[field];
      if (Array.isArray(cur)) original[field] = cur.filter((v) => !pv.some((d) => d === v));
      continue;
    }
    if (k.startsWith('$')) throw patchError(`unknown patch directive ${JSON.stringify(k)} in map: ${goJson(patchIn)}`);
    if (pv === null) {
      delete original[k];
      continue;
    }
    const childPath = [...path, k];
    const cur = original[k];
    if (!hasOwn(original, k) || cur === undefined || kindOf(cur) !== kindOf(pv)) {
      original[k] = materialize(pv, childPath, ctx);
      continue;
    }
    if (isMap(pv)) {
      original[k] = mergeMap(cur as JsonMap, pv, childPath, ctx);
    } else if (Array.isArray(pv)) {
      const m = meta(ctx, childPath);
      original[k] = m?.strategy === 'merge' ? mergeSlice(cur as unknown[], pv, m, childPath, ctx) : clone(pv);
    } else {
      original[k] = pv;
    }
  }
  return original;
}

function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw patchError('invalid patch format of retainKeys');
  const keep = new Set(list.map((v) => scalarString(v)));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || k.startsWith('$')) continue;
    if (!keep.has(k)) throw patchError('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeSetElementOrder(original: JsonMap, patch: JsonMap, path: string[], ctx: Ctx): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) && key !== SET_ELEMENT_ORDER_PREFIX) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw patchError('invalid patch format of setElementOrder list');
    const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const childPath = [...path, field];
    const m = meta(ctx, childPath);
    if (m?.strategy !== 'merge') continue; // not a merge list: the directive has nothing to order
    const mergeKey = m.mergeKey ?? '';
    const origList = original[field];
    const patchList = patch[field];
    if (origList !== undefined && origList !== null && !Array.isArray(origList))
      throw patchError(`invalid value for ${field}: expected a list`);
    if (patchList === null) continue; // the list is being deleted
    if (patchList !== undefined && !Array.isArray(patchList)) throw patchError(`invalid value for ${field}: expected a list`);
    if (mergeKey) for (const v of order) if (!isMap(v) || !hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    if (patchList) validatePatchWithSetOrderList(patchList, order, mergeKey);
    const cur = Array.isArray(origList) ? origList : undefined;
    let merged: unknown[];
    if (cur && patchList) merged = mergeSlice(cur, patchList, m, childPath, ctx);
    else if (cur) merged = cur;
    else if (patchList) merged = mergeSlice([], patchList, m, childPath, ctx);
    else continue;
    const inOrder = (v: unknown): boolean => index(order, v, mergeKey) >= 0;
    original[field] = normalizeElementOrder(merged.filter(inOrder), merged.filter((v) => !inOrder(v)), order, cur ?? [], mergeKey);
    delete patch[field];
  }
}

function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((v) => !(isMap(v) && v[DIRECTIVE_MARKER] === 'delete')) : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    const item = nonDelete[p];
    if (isMap(item) && hasOwn(item, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (sameElement(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length) {
    throw patchError(
      `The order in patch list:\n${goJson(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goJson(order)}\n`,
    );
  }
}

function sameElement(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  return isMap(a) && isMap(b) && hasOwn(a, mergeKey) && a[mergeKey] === b[mergeKey];
}

function index(list: unknown[], item: unknown, mergeKey: string): number {
  return list.findIndex((v) => sameElement(v, item, mergeKey));
}

/** Merges a patch list into `original` (owned by the caller). */
function mergeSlice(original: unknown[], patch: unknown[], m: PatchMeta, path: string[], ctx: Ctx): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const ek = elementKind(original, patch);
  const mergeKey = m.mergeKey ?? '';
  let serverOrder = original;
  let merged: unknown[];
  let patchPlain = patch;
  if (ek !== 'map') {
    merged = [...original];
    for (const v of patch) if (!merged.some((x) => x === v)) merged.push(v);
  } else {
    if (!mergeKey) throw patchError('cannot merge lists without merge key for type map');
    let kept = original;
    let replace = false;
    patchPlain = [];
    for (const v of patch) {
      const e = v as JsonMap;
      if (!hasOwn(e, DIRECTIVE_MARKER)) {
        patchPlain.push(e);
        continue;
      }
      const d = e[DIRECTIVE_MARKER];
      if (d === 'delete') {
        if (!hasOwn(e, mergeKey)) throw noMergeKey(e, mergeKey);
        kept = kept.filter((x) => !(isMap(x) && x[mergeKey] === e[mergeKey]));
      } else if (d === 'replace') {
        replace = true;
      } else if (d === 'merge') {
        throw patchError('merging lists cannot yet be specified in the patch');
      } else {
        throw patchError(`Unknown patch type: ${scalarString(d)} in map: ${goJson(e)}`);
      }
    }
    if (replace) {
      kept = patchPlain.map((e) => mergeMap({}, e as JsonMap, path, ctx));
      patchPlain = [];
    }
    serverOrder = kept;
    merged = [...kept];
    for (const v of patchPlain) {
      const e = v as JsonMap;
      if (!hasOwn(e, mergeKey)) throw noMergeKey(e, mergeKey);
      const i = merged.findIndex((x) => isMap(x) && x[mergeKey] === e[mergeKey]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as JsonMap, e, path, ctx);
      else merged.push(mergeMap({}, e, path, ctx));
    }
  }
  const inPatch = (v: unknown): boolean => index(patchPlain, v, mergeKey) >= 0;
  return normalizeElementOrder(merged.filter(inPatch), merged.filter((v) => !inPatch(v)), patchPlain, serverOrder, mergeKey);
}

/** Orders patch items by `patchOrder` and server-only items by `serverOrder`, then interleaves them. */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
): unknown[] {
  const byOrder = (items: unknown[], order: unknown[]): unknown[] => {
    const pos = (v: unknown): number => {
      const i = index(order, v, mergeKey);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return [...items].sort((a, b) => pos(a) - pos(b));
  };
  return mergeSortedSlice(byOrder(serverOnly, serverOrder), byOrder(patchItems, patchOrder), serverOrder, mergeKey);
}

/** upstream mergeSortedSlice: inserts server-only items (left) among patch items (right) by live position. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = index(serverOrder, left[i], mergeKey);
      const ri = index(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/**
 * kubectl client-side apply's patch: deletions (fields in `original`, the last-applied configuration, that
 * `modified` no longer has) plus changes (fields of `modified` that differ from `current`). Fields of `current`
 * that `original` never had (server defaults, status, `kctl scale`'s replicas) are left alone.
 * `original` undefined means no last-applied configuration (nothing is deleted).
 */
export function createThreeWayMergePatch(
  original: object | undefined,
  modified: object,
  current: object,
  opts: StrategicMergeOptions = {},
): StrategicPatch {
  const ctx: Ctx = { kind: opts.kind ?? kindFrom(modified, current) };
  const o = asMap(original, 'original');
  const m = asMap(modified, 'modified');
  const c = asMap(current, 'current');
  const delta = diffMaps(c, m, [], ctx, {
    setElementOrder: true,
    ignoreDeletions: true,
    ignoreChangesAndAdditions: false,
    buildRetainKeys: false,
  });
  const deletions = diffMaps(o, m, [], ctx, {
    setElementOrder: true,
    ignoreDeletions: false,
    ignoreChangesAndAdditions: true,
    buildRetainKeys: false,
  });
  return combinePatches(deletions, delta, [], ctx);
}

/** The patch that turns `original` into `modified` (kubectl edit's patch). */
export function createTwoWayMergePatch(original: object, modified: object, opts: StrategicMergeOptions = {}): StrategicPatch {
  const ctx: Ctx = { kind: opts.kind ?? kindFrom(modified, original) };
  return diffMaps(asMap(original, 'original'), asMap(modified, 'modified'), [], ctx, {
    setElementOrder: true,
    ignoreDeletions: false,
    ignoreChangesAndAdditions: false,
    buildRetainKeys: false,
  });
}

/** Applies a strategic merge patch to `current`, returning a new object (current is not modified). */
export function applyStrategicPatch<T extends object>(current: T, patch: StrategicPatch, opts: StrategicMergeOptions = {}): T {
  if (!isMap(patch)) throw patchError('invalid JSON document');
  const ctx: Ctx = { kind: opts.kind ?? kindFrom(current) };
  return mergeMap(clone(current) as JsonMap, patch, [], ctx) as T;
}

/** True when the patch changes nothing (kubectl prints "unchanged" / "patched (no change)"). */
export const isNoop = (patch: StrategicPatch): boolean => Object.keys(patch).length === 0;

export interface ApplyPatchResult<T> {
  patch: StrategicPatch;
  /** current with the patch applied (current itself when the patch is a no-op) */
  merged: T;
  noop: boolean;
}

/** createThreeWayMergePatch + applyStrategicPatch in one call. */
export function computeApplyPatch<T extends object>(
  original: object | undefined,
  modified: object,
  current: T,
  opts: StrategicMergeOptions = {},
): ApplyPatchResult<T> {
  const kind = opts.kind ?? kindFrom(modified, current);
  const patch = createThreeWayMergePatch(original, modified, current, { kind });
  const noop = isNoop(patch);
  return { patch, merged: noop ? clone(current) : applyStrategicPatch(current, patch, { kind }), noop };
}
