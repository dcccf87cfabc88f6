// /api/v1/namespaces/NS/pods/NAME/portforward: kubectl 1.32 tunnels SPDY/3.1 in a WebSocket (subprotocol
// SPDY/3.1+portforward.k8s.io) and falls back to a plain SPDY upgrade; both carry the same session
// (spdy-session.ts). Each forwarded connection is a pair of streams (portforward-protocol.ts); the data
// stream is piped to the pod's port, which the host reaches only through the port the kubelet published on
// 127.0.0.1 (`dial`, proxy/port-forward.ts). A failure goes to the pair's error stream as the kubelet words it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { StreamRequestError, badRequest, podNotFound, refuseUpgrade } from './http-status.js';
import type { PodGetter, StreamPod } from './log.js';
import {
  HEADER_ACCEPTED_PROTOCOL_VERSIONS,
  HEADER_PROTOCOL_VERSION,
  PORT_FORWARD_PROTOCOL_V1,
  SPDY_TUNNELING_PROTOCOL,
  SPDY_UPGRADE,
  StreamPairer,
  checkStreamHeaders,
  forwardErrorMessage,
  negotiatePortForwardProtocol,
  requestIdOf,
  type StreamPair,
} from './portforward-protocol.js';
import { parseProtocolHeader } from './channel-protocol.js';
import { SpdySession, type ByteTransport, type SpdyStream } from './spdy-session.js';

export interface PortForwardDeps extends PodGetter {
  /** a connection to the pod's `port` (through its published 127.0.0.1 port); rejects with the reason */
  dial(pod: StreamPod, port: number): Promise<Duplex>;
  wss: WebSocketServer;
  /** how long the second stream of a pair may take (kubelet: 30 s) */
  streamCreationTimeoutMs?: number;
  /** a session or a forward failed (the controller's log) */
  onError?(err: Error): void;
}

const wanted = new WeakMap<IncomingMessage, string>();
const hooked = new WeakSet<WebSocketServer>();

/**
 * Completes a WebSocket upgrade answering `protocol`. ws refuses subprotocols that are not RFC 7230 tokens,
 * and `SPDY/3.1+portforward.k8s.io` has a '/': the request's header is taken away from ws and the answer's
 * put back through its 'headers' event.
 */
function upgradeWithProtocol(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, cb: (ws: WebSocket) => void): void {
  if (!hooked.has(wss)) {
    hooked.add(wss);
    wss.on('headers', (headers: string[], r: IncomingMessage) => {
      const p = wanted.get(r);
      if (p) headers.push(`Sec-WebSocket-Protocol: ${p}`);
    });
  }
  delete req.headers['sec-websocket-protocol'];
  wanted.set(req, protocol);
  wss.handleUpgrade(req, socket, head, cb);
}

const header = (req: IncomingMessage, name: string): string => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
};

