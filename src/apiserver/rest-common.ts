// Shared by the object handlers: which kind a request path names, body decoding, JSON/Table encoding, the
// Warning header.
import type { ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { KINDS, apiVersionOf, qualifiedResource, type KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import type { ApiRequest } from './routes.js';
import { badRequest, statusError, unsupportedMediaType, type StatusTarget } from './status.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { matches as labelsMatch, parseSelector } from '../api/labels.js';
import { fieldSelectorMatcher } from '../api/field-selector.js';
import { negotiate } from './negotiate.js';
import { partialObjectMetadata, toTable, type IncludeObject } from './table.js';

export interface Target {
  /** the row the URL names (its group/version) */
  ki: KindInfo;
  /** the row whose storage serves it (itself, or the storage version for an alias such as autoscaling/v1 HPA) */
  storage: KindInfo;
  namespace: string | undefined;
  name: string;
  subresource: string;
}

/** The kind a resource request names, or undefined (not a resource kctl serves). */
export function targetOf(r: ApiRequest): Target | undefined {
  const i = r.info;
  if (!i.isResourceRequest) return undefined;
  const ki = KINDS.find((k) => k.group === i.apiGroup && k.version === i.apiVersion && k.plural === i.resource);
  if (!ki) return undefined;
  const storage = KINDS.find((k) => k.plural === ki.plural)!;
  return { ki, storage, namespace: i.namespace || undefined, name: i.name, subresource: i.subresource };
}

export const statusTarget = (t: Target, name?: string): StatusTarget => ({
  group: t.ki.group || undefined,
  resource: t.ki.plural,
  kind: t.ki.kind,
  name: name ?? t.name,
});

/** A served object in the version the request named (an alias row: the storage object relabelled). */
export function asServed<T extends KubeObject>(t: Target, obj: T): T {
  if (t.ki === t.storage) return obj;
  return { ...obj, apiVersion: apiVersionOf(t.ki) };
}

const mediaType = (h: string | undefined): string => (h ?? '').split(';')[0]!.trim().toLowerCase();

/** Parses a JSON (or YAML) request body into an object. */
export async function decodeBody(r: ApiRequest): Promise<unknown> {
  const raw = await r.body();
  const ct = mediaType(r.headers['content-type']);
  const text = raw.toString('utf8');
  if (ct === 'application/yaml' || ct === 'application/apply-patch+yaml') {
    try {
      return parseYaml(text, { version: '1.1' }) as unknown;
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (ct && !ct.endsWith('json') && ct !== '*/*') throw unsupportedMediaType('application/json, application/yaml');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** The body of a create/update: an object of the URL's kind, in the URL's namespace. */
export function decodeObject(t: Target, body: unknown, opts: { name?: string }): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Object \'Kind\' is missing in \'' + JSON.stringify(body) + '\'');
  const obj = body as KubeObject;
  const av = apiVersionOf(t.ki);
  if (obj.kind === undefined || obj.kind === '') obj.kind = t.ki.kind;
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = av;
  if (obj.kind !== t.ki.kind || obj.apiVersion !== av)
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${av})`);
  if (!obj.metadata || typeof obj.metadata !== 'object') (obj as { metadata: unknown }).metadata = {};
  const m = obj.metadata as { namespace?: string; name?: string };
  if (t.ki.namespaced) {
    if (m.namespace && t.namespace && m.namespace !== t.namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (t.namespace) m.namespace = t.namespace;
  }
  if (opts.name !== undefined && m.name !== opts.name) {
    if (m.name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${opts.name})`);
    m.name = opts.name;
  }
  return obj;
}

/** `Warning: 299 - "text"` headers (kubectl prints each as `Warning: text`). */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  if (!warnings.length) return {};
  return { Warning: [...new Set(warnings)].map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`) };
}

export function sendObject(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
    ...warningHeaders(warnings),
  });
  res.end(text);
}

/** 405 for a verb the kind does not serve (upstream's MethodNotAllowed Status). */
export function methodNotAllowed(t: Target, verb: string): never {
  throw statusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {
    ...(t.ki.group ? { group: t.ki.group } : {}),
    kind: t.ki.plural,
    ...(t.name ? { name: t.name } : {}),
  });
  void verb;
}

/** dryRun=All (the only value upstream accepts); anything else is 400. */
export function isDryRun(r: ApiRequest, fromBody?: unknown): boolean {
  const vals = [...r.query.getAll('dryRun'), ...(Array.isArray(fromBody) ? (fromBody as unknown[]).map(String) : [])].filter((v) => v !== '');
  for (const v of vals) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}: supported values: "All"`);
  return vals.length > 0;
}

export const resourceName = (t: Target): string => qualifiedResource(t.ki);

export interface RestContext {
  store: Store;
  clock: Clock;
  /** serves ?watch=true (watch.ts) */
  watch?: (r: ApiRequest, res: ServerResponse, t: Target) => Promise<void>;
}

/** Sends one object as the Accept header asks (JSON, Table, PartialObjectMetadata). */
export function sendRendered(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target, obj: KubeObject, code = 200, warnings: string[] = []): void {
  const how = negotiate(r.headers.accept, { list: false });
  if (how.as === 'Table') {
    const include = includeObjectOf(r);
    return sendObject(res, code, toTable(t.ki.kind, [obj], { now: ctx.clock.now(), include, version: how.version, metadata: { resourceVersion: obj.metadata.resourceVersion } }), warnings);
  }
  if (how.as === 'PartialObjectMetadata') return sendObject(res, code, partialObjectMetadata(obj, `meta.k8s.io/${how.version}`), warnings);
  sendObject(res, code, obj, warnings);
}

export function includeObjectOf(r: ApiRequest): IncludeObject {
  const v = r.query.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
}

export interface ListQuery {
  labelSelector: string | null;
  fieldSelector: string | null;
}

/** The objects a list/watch selects (label and field selectors) — also used by deletecollection and watch. */
export function selectorMatcher(t: Target, q: URLSearchParams): (o: KubeObject) => boolean {
  let sel;
  try {
    sel = parseSelector(q.get('labelSelector') ?? '');
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  let fields: (o: KubeObject) => boolean;
  try {
    fields = fieldSelectorMatcher(t.storage.group, t.storage.plural, q.get('fieldSelector'));
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return (o) => labelsMatch(sel, o.metadata.labels) && fields(o);
}
