// kustomize built in: a pure function from a file system (the port in loader.ts) and a directory to the
// objects `kubectl kustomize DIR` would print, in its order, plus the YAML it would print. The CLI's
// `kctl kustomize` and every verb's `-k DIR` (manifest/loader.ts) call this.
import { toYAML } from '../util/go-yaml.js';
import { accumulateTarget, type BuildContext } from './build.js';
import { ORDER_FIRST, ORDER_LAST } from './fieldspecs.js';
import { contentHash } from './generators.js';
import { loadKustomization } from './kustomization.js';
import { KustomizeError, Loader, nodeFs, type KustomizeFs } from './loader.js';
import { fixNameReferences } from './nameref.js';
import { curId, isMap, nameOf, setName, storePreviousId, type JsonMap, type Res } from './resource.js';

export { KustomizeError, nodeFs, type KustomizeFs } from './loader.js';

export interface KustomizeResult {
  /** the objects, in kustomize's (legacy) output order */
  objects: JsonMap[];
  /** the file each object came from (generated ones: their kustomization file) and its line */
  sources: { file?: string; line?: number }[];
  /** deprecation warnings kustomize prints on stderr */
  warnings: string[];
}

export interface KustomizeOptions {
  fs?: KustomizeFs;
  /** refuse builds with more objects than this (default 10000) */
  maxResources?: number;
  /** kubectl's --load-restrictor: files only in or below each kustomization's directory (default), or anywhere */
  loadRestrictor?: 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';
}

const typeOrder = new Map<string, number>([
  ...ORDER_FIRST.map((k, i) => [k, -ORDER_FIRST.length + i] as [string, number]),
  ...ORDER_LAST.map((k, i) => [k, 1 + i] as [string, number]),
]);

const gvkSortString = (g: { group: string; version: string; kind: string }): string =>
  [g.group || '~G', g.version || '~V', g.kind || '~K'].join('_');

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** kustomize's legacy order: by kind rank, then group_version_kind, then namespace|name. */
function legacyCompare(a: Res, b: Res): number {
  const ia = curId(a);
  const ib = curId(b);
  const ga = ia.gvk;
  const gb = ib.gvk;
  const same = ga.group === gb.group && ga.version === gb.version && ga.kind === gb.kind;
  if (!same) {
    const oa = typeOrder.get(ga.kind) ?? 0;
    const ob = typeOrder.get(gb.kind) ?? 0;
    if (oa !== ob) return oa - ob;
    if (ga.kind === 'Namespace' && gb.kind === 'Namespace' && (ga.group === '' || gb.group === '')) return cmp(gvkSortString(gb), gvkSortString(ga));
    return cmp(gvkSortString(ga), gvkSortString(gb));
  }
  const key = (id: typeof ia): string => `${id.namespace || '~X'}|${id.name || '~N'}`;
  return cmp(key(ia), key(ib));
}

const isLocalConfig = (o: JsonMap): boolean => {
  const md = isMap(o.metadata) ? o.metadata : {};
  const ann = isMap(md.annotations) ? md.annotations : {};
  return ann['config.kubernetes.io/local-config'] === 'true';
};

/** Builds the kustomization in `dir`. Throws KustomizeError (kustomize's message) when kustomize would refuse. */
export function kustomize(dir: string, opts: KustomizeOptions = {}): KustomizeResult {
  const warnings: string[] = [];
  const ctx: BuildContext = { warn: (m) => warnings.push(m), maxResources: opts.maxResources ?? 10_000, count: 0 };
  const ldr = Loader.top(opts.fs ?? nodeFs, dir, opts.loadRestrictor !== 'LoadRestrictionsNone');
  const kt = loadKustomization(ldr, ctx.warn);
  let res = accumulateTarget(kt, ldr, [], ctx);
  for (const r of res) {
    if (!r.needsHash) continue;
    storePreviousId(r);
    setName(r, `${nameOf(r.obj)}-${contentHash(r.obj)}`);
    r.needsHash = false;
  }
  fixNameReferences(res);
  res = res.filter((r) => !isLocalConfig(r.obj));
  res.sort(legacyCompare);
  return { objects: res.map((r) => r.obj), sources: res.map((r) => ({ file: r.file, line: r.line })), warnings };
}

/** The text `kubectl kustomize` prints for these objects. */
export function toKustomizeYaml(objects: JsonMap[]): string {
  return objects.map((o) => toYAML(o)).join('---\n');
}

export const isKustomizeError = (e: unknown): e is KustomizeError => e instanceof KustomizeError;
