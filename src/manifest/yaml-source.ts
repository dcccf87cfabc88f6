// YAML text → plain JSON-like values, one per document, each with a way to find the line:col of any field.
// This is the only module that loads the `yaml` package, and it loads it lazily (on the first parse), so
// CLI paths that never read a manifest do not pay for it. JSON is parsed here too (JSON is YAML), so
// positions work for .json files as well.
//
// Semantics follow kubectl (sigs.k8s.io/yaml over go-yaml v2, i.e. YAML 1.1 scalars): `yes`/`no`/`on`/`off`/
// `y`/`n` are booleans, `0644` is octal (420), timestamps stay strings, `<<` merge keys are resolved.
// Hostile input is refused with one-line ManifestErrors whose source is "file:line:col".
import * as YamlLib from 'yaml';
import { ManifestError } from '../util/errors.js';
import { formatSource, type Position } from './positions.js';

type Yaml = typeof YamlLib;
type YNode = YamlLib.Node;
type YDoc = YamlLib.Document.Parsed;

const MiB = 1024 * 1024;

/** Limits on what a manifest may cost. Exceeding one is an error, never a crash or a hang. */
export const MANIFEST_LIMITS = {
  /** a file (or stdin) bigger than this is refused before parsing */
  maxFileBytes: 8 * MiB,
  /** one document bigger than this is refused */
  maxDocumentBytes: 3 * MiB,
  /** YAML alias expansions allowed per document (the `yaml` package's maxAliasCount); stops "billion laughs" */
  maxAliasCount: 100,
  /** nesting of mappings/sequences; Kubernetes objects are far shallower */
  maxDepth: 256,
  /**
   * Nodes (and string characters) a document with aliases may expand to. maxAliasCount weighs nesting, not
   * size: a 1 MiB anchor used 100 times passes it, so the expanded size is capped as well.
   */
  maxExpandedNodes: 1_000_000,
  maxExpandedChars: 32 * MiB,
} as const;

/** The `yaml` module. This file is reached only through dynamic imports (verbs that read manifests), and the
 *  bundle inlines `yaml` into that chunk: one file to load instead of its ~60 CommonJS modules. */
function yaml(): Yaml {
  return YamlLib;
}

const mib = (n: number): string => `${n / MiB} MiB`;

/** One document of a YAML stream, parsed. Exactly one of error / value applies; `empty` documents carry neither. */
export interface ParseOptions {
  /** kubectl --validate=false reads YAML with sigs.k8s.io/yaml's lenient decoder: a repeated key's last value wins */
  allowDuplicateKeys?: boolean;
  /** 'yaml-1.1' (default): kubectl's go-yaml v2 scalars; 'core': YAML 1.2 core scalars (`yes` is a string), as
   *  kustomize's kyaml (go-yaml v3) reads its inputs */
  schema?: 'yaml-1.1' | 'core';
}

export interface ParsedDocument {
  /** 0-based index of the document in its file */
  index: number;
  /** true for a document with no content (only comments, `---` alone, or `null`) */
  empty: boolean;
  /** plain JSON value (objects, arrays, strings, numbers, booleans, null), not sharing references */
  value?: unknown;
  error?: ManifestError;
  /**
   * Position of the value at `segments` (relative to this document's root): the value node; the key when
   * the value is empty; the nearest existing ancestor when the path does not exist.
   */
  locate(segments: readonly (string | number)[]): Position | undefined;
}

const ALLOWED_TAGS = new Set([
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:merge',
]);

/**
 * YAML 1.1 scalars as go-yaml v2 resolves them, minus what Kubernetes never sees: no timestamps (they stay
 * strings), no sexagesimal `1:20` numbers, no !!binary/!!set/!!omap/!!pairs (explicit uses are rejected as
 * unsupported tags).
 */
function kubeTags(tags: YamlLib.Tags): YamlLib.Tags {
  return tags.filter((t) => typeof t !== 'string' && ALLOWED_TAGS.has(t.tag) && (t as { format?: string }).format !== 'TIME');
}

interface Ctx {
  text: string;
  file: string;
  lc: YamlLib.LineCounter;
}

const pos = (ctx: Ctx, offset: number): Position => ctx.lc.linePos(offset);
const err = (ctx: Ctx, offset: number, message: string, cause?: unknown): ManifestError =>
  new ManifestError(message, formatSource(ctx.file, pos(ctx, offset)), cause);

