import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { StreamPod } from '../../../../src/apiserver/streams/log.js';
import { handlePortForward } from '../../../../src/apiserver/streams/portforward.js';
import { SpdyFrameReader, encodeFrame, type SpdyFrame, type SpdyHeaders } from '../../../../src/apiserver/streams/spdy-frames.js';
import { SpdyHeaderCompressor, SpdyHeaderDecompressor } from '../../../../src/apiserver/streams/spdy-headers.js';
import { runPod, setup, type Env } from '../../cli-pod/harness.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

/** A TCP server standing in for the pod's published port: answers "echo:" + what it got, then closes. */
async function echoServer(): Promise<number> {
  const s = net.createServer((c) => {
    let got = '';
    c.on('data', (b) => (got += b.toString()));
    c.on('end', () => c.end(`echo:${got}`));
  });
  closers.push(() => s.close());
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

async function serve(env: Env, target: number): Promise<number> {
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    void handlePortForward(req, socket, head, 'default', 'web', {
      getPod: (ns, n) => env.store.tryGet<StreamPod>({ resource: 'pods', namespace: ns, name: n }),
      dial: async (_pod, port) => {
        if (port !== 80) throw new Error(`port ${port} is not published by the pod (published: 80/TCP)`);
        const c = net.connect({ host: '127.0.0.1', port: target });
        await new Promise<void>((r, j) => c.once('connect', r).once('error', j));
        return c;
      },
      wss,
    });
  });
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** The client end, as kubectl's spdystream: streams by id, what arrived on each, FINs and resets. */
class Client {
  private readonly c = new SpdyHeaderCompressor();
  private readonly d = new SpdyHeaderDecompressor();
  private readonly reader = new SpdyFrameReader();
  readonly data = new Map<number, string>();
  readonly fin = new Set<number>();
  readonly frames: SpdyFrame[] = [];
  private queue: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];
  constructor(private readonly write: (b: Buffer) => void) {}
  receive(b: Buffer): void {
    for (const f of this.reader.push(b)) {
      this.queue = this.queue.then(async () => {
        if (f.type === 'SYN_REPLY') await this.d.decompress(f.headerBlock);
        if (f.type === 'DATA') {
          this.data.set(f.streamId, (this.data.get(f.streamId) ?? '') + f.data.toString());
          if (f.flags & 1) this.fin.add(f.streamId);
        }
        this.frames.push(f);
        for (const w of this.waiters.splice(0)) w();
      });
    }
  }
  async open(id: number, headers: SpdyHeaders): Promise<void> {
    this.write(encodeFrame({ type: 'SYN_STREAM', flags: 0, streamId: id, associatedToStreamId: 0, priority: 0, slot: 0, headerBlock: await this.c.compress(headers) }));
  }
  send(id: number, text: string, fin = false): void {
    this.write(encodeFrame({ type: 'DATA', flags: fin ? 1 : 0, streamId: id, data: Buffer.from(text) }));
  }
  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  /** one forwarded connection as kubectl makes it: error stream (half-closed at once), data stream */
  async forward(requestId: number, port: number, firstId: number, payload: string): Promise<{ data: string; error: string }> {
    const h = { streamtype: ['error'], port: [String(port)], requestid: [String(requestId)] };
    await this.open(firstId, h);
    this.send(firstId, '', true);
    await this.open(firstId + 2, { ...h, streamtype: ['data'] });
    this.send(firstId + 2, payload, true);
    await this.until(() => this.fin.has(firstId) && this.fin.has(firstId + 2), `both FINs of request ${requestId}`);
    return { data: this.data.get(firstId + 2) ?? '', error: this.data.get(firstId) ?? '' };
  }
}

/**
 * A WebSocket client offering SPDY/3.1+portforward.k8s.io as kubectl (gorilla) does. ws's own client refuses
 * that name (not an RFC 7230 token), so the handshake is written by hand and ws takes over the socket.
 */
