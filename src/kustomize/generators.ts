// configMapGenerator / secretGenerator (kustomize api/kv and generators) and the content-hash name suffix
// (api/hasher), computed byte for byte as kustomize computes it.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { goJson } from '../apply/json.js';
import { KustomizeError, type Loader } from './loader.js';
import { isMap, nameOf, type JsonMap, type Res } from './resource.js';

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

/** Bounds on what generators may produce: a kustomization cannot make kctl build gigabytes. */
export const GENERATOR_LIMITS = { maxKeys: 10_000, maxBytes: 8 * 1024 * 1024 } as const;

/** kustomize's MergeGlobalOptionsIntoLocal: local wins; labels and annotations merge. */
export function mergeOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions | undefined {
  if (!global) return local;
  if (!local) return { ...global };
  return {
    labels: global.labels || local.labels ? { ...global.labels, ...local.labels } : undefined,
    annotations: global.annotations || local.annotations ? { ...global.annotations, ...local.annotations } : undefined,
    disableNameSuffixHash: local.disableNameSuffixHash || global.disableNameSuffixHash,
    immutable: local.immutable || global.immutable,
  };
}

const removeQuotes = (s: string): string =>
  s.length >= 2 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") ? s.slice(1, -1) : s;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function envPairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    line = line.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    // kubectl's kustomize validates neither env names nor keys here
    const key = eq < 0 ? line : line.slice(0, eq);
    out.push([key, eq < 0 ? '' : line.slice(eq + 1)]);
  });
  return out;
}

const isUtf8 = (b: Buffer): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

/** The pairs of a generator in kustomize's order: env files, then literals, then files. */
function loadPairs(ldr: Loader, args: GeneratorArgs): [string, Buffer | string][] {
  const pairs: [string, Buffer | string][] = [];
  const envs = [...(args.envs ?? []), ...(args.env ? [args.env] : [])];
  const kv = (what: string, list: string[], fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      throw new KustomizeError(`loading KV pairs: ${what}${what.endsWith('sources') ? ' ' : ': '}[${list.join(' ')}]: ${(e as Error).message}`);
    }
  };
  kv('env source files', envs, () => {
    for (const e of envs) pairs.push(...envPairs(ldr.loadText(e)));
  });
  const literals = args.literals ?? [];
  kv('literal sources', literals, () => {
    for (const lit of literals) {
      const eq = lit.indexOf('=');
      if (eq <= 0) throw new KustomizeError(`invalid literal source ${lit}, expected key=value`);
      pairs.push([lit.slice(0, eq), removeQuotes(lit.slice(eq + 1))]);
    }
  });
  const files = args.files ?? [];
  kv('file sources', files, () => {
    for (const f of files) {
      const eq = f.indexOf('=');
      let key: string;
      let path: string;
      if (eq < 0) {
        path = f;
        key = basename(f);
      } else {
        key = f.slice(0, eq);
        path = f.slice(eq + 1);
        if (key === '') throw new KustomizeError(`key name for file path ${path} missing`);
        if (path === '') throw new KustomizeError(`file path for key name ${key} missing`);
      }
      pairs.push([key, ldr.loadBytes(path)]);
    }
  });
  return pairs;
}

/** kustomize's secret encoding: base64 in lines of 70, each ending in a newline once there are 70 or more. */
function wrappedBase64(buf: Buffer): string {
  const b64 = buf.toString('base64');
  if (b64.length < 70) return b64;
  let out = '';
  for (let i = 0; i < b64.length; i += 70) out += `${b64.slice(i, i + 70)}\n`;
  return out;
}