/** First line only, no trailing period: yaml's messages are sentences, ours are one-line clauses. */
function oneLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/\s*at line \d+, column \d+:?\s*$/, '').replace(/\.$/, '');
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/**
 * Something left open (a quote, a `[`) is noticed at the end of the input or at the next `---`, which may be
 * a line past the end of the file; point just after the last content instead, where the closer is missing.
 */
function errorOffset(text: string, offset: number): number {
  const rest = text.slice(offset, offset + 4);
  const atEnd = text.slice(offset).trim() === '';
  const atMarker = (offset === 0 || text[offset - 1] === '\n') && /^(---|\.\.\.)(\s|$)/.test(rest);
  if (!atEnd && !atMarker) return offset;
  let i = Math.min(offset, text.length) - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i < 0 ? offset : i + 1;
}

/**
 * Cheap guard against `[[[[…` bombs: the yaml parser is linear but slow on millions of nested flow
 * collections and its composer recurses. A naive bracket count (strings included) is an upper bound; only
 * when it is exceeded do we lex properly (quotes and comments respected) to get the true flow depth.
 */
function flowDepthViolation(text: string, Lexer: Yaml['Lexer'], max: number): number | undefined {
  let depth = 0;
  let naive = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > naive) naive = depth;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  if (naive <= max) return undefined;
  depth = 0;
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '[' || tok === '{') {
      if (++depth > max) return offset;
    } else if (tok === ']' || tok === '}') depth--;
    // lexer control tokens (document start, flow end, scalar marker) occupy no source text
    if (!(tok.length === 1 && (tok === '\x02' || tok === '\x18' || tok === '\x1f'))) offset += tok.length;
  }
  return undefined;
}

/** Parses a YAML (or JSON) stream into documents. Never throws for bad input. */
export function parseYamlDocuments(text: string, file: string, opts: ParseOptions = {}): { documents: ParsedDocument[]; errors: ManifestError[] } {
  const Y = yaml();
  const lc = new Y.LineCounter();
  const ctx: Ctx = { text, file, lc };

  const deep = flowDepthViolation(text, Y.Lexer, MANIFEST_LIMITS.maxDepth);
  if (deep !== undefined) {
    const before = text.slice(0, deep);
    const line = before.split('\n').length;
    const col = deep - before.lastIndexOf('\n');
    return {
      documents: [],
      errors: [new ManifestError(`nesting is deeper than ${MANIFEST_LIMITS.maxDepth} levels`, formatSource(file, { line, col }))],
    };
  }

  let docs: YDoc[];
  try {
    docs = Y.parseAllDocuments(text, {
      schema: opts.schema ?? 'yaml-1.1',
      customTags: kubeTags,
      // explicit !!binary/!!timestamp/!!set/... would otherwise resolve even though the schema lacks them
      resolveKnownTags: false,
      merge: true,
      // yaml's own duplicate check is quadratic in the number of keys; checkNodes does it in linear time
      uniqueKeys: false,
      lineCounter: lc,
      prettyErrors: false,
      strict: true,
    }) as YDoc[];
  } catch (e) {
    // the parser reports problems as document errors; a throw is a bug or exhaustion (stack, memory)
    return { documents: [], errors: [new ManifestError(`cannot parse: ${oneLine(String((e as Error)?.message ?? e))}`, formatSource(file), e)] };
  }

  const documents: ParsedDocument[] = [];
  const errors: ManifestError[] = [];
  docs.forEach((doc, index) => {
    const locate = (segments: readonly (string | number)[]): Position | undefined => {
      const off = locateOffset(Y, doc, segments);
      return off === undefined ? undefined : pos(ctx, off);
    };
    const result = composeDocument(Y, ctx, doc, index, opts);
    const pd: ParsedDocument = { index, empty: result === EMPTY, locate };
    if (result instanceof ManifestError) {
      pd.error = result;
      errors.push(result);
    } else if (result !== EMPTY) pd.value = result.value;
    documents.push(pd);
  });
  return { documents, errors };
}

const EMPTY = Symbol('empty');

