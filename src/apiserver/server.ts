// The HTTPS server of the Kubernetes API, on 127.0.0.1 only. It owns what upstream's generic API server filter
// chain does before a handler runs: TLS with client certificates signed by kctl's CA (a certificate from any
// other CA is refused at the TLS layer; no certificate is anonymous: 401 except /version, /healthz, /livez,
// /readyz), the body limit (3 MiB: 413), the in-flight caps (429 with Retry-After; long-running requests are
// exempt), header/idle/request timeouts. Then it offers the request to its routes (routes.ts) in order.
//
// `node:https` lives here (an edge of the architecture, loopback only).
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../reconcile/logger.js';
import { NOP_LOGGER } from '../reconcile/logger.js';
import { requestInfo } from './request-info.js';
import type { ApiRequest, ApiRoute, UserInfo } from './routes.js';
import {
  ApiStatusError,
  entityTooLarge,
  notFoundPath,
  statusFromError,
  timeoutStatus,
  tooManyRequests,
  unauthorized,
  writeStatus,
} from './status.js';

/** upstream's defaults (kube-apiserver flags and the generic server's constants) */
export const LIMITS = {
  /** MaxRequestBodyBytes: 3 MiB */
  maxBodyBytes: 3 * 1024 * 1024,
  /** --max-requests-inflight */
  maxReadOnlyInFlight: 400,
  /** --max-mutating-requests-inflight */
  maxMutatingInFlight: 200,
  /** --request-timeout */
  requestTimeoutMs: 60_000,
  /** ReadHeaderTimeout */
  headersTimeoutMs: 32_000,
  /** idle keep-alive connections */
  keepAliveTimeoutMs: 90_000,
  /** MaxHeaderBytes */
  maxHeaderBytes: 1 << 20,
  /** open connections (beyond it new ones are closed at once) */
  maxConnections: 4096,
} as const;

export type ApiLimits = { -readonly [K in keyof typeof LIMITS]: number };

/** Paths anonymous clients may read (upstream's system:public-info-viewer). */
const PUBLIC_PATHS = /^\/(version|healthz|livez|readyz)(\/.*)?$/;

export interface ApiServerOptions {
  /** PEM serving certificate and key, and the CA client certificates must chain to */
  tls: { cert: string; key: string; ca: string };
  routes: ApiRoute[];
  /** default 127.0.0.1 */
  host?: string;
  limits?: Partial<ApiLimits>;
  log?: Logger;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The user a verified client certificate names: CN, and O as groups. */
function userOf(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const cn = cert.subject.CN;
  const o = cert.subject.O as string | string[] | undefined;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (!name) return undefined;
  return { name, groups: [...(o === undefined ? [] : Array.isArray(o) ? o : [o]), 'system:authenticated'] };
}

export class ApiServer {
  private readonly opts: ApiServerOptions;
  private readonly limits: ApiLimits;
  private readonly log: Logger;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly abort = new AbortController();
  private inFlight = { readOnly: 0, mutating: 0 };

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    this.limits = { ...LIMITS, ...opts.limits };
    this.log = opts.log ?? NOP_LOGGER;
    // every open request (watches: many) listens for the server stopping
    setMaxListeners(0, this.abort.signal);
  }

  /** Listens on host:port; `port` 0 picks a free one. Resolves with the port. Rejects with EADDRINUSE etc. */
  async listen(port: number): Promise<number> {
    const server = createServer({
      cert: this.opts.tls.cert,
      key: this.opts.tls.key,
      ca: this.opts.tls.ca,
      requestCert: true,
      // a missing certificate is checked per request (anonymous paths); a wrong one is refused below
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      headersTimeout: this.limits.headersTimeoutMs,
      requestTimeout: 0, // per-request deadlines are ours: watches stream for long
      keepAliveTimeout: this.limits.keepAliveTimeoutMs,
      maxHeaderSize: this.limits.maxHeaderBytes,
    });
    server.maxConnections = this.limits.maxConnections;
    server.on('secureConnection', (socket: TLSSocket) => {
      // upstream's tls.VerifyClientCertIfGiven: no certificate is allowed (anonymous), a certificate kctl's CA
      // did not sign is not
      const peer = socket.getPeerCertificate();
      if (!socket.authorized && peer && Object.keys(peer).length > 0) {
        this.log.debug(`apiserver: refused a client certificate: ${String(socket.authorizationError)}`);
        socket.destroy();
      }
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', () => undefined);
    server.on('clientError', (_e, socket: Duplex) => socket.destroy());
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.log.error(`apiserver: ${e.message}`));
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  /** Stops listening, ends open requests and connections, closes the routes. */
  async stop(): Promise<void> {
    this.abort.abort();
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of this.sockets) s.destroy();
      await closed;
    }
    await Promise.all(this.opts.routes.map((r) => r.close?.()));
  }