function makeData(ldr: Loader, args: GeneratorArgs, what: 'configmap' | 'secret'): { data: JsonMap; binary: JsonMap } {
  const data: JsonMap = {};
  const binary: JsonMap = {};
  let bytes = 0;
  const pairs = loadPairs(ldr, args);
  if (pairs.length > GENERATOR_LIMITS.maxKeys) throw new KustomizeError(`${what} ${args.name}: more than ${GENERATOR_LIMITS.maxKeys} keys`);
  for (const [key, value] of pairs) {
    const buf = typeof value === 'string' ? Buffer.from(value) : value;
    bytes += buf.length;
    if (bytes > GENERATOR_LIMITS.maxBytes) throw new KustomizeError(`${what} ${args.name}: data larger than ${GENERATOR_LIMITS.maxBytes / 1024 / 1024} MiB`);
    if (!CONFIG_KEY.test(key)) {
      throw new KustomizeError(
        `"${key}" is not a valid key name for a ${what === 'configmap' ? 'ConfigMap' : 'Secret'}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      );
    }
    if (key in data || key in binary) throw new KustomizeError(`${what} ${args.name} illegally repeats the key \`${key}\``);
    if (what === 'secret') data[key] = wrappedBase64(buf);
    else if (typeof value === 'string' || isUtf8(buf)) data[key] = buf.toString('utf8');
    else binary[key] = buf.toString('base64');
  }
  return { data, binary };
}

function baseObject(kind: 'ConfigMap' | 'Secret', args: GeneratorArgs): JsonMap {
  const metadata: JsonMap = { name: args.name ?? '' };
  if (args.namespace) metadata.namespace = args.namespace;
  const o = args.options;
  if (o?.labels && Object.keys(o.labels).length) metadata.labels = { ...o.labels };
  if (o?.annotations && Object.keys(o.annotations).length) metadata.annotations = { ...o.annotations };
  return { apiVersion: 'v1', kind, metadata };
}

function finish(obj: JsonMap, args: GeneratorArgs, file: string): Res {
  if (args.options?.immutable) obj.immutable = true;
  return {
    obj,
    prevIds: [],
    prefixes: [],
    suffixes: [],
    needsHash: !args.options?.disableNameSuffixHash,
    behavior: args.behavior ?? 'create',
    file,
  };
}

export function generateConfigMap(ldr: Loader, args: GeneratorArgs, file: string): Res {
  if (!args.name) throw new KustomizeError('a configmap must have a name');
  const obj = baseObject('ConfigMap', args);
  const { data, binary } = makeData(ldr, args, 'configmap');
  if (Object.keys(data).length) obj.data = data;
  if (Object.keys(binary).length) obj.binaryData = binary;
  return finish(obj, args, file);
}

export function generateSecret(ldr: Loader, args: GeneratorArgs, file: string): Res {
  if (!args.name) throw new KustomizeError('a secret must have a name');
  const obj = baseObject('Secret', args);
  const { data } = makeData(ldr, args, 'secret');
  if (Object.keys(data).length) obj.data = data;
  obj.type = args.type || 'Opaque';
  return finish(obj, args, file);
}

function encode(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' })[c]!);
}

const mapOr = (v: unknown): unknown => (isMap(v) ? v : '');

/**
 * The suffix kustomize appends: sha256 of a small JSON document, first 10 hex digits with vowels and
 * look-alike digits swapped. (Upstream looks the name up with a path that never matches, so the name is
 * always "" in it; kept, or every hash would differ.)
 */
export function contentHash(obj: JsonMap): string {
  if (obj.kind === 'ConfigMap') {
    const m: JsonMap = { kind: 'ConfigMap', name: '', data: mapOr(obj.data) };
    if (isMap(obj.binaryData)) m.binaryData = obj.binaryData;
    return encode(goJson(m));
  }
  if (obj.kind === 'Secret') {
    const m: JsonMap = { kind: 'Secret', type: typeof obj.type === 'string' ? obj.type : '', name: '', data: mapOr(obj.data) };
    if (isMap(obj.stringData)) m.stringData = obj.stringData;
    return encode(goJson(m));
  }
  return encode(goJson(obj));
}

export const hashedName = (r: Res): string => `${nameOf(r.obj)}-${contentHash(r.obj)}`;
