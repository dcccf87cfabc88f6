// Reads a watch stream (newline-delimited JSON events) from the API server in tests.
import { request } from 'node:https';

export interface WatchStream {
  events: { type: string; object: Record<string, unknown> }[];
  status: Promise<number>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  /** waits until at least n events arrived (or throws after timeoutMs) */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openWatch(o: { port: number; ca: string; cert: string; key: string; path: string; headers?: Record<string, string> }): WatchStream {
  const events: WatchStream['events'] = [];
  let wake: (() => void) | undefined;
  let resolveStatus!: (n: number) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const req = request(
    { host: '127.0.0.1', port: o.port, path: o.path, ca: o.ca, cert: o.cert, key: o.key, servername: 'localhost', agent: false, headers: o.headers },
    (res) => {
      resolveStatus(res.statusCode ?? 0);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
        wake?.();
      });
      res.on('end', () => resolveEnded());
      res.on('close', () => resolveEnded());
    },
  );
  req.on('error', () => resolveEnded());
  req.end();
  return {
    events,
    status,
    ended,
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} watch events; got ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
    },
    close: () => req.destroy(),
  };
}
