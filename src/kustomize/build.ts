// One kustomization built as kustomize's KustTarget builds it: resources (files, bases), generators,
// components, then the transformers in kustomize's fixed order. Errors carry kustomize's wording and nesting.
import { parseYamlDocuments } from '../manifest/yaml-source.js';
import { generateConfigMap, generateSecret, mergeOptions, type GeneratorArgs, type GeneratorOptions } from './generators.js';
import { list, loadKustomization, stringMap, strings, type Kustomization } from './kustomization.js';
import { KustomizeError, type Loader } from './loader.js';
import { runPatch, runPatchesJson6902, runPatchesStrategicMerge, byAnyId, type PatchEntry } from './patches.js';
import { runReplacements } from './replacements.js';
import { curId, effectiveNs, idString, isClusterScoped, isMap, type JsonMap, type Res } from './resource.js';
import {
  affixTransform,
  annotationsTransform,
  commonLabelsTransform,
  imagesTransform,
  labelTransform,
  namespaceTransform,
  replicasTransform,
  type ImageArgs,
} from './transformers.js';

export interface BuildContext {
  warn: (msg: string) => void;
  /** at most this many resources in one build */
  maxResources: number;
  count: number;
}

const idKey = (r: Res): string => {
  const id = curId(r);
  return `${id.gvk.group}|${id.gvk.version}|${id.gvk.kind}|${id.name}|${isClusterScoped(id.gvk) ? '' : effectiveNs(id.namespace)}`;
};

/** Appends, refusing a second resource with an id already present (kustomize's AppendAll). */
function appendAll(into: Res[], more: Res[], ctx: BuildContext): void {
  const keys = new Set(into.map(idKey));
  for (const r of more) {
    const k = idKey(r);
    if (keys.has(k)) throw new KustomizeError(`may not add resource with an already registered id: ${idString(curId(r))}`);
    keys.add(k);
    into.push(r);
    if (++ctx.count > ctx.maxResources) throw new KustomizeError(`more than ${ctx.maxResources} resources: refusing to build further`);
  }
}

/** Reads a resource file: every document an object (Lists flattened), each with its file and line. */
export function readResources(ldr: Loader, rel: string): Res[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(rel)) {
    const real = ldr.evalSymlinks(rel);
    if (ldr.fs.kind(real) === 'dir') throw new KustomizeError(`'${real}' must resolve to a file`);
  }
  const abs = ldr.filePath(rel);
  const text = ldr.loadText(rel);
  const { documents, errors } = parseYamlDocuments(text, abs, { schema: 'core' });
  if (errors.length) throw new KustomizeError(errors[0]!.message, errors[0]!.source);
  const out: Res[] = [];
  for (const doc of documents) {
    if (doc.empty) continue;
    const pos = doc.locate([]);
    const source = pos ? `${abs}:${pos.line}:${pos.col}` : abs;
    const add = (v: unknown): void => {
      if (!isMap(v)) throw new KustomizeError(`expected a Kubernetes object (a mapping), got ${Array.isArray(v) ? 'a sequence' : typeof v}`, source);
      if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
        for (const it of v.items) add(it);
        return;
      }
      if (typeof v.kind !== 'string' || v.kind === '') throw new KustomizeError(`missing kind in object ${JSON.stringify(v).slice(0, 120)}`, source);
      const md = isMap(v.metadata) ? v.metadata : undefined;
      if (!md || typeof md.name !== 'string' || md.name === '') {
        // kustomize lets a nameless object through only when it has generateName... and kctl could not apply it
        throw new KustomizeError(`missing metadata.name in object ${v.kind}`, source);
      }
      out.push({ obj: v, prevIds: [], prefixes: [], suffixes: [], needsHash: false, file: abs, line: pos?.line });
    };
    add(doc.value);
  }
  return out;
}

