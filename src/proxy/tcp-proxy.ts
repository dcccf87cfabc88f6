// One proxied TCP connection: client socket ⇄ an endpoint's published loopback port (node:net only).
//
// Failover. A connect that fails (refused, reset, timed out) moves on to the next endpoint, so a client never sees
// an endpoint that is dying. Docker publishes ports through a userland proxy (docker-proxy) that accepts on
// 127.0.0.1 even when nothing listens in the container any more, and then closes; so an upstream that closes or
// resets *before sending a single byte back*, within `retryWindowMs` of the connect, counts as a failed connect too:
// the bytes the client sent so far (kept up to `maxReplayBytes`) are replayed to the next endpoint. Once the
// upstream has answered (or the client sent more than maxReplayBytes), the connection is committed: an error then
// closes the client, as any proxy would.
// Trade-off: a request an endpoint received and then dropped without answering, within the window, reaches a
// second endpoint (at-least-once, like a client retrying a connection reset).
//
// The client is read from the start: its bytes are queued on the upstream socket while it connects (no extra
// event-loop turn per connection). Half-close is honoured both ways (allowHalfOpen), and back-pressure too.
import { connect, type Socket } from 'node:net';
import type { Backend } from './round-robin.js';

export interface ProxyConnectionOptions {
  /** the next endpoint to try, not among `tried`; undefined when none is left */
  pick(tried: ReadonlySet<string>): Backend | undefined;
  /** an attempt on this endpoint failed (connect error, or closed before answering) */
  onFailure?(backend: Backend, err: Error): void;
  /** the endpoint answered: the connection is committed to it */
  onCommitted?(backend: Backend): void;
  /** both sides are closed; `backend` is the endpoint used last (undefined: none could be reached) */
  onClose?(backend: Backend | undefined): void;
  /** give up on a connect after this long (default 3 000 ms) */
  connectTimeoutMs?: number;
  /** an upstream that closes without answering within this long after connecting is a failed attempt (default 2 000 ms) */
  retryWindowMs?: number;
  /** client bytes kept for a replay (default 64 KiB); beyond that the connection is committed to its endpoint */
  maxReplayBytes?: number;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * Proxies `client` (a socket accepted with allowHalfOpen, and noDelay for interactive traffic) to an endpoint
 * chosen by `pick`. Returns a handle that destroys both sides (stop()).
 */
export function proxyConnection(client: Socket, opts: ProxyConnectionOptions): { destroy(): void } {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 3_000;
  const retryWindowMs = opts.retryWindowMs ?? 2_000;
  const maxReplay = opts.maxReplayBytes ?? 64 * 1024;
  const tried = new Set<string>();
  /** what the client sent so far, while a replay is still possible */
  let replay: Buffer[] | undefined = [];
  let replayBytes = 0;
  let clientEnded = false;
  let answered = false;
  let closed = false;
  let upstream: Socket | undefined;
  let upConnected = false;
  let connectedAt = 0;
  let current: Backend | undefined;
  let upClosed = true;
  let clientClosed = false;

  const maybeDone = (): void => {
    if (closed || !clientClosed || !upClosed) return;
    closed = true;
    opts.onClose?.(current);
  };

  const writeUp = (chunk: Buffer): void => {
    const up = upstream;
    if (!up || up.destroyed) return;
    if (!up.write(chunk)) {
      client.pause();
      up.once('drain', () => client.resume());
    }
  };

  client.on('data', (chunk: Buffer) => {
    if (replay) {
      replay.push(chunk);
      replayBytes += chunk.length;
      if (replayBytes > maxReplay) replay = undefined; // too much to replay: committed to this endpoint
    }
    writeUp(chunk);
  });
  client.on('end', () => {
    clientEnded = true;
    upstream?.end();
  });
  client.on('error', () => undefined); // 'close' follows
  client.on('close', () => {
    clientClosed = true;
    upstream?.destroy();
    maybeDone();
  });

  const attempt = (): void => {
    if (client.destroyed) return;
    const b = opts.pick(tried);
    if (!b) {
      // no endpoint (left): the client's connection is reset, as a Service without endpoints rejects it
      client.destroy();
      return;
    }
    tried.add(b.id);
    current = b;
    upConnected = false;
    upClosed = false;
    const up = connect({ host: b.host, port: b.port, allowHalfOpen: true, noDelay: true });
    upstream = up;
    // what the client already sent (a retry), queued until the connect completes
    for (const c of replay ?? []) writeUp(c);
    if (clientEnded) up.end();
    const timer = setTimeout(() => up.destroy(new Error(`connect to ${b.host}:${b.port} timed out after ${connectTimeoutMs}ms`)), connectTimeoutMs);

    const canRetry = (): boolean =>
      !answered && !client.destroyed && replay !== undefined && (!upConnected || Date.now() - connectedAt < retryWindowMs);
    const retry = (err: Error): void => {
      clearTimeout(timer);
      up.removeAllListeners();
      up.on('error', () => undefined);
      up.destroy();
      upClosed = true;
      opts.onFailure?.(b, err);
      client.resume(); // it may have been paused for back-pressure on the old upstream
      attempt();
    };

    up.once('connect', () => {
      clearTimeout(timer);
      upConnected = true;
      connectedAt = Date.now();
    });
    up.on('data', (d: Buffer) => {
      if (!answered) {
        answered = true;
        replay = undefined;
        opts.onCommitted?.(b);
      }
      if (!client.write(d)) {
        up.pause();
        client.once('drain', () => up.resume());
      }
    });
    up.on('end', () => {
      if (canRetry()) return retry(new Error(`${b.host}:${b.port} closed the connection before answering`));
      client.end();
    });
    up.on('error', (e) => {
      if (canRetry()) return retry(toError(e));
      client.destroy();
    });
    up.on('close', () => {
      clearTimeout(timer);
      upClosed = true;
      maybeDone();
    });
  };

  attempt();
  return {
    destroy: () => {
      client.destroy();
      upstream?.destroy();
    },
  };
}
