// One resource as kustomize tracks it while building: the object plus the bookkeeping kustomize keeps in
// internal annotations (earlier ids for name references, the prefixes/suffixes applied, whether a generated
// object still needs its content-hash suffix).
import { CLUSTER_SCOPED, type FieldSpec } from './fieldspecs.js';

export type JsonMap = Record<string, unknown>;

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId {
  gvk: Gvk;
  name: string;
  /** as written ("" when absent) */
  namespace: string;
}

export interface Res {
  obj: JsonMap;
  /** ids before each rename / namespace change, oldest first (kustomize's previousNames) */
  prevIds: ResId[];
  prefixes: string[];
  suffixes: string[];
  /** generated with a hash suffix still to add */
  needsHash: boolean;
  /** generator behavior (create|merge|replace) while the resource waits to be absorbed */
  behavior?: string;
  /** where it was read from, for messages */
  file?: string;
  line?: number;
}

export const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

export function gvkOf(obj: JsonMap): Gvk {
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const i = av.indexOf('/');
  return { group: i >= 0 ? av.slice(0, i) : '', version: i >= 0 ? av.slice(i + 1) : av, kind: typeof obj.kind === 'string' ? obj.kind : '' };
}

const meta = (obj: JsonMap): JsonMap => (isMap(obj.metadata) ? obj.metadata : {});
export const nameOf = (obj: JsonMap): string => String(meta(obj).name ?? '');
export const namespaceOf = (obj: JsonMap): string => (typeof meta(obj).namespace === 'string' ? (meta(obj).namespace as string) : '');

export function curId(r: Res): ResId {
  return { gvk: gvkOf(r.obj), name: nameOf(r.obj), namespace: namespaceOf(r.obj) };
}
export const orgId = (r: Res): ResId => r.prevIds[0] ?? curId(r);

export const isClusterScoped = (gvk: Gvk): boolean => CLUSTER_SCOPED.has(gvk.kind);
/** "" and "default" are one namespace */
export const effectiveNs = (ns: string): string => (ns === '' ? 'default' : ns);
export const nsEquals = (a: ResId, b: ResId): boolean =>
  isClusterScoped(a.gvk) || isClusterScoped(b.gvk) ? true : effectiveNs(a.namespace) === effectiveNs(b.namespace);

export const gvkEquals = (a: Gvk, b: Gvk): boolean => a.group === b.group && a.version === b.version && a.kind === b.kind;
export const idEquals = (a: ResId, b: ResId): boolean =>
  gvkEquals(a.gvk, b.gvk) && a.name === b.name && (isClusterScoped(a.gvk) || effectiveNs(a.namespace) === effectiveNs(b.namespace));

/** kustomize's ResId.String(): `Kind.version.group/name.namespace` */
export function idString(id: ResId): string {
  const g = id.gvk;
  const gvk = [g.kind || '[noKind]', g.version || '[noVer]', g.group || '[noGrp]'].join('.');
  return `${gvk}/${id.name}.${id.namespace || '[noNs]'}`;
}

/** Does a (group/version/kind, empty = any) selector select this gvk? */
export const gvkSelected = (gvk: Gvk, sel: { group?: string; version?: string; kind?: string }): boolean =>
  (!sel.group || sel.group === gvk.group) && (!sel.version || sel.version === gvk.version) && (!sel.kind || sel.kind === gvk.kind);

export const specSelects = (fs: FieldSpec, gvk: Gvk): boolean => gvkSelected(gvk, fs);

/** Records the current id before a change of name or namespace (kustomize's StorePreviousId). */
export function storePreviousId(r: Res): void {
  const id = curId(r);
  r.prevIds.push({ gvk: id.gvk, name: id.name, namespace: effectiveNs(id.namespace) });
}

export function setName(r: Res, name: string): void {
  if (!isMap(r.obj.metadata)) r.obj.metadata = {};
  (r.obj.metadata as JsonMap).name = name;
}

export function setNamespace(r: Res, ns: string): void {
  if (!isMap(r.obj.metadata)) r.obj.metadata = {};
  (r.obj.metadata as JsonMap).namespace = ns;
}

export const copyRes = (r: Res, obj: JsonMap = r.obj): Res => ({ ...r, obj, prevIds: [...r.prevIds], prefixes: [...r.prefixes], suffixes: [...r.suffixes] });