/** Checks the request, upgrades it (WebSocket tunnel or SPDY), serves the session. Never throws. */
export async function handlePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, deps: PortForwardDeps): Promise<void> {
  let pod: StreamPod;
  try {
    const p = await deps.getPod(namespace, name);
    if (!p) throw podNotFound(name);
    if (!p.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    pod = p;
  } catch (e) {
    refuseUpgrade(socket, e instanceof StreamRequestError ? e : new StreamRequestError(500, (e as Error).message));
    return;
  }
  const upgrade = header(req, 'upgrade').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
    if (!offered.includes(SPDY_TUNNELING_PROTOCOL)) {
      refuseUpgrade(socket, badRequest(`unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server accepts ["${SPDY_TUNNELING_PROTOCOL}"]`));
      return;
    }
    upgradeWithProtocol(deps.wss, req, socket, head, SPDY_TUNNELING_PROTOCOL, (ws) => {
      const transport: ByteTransport = {
        write: (b) => ws.send(b),
        end: () => ws.close(1000),
      };
      const session = serve(transport, pod, deps);
      ws.on('message', (data, isBinary) => {
        if (isBinary) session.receive(data as Buffer);
      });
      ws.on('close', () => session.transportClosed());
      ws.on('error', () => session.transportClosed());
    });
    return;
  }
  if (!header(req, 'connection').toLowerCase().includes('upgrade') || !upgrade.includes(SPDY_UPGRADE.toLowerCase())) {
    refuseUpgrade(socket, new StreamRequestError(400, 'unable to upgrade: missing upgrade headers in request', undefined, true));
    return;
  }
  const n = negotiatePortForwardProtocol(req.headers[HEADER_PROTOCOL_VERSION.toLowerCase()] === undefined ? [] : [header(req, HEADER_PROTOCOL_VERSION)]);
  if ('error' in n) {
    refuseUpgrade(socket, new StreamRequestError(403, n.error, undefined, true), { [HEADER_ACCEPTED_PROTOCOL_VERSIONS]: PORT_FORWARD_PROTOCOL_V1 });
    return;
  }
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\n${HEADER_PROTOCOL_VERSION}: ${n.protocol}\r\n\r\n`,
  );
  const session = serve({ write: (b) => void socket.write(b), end: () => socket.end() }, pod, deps);
  socket.on('data', (b: Buffer) => session.receive(b));
  socket.on('close', () => session.transportClosed());
  socket.on('error', () => session.transportClosed());
  if (head.length) session.receive(head);
}

/** The port-forward session on a transport: pairs streams, forwards each pair. */
function serve(transport: ByteTransport, pod: StreamPod, deps: PortForwardDeps): SpdySession {
  const pairer = new StreamPairer<SpdyStream>();
  const timers = new Map<string, NodeJS.Timeout>();
  const timeoutMs = deps.streamCreationTimeoutMs ?? 30_000;
  const session = new SpdySession(transport, {
    accept: (headers) => {
      const c = checkStreamHeaders(headers);
      return typeof c === 'string' ? c : undefined;
    },
    onStream: (s) => {
      const info = checkStreamHeaders(s.headers);
      if (typeof info === 'string') return s.reset();
      const requestId = requestIdOf(s.headers, s.id, info.streamType);
      const r = pairer.add(s, info, requestId);
      if (r.type === 'waiting') {
        if (!timers.has(requestId))
          timers.set(
            requestId,
            setTimeout(() => {
              timers.delete(requestId);
              const err = pairer.errorStreamOf(requestId);
              err?.end(`timed out waiting for streams`);
              for (const st of pairer.drop(requestId)) if (st !== err) st.reset();
            }, timeoutMs).unref(),
          );
        return;
      }
      clearTimeout(timers.get(r.type === 'complete' ? r.pair.requestId : r.requestId));
      timers.delete(r.type === 'complete' ? r.pair.requestId : r.requestId);
      if (r.type === 'error') {
        deps.onError?.(new Error(r.message));
        pairer.errorStreamOf(r.requestId)?.write(r.message);
        s.reset();
        return;
      }
      void forward(r.pair, pod, deps);
    },
    onError: (e) => deps.onError?.(e),
    onClose: () => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  });
  return session;
}

/** Pipes one pair's data stream to the pod's port; both streams end (FIN) when the forward is over. */
async function forward(p: StreamPair<SpdyStream>, pod: StreamPod, deps: PortForwardDeps): Promise<void> {
  p.error.resume(); // the client writes nothing there; it half-closes at once
  let conn: Duplex;
  try {
    conn = await deps.dial(pod, p.port);
  } catch (e) {
    const msg = forwardErrorMessage(p.port, pod.metadata.name, pod.metadata.uid ?? '', (e as Error).message);
    deps.onError?.(new Error(msg));
    p.error.end(msg);
    p.data.end();
    return;
  }
  const finish = (): void => {
    if (!p.data.writableEnded && !p.data.destroyed) p.data.end();
    if (!p.error.writableEnded && !p.error.destroyed) p.error.end();
  };
  conn.on('error', (e) => {
    deps.onError?.(e);
    finish();
  });
  conn.on('close', finish);
  conn.on('end', finish);
  p.data.on('close', () => conn.destroy());
  p.data.pipe(conn);
  conn.pipe(p.data);
}
