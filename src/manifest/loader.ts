// The resource builder's file half (kubectl cli-runtime `pkg/resource` visitors): expands `-f FILE|DIR|-`
// (repeatable, `-R` to recurse), reads files and stdin, splits multi-document YAML, flattens Lists and tags
// every object with where it came from, so any later error can say `web.yaml:9:7: ...`.
//
// Nothing here validates schemas: the CLI runs api/validate.ts per object and then `attachPositions`.
// Errors are collected, not thrown: one bad file or document does not hide the others.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { KubeObject, Sourced } from '../api/types.js';
import { KctlError, ManifestError, type FieldError } from '../util/errors.js';
import { displayName, formatSource, parseFieldPath, type Position } from './positions.js';
import { KUSTOMIZE_MARK } from './kustomize-mark.js';
import { MANIFEST_LIMITS, parseYamlDocuments, type ParsedDocument } from './yaml-source.js';

export { formatSource, parseFieldPath, displayName, type Position } from './positions.js';
export { MANIFEST_LIMITS } from './yaml-source.js';

export { KUSTOMIZE_MARK } from './kustomize-mark.js';

export interface LoadOptions {
  /** `-f` values in order: files, directories, or `-` for stdin */
  filenames: string[];
  /** `-R`: also read subdirectories of directories named with -f */
  recursive?: boolean;
  /** where `-` reads from; a stream (process.stdin) or a function returning the whole text */
  stdin?: NodeJS.ReadableStream | (() => Promise<string>);
  /** relative paths resolve against this (default: the process's working directory); messages print them as typed */
  cwd?: string;
  /** --validate=false: a repeated mapping key's last value wins instead of an error */
  allowDuplicateKeys?: boolean;
  /** where `-k`'s deprecation warnings go (kustomize prints them on stderr) */
  warn?: (message: string) => void;
}

export interface LoadResult {
  objects: Sourced<KubeObject>[];
  errors: KctlError[];
}

/** Extensions read from directories (kubectl's FileExtensions); a file named explicitly may have any. */
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MiB = 1024 * 1024;

/** Reads every manifest named by `-f` and returns the objects in order, plus every problem found. */
export async function loadManifests(opts: LoadOptions): Promise<LoadResult> {
  const objects: Sourced<KubeObject>[] = [];
  const errors: KctlError[] = [];
  const add = (r: LoadResult): void => {
    // loops, not push(...xs): a file of many tiny documents could exceed the argument limit
    for (const o of r.objects) objects.push(o);
    for (const e of r.errors) errors.push(e);
  };
  let stdinRead = false;

  for (const name of opts.filenames) {
    if (name === '-') {
      if (stdinRead) continue; // stdin can only be read once; a second `-f -` adds nothing
      stdinRead = true;
      const text = await readStdin(opts.stdin);
      if (text instanceof KctlError) errors.push(text);
      else add(parseManifestText(text, '-', opts));
      continue;
    }
    if (name.startsWith(KUSTOMIZE_MARK)) {
      add(await loadKustomization(name.slice(KUSTOMIZE_MARK.length), opts));
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) {
      errors.push(new ManifestError(`reading manifests from a URL is not supported: "${name}" (download it and pass the file)`));
      continue;
    }
    const { files, errors: walkErrors } = await expandPath(name, opts.cwd ? resolve(opts.cwd, name) : resolve(name), opts.recursive ?? false);
    errors.push(...walkErrors);
    for (const f of files) {
      const text = await readManifestFile(f.abs, f.display);
      if (text instanceof KctlError) errors.push(text);
      else add(parseManifestText(text, f.display, opts));
    }
  }
  return { objects, errors };
}

/** `-k DIR`: builds the kustomization (src/kustomize) and tags each object with its resource file and line. */
async function loadKustomization(dir: string, opts: LoadOptions): Promise<LoadResult> {
  const { kustomize, KustomizeError } = await import('../kustomize/index.js');
  const base = opts.cwd ?? process.cwd();
  try {
    const built = kustomize(resolve(base, dir));
    for (const w of built.warnings) opts.warn?.(w);
    const objects = built.objects.map((object, i): Sourced<KubeObject> => {
      const src = built.sources[i]!;
      const file = src.file ? relativeDisplay(base, src.file) : dir;
      const pos = src.line ? { line: src.line, col: 1 } : undefined;
      return { object: object as unknown as KubeObject, source: `${displayName(file)}#${i}`, file, positionOf: () => pos };
    });
    return { objects, errors: [] };
  } catch (e) {
    if (!(e instanceof KustomizeError)) throw e;
    const source = e.source ? relativeSource(base, e.source) : undefined;
    return { objects: [], errors: [new ManifestError(e.message, source, e)] };
  }
}

