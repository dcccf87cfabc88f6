// The object endpoints: /api/v1/..., /apis/G/V/... for every kind of api/kinds.ts — GET (one object or a
// list: labelSelector, fieldSelector, limit/continue, resourceVersion), POST, PUT, PATCH, DELETE (one or a
// collection), the status and scale subresources; watch (watch.ts). Each handler decodes, calls the shared
// operation (store + object-semantics, api/validate, apply/patch) and encodes: no rule lives here.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../api/types.js';
import { KctlError } from '../util/errors.js';
import type { ApiRequest, ApiRoute, ApiServerDeps } from './routes.js';
import { asServed, includeObjectOf, methodNotAllowed, selectorMatcher, sendObject, sendRendered, statusTarget, targetOf, type RestContext, type Target } from './rest-common.js';
import { negotiate } from './negotiate.js';
import { partialObjectMetadata, toTable } from './table.js';
import { badRequest, expired, notFoundPath, statusFromError } from './status.js';
import { isTrue } from './request-info.js';
import { hasSubresource } from './discovery.js';
import { createObject, deleteCollection, deleteObject, patchObjectRequest, updateObject } from './rest-write.js';
import { scaleOf } from '../api/scale.js';
import { isVirtual } from '../api/kinds.js';
import { serveWatch, WatchHub } from './watch.js';

const refOf = (t: Target, name = t.name) =>
  t.storage.namespaced ? { resource: t.storage.plural, namespace: t.namespace!, name } : { resource: t.storage.plural, name };

// ---- list paging: continue = base64 JSON {rv, start} (upstream's token has the same parts)

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

const encodeContinue = (rv: number, lastKey: string): string =>
  Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64url');

async function list(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  const how = negotiate(r.headers.accept, { list: true });
  const match = selectorMatcher(t, r.query);
  const limit = Number(r.query.get('limit') ?? 0);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: ${r.query.get('limit')}`);
  const cont = r.query.get('continue');
  const rvParam = r.query.get('resourceVersion');
  const rvMatch = r.query.get('resourceVersionMatch');
  if (cont && rvParam) throw badRequest('specifying resource version is not allowed when using continue');
  if (rvMatch && !rvParam) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  const { items, resourceVersion } = await ctx.store.list(t.storage.plural, t.namespace ? { namespace: t.namespace } : {});
  if (rvMatch === 'Exact' && rvParam !== resourceVersion)
    throw expired(`too old resource version: ${rvParam} (${resourceVersion})`);
  let selected = items.filter(match);
  let start: string | undefined;
  if (cont) start = decodeContinue(cont).start;
  if (start !== undefined) selected = selected.filter((o) => keyOf(o) >= start!);
  let next: string | undefined;
  let remaining: number | undefined;
  if (limit > 0 && selected.length > limit) {
    remaining = selected.length - limit;
    selected = selected.slice(0, limit);
    next = encodeContinue(Number(resourceVersion), keyOf(selected[selected.length - 1]!));
  }
  const metadata: Record<string, unknown> = { resourceVersion };
  if (next) {
    metadata.continue = next;
    metadata.remainingItemCount = remaining;
  }
  const served = selected.map((o) => asServed(t, o));
  if (how.as === 'Table')
    return sendObject(res, 200, toTable(t.ki.kind, served, { now: ctx.clock.now(), include: includeObjectOf(r), version: how.version, metadata }));
  if (how.as === 'PartialObjectMetadata')
    return sendObject(res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${how.version}`,
      metadata,
      items: served.map((o) => partialObjectMetadata(o, `meta.k8s.io/${how.version}`)),
    });
  sendObject(res, 200, { kind: `${t.ki.kind}List`, apiVersion: t.ki.group ? `${t.ki.group}/${t.ki.version}` : t.ki.version, metadata, items: served });
}

async function get(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  const obj = asServed(t, await ctx.store.get(refOf(t)));
  if (t.subresource === 'scale') return sendObject(res, 200, scaleOf(obj));
  sendRendered(ctx, r, res, t, obj);
}

/** Checks the path is one this route serves, with the namespace the kind needs. */
function checkShape(t: Target, r: ApiRequest): void {
  if (t.subresource && !(t.subresource === 'status' || t.subresource === 'scale') ) throw notFoundPath();
  if (t.subresource && !hasSubresource(t.ki, t.subresource)) throw notFoundPath();
  if (t.ki.namespaced && !t.namespace && t.name && t.ki.kind !== 'Namespace') throw notFoundPath();
  if (!t.ki.namespaced && t.namespace) throw notFoundPath();
  if (r.info.parts.length > 3) throw notFoundPath();
}

export function restRoute(deps: ApiServerDeps): ApiRoute {
  const hub = new WatchHub(deps.store, deps.log);
  const ctx: RestContext = { store: deps.store, clock: deps.clock, watch: (r, res, t) => serveWatch({ ...ctx, hub }, r, res, t) };
  return {
    name: 'rest',
    close: () => hub.close(),
    matches: (r) => r.info.isResourceRequest,
    longRunning: (r) => r.info.verb === 'watch' || isTrue(r.query.get('watch')),
    async serve(r, res) {
      const t = targetOf(r);
      if (!t) throw notFoundPath();
      checkShape(t, r);
      const verb = r.info.verb === 'list' && isTrue(r.query.get('watch')) ? 'watch' : r.info.verb;
      const allowed = t.ki.verbs;
      const need = t.subresource ? (verb === 'create' ? 'create' : 'get') : verb;
      if (!t.subresource && !allowed.includes(need)) methodNotAllowed(t, verb);
      if (isVirtual(t.ki) && !t.subresource) methodNotAllowed(t, verb);
      try {
        switch (verb) {
          case 'get':
            return await get(ctx, r, res, t);
          case 'list':
            return await list(ctx, r, res, t);
          case 'watch':
            if (!ctx.watch) throw notFoundPath();
            return await ctx.watch(r, res, t);
          case 'create':
            if (t.subresource) throw notFoundPath();
            return await createObject(ctx, r, res, t);
          case 'update':
            return await updateObject(ctx, r, res, t);
          case 'patch':
            return await patchObjectRequest(ctx, r, res, t);
          case 'delete':
            if (t.subresource) methodNotAllowed(t, verb);
            return await deleteObject(ctx, r, res, t);
          case 'deletecollection':
            return await deleteCollection(ctx, r, res, t);
          default:
            methodNotAllowed(t, verb);
        }
      } catch (e) {
        if (e instanceof KctlError) throw statusFromError(e, statusTarget(t));
        throw e;
      }
    },
  };
}
