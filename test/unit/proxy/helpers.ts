// Loopback TCP servers and clients for the proxy tests (127.0.0.1 only, ephemeral ports).
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Behaviour =
  /** reads until the client half-closes or a newline, answers `<name>:<what it read>` and closes */
  | 'answer'
  /** accepts and closes at once without answering (what docker-proxy does when the container is gone) */
  | 'accept-close'
  /** like answer, but only once release() is called (and at once after that) */
  | 'hold'
  /** accepts, reads, and closes 300 ms later without answering */
  | 'slow-close';

export interface Upstream {
  name: string;
  port: number;
  server: Server;
  /** connections accepted */
  accepted: number;
  /** answers the held connections (behaviour hold) */
  release(): void;
  close(): Promise<void>;
}

export async function upstream(name: string, behaviour: Behaviour = 'answer'): Promise<Upstream> {
  const held: (() => void)[] = [];
  let holding = behaviour === 'hold';
  const sockets = new Set<Socket>();
  const u: Upstream = {
    name,
    port: 0,
    server: undefined as unknown as Server,
    accepted: 0,
    release: () => {
      holding = false;
      held.splice(0).forEach((f) => f());
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        u.server.close(() => r());
      }),
  };
  u.server = createServer({ allowHalfOpen: true }, (s) => {
    u.accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (behaviour === 'accept-close') {
      s.destroy();
      return;
    }
    if (behaviour === 'slow-close') {
      s.resume();
      setTimeout(() => s.end(), 300);
      return;
    }
    let got = '';
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      const reply = () => s.end(`${name}:${got}`);
      if (holding) held.push(reply);
      else reply();
    };
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      got += d;
      if (got.includes('\n')) answer();
    });
    s.on('end', answer);
  });
  await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', () => r()));
  u.port = (u.server.address() as { port: number }).port;
  return u;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Reply {
  data: string;
  error?: string;
}

/** Connects to 127.0.0.1:port, sends `payload` (then half-closes when `end`), resolves with all it read. */
export function request(port: number, payload = 'ping\n', opts: { end?: boolean; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: false });
    let data = '';
    let error: string | undefined;
    const t = setTimeout(() => s.destroy(new Error('client timeout')), opts.timeoutMs ?? 5_000);
    s.setEncoding('utf8');
    s.on('connect', () => {
      s.write(payload);
      if (opts.end) s.end();
    });
    s.on('data', (d: string) => (data += d));
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => {
      clearTimeout(t);
      resolve(error ? { data, error } : { data });
    });
  });
}

/** Who answered each reply (`a:ping\n` → a). */
export const answeredBy = (r: Reply): string => r.data.split(':')[0] ?? '';

export function counts(names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}
