// The non-resource endpoints every client probes first: /version (kubectl version, client-go's discovery) and the
// health checks /healthz, /livez, /readyz (with their `?verbose` form), as upstream answers them.
import type { ServerResponse } from 'node:http';
import type { ApiRequest, ApiRoute } from './routes.js';
import { notFoundPath } from './status.js';

/** The Kubernetes version kctl's API is (the upstream spec its kinds and schemas come from). */
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.4+kctl' } as const;

export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: KUBERNETES_VERSION.gitVersion,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'kctl',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** Sends a JSON body (pretty-printed, as upstream's /version is). */
export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const HEALTH = /^\/(healthz|livez|readyz)(\/[a-z0-9-]+)?\/?$/;
const CHECKS = ['ping', 'log', 'etcd', 'poststarthook/start-kctl-controllers'];

export function systemRoutes(): ApiRoute[] {
  return [
    {
      name: 'version',
      matches: (r) => r.url.pathname === '/version' || r.url.pathname === '/version/',
      async serve(r: ApiRequest, res: ServerResponse) {
        if (r.method !== 'GET' && r.method !== 'HEAD') throw notFoundPath();
        sendJson(res, 200, JSON.stringify(versionInfo(), null, 2));
      },
    },
    {
      name: 'health',
      matches: (r) => HEALTH.test(r.url.pathname),
      async serve(r: ApiRequest, res: ServerResponse) {
        const m = HEALTH.exec(r.url.pathname)!;
        const check = m[2]?.slice(1);
        if (check && !CHECKS.includes(check)) throw notFoundPath();
        let text = 'ok';
        if (!check && r.query.has('verbose'))
          text = `${CHECKS.map((c) => `[+]${c} ok`).join('\n')}\n${m[1]} check passed\n`;
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      },
    },
  ];
}
