// patches / patchesStrategicMerge / patchesJson6902: strategic merge patches (kctl's apply/strategic-merge.ts)
// and RFC 6902 patches (apply/patch.ts), on the resources a target selector picks, as kustomize's
// PatchTransformer picks them.
import { applyJsonPatch } from '../apply/patch.js';
import { applyStrategicPatch } from '../apply/strategic-merge.js';
import { matches } from '../api/labels.js';
import { parseYamlDocuments } from '../manifest/yaml-source.js';
import { KustomizeError, type Loader } from './loader.js';
import { curId, effectiveNs, gvkOf, idString, isMap, nameOf, namespaceOf, storePreviousId, type JsonMap, type Res, type ResId } from './resource.js';

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

const anchored = (re: string | undefined): RegExp | undefined => {
  if (!re) return undefined;
  try {
    return new RegExp(`^(?:${re})$`);
  } catch (e) {
    throw new KustomizeError(`invalid regex in target selector: ${re}: ${(e as Error).message}`);
  }
};

/** kustomize's ResMap.Select: regexes on gvk/name/namespace (original or current), label and annotation selectors. */
export function select(resources: Res[], sel: Selector): Res[] {
  const g = anchored(sel.group);
  const v = anchored(sel.version);
  const k = anchored(sel.kind);
  const n = anchored(sel.name);
  const ns = anchored(sel.namespace);
  return resources.filter((r) => {
    const cur = curId(r);
    const org = r.prevIds[0] ?? cur;
    if (ns && !ns.test(effectiveNs(org.namespace)) && !ns.test(effectiveNs(cur.namespace))) return false;
    if (n && !n.test(org.name) && !n.test(cur.name)) return false;
    const gvk = gvkOf(r.obj);
    if ((g && !g.test(gvk.group)) || (v && !v.test(gvk.version)) || (k && !k.test(gvk.kind))) return false;
    const md = isMap(r.obj.metadata) ? r.obj.metadata : {};
    if (sel.labelSelector && !matches(sel.labelSelector, (md.labels ?? {}) as Record<string, string>)) return false;
    if (sel.annotationSelector && !matches(sel.annotationSelector, (md.annotations ?? {}) as Record<string, string>)) return false;
    return true;
  });
}

/** Resources whose current or any earlier id is `id` (ResMap.GetMatchingResourcesByAnyId). */
export function byAnyId(resources: Res[], id: ResId): Res[] {
  return resources.filter((r) =>
    [...r.prevIds, curId(r)].some(
      (x) =>
        x.gvk.kind === id.gvk.kind &&
        x.gvk.group === id.gvk.group &&
        x.gvk.version === id.gvk.version &&
        x.name === id.name &&
        effectiveNs(x.namespace) === effectiveNs(id.namespace),
    ),
  );
}

/** Parses patch text (YAML or JSON, maybe several documents) with kustomize's YAML 1.2 scalars. */
export function parsePatchDocs(text: string, what: string): unknown[] {
  const { documents, errors } = parseYamlDocuments(text, what, { schema: 'core' });
  if (errors.length) throw new KustomizeError(errors[0]!.message, errors[0]!.source);
  return documents.filter((d) => !d.empty).map((d) => d.value);
}

export interface PatchOptions {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
}

/** Applies one strategic merge patch to a resource; returns false when the patch deletes it ($patch: delete). */
export function applySmp(r: Res, patch: JsonMap, opts: PatchOptions = {}): boolean {
  if (patch.$patch === 'delete') return false;
  const before = { apiVersion: r.obj.apiVersion, kind: r.obj.kind, name: nameOf(r.obj), namespace: namespaceOf(r.obj) };
  const p: JsonMap = { ...patch };
  if (!opts.allowKindChange) {
    delete p.kind;
    delete p.apiVersion;
  }
  let result: JsonMap;
  try {
    result = applyStrategicPatch(r.obj, p, { kind: String(r.obj.kind) });
  } catch (e) {
    throw new KustomizeError((e as Error).message);
  }
  const md = isMap(result.metadata) ? result.metadata : (result.metadata = {}) as JsonMap;
  if (!opts.allowNameChange || md.name === undefined) md.name = before.name;
  if (before.namespace && md.namespace === undefined) md.namespace = before.namespace;
  if (nameOf(result) !== before.name) storePreviousId(r);
  r.obj = result;
  return true;
}

export function applyJson6902(r: Res, ops: unknown, source: string): void {
  storePreviousId(r);
  try {
    r.obj = applyJsonPatch(r.obj, ops) as JsonMap;
  } catch (e) {
    throw new KustomizeError(`${(e as Error).message} ${source}`.trim());
  }
  // the last prevId is the unchanged current id when the patch renamed nothing; harmless, as upstream
}

