// The HTTPS layer: client-certificate authentication, anonymous access, limits, certificates reused.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, issueForeignClient, type Pki } from '../../../src/apiserver/pki.js';
import { ApiServer } from '../../../src/apiserver/server.js';
import { systemRoutes } from '../../../src/apiserver/system-routes.js';
import type { ApiRoute } from '../../../src/apiserver/routes.js';
import { apiCall } from '../../helpers/api-client.js';

let dir: string;
let pki: Pki;
let server: ApiServer;
let port: number;
let release: (() => void) | undefined;

const echo: ApiRoute = {
  name: 'echo',
  matches: (r) => r.url.pathname.startsWith('/api/'),
  async serve(r, res) {
    if (r.url.pathname === '/api/slow') await new Promise<void>((resolve) => (release = resolve));
    const body = await r.body();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ user: r.user, bytes: body.length, verb: r.info.verb }));
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kctl-apiserver-'));
  pki = await ensurePki(join(dir, 'pki'));
  server = new ApiServer({
    tls: { cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca.cert },
    routes: [...systemRoutes(), echo],
    limits: { maxReadOnlyInFlight: 1, maxBodyBytes: 1024 },
  });
  port = await server.listen(0);
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const admin = () => ({ port, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });

describe('ApiServer', () => {
  it('serves /version, /healthz, /livez, /readyz to anonymous clients', async () => {
    const v = await apiCall({ port, ca: pki.ca.cert, path: '/version' });
    expect(v.status).toBe(200);
    expect(v.json()).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4+kctl' });
    for (const p of ['/healthz', '/livez', '/readyz', '/readyz/ping']) {
      const h = await apiCall({ port, ca: pki.ca.cert, path: p });
      expect([p, h.status, h.text]).toEqual([p, 200, 'ok']);
    }
  });

  it('answers anonymous requests elsewhere with a 401 Status', async () => {
    const r = await apiCall({ port, ca: pki.ca.cert, path: '/api/v1/pods' });
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('authenticates the admin client certificate (CN user, O groups)', async () => {
    const r = await apiCall({ ...admin(), path: '/api/v1/namespaces/default/pods' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ user: { name: 'kctl-admin', groups: ['system:masters', 'system:authenticated'] }, bytes: 0, verb: 'list' });
  });

  it('refuses a certificate from another CA at the TLS layer (no HTTP answer)', async () => {
    const other = await issueForeignClient();
    await expect(apiCall({ port, ca: pki.ca.cert, cert: other.client.cert, key: other.client.key, path: '/version' })).rejects.toThrow(
      /socket hang up|ECONNRESET|certificate|alert/i,
    );
  });

  it('does not trust a server the client has no CA for', async () => {
    const other = await issueForeignClient();
    await expect(apiCall({ port, ca: other.ca.cert, path: '/version' })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('answers bodies over the limit with 413, by Content-Length or while reading', async () => {
    const big = 'x'.repeat(2000);
    const r = await apiCall({ ...admin(), method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: big });
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413, message: 'Request entity too large: limit is 1024' });
    const chunked = await apiCall({ ...admin(), method: 'POST', path: '/api/x', body: big, headers: { 'Transfer-Encoding': 'chunked' } });
    expect(chunked.status).toBe(413);
    const ok = await apiCall({ ...admin(), method: 'POST', path: '/api/x', body: 'x'.repeat(1000) });
    expect(ok.json()).toMatchObject({ bytes: 1000 });
  });

  it('caps requests in flight: 429 with Retry-After, then serves again', async () => {
    const slow = apiCall({ ...admin(), path: '/api/slow' });
    await expect.poll(() => release !== undefined).toBe(true);
    const r = await apiCall({ ...admin(), path: '/api/v1/pods' });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toMatchObject({ reason: 'TooManyRequests', message: 'Too many requests, please try again later.', details: { retryAfterSeconds: 1 } });
    release!();
    expect((await slow).status).toBe(200);
    expect((await apiCall({ ...admin(), path: '/api/v1/pods' })).status).toBe(200);
  });

  it('unknown paths are a 404 Status', async () => {
    const r = await apiCall({ ...admin(), path: '/nope' });
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource' });
  });

  it('serves TLS for 127.0.0.1 and localhost (SANs)', async () => {
    for (const servername of ['localhost', undefined]) {
      const ok = await new Promise<boolean>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, ca: pki.ca.cert, ...(servername ? { servername } : {}) }, () => {
          resolve(s.authorized);
          s.end();
        });
        s.on('error', reject);
      });
      expect(ok).toBe(true);
    }
  });
});

describe('ensurePki', () => {
  it('keeps keys 0600 and reuses the certificates across restarts', async () => {
    for (const f of ['ca.key', 'apiserver.key', 'admin.key']) expect(statSync(join(dir, 'pki', f)).mode & 0o777).toBe(0o600);
    const again = await ensurePki(join(dir, 'pki'));
    expect(again.ca.cert).toBe(pki.ca.cert);
    expect(again.serving.cert).toBe(pki.serving.cert);
    expect(again.admin.key).toBe(pki.admin.key);
  });

  it('issues a leaf again when it is close to expiry, from the same CA', async () => {
    const later = Date.now() + 340 * 86_400_000; // 25 days before the leaves expire
    const renewed = await ensurePki(join(dir, 'pki'), later);
    expect(renewed.ca.cert).toBe(pki.ca.cert);
    expect(renewed.serving.cert).not.toBe(pki.serving.cert);
  });
});

describe('ApiServer under hostile clients', () => {
  it('1,000 connections that never finish a handshake do not stop it serving', async () => {
    const { connect: tcp } = await import('node:net');
    const idle = await Promise.all(
      Array.from(
        { length: 1000 },
        () =>
          new Promise<import('node:net').Socket>((resolve, reject) => {
            const s = tcp({ host: '127.0.0.1', port }, () => resolve(s));
            s.on('error', reject);
          }),
      ),
    );
    try {
      const r = await apiCall({ ...admin(), path: '/version' });
      expect(r.status).toBe(200);
    } finally {
      for (const s of idle) s.destroy();
    }
  });

  it('a client that sends its headers slowly does not hold up others', async () => {
    const { connect: tlsConnect } = await import('node:tls');
    const slow = tlsConnect({ host: '127.0.0.1', port, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key, servername: 'localhost' });
    await new Promise<void>((r) => slow.once('secureConnect', () => r()));
    slow.write('GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n');
    const r = await apiCall({ ...admin(), path: '/api/v1/pods' });
    expect(r.status).toBe(200);
    slow.destroy();
  });
});
