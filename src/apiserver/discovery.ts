// Discovery, from the kind table (api/kinds.ts) that `kctl api-resources` prints: /api, /apis, /api/v1,
// /apis/GROUP[/VERSION] (APIVersions, APIGroupList, APIGroup, APIResourceList with storageVersionHash), and the
// aggregated documents kubectl asks for first (Accept: application/json;g=apidiscovery.k8s.io;v=v2;
// as=APIGroupDiscoveryList) with an ETag, so its discovery cache revalidates with a 304. Every document is
// computed once: the kinds are fixed for the life of the process.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { KINDS, isPreferredVersion, type KindInfo } from '../api/kinds.js';
import { storageVersionHash } from '../api/storage-version.js';
import type { ApiRequest, ApiRoute } from './routes.js';
import { notFoundPath } from './status.js';

interface SubresourceInfo {
  subresource: string;
  verbs: string[];
  /** the kind it takes and returns (default: the parent's) */
  kind?: { group: string; version: string; kind: string };
}

const STATUS: SubresourceInfo = { subresource: 'status', verbs: ['get', 'patch', 'update'] };
const SCALE: SubresourceInfo = { subresource: 'scale', verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } };

/** Subresources as upstream 1.32 registers them (beyond status, which every kind with hasStatus has). */
const EXTRA_SUBRESOURCES: Readonly<Record<string, SubresourceInfo[]>> = {
  '/pods': [
    { subresource: 'attach', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodAttachOptions' } },
    { subresource: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' } },
    { subresource: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'] },
    { subresource: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } },
    { subresource: 'exec', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' } },
    { subresource: 'log', verbs: ['get'] },
    { subresource: 'portforward', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' } },
  ],
  '/namespaces': [{ subresource: 'finalize', verbs: ['update'] }],
  '/serviceaccounts': [{ subresource: 'token', verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } }],
  'apps/deployments': [SCALE],
  'apps/replicasets': [SCALE],
  'apps/statefulsets': [SCALE],
  '/replicationcontrollers': [SCALE],
};

/** The subresources of a resource, sorted by name (status included when the kind has one). */
export function subresourcesOf(ki: KindInfo): SubresourceInfo[] {
  const out = [...(EXTRA_SUBRESOURCES[`${ki.group}/${ki.plural}`] ?? [])];
  if (ki.hasStatus) out.push(STATUS);
  return out.sort((a, b) => (a.subresource < b.subresource ? -1 : 1));
}

export const hasSubresource = (ki: KindInfo, sub: string): boolean => subresourcesOf(ki).some((s) => s.subresource === sub);

/** The groups in discovery order: core first, then as the kind table lists them (upstream's priority order). */
function groupsInOrder(): { group: string; versions: string[] }[] {
  const out: { group: string; versions: string[] }[] = [];
  for (const ki of KINDS) {
    let g = out.find((x) => x.group === ki.group);
    if (!g) out.push((g = { group: ki.group, versions: [] }));
    if (!g.versions.includes(ki.version)) g.versions.push(ki.version);
  }
  return out;
}

const kindsOf = (group: string, version: string): KindInfo[] => KINDS.filter((k) => k.group === group && k.version === version);

/** The version discovery prefers in a group: the one of the group's first row. */
const preferredVersion = (group: string): string => KINDS.find((k) => k.group === group && isPreferredVersion(k))!.version;

const sortByName = (a: KindInfo, b: KindInfo): number => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0);

export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const kinds = kindsOf(group, version).sort(sortByName);
  if (!kinds.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const ki of kinds) {
    const r: Record<string, unknown> = { name: ki.plural, singularName: ki.singular, namespaced: ki.namespaced, kind: ki.kind, verbs: [...ki.verbs] };
    if (ki.shortNames.length) r.shortNames = [...ki.shortNames];
    if (ki.categories.length) r.categories = [...ki.categories];
    if (ki.verbs.includes('get') || ki.verbs.includes('list')) r.storageVersionHash = storageVersionHash(ki);
    resources.push(r);
    for (const s of subresourcesOf(ki)) {
      const sr: Record<string, unknown> = { name: `${ki.plural}/${s.subresource}`, singularName: '', namespaced: ki.namespaced, kind: s.kind?.kind ?? ki.kind, verbs: s.verbs };
      if (s.kind && s.kind.group !== ki.group) sr.group = s.kind.group;
      if (s.kind && s.kind.version !== ki.version) sr.version = s.kind.version;
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const gv = (v: string) => ({ groupVersion: `${group}/${v}`, version: v });
  return { name: group, versions: versions.map(gv), preferredVersion: gv(preferredVersion(group)) };
}

function orderVersions(group: string, versions: string[]): string[] {
  const p = preferredVersion(group);
  return [p, ...versions.filter((v) => v !== p)];
}

export function apiGroupList(): Record<string, unknown> {
  const groups = groupsInOrder()
    .filter((g) => g.group !== '')
    .map((g) => apiGroup(g.group, orderVersions(g.group, g.versions)));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function resourceDiscovery(ki: KindInfo): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: ki.plural,
    responseKind: { group: ki.group, version: ki.version, kind: ki.kind },
    scope: ki.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: ki.singular,
    verbs: [...ki.verbs],
  };
  if (ki.shortNames.length) r.shortNames = [...ki.shortNames];
  if (ki.categories.length) r.categories = [...ki.categories];
  const subs = subresourcesOf(ki);
  if (subs.length)
    r.subresources = subs.map((s) => ({
      subresource: s.subresource,
      responseKind: s.kind ?? { group: ki.group, version: ki.version, kind: ki.kind },
      verbs: s.verbs,
    }));
  return r;
}

/** The aggregated discovery list of /api (core: true) or /apis. */
export function aggregatedDiscovery(core: boolean): Record<string, unknown> {
  const items = groupsInOrder()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: orderVersions(g.group, g.versions).map((v) => ({
        version: v,
        resources: kindsOf(g.group, v).sort(sortByName).map(resourceDiscovery),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

// ---- content negotiation

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for the aggregated form (v2; v2beta1 is answered as v2's shape is the same). */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'APIGroupDiscoveryList' && params.get('g') === 'apidiscovery.k8s.io') {
      const v = params.get('v');
      if (v === 'v2') return 'v2';
      if (v === 'v2beta1') return 'v2beta1';
    }
  }
  return undefined;
}

interface Doc {
  body: Buffer;
  etag: string;
}

const docOf = (v: unknown): Doc => {
  const body = Buffer.from(JSON.stringify(v));
  return { body, etag: `"${createHash('sha256').update(body).digest('hex').toUpperCase()}"` };
};

/** Sends a cached document with its ETag; a matching If-None-Match gets 304. */
export function sendDoc(req: ApiRequest, res: ServerResponse, doc: Doc, contentType = 'application/json'): void {
  const headers = { 'Content-Type': contentType, ETag: doc.etag, 'Cache-Control': 'public', Vary: 'Accept' };
  if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': doc.body.length });
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

export function discoveryRoutes(): ApiRoute[] {
  const cache = new Map<string, Doc>();
  const cached = (key: string, make: () => unknown): Doc | undefined => {
    let d = cache.get(key);
    if (!d) {
      const v = make();
      if (v === undefined) return undefined;
      cache.set(key, (d = docOf(v)));
    }
    return d;
  };
  return [
    {
      name: 'discovery',
      matches: (r) => !r.info.isResourceRequest && /^\/apis?(\/|$)/.test(r.url.pathname) && (r.method === 'GET' || r.method === 'HEAD'),
      async serve(r, res) {
        const parts = r.url.pathname.replace(/^\/+|\/+$/g, '').split('/');
        const agg = wantsAggregated(r.headers.accept);
        if (parts.length === 1) {
          const core = parts[0] === 'api';
          if (agg) {
            const doc = cached(`agg:${parts[0]}`, () => aggregatedDiscovery(core))!;
            return sendDoc(r, res, doc, agg === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1);
          }
          const host = r.headers.host ?? '127.0.0.1';
          return sendDoc(r, res, core ? cached(`api:${host}`, () => apiVersions(host))! : cached('apis', apiGroupList)!);
        }
        if (parts[0] === 'api' && parts.length === 2) {
          const doc = cached(`api/${parts[1]}`, () => apiResourceList('', parts[1]!));
          if (doc) return sendDoc(r, res, doc);
        }
        if (parts[0] === 'apis' && parts.length === 2) {
          const g = groupsInOrder().find((x) => x.group === parts[1]);
          if (g) return sendDoc(r, res, cached(`apis/${g.group}`, () => ({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.group, orderVersions(g.group, g.versions)) }))!);
        }
        if (parts[0] === 'apis' && parts.length === 3) {
          const doc = cached(`apis/${parts[1]}/${parts[2]}`, () => apiResourceList(parts[1]!, parts[2]!));
          if (doc) return sendDoc(r, res, doc);
        }
        throw notFoundPath();
      },
    },
  ];
}