function accumulateResources(ra: Res[], kt: Kustomization, ldr: Loader, ctx: BuildContext): void {
  for (const path of strings(kt.k, 'resources')) {
    let errF: Error;
    try {
      appendAll(ra, readResources(ldr, path), ctx);
      continue;
    } catch (e) {
      if (/^remote resources/.test((e as Error).message)) throw e;
      if ((e as KustomizeError).source) throw e; // malformed YAML or a bad object: report it where it is
      const m = (e as Error).message;
      errF = new KustomizeError(
        m.startsWith('may not add') ? `merging resources from '${path}': ${m}` : `accumulating resources from '${path}': ${m}`,
      );
    }
    let child: Loader;
    try {
      child = ldr.child(path);
    } catch (e) {
      throw new KustomizeError(`accumulation err='${errF.message}': ${(e as Error).message}`);
    }
    try {
      const sub = accumulateDirectory(child, false, [], ctx);
      appendAll(ra, sub, ctx);
    } catch (e) {
      throw new KustomizeError(`accumulation err='${errF.message}': ${(e as Error).message}`, (e as KustomizeError).source);
    }
  }
}

function accumulateDirectory(ldr: Loader, isComponent: boolean, ra: Res[], ctx: BuildContext): Res[] {
  let kt: Kustomization;
  try {
    kt = loadKustomization(ldr, ctx.warn);
  } catch (e) {
    throw new KustomizeError(`couldn't make target for path '${ldr.root}': ${(e as Error).message}`, (e as KustomizeError).source);
  }
  if (isComponent && !kt.isComponent) {
    throw new KustomizeError(`expected kind 'Component' for path '${ldr.root}' but got '${String(kt.k.kind ?? 'Kustomization')}'`);
  }
  if (!isComponent && kt.isComponent) throw new KustomizeError(`expected kind != 'Component' for path '${ldr.root}'`);
  try {
    return accumulateTarget(kt, ldr, ra, ctx);
  } catch (e) {
    throw new KustomizeError(`recursed accumulation of path '${ldr.root}': ${(e as Error).message}`, (e as KustomizeError).source);
  }
}

/** Absorbs a generated object: create adds it; merge/replace fold it into the one it names. */
function absorb(ra: Res[], g: Res, ctx: BuildContext): void {
  const behavior = g.behavior ?? 'create';
  delete g.behavior;
  if (behavior === 'create') {
    appendAll(ra, [g], ctx);
    return;
  }
  if (behavior !== 'merge' && behavior !== 'replace') throw new KustomizeError(`invalid generator behavior: ${behavior}`);
  const id = curId(g);
  const olds = byAnyId(ra, id);
  if (olds.length !== 1) {
    throw new KustomizeError(
      olds.length === 0
        ? `merging from generator: id ${idString(id)} does not exist; cannot merge or replace`
        : `merging from generator: id ${idString(id)} matches more than one resource; cannot merge or replace`,
    );
  }
  const old = olds[0]!;
  const om = (old.obj.metadata ?? {}) as JsonMap;
  const gm = (g.obj.metadata ?? {}) as JsonMap;
  const labels = { ...(om.labels as JsonMap), ...(gm.labels as JsonMap) };
  const annotations = { ...(om.annotations as JsonMap), ...(gm.annotations as JsonMap) };
  const md: JsonMap = { ...gm, name: om.name };
  if (om.namespace !== undefined) md.namespace = om.namespace;
  else delete md.namespace;
  if (Object.keys(labels).length) md.labels = labels;
  if (Object.keys(annotations).length) md.annotations = annotations;
  const obj: JsonMap = { ...g.obj, metadata: md };
  if (behavior === 'merge') {
    for (const f of ['data', 'binaryData']) {
      const merged = { ...(old.obj[f] as JsonMap), ...(g.obj[f] as JsonMap) };
      if (Object.keys(merged).length) obj[f] = merged;
    }
  }
  old.obj = obj;
  old.needsHash = g.needsHash;
}