/** A path under the working directory prints relative to it (as the user would type it); others absolute. */
function relativeDisplay(base: string, abs: string): string {
  const rel = relative(base, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
function relativeSource(base: string, source: string): string {
  const m = /^(.*?)((?::\d+)*)$/.exec(source)!;
  return relativeDisplay(base, m[1]!) + m[2]!;
}

interface FoundFile {
  /** as the user would write it: the -f value, or join(-f dir, relative name) */
  display: string;
  abs: string;
}

/** kubectl's ExpandPathsToFileVisitors: a file as is; a directory's *.yaml|*.yml|*.json by name, -R to descend. */
async function expandPath(display: string, abs: string, recursive: boolean): Promise<{ files: FoundFile[]; errors: KctlError[] }> {
  const files: FoundFile[] = [];
  const errors: KctlError[] = [];
  let st;
  try {
    st = await stat(abs);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') errors.push(new ManifestError(`the path "${display}" does not exist`));
    else errors.push(fsError(display, e));
    return { files, errors };
  }
  if (!st.isDirectory()) return { files: [{ display, abs }], errors };
  const walk = async (dispDir: string, absDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(absDir, { withFileTypes: true });
    } catch (e) {
      errors.push(fsError(dispDir, e));
      return;
    }
    // byte-wise name order, like Go's filepath.Walk; files and subdirectories interleave
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const d = join(dispDir, ent.name);
      const a = join(absDir, ent.name);
      if (ent.isDirectory()) {
        if (recursive) await walk(d, a);
      } else if (MANIFEST_EXTENSIONS.has(extname(ent.name))) {
        files.push({ display: d, abs: a });
      }
    }
  };
  await walk(display, abs);
  return { files, errors };
}

async function readManifestFile(abs: string, display: string): Promise<string | KctlError> {
  try {
    const st = await stat(abs);
    if (st.isDirectory()) return new ManifestError('is a directory, not a manifest file', formatSource(display));
    if (st.size > MANIFEST_LIMITS.maxFileBytes) return tooBig(display);
    const buf = await readFile(abs);
    if (buf.length > MANIFEST_LIMITS.maxFileBytes) return tooBig(display);
    return decodeText(buf, display);
  } catch (e) {
    return fsError(display, e);
  }
}

async function readStdin(src: LoadOptions['stdin']): Promise<string | KctlError> {
  if (!src) return new ManifestError('reading from stdin ("-f -") is not available here');
  try {
    if (typeof src === 'function') return await src();
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of src as AsyncIterable<Buffer | string>) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += b.length;
      if (total > MANIFEST_LIMITS.maxFileBytes) return tooBig('-');
      chunks.push(b);
    }
    return decodeText(Buffer.concat(chunks), '-');
  } catch (e) {
    return new ManifestError(`cannot read: ${(e as Error)?.message ?? String(e)}`, formatSource('-'), e);
  }
}

const tooBig = (file: string): ManifestError =>
  new ManifestError(`file is larger than ${MANIFEST_LIMITS.maxFileBytes / MiB} MiB`, formatSource(file));

const binary = (file: string, why = 'binary data'): ManifestError => new ManifestError(`not a text file (${why})`, formatSource(file));

