// Load on loopback for the Service e2e tests: one GET at a time over fresh connections.
import http from 'node:http';
import { sleep } from './e2e-cluster.js';

/** GET over a fresh connection (keep-alive off); resolves the body, rejects on any failure. */
export function get(port: number, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export interface Sample {
  at: number;
  body?: string;
  error?: string;
}

/** Sends requests one after the other until `until()` or `maxMs` (bounded load on loopback). */
export async function load(port: number, opts: { count?: number; maxMs: number; until?: (samples: Sample[]) => boolean; gapMs?: number }): Promise<Sample[]> {
  const out: Sample[] = [];
  const end = Date.now() + opts.maxMs;
  while (Date.now() < end && (opts.count === undefined || out.length < opts.count) && !opts.until?.(out)) {
    const at = Date.now();
    try {
      out.push({ at, body: await get(port) });
    } catch (e) {
      out.push({ at, error: (e as Error).message });
    }
    if (opts.gapMs) await sleep(opts.gapMs);
  }
  return out;
}