async function wsClient(port: number, protocol = 'SPDY/3.1+portforward.k8s.io'): Promise<{ client: Client; ws: WebSocket; protocol: string }> {
  const sock = net.connect({ host: '127.0.0.1', port });
  closers.push(() => sock.destroy());
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  sock.write(
    'GET /api/v1/namespaces/default/pods/web/portforward HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  const { head, rest } = await readHead(sock);
  const status = Number(head.split(' ')[1]);
  if (status !== 101) throw new Error(`HTTP ${status}`);
  const answered = /\r\nSec-WebSocket-Protocol: ([^\r]*)/i.exec(head)?.[1] ?? '';
  const ws = new WebSocket(null as unknown as string, undefined, {});
  (ws as unknown as { _isServer: boolean })._isServer = false; // a client masks its frames
  (ws as unknown as { setSocket(s: net.Socket, h: Buffer, o: object): void }).setSocket(sock, rest, { maxPayload: 1 << 26, allowSynchronousEvents: true });
  sock.resume();
  const client = new Client((b) => ws.send(b));
  ws.on('message', (b: Buffer) => client.receive(b));
  return { client, ws, protocol: answered };
}

/** The HTTP response head of an upgrade and the bytes after it. */
function readHead(sock: net.Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (b: Buffer): void => {
      buf = Buffer.concat([buf, b]);
      const i = buf.indexOf('\r\n\r\n');
      if (i < 0) return;
      sock.off('data', onData);
      sock.pause();
      resolve({ head: buf.subarray(0, i).toString('latin1'), rest: buf.subarray(i + 4) });
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
}

describe('pods/portforward', () => {
  it('SPDY tunnelled in a WebSocket: forwards connections, each an error+data pair', async () => {
    const env = setup();
    await runPod(env);
    const port = await serve(env, await echoServer());
    const { client, protocol } = await wsClient(port);
    expect(protocol).toBe('SPDY/3.1+portforward.k8s.io');
    expect(await client.forward(0, 80, 1, 'GET /')).toEqual({ data: 'echo:GET /', error: '' });
    expect(await client.forward(1, 80, 5, 'again')).toEqual({ data: 'echo:again', error: '' });
    const replies = client.frames.filter((f) => f.type === 'SYN_REPLY').map((f) => (f as { streamId: number }).streamId);
    expect(replies).toEqual([1, 3, 5, 7]);
  });

  it('a port the pod does not publish: the kubelet\'s message on the error stream', async () => {
    const env = setup();
    const { pod } = await runPod(env);
    const port = await serve(env, await echoServer());
    const { client } = await wsClient(port);
    expect(await client.forward(0, 8080, 1, 'x')).toEqual({
      data: '',
      error: `error forwarding port 8080 to pod web, uid ${pod.metadata.uid}: port 8080 is not published by the pod (published: 80/TCP)`,
    });
  });

  it('a plain SPDY upgrade (kubectl\'s fallback) carries the same session', async () => {
    const env = setup();
    await runPod(env);
    const port = await serve(env, await echoServer());
    const sock = net.connect({ host: '127.0.0.1', port });
    closers.push(() => sock.destroy());
    await new Promise<void>((r) => sock.once('connect', r));
    sock.write(
      'POST /api/v1/namespaces/default/pods/web/portforward HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n',
    );
    const client = new Client((b) => sock.write(b));
    let head = '';
    let upgraded = false;
    sock.on('data', (b: Buffer) => {
      if (upgraded) return client.receive(b);
      head += b.toString('latin1');
      const i = head.indexOf('\r\n\r\n');
      if (i < 0) return;
      upgraded = true;
      const rest = Buffer.from(head.slice(i + 4), 'latin1');
      head = head.slice(0, i);
      if (rest.length) client.receive(rest);
    });
    await client.until(() => upgraded, 'the 101');
    expect(head.split('\r\n')).toEqual(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: portforward.k8s.io']);
    expect(await client.forward(0, 80, 1, 'spdy')).toEqual({ data: 'echo:spdy', error: '' });
  });

  it('refuses a WebSocket without the tunnelling subprotocol, and a missing pod', async () => {
    const env = setup();
    const port = await serve(env, await echoServer());
    await expect(wsClient(port, 'v5.channel.k8s.io')).rejects.toThrow('HTTP 404');
    await runPod(env);
    await expect(wsClient(port, 'v5.channel.k8s.io')).rejects.toThrow('HTTP 400');
  });
});