export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: Selector;
  options?: PatchOptions;
}

/** One `patches` entry (kustomize's PatchTransformer). Returns the resources left (a patch may delete some). */
export function runPatch(resources: Res[], ldr: Loader, entry: PatchEntry): Res[] {
  const inline = typeof entry.patch === 'string' ? entry.patch.trim() : '';
  const path = typeof entry.path === 'string' ? entry.path : '';
  if (!inline && !path) throw new KustomizeError(`must specify one of patch and path in\n${entry.target ? 'target: ...' : ''}`);
  if (inline && path) throw new KustomizeError(`patch and path can't be set at the same time`);
  let text = inline;
  let source = `[patch: ${JSON.stringify(inline)}]`;
  if (path) {
    try {
      text = ldr.loadText(path);
    } catch (e) {
      throw new KustomizeError(`trouble configuring builtin PatchTransformer with config: \`\npath: ${path}\n\`: failed to get the patch file from path(${path}): ${(e as Error).message}`);
    }
    source = `[path: ${JSON.stringify(path)}]`;
  }
  const docs = parsePatchDocs(text, path ? ldr.abs(path) : 'patch');
  if (docs.length === 0) throw new KustomizeError(`unable to parse SM or JSON patch from ${source}`);
  if (Array.isArray(docs[0])) {
    if (!entry.target) throw new KustomizeError(`must specify a target for JSON patch ${source}`);
    for (const r of select(resources, entry.target)) applyJson6902(r, docs[0], '');
    return resources;
  }
  const patches = docs.filter(isMap);
  if (patches.length !== docs.length) throw new KustomizeError(`unable to parse SM or JSON patch from ${source}`);
  const deleted = new Set<Res>();
  if (entry.target) {
    if (patches.length > 1) {
      throw new KustomizeError(`Multiple Strategic-Merge Patches in one \`patches\` entry is not allowed to set \`patches.target\` field: ${source}`);
    }
    for (const r of select(resources, entry.target)) if (!applySmp(r, patches[0]!, entry.options)) deleted.add(r);
  } else {
    for (const p of patches) {
      const id = patchId(p);
      const targets = byAnyId(resources, id).filter((r) => !deleted.has(r));
      if (targets.length !== 1) {
        const s = idString(id);
        throw new KustomizeError(
          targets.length === 0
            ? `no resource matches strategic merge patch "${s}": no matches for Id ${s}; failed to find unique target for patch ${s}`
            : `no resource matches strategic merge patch "${s}": multiple matches for Id ${s}; failed to find unique target for patch ${s}`,
        );
      }
      if (!applySmp(targets[0]!, p, entry.options)) deleted.add(targets[0]!);
    }
  }
  return deleted.size ? resources.filter((r) => !deleted.has(r)) : resources;
}

function patchId(p: JsonMap): ResId {
  return { gvk: gvkOf(p), name: nameOf(p), namespace: namespaceOf(p) };
}

/** `patchesStrategicMerge`: each entry a file, or inline YAML when no such file exists. */
export function runPatchesStrategicMerge(resources: Res[], ldr: Loader, entries: string[]): Res[] {
  for (const e of entries) {
    let text = e;
    let path: string | undefined;
    if (!e.includes('\n') && ldr.fs.kind(ldr.abs(e)) !== undefined) {
      text = ldr.loadText(e);
      path = e;
    } else if (!e.includes('\n') && !/^\s*[{[]/.test(e) && !e.includes(':')) {
      // a name that is no file and no YAML: kustomize's message for the missing file
      ldr.loadText(e);
    }
    const patches = parsePatchDocs(text, path ? ldr.abs(path) : 'patch').filter(isMap);
    resources = runPatch(resources, ldr, { patch: patches.map((p) => JSON.stringify(p)).join('\n---\n') });
  }
  return resources;
}

/** `patchesJson6902`: {target, path|patch}. */
export function runPatchesJson6902(resources: Res[], ldr: Loader, entries: JsonMap[]): Res[] {
  for (const e of entries) {
    const target = isMap(e.target) ? (e.target as Selector) : undefined;
    if (!target) throw new KustomizeError('must specify the target field in patchesJson6902');
    const text = typeof e.path === 'string' ? ldr.loadText(e.path) : typeof e.patch === 'string' ? e.patch : '';
    const docs = parsePatchDocs(text, typeof e.path === 'string' ? ldr.abs(e.path) : 'patch');
    if (!Array.isArray(docs[0])) throw new KustomizeError(`unable to parse JSON patch${typeof e.path === 'string' ? ` from ${e.path}` : ''}`);
    for (const r of select(resources, target)) applyJson6902(r, docs[0], '');
  }
  return resources;
}