function runGenerators(ra: Res[], kt: Kustomization, ldr: Loader, ctx: BuildContext): void {
  const global = isMap(kt.k.generatorOptions) ? (kt.k.generatorOptions as GeneratorOptions) : undefined;
  for (const [field, gen] of [
    ['configMapGenerator', generateConfigMap],
    ['secretGenerator', generateSecret],
  ] as const) {
    for (const a of list(kt.k, field)) {
      const args = { ...(a as GeneratorArgs) };
      args.options = mergeOptions(isMap(a.options) ? (a.options as GeneratorOptions) : undefined, global);
      if (args.options) {
        args.options = { ...args.options, labels: args.options.labels && stringMap(args.options.labels), annotations: args.options.annotations && stringMap(args.options.annotations) };
      }
      absorb(ra, gen(ldr, args, kt.file), ctx);
    }
  }
}

function runTransformers(ra: Res[], kt: Kustomization, ldr: Loader): Res[] {
  const k = kt.k;
  let res = ra;
  const psm = strings(k, 'patchesStrategicMerge');
  if (psm.length) res = runPatchesStrategicMerge(res, ldr, psm);
  for (const p of list(k, 'patches')) res = runPatch(res, ldr, p as PatchEntry);
  if (typeof k.namespace === 'string' && k.namespace) namespaceTransform(res, k.namespace);
  const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
  const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
  if (prefix) affixTransform(res, prefix, '');
  if (suffix) affixTransform(res, '', suffix);
  for (const l of list(k, 'labels')) {
    labelTransform(res, {
      pairs: stringMap(l.pairs),
      includeSelectors: l.includeSelectors === true,
      includeTemplates: l.includeTemplates === true,
      fields: Array.isArray(l.fields) ? (l.fields.filter(isMap) as never) : [],
    });
  }
  if (isMap(k.commonLabels) && Object.keys(k.commonLabels).length) commonLabelsTransform(res, stringMap(k.commonLabels));
  if (isMap(k.commonAnnotations) && Object.keys(k.commonAnnotations).length) annotationsTransform(res, stringMap(k.commonAnnotations));
  const pj = list(k, 'patchesJson6902');
  if (pj.length) res = runPatchesJson6902(res, ldr, pj);
  for (const r of list(k, 'replicas')) {
    if (typeof r.name !== 'string') throw new KustomizeError('replicas: each entry needs a name');
    replicasTransform(res, { name: r.name, count: Number(r.count ?? 0) });
  }
  for (const img of list(k, 'images')) {
    if (typeof img.name !== 'string') throw new KustomizeError('images: each entry needs a name');
    imagesTransform(res, {
      name: img.name,
      newName: img.newName === undefined ? undefined : String(img.newName),
      newTag: img.newTag === undefined ? undefined : String(img.newTag),
      digest: img.digest === undefined ? undefined : String(img.digest),
      tagSuffix: img.tagSuffix === undefined ? undefined : String(img.tagSuffix),
    } satisfies ImageArgs);
  }
  const reps = list(k, 'replacements');
  if (reps.length) runReplacements(res, ldr, reps);
  return res;
}

export function accumulateTarget(kt: Kustomization, ldr: Loader, ra: Res[], ctx: BuildContext): Res[] {
  try {
    accumulateResources(ra, kt, ldr, ctx);
  } catch (e) {
    throw new KustomizeError(`accumulating resources: ${(e as Error).message}`, (e as KustomizeError).source);
  }
  runGenerators(ra, kt, ldr, ctx);
  for (const path of strings(kt.k, 'components')) {
    let child: Loader;
    try {
      child = ldr.child(path);
    } catch (e) {
      throw new KustomizeError(`accumulating components: loader.New ${JSON.stringify((e as Error).message)}`);
    }
    try {
      ra = accumulateDirectory(child, true, ra, ctx);
    } catch (e) {
      throw new KustomizeError(`accumulating components: accumulateDirectory: ${JSON.stringify((e as Error).message)}`, (e as KustomizeError).source);
    }
  }
  return runTransformers(ra, kt, ldr);
}