function composeDocument(Y: Yaml, ctx: Ctx, doc: YDoc, index: number, opts: ParseOptions): ManifestError | typeof EMPTY | { value: unknown } {
  const [start, , end] = doc.range;
  const docStart = doc.contents?.range[0] ?? start;

  // size: chars are a lower bound on UTF-8 bytes, and at most a third of them
  const chars = end - start;
  if (chars * 3 > MANIFEST_LIMITS.maxDocumentBytes && Buffer.byteLength(ctx.text.slice(start, end)) > MANIFEST_LIMITS.maxDocumentBytes) {
    return err(ctx, docStart, `document ${index + 1} is larger than ${mib(MANIFEST_LIMITS.maxDocumentBytes)}`);
  }

  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const m = oneLine(e.message);
    if (/call stack/i.test(m)) return err(ctx, e.pos[0], `nesting is too deep`);
    return err(ctx, errorOffset(ctx.text, e.pos[0]), `syntax error: ${lowerFirst(m)}`);
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') {
      const tag = ctx.text.slice(w.pos[0], w.pos[1]).trim() || oneLine(w.message).replace(/^Unresolved tag:\s*/, '');
      return err(ctx, w.pos[0], `unsupported YAML tag "${tag}" (only standard tags such as !!str and !!int are accepted)`);
    }
  }

  if (doc.contents === null) return EMPTY;
  const check = checkNodes(Y, ctx, doc.contents, opts);
  if (check.error) return check.error;

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MANIFEST_LIMITS.maxAliasCount });
  } catch (e) {
    const m = oneLine(String((e as Error)?.message ?? e));
    if (/alias/i.test(m) && /exhaustion|excessive/i.test(m)) {
      return err(
        ctx,
        check.firstAlias ?? docStart,
        `too many YAML alias expansions (more than ${MANIFEST_LIMITS.maxAliasCount}): refusing a possible alias bomb ("billion laughs")`,
        e,
      );
    }
    if (/call stack/i.test(m)) return err(ctx, docStart, 'nesting is too deep', e);
    if (/merge/i.test(m)) return err(ctx, check.firstAlias ?? docStart, `invalid merge key "<<": ${lowerFirst(m)}`, e);
    return err(ctx, docStart, `cannot read document: ${lowerFirst(m)}`, e);
  }
  if (value === null || value === undefined) return EMPTY;
  // aliases make toJS share one object between places; later in-place edits (defaulting) must not leak.
  // Copying expands every alias, so it is also where the expanded size is measured (and capped).
  if (check.firstAlias !== undefined) {
    const copy = expandWithinBudget(value);
    if (copy === undefined) {
      return err(
        ctx,
        check.firstAlias,
        `YAML aliases expand this document beyond ${MANIFEST_LIMITS.maxExpandedNodes} nodes or ${mib(MANIFEST_LIMITS.maxExpandedChars)}: refusing a possible alias bomb`,
      );
    }
    value = copy;
  }
  return { value };
}

class OverBudget extends Error {}

/** A deep copy (JSON round trip) that gives up, returning undefined, once the expanded size passes the limits. */
function expandWithinBudget(value: unknown): unknown {
  let nodes = 0;
  let chars = 0;
  try {
    const json = JSON.stringify(value, (_key, v: unknown) => {
      nodes++;
      if (typeof v === 'string') chars += v.length;
      if (nodes > MANIFEST_LIMITS.maxExpandedNodes || chars > MANIFEST_LIMITS.maxExpandedChars) throw new OverBudget();
      return v;
    });
    return JSON.parse(json) as unknown;
  } catch (e) {
    if (e instanceof OverBudget) return undefined;
    throw e;
  }
}

/**
 * One linear walk over the document's nodes (aliases are not followed, so bombs cost nothing here):
 * duplicate keys, non-scalar or null keys, .inf/.nan, nesting depth. Iterative, so depth cannot overflow.
 */
