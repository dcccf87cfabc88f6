// `replacements` (kustomize's ReplacementTransformer): copy one field of a source object into fields of
// target objects. Field paths are dot-separated, `[key=value]` picks a list element, `*` every element,
// `[a.b/c]` is one key with dots or slashes in it.
import { matches } from '../api/labels.js';
import { KustomizeError, type Loader } from './loader.js';
import { curId, effectiveNs, isMap, type JsonMap, type Res } from './resource.js';
import { parsePatchDocs, type Selector } from './patches.js';

type Sel = Selector;
interface Options {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

function selected(r: Res, s: Sel): boolean {
  const ids = [curId(r), ...r.prevIds];
  const idOk = ids.some(
    (id) =>
      (!s.group || s.group === id.gvk.group) &&
      (!s.version || s.version === id.gvk.version) &&
      (!s.kind || s.kind === id.gvk.kind) &&
      (!s.name || s.name === id.name) &&
      (!s.namespace || effectiveNs(s.namespace) === effectiveNs(id.namespace)),
  );
  if (!idOk) return false;
  const md = isMap(r.obj.metadata) ? r.obj.metadata : {};
  if (s.labelSelector && !matches(s.labelSelector, (md.labels ?? {}) as Record<string, string>)) return false;
  if (s.annotationSelector && !matches(s.annotationSelector, (md.annotations ?? {}) as Record<string, string>)) return false;
  return true;
}

export function splitFieldPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of path) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

/** Every (parent, key) the path reaches; with `create`, missing maps (and the final field) are added. */
function locate(node: unknown, segs: string[], create: boolean, out: [JsonMap | unknown[], string | number][]): void {
  const [seg, ...rest] = segs;
  if (seg === undefined) return;
  const last = rest.length === 0;
  if (Array.isArray(node)) {
    let idx: number[] = [];
    if (seg === '*') idx = node.map((_, i) => i);
    else if (/^\[.+=.*\]$/.test(seg)) {
      const [k, v] = seg.slice(1, -1).split(/=(.*)/s) as [string, string];
      idx = node.flatMap((el, i) => (isMap(el) && String(el[k]) === v ? [i] : []));
    } else if (/^-?\d+$/.test(seg)) idx = [Number(seg)].filter((i) => i >= 0 && i < node.length);
    for (const i of idx) {
      if (last) out.push([node, i]);
      else locate(node[i], rest, create, out);
    }
    return;
  }
  if (!isMap(node)) return;
  const key = seg.startsWith('[') && seg.endsWith(']') && !seg.includes('=') ? seg.slice(1, -1) : seg;
  if (last) {
    if (key in node || create) out.push([node, key]);
    return;
  }
  let next = node[key];
  if (next === undefined || next === null) {
    if (!create) return;
    next = /^\[.+=.*\]$/.test(rest[0]!) || rest[0] === '*' ? [] : {};
    node[key] = next;
  }
  locate(next, rest, create, out);
}

function getValue(obj: JsonMap, path: string): unknown {
  const out: [JsonMap | unknown[], string | number][] = [];
  locate(obj, splitFieldPath(path), false, out);
  if (out.length === 0) return undefined;
  const [p, k] = out[0]!;
  return (p as Record<string | number, unknown>)[k];
}

function withDelimiter(value: unknown, o: Options | undefined): unknown {
  if (!o?.delimiter) return value;
  const parts = String(value).split(o.delimiter);
  const i = o.index ?? 0;
  if (i < 0 || i >= parts.length) throw new KustomizeError(`options.index ${i} is out of bounds for value ${String(value)}`);
  return parts[i];
}

function setTarget(old: unknown, value: unknown, o: Options | undefined): unknown {
  if (!o?.delimiter) return value;
  const parts = old === undefined || old === null ? [] : String(old).split(o.delimiter);
  const i = o.index ?? 0;
  if (i >= parts.length) parts.push(String(value));
  else if (i < 0) parts.unshift(String(value));
  else parts[i] = String(value);
  return parts.join(o.delimiter);
}

export function runReplacements(resources: Res[], ldr: Loader, entries: JsonMap[]): void {
  for (const entry of entries) {
    let reps: JsonMap[] = [entry];
    if (typeof entry.path === 'string') reps = parsePatchDocs(ldr.loadText(entry.path), ldr.abs(entry.path)).filter(isMap);
    for (const rep of reps) runOne(resources, rep);
  }
}

function runOne(resources: Res[], rep: JsonMap): void {
  const source = (isMap(rep.source) ? rep.source : {}) as Sel & { fieldPath?: string; options?: Options };
  const srcs = resources.filter((r) => selected(r, source));
  if (srcs.length > 1) throw new KustomizeError(`multiple matches for selector ${JSON.stringify(source)}`);
  if (srcs.length === 0) throw new KustomizeError(`nothing selected by ${JSON.stringify(source)}`);
  const fieldPath = source.fieldPath || 'metadata.name';
  let value = getValue(srcs[0]!.obj, fieldPath);
  if (value === undefined) throw new KustomizeError(`fieldPath \`${fieldPath}\` is missing for replacement source ${JSON.stringify(source)}`);
  value = withDelimiter(value, source.options);
  const targets = Array.isArray(rep.targets) ? rep.targets.filter(isMap) : [];
  for (const t of targets) {
    const sel = (isMap(t.select) ? t.select : {}) as Sel;
    const rejects = (Array.isArray(t.reject) ? t.reject.filter(isMap) : []) as Sel[];
    const opts = (isMap(t.options) ? t.options : undefined) as Options | undefined;
    const paths = Array.isArray(t.fieldPaths) ? t.fieldPaths.map(String) : ['metadata.name'];
    for (const r of resources) {
      if (!selected(r, sel) || rejects.some((x) => selected(r, x))) continue;
      for (const fp of paths) {
        const out: [JsonMap | unknown[], string | number][] = [];
        locate(r.obj, splitFieldPath(fp), opts?.create ?? false, out);
        if (out.length === 0 && !opts?.create) {
          throw new KustomizeError(`unable to find field "${fp}" in replacement target`);
        }
        for (const [p, k] of out) {
          const cell = p as Record<string | number, unknown>;
          cell[k] = structuredClone(setTarget(cell[k], value, opts));
        }
      }
    }
  }
}