/** Bytes → text: UTF-8 (BOM optional) or UTF-16 with a BOM, as kubectl's FileVisitor accepts; anything else is binary. */
function decodeText(buf: Buffer, file: string): string | KctlError {
  let encoding = 'utf-8';
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) encoding = 'utf-16le';
  else if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) encoding = 'utf-16be';
  else if (buf.includes(0)) return binary(file);
  try {
    // TextDecoder drops the BOM itself
    return new TextDecoder(encoding, { fatal: true }).decode(buf);
  } catch {
    return binary(file, encoding === 'utf-8' ? 'invalid UTF-8' : `invalid ${encoding.toUpperCase()}`);
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function fsError(display: string, e: unknown): KctlError {
  const code = errno(e);
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'ELOOP'
          ? 'too many levels of symbolic links'
          : ((e as Error)?.message ?? String(e));
  return new ManifestError(`cannot read: ${why}`, formatSource(display), e);
}

// C0 controls other than TAB, LF, CR, plus DEL: YAML does not allow them raw (kubectl: "control characters are not allowed")
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/**
 * Parses one manifest text (a file's content, stdin, or an edited buffer for `kctl edit`). `file` is how
 * messages name it (`-` prints as STDIN). Never throws for bad input.
 */
export function parseManifestText(text: string, file: string, opts: { allowDuplicateKeys?: boolean } = {}): LoadResult {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\0')) return { objects: [], errors: [binary(file)] };
  if (text.length > MANIFEST_LIMITS.maxFileBytes || Buffer.byteLength(text) > MANIFEST_LIMITS.maxFileBytes) {
    return { objects: [], errors: [tooBig(file)] };
  }
  const ctl = CONTROL.exec(text);
  if (ctl) {
    const before = text.slice(0, ctl.index);
    const line = before.split('\n').length;
    const col = ctl.index - before.lastIndexOf('\n');
    const code = ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return { objects: [], errors: [new ManifestError(`control characters are not allowed (U+${code})`, formatSource(file, { line, col }))] };
  }

  const { documents, errors } = parseYamlDocuments(text, file, { allowDuplicateKeys: opts.allowDuplicateKeys });
  const result: LoadResult = { objects: [], errors: [...errors] };
  for (const doc of documents) {
    if (doc.error || doc.empty) continue;
    collectObjects(doc, doc.value, [], file, result, 0);
  }
  return result;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a sequence';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/** kubectl prints the whole object in this message; keep it to one readable line. */
function compactJson(v: unknown, max = 200): string {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

const isList = (o: Record<string, unknown>): boolean =>
  o.kind === 'List' || (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items));

/** Checks one value is an object with apiVersion and kind; flattens Lists (recursively) into their items. */
function collectObjects(doc: ParsedDocument, value: unknown, prefix: (string | number)[], file: string, out: LoadResult, depth: number): void {
  const at = (segs: (string | number)[]): string => formatSource(file, doc.locate([...prefix, ...segs]));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    out.errors.push(new ManifestError(`expected a Kubernetes object (a mapping), got ${describeValue(value)}`, at([])));
    return;
  }
  const obj = value as Record<string, unknown>;
  if (obj.kind === undefined || obj.kind === null || obj.kind === '') {
    out.errors.push(new ManifestError(`Object 'Kind' is missing in '${compactJson(obj)}'`, at([])));
    return;
  }
  if (typeof obj.kind !== 'string') {
    out.errors.push(new ManifestError(`kind must be a string, got ${describeValue(obj.kind)}`, at(['kind'])));
    return;
  }
  if (obj.apiVersion === undefined || obj.apiVersion === null || obj.apiVersion === '') {
    out.errors.push(new ManifestError(`Object 'apiVersion' is missing in '${compactJson(obj)}'`, at([])));
    return;
  }
  if (typeof obj.apiVersion !== 'string') {
    out.errors.push(new ManifestError(`apiVersion must be a string, got ${describeValue(obj.apiVersion)}`, at(['apiVersion'])));
    return;
  }
  if (isList(obj) && depth < 8) {
    const items = obj.items;
    if (items === undefined || items === null) return;
    if (!Array.isArray(items)) {
      out.errors.push(new ManifestError(`items of a ${obj.kind} must be a sequence, got ${describeValue(items)}`, at(['items'])));
      return;
    }
    // typed lists (PodList from the API) may omit each item's apiVersion/kind; kubectl fills them from the list
    const itemKind = obj.kind === 'List' ? undefined : obj.kind.slice(0, -'List'.length);
    items.forEach((item, i) => {
      if (itemKind && item && typeof item === 'object' && !Array.isArray(item)) {
        const it = item as Record<string, unknown>;
        if (it.kind === undefined && it.apiVersion === undefined) {
          it.apiVersion = obj.apiVersion;
          it.kind = itemKind;
        }
      }
      collectObjects(doc, item, [...prefix, 'items', i], file, out, depth + 1);
    });
    return;
  }
  const base = [...prefix];
  out.objects.push({
    object: obj as unknown as KubeObject,
    source: `${displayName(file)}#${doc.index}`,
    file,
    positionOf: (segments) => doc.locate([...base, ...segments]),
  });
}

/**
 * Returns copies of `errors` with `source` = "file:line:col" of each field (from `segments`, or parsed from
 * `path` when segments are absent). Errors that already carry a source keep it.
 */
export function attachPositions(errors: FieldError[], sourced: Sourced<unknown>): FieldError[] {
  return errors.map((fe) => {
    if (fe.source) return { ...fe };
    const segments = fe.segments ?? parseFieldPath(fe.path);
    return { ...fe, source: formatSource(sourced.file, sourced.positionOf(segments)) };
  });
}

/** "file:line:col" of a field of a loaded object (the object itself for no segments): for ad-hoc error sources. */
export function sourceAt(sourced: Sourced<unknown>, segments: (string | number)[] = []): string {
  return formatSource(sourced.file, sourced.positionOf(segments));
}
