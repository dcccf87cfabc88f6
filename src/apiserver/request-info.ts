// What a request path names, as upstream's RequestInfoFactory.NewRequestInfo (k8s.io/apiserver/pkg/endpoints/
// request/requestinfo.go) reads it: /api/{version}/..., /apis/{group}/{version}/..., then
// [namespaces/{namespace}/]{resource}[/{name}[/{subresource}]], the verb from the method (GET without a name is
// list or watch; DELETE without a name is deletecollection). Anything else is a non-resource request
// (/version, /healthz, /openapi/v3, discovery).

export interface RequestInfo {
  isResourceRequest: boolean;
  /** the URL path as sent */
  path: string;
  /** get list watch create update patch delete deletecollection (resource requests); else the lower-case method */
  verb: string;
  /** "api" or "apis" ('' for non-resource requests) */
  apiPrefix: string;
  /** '' for the core group */
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** the path segments from the resource on */
  parts: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Splits a path into its segments, each percent-decoded. */
export function splitPath(path: string): string[] {
  const p = path.replace(/^\/+|\/+$/g, '');
  if (!p) return [];
  return p.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  let cur = splitPath(path);
  if (cur.length < 3 || (cur[0] !== 'api' && cur[0] !== 'apis')) return info;
  const prefix = cur[0]!;
  cur = cur.slice(1);
  if (prefix === 'apis') {
    if (cur.length < 3) return info;
    info.apiGroup = cur[0]!;
    cur = cur.slice(1);
  }
  info.apiPrefix = prefix;
  info.isResourceRequest = true;
  info.apiVersion = cur[0]!;
  cur = cur.slice(1);
  if ((cur[0] === 'watch' || cur[0] === 'proxy') && cur.length >= 2) {
    info.verb = cur[0];
    cur = cur.slice(1);
  } else {
    const byMethod: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
    info.verb = byMethod[method.toUpperCase()] ?? '';
  }
  if (cur[0] === 'namespaces') {
    if (cur.length > 1) {
      info.namespace = cur[1]!;
      if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2]!)) cur = cur.slice(2);
    }
  }
  info.parts = cur;
  if (cur.length >= 3 && info.verb !== 'proxy') info.subresource = cur[2]!;
  if (cur.length >= 2) info.name = cur[1]!;
  if (cur.length >= 1) info.resource = cur[0]!;
  if (!info.name && info.verb === 'get') info.verb = isTrue(query.get('watch')) ? 'watch' : 'list';
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

/** A boolean query parameter as upstream's parameter codec reads it ("true", "1"; "" and absent are false). */
export function isTrue(v: string | null | undefined): boolean {
  return v === 'true' || v === '1' || v === 'True' || v === 'TRUE';
}
