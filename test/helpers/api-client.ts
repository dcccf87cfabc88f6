// A tiny HTTPS client for the API server tests: one request, the whole answer.
import { request, Agent } from 'node:https';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface ApiCall {
  port: number;
  path: string;
  method?: string;
  /** PEM CA to trust */
  ca: string;
  /** client certificate + key (omit: anonymous) */
  cert?: string;
  key?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent;
  timeoutMs?: number;
}

export function apiCall(c: ApiCall): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: c.port,
        path: c.path,
        method: c.method ?? 'GET',
        ca: c.ca,
        cert: c.cert,
        key: c.key,
        headers: { ...(c.body !== undefined && !c.headers?.['Transfer-Encoding'] ? { 'Content-Length': String(Buffer.byteLength(c.body)) } : {}), ...c.headers },
        agent: c.agent ?? false,
        servername: 'localhost',
        timeout: c.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}
