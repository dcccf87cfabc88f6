// /openapi/v3 (the index of group-versions with their hashes) and /openapi/v3/<api/v1|apis/G/V>, the documents
// built at build time from the upstream 1.32 spec (api/openapi.ts). A request carrying the current `?hash=` is
// immutable (Cache-Control: public, immutable), as upstream serves it; an old hash is redirected to the current
// URL. /openapi/v2 is not served (404): kubectl 1.32 uses v3 for explain, apply and edit, and goes on without v2.
import type { ApiRoute } from './routes.js';
import { notFoundPath } from './status.js';
import { openapiV3Document, openapiV3Index } from '../api/openapi.js';
import { createHash } from 'node:crypto';

export function openapiRoutes(): ApiRoute[] {
  let indexEtag: string | undefined;
  return [
    {
      name: 'openapi-v3',
      matches: (r) => (r.method === 'GET' || r.method === 'HEAD') && /^\/openapi\/v3(\/|$)/.test(r.url.pathname),
      async serve(r, res) {
        const rest = r.url.pathname.replace(/^\/openapi\/v3\/?/, '').replace(/\/+$/, '');
        if (!rest) {
          const body = await openapiV3Index();
          indexEtag ??= `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;
          const h = { 'Content-Type': 'application/json', ETag: indexEtag, 'Cache-Control': 'no-cache, private' };
          if (r.headers['if-none-match'] === indexEtag) return void res.writeHead(304, h).end();
          res.writeHead(200, { ...h, 'Content-Length': body.length });
          return void res.end(r.method === 'HEAD' ? undefined : body);
        }
        const doc = await openapiV3Document(rest);
        if (!doc) throw notFoundPath();
        const hash = r.query.get('hash');
        if (hash && hash !== doc.hash) {
          res.writeHead(301, { Location: `/openapi/v3/${doc.path}?hash=${doc.hash}`, 'Cache-Control': 'no-cache, private' });
          return void res.end();
        }
        const etag = `"${doc.hash}"`;
        const h = {
          'Content-Type': 'application/json',
          ETag: etag,
          'Cache-Control': hash ? 'public, immutable' : 'no-cache, private',
          ...(hash ? { Expires: new Date(Date.now() + 365 * 86_400_000).toUTCString() } : {}),
        };
        if (r.headers['if-none-match'] === etag) return void res.writeHead(304, h).end();
        res.writeHead(200, { ...h, 'Content-Length': doc.body.length });
        res.end(r.method === 'HEAD' ? undefined : doc.body);
      },
    },
  ];
}