function checkNodes(Y: Yaml, ctx: Ctx, root: YNode, opts: ParseOptions): { error?: ManifestError; firstAlias?: number } {
  let firstAlias: number | undefined;
  // anchors defined so far, in document order; a collection's anchor counts only once the collection is done
  const anchors = new Set<string>();
  type Entry = { node: YNode; depth: number } | { done: string };
  const stack: Entry[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if ('done' in entry) {
      anchors.add(entry.done);
      continue;
    }
    const { node, depth } = entry;
    const at = node.range?.[0] ?? 0;
    if (Y.isAlias(node)) {
      if (!anchors.has(node.source)) {
        return { error: err(ctx, at, `unknown alias "*${node.source}" (its anchor must be defined before it, outside the aliased node)`) };
      }
      if (firstAlias === undefined || at < firstAlias) firstAlias = at;
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (Y.isScalar(node)) {
      if (anchor) anchors.add(anchor);
      if (typeof node.value === 'number' && !Number.isFinite(node.value)) {
        const src = ctx.text.slice(node.range![0], node.range![1]);
        return { error: err(ctx, at, `unsupported value ${src}: not representable in JSON`) };
      }
      continue;
    }
    if (depth > MANIFEST_LIMITS.maxDepth) return { error: err(ctx, at, `nesting is deeper than ${MANIFEST_LIMITS.maxDepth} levels`) };
    const children: YNode[] = [];
    if (Y.isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as YNode | null;
        const keyAt = key?.range?.[0] ?? at;
        if (Y.isAlias(key)) return { error: err(ctx, keyAt, 'an alias cannot be used as a mapping key') };
        if (!Y.isScalar(key)) return { error: err(ctx, keyAt, 'mapping keys must be strings (found a complex key)') };
        if (key.anchor) anchors.add(key.anchor);
        if (typeof key.value !== 'symbol') {
          // merge keys (`<<`, a symbol here) may repeat; any other key may not
          if (key.value === null || key.value === undefined) return { error: err(ctx, keyAt, 'mapping key is empty (null)') };
          const name = String(key.value);
          if (seen.has(name) && !opts.allowDuplicateKeys) return { error: err(ctx, keyAt, `duplicate key ${JSON.stringify(name)}`) };
          seen.add(name);
        }
        if (pair.value) children.push(pair.value as YNode);
      }
    } else if (Y.isSeq(node)) {
      for (const item of node.items) if (item) children.push(item as YNode);
    }
    if (anchor) stack.push({ done: anchor });
    // reverse so the earliest problem in the text is reported first
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: depth + 1 });
  }
  return firstAlias === undefined ? {} : { firstAlias };
}

/** Key of a parsed map pair as it appears in the JSON value (`y:` is the boolean key "true", as in kubectl). */
function keyName(Y: Yaml, key: unknown): string | symbol | undefined {
  if (!Y.isScalar(key)) return undefined;
  return typeof key.value === 'symbol' ? key.value : String(key.value);
}

function isEmptyValue(Y: Yaml, node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return Y.isScalar(node) && node.value === null && (node.range ? node.range[0] === node.range[1] : true);
}

type Found = { kind: 'node'; node: YNode } | { kind: 'emptyValue'; keyNode: YNode };

/** Finds `name` in a map, looking through `<<` merge sources (earlier sources win, as in YAML merge). */
function findInMap(Y: Yaml, doc: YDoc, map: YamlLib.YAMLMap, name: string, guard: number): Found | undefined {
  for (const pair of map.items) {
    if (keyName(Y, pair.key) !== name) continue;
    if (isEmptyValue(Y, pair.value)) return { kind: 'emptyValue', keyNode: pair.key as YNode };
    return { kind: 'node', node: pair.value as YNode };
  }
  if (guard > 16) return undefined;
  for (const pair of map.items) {
    if (typeof keyName(Y, pair.key) !== 'symbol') continue;
    const sources = Y.isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const s of sources) {
      const target = Y.isAlias(s) ? s.resolve(doc) : s;
      if (Y.isMap(target)) {
        const hit = findInMap(Y, doc, target, name, guard + 1);
        if (hit) return hit;
      }
    }
  }
  return undefined;
}

function locateOffset(Y: Yaml, doc: YDoc, segments: readonly (string | number)[]): number | undefined {
  const root = doc.contents as YNode | null;
  if (!root) return doc.range[0];
  let node: YNode = root;
  let offset = root.range?.[0];
  for (let i = 0; i < segments.length; i++) {
    // step into the anchored node when the path goes through an alias
    let cur: YNode | undefined = node;
    for (let hops = 0; cur && Y.isAlias(cur) && hops < 16; hops++) cur = cur.resolve(doc) as YNode | undefined;
    if (!cur) break;
    const seg = segments[i]!;
    let found: Found | undefined;
    if (Y.isMap(cur)) {
      found = findInMap(Y, doc, cur, String(seg), 0);
    } else if (Y.isSeq(cur)) {
      const idx = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
      const item = Number.isInteger(idx) ? cur.items[idx] : undefined;
      if (item !== undefined && item !== null) found = { kind: 'node', node: item as YNode };
    }
    if (!found) break; // the path does not exist: the nearest existing ancestor it is
    if (found.kind === 'emptyValue') return found.keyNode.range?.[0] ?? offset;
    node = found.node;
    offset = node.range?.[0] ?? offset;
  }
  return offset;
}