  private makeRequest(req: IncomingMessage, signal: AbortSignal): ApiRequest {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const user = userOf(req.socket as TLSSocket) ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    const limit = this.limits.maxBodyBytes;
    let body: Promise<Buffer> | undefined;
    return {
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      query: url.searchParams,
      info,
      headers: req.headers,
      user,
      signal,
      raw: req,
      body: () => (body ??= readBody(req, limit)),
    };
  }

  private authenticated(r: ApiRequest): boolean {
    return r.user.name !== 'system:anonymous' || PUBLIC_PATHS.test(r.url.pathname);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const done = new AbortController();
    const onAbort = (): void => done.abort();
    this.abort.signal.addEventListener('abort', onAbort, { once: true });
    res.on('close', onAbort);
    let counted: 'readOnly' | 'mutating' | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const r = this.makeRequest(req, done.signal);
    const started = Date.now();
    try {
      if (!this.authenticated(r)) throw unauthorized();
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.limits.maxBodyBytes) throw entityTooLarge(this.limits.maxBodyBytes);
      const route = this.opts.routes.find((x) => x.serve && x.matches(r));
      if (!route) throw notFoundPath();
      if (!route.longRunning?.(r)) {
        counted = MUTATING.has(r.method) ? 'mutating' : 'readOnly';
        const cap = counted === 'mutating' ? this.limits.maxMutatingInFlight : this.limits.maxReadOnlyInFlight;
        if (this.inFlight[counted] >= cap) {
          counted = undefined;
          throw tooManyRequests(1);
        }
        this.inFlight[counted]++;
        timer = setTimeout(() => {
          writeStatus(res, timeoutStatus());
          done.abort();
        }, this.limits.requestTimeoutMs);
      }
      await route.serve!(r, res);
    } catch (e) {
      const err = e instanceof ApiStatusError ? e : statusFromError(e);
      if (err.status.code >= 500) this.log.warn(`apiserver: ${r.method} ${r.url.pathname}: ${err.message}`);
      if (!res.writableEnded) writeStatus(res, err);
      // a body we did not read must not be parsed as the next request on this connection: drain a small one,
      // close the connection after a too large one
      if (!req.readableEnded) {
        if (err.status.code === 413) res.once('finish', () => req.socket.destroySoon?.());
        else req.resume();
      }
    } finally {
      if (timer) clearTimeout(timer);
      if (counted) this.inFlight[counted]--;
      this.abort.signal.removeEventListener('abort', onAbort);
      this.log.debug(`apiserver: ${r.user.name} ${r.method} ${r.url.pathname}${r.url.search} ${res.statusCode} ${Date.now() - started}ms`);
    }
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const signal = AbortSignal.any([this.abort.signal]);
    const r = this.makeRequest(req, signal);
    const reject = (e: unknown): void => {
      const st = statusFromError(e).status;
      const body = JSON.stringify(st);
      socket.end(
        `HTTP/1.1 ${st.code} ${st.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    try {
      if (!this.authenticated(r)) throw unauthorized();
      const route = this.opts.routes.find((x) => x.upgrade && x.matches(r));
      if (!route) throw notFoundPath();
      await route.upgrade!(r, socket, head);
    } catch (e) {
      if (socket.writable) reject(e);
      else socket.destroy();
    }
  }
}

/** Reads a request body of at most `limit` bytes (beyond it: 413, and the rest is not read). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        req.pause();
        reject(entityTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}
