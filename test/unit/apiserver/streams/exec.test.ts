import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { handleAttach, handleExec } from '../../../../src/apiserver/streams/exec.js';
import { decodeStatus, encodeChannelMessage, encodeCloseMessage } from '../../../../src/apiserver/streams/channel-protocol.js';
import type { StreamPod } from '../../../../src/apiserver/streams/log.js';
import { runPod, setup, type Env } from '../../cli-pod/harness.js';

const servers: http.Server[] = [];
const wss = new WebSocketServer({ noServer: true });
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => {
    s.closeAllConnections();
    s.close(r);
  })));
});

async function serve(env: Env): Promise<number> {
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    const handler = req.url?.includes('/attach') ? handleAttach : handleExec;
    void handler(req, socket, head, 'default', 'web', {
      getPod: (ns, n) => env.store.tryGet<StreamPod>({ resource: 'pods', namespace: ns, name: n }),
      runtime: env.runtime,
      wss,
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const query = (cmd: string[], flags: string): string => `${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

interface Session {
  frames: Array<[number, string]>;
  closeCode: number;
  protocol: string;
}

/** A client as client-go's: collects every message by stream, until the server closes. */
function client(port: number, q: string, protocols: string[], send?: (ws: WebSocket) => void, sub = 'exec'): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/namespaces/default/pods/web/${sub}?${q}`, protocols);
    const frames: Array<[number, string]> = [];
    ws.on('open', () => send?.(ws));
    ws.on('message', (d: Buffer) => frames.push([d[0]!, d.subarray(1).toString()]));
    ws.on('close', (code) => resolve({ frames, closeCode: code, protocol: ws.protocol }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.on('error', reject);
  });
}

const text = (s: Session, stream: number): string => s.frames.filter(([id]) => id === stream).map(([, t]) => t).join('');

describe('pods/exec over WebSockets', () => {
  it('v5: stdout, stderr, then the exit code on the error channel and a normal close', async () => {
    const env = setup();
    await runPod(env);
    const port = await serve(env);
    const s = await client(port, query(['sh', '-c', 'echo hi; echo oops >&2; exit 3'], 'stdout=true&stderr=true'), ['v5.channel.k8s.io']);
    expect(s.protocol).toBe('v5.channel.k8s.io');
    expect(s.frames[0]).toEqual([1, '']); // readiness
    expect(text(s, 1)).toBe('hi\n');
    expect(text(s, 2)).toBe('oops\n');
    expect(decodeStatus(text(s, 3))).toEqual({ exitCode: 3 });
    expect(s.frames.at(-1)![0]).toBe(3);
    expect(s.closeCode).toBe(1000);
  });

  it('v5: stdin round trip, ended by the close signal', async () => {
    const env = setup();
    await runPod(env);
    const port = await serve(env);
    const s = await client(port, query(['cat'], 'stdin=true&stdout=true&stderr=true'), ['v5.channel.k8s.io'], (ws) => {
      ws.send(encodeChannelMessage(0, 'hello '));
      ws.send(encodeChannelMessage(0, 'world\n'));
      ws.send(encodeCloseMessage(0));
    });
    expect(text(s, 1)).toBe('hello world\n');
    expect(decodeStatus(text(s, 3))).toEqual({ exitCode: 0 });
    expect(text(s, 3)).toBe('{"metadata":{},"status":"Success"}');
  });

  it('v4 clients (client-node) are served too; the client\'s order picks', async () => {
    const env = setup();
    await runPod(env);
    const port = await serve(env);
    const s = await client(port, query(['sh', '-c', 'echo v4'], 'stdout=true'), ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'channel.k8s.io']);
    expect(s.protocol).toBe('v4.channel.k8s.io');
    expect(text(s, 1)).toBe('v4\n');
    expect(decodeStatus(text(s, 3))).toEqual({ exitCode: 0 });
  });

  it.each([
    ['no command', 'stdout=true', ['v5.channel.k8s.io'], 400, /you must specify at least one command for the container/],
    ['no stream', query(['ls'], 'tty=false'), ['v5.channel.k8s.io'], 400, /you must specify at least 1 of stdin, stdout, stderr/],
    ['a wrong container', query(['ls'], 'stdout=true&container=nope'), ['v5.channel.k8s.io'], 400, /container nope is not valid for pod web/],
    ['an unknown subprotocol', query(['ls'], 'stdout=true'), ['base64.channel.k8s.io'], 400, /unable to negotiate protocol/],
  ])('refuses %s before the upgrade', async (_n, q, protocols, status, body) => {
    const env = setup();
    await runPod(env);
    const port = await serve(env);
    const e = (await client(port, q, protocols).catch((x: unknown) => x)) as { status: number; body: string };
    expect(e.status).toBe(status);
    expect(JSON.parse(e.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', message: expect.stringMatching(body) });
  });

  it('a container that does not run: the kubelet\'s text, 500', async () => {
    const env = setup();
    const { ids } = await runPod(env);
    env.runtime.exitContainer(ids.web!, 0);
    const { setStatus } = await import('../../cli-pod/harness.js');
    await setStatus(env, 'web', { phase: 'Running', containerStatuses: [{ name: 'web', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } }] });
    const port = await serve(env);
    const e = (await client(port, query(['ls'], 'stdout=true'), ['v5.channel.k8s.io']).catch((x: unknown) => x)) as { status: number; body: string };
    expect(e.status).toBe(500);
    expect(e.body).toBe('container not found ("web")\n');
  });

  it('a runtime failure after the upgrade is an InternalError status', async () => {
    const env = setup();
    await runPod(env);
    env.runtime.injectError('execStream', new Error('engine gone'));
    const port = await serve(env);
    const s = await client(port, query(['ls'], 'stdout=true'), ['v5.channel.k8s.io']);
    expect(JSON.parse(text(s, 3))).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500, message: 'Internal error occurred: error executing command in container: engine gone' });
    expect(s.closeCode).toBe(1000);
  });

  it('attach: the container\'s output from now on, Success when it stops', async () => {
    const env = setup();
    const { ids } = await runPod(env);
    env.runtime.writeLog(ids.web!, 'before');
    const port = await serve(env);
    const done = client(
      port,
      'stdout=true&stderr=true',
      ['v5.channel.k8s.io'],
      () => {
        // once attach follows the log (the fake records the call as it subscribes), the container writes and ends
        const poll = (): void => {
          if (env.runtime.callsTo('logs').length === 0) return void setImmediate(poll);
          env.runtime.writeLog(ids.web!, 'after');
          env.runtime.exitContainer(ids.web!, 0);
        };
        poll();
      },
      'attach',
    );
    const s = await done;
    expect(text(s, 1)).toBe('after\n');
    expect(decodeStatus(text(s, 3))).toEqual({ exitCode: 0 });
  });
});
