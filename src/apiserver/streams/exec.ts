// POST|GET /api/v1/namespaces/NS/pods/NAME/exec over a WebSocket (v5.channel.k8s.io, v4.channel.k8s.io): the
// command runs in the container through the runtime's execStream; stdin arrives on channel 0 (v5 ends it
// with the close signal), stdout and stderr leave on 1 and 2, and the error channel (3) carries the final
// metav1.Status with the exit code before the socket closes normally. Errors before the upgrade answer as
// upstream (a Status, or the kubelet's text), so kubectl's fallback to SPDY gets the same answer and prints it.
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ContainerManager } from '../../runtime/containers.js';
import { RuntimeError, isRuntimeNotFound } from '../../runtime/runtime.js';
import { runtimeIdOf } from '../../kubelet/container-logs.js';
import {
  STREAM_ERROR,
  STREAM_RESIZE,
  STREAM_STDERR,
  STREAM_STDIN,
  STREAM_STDOUT,
  V5_CHANNEL_PROTOCOL,
  decodeChannelMessage,
  decodeTerminalSizes,
  encodeChannelMessage,
  encodeStatus,
  internalErrorStatus,
  negotiateChannelProtocol,
  parseProtocolHeader,
  statusForExit,
  type ChannelProtocol,
  type StreamStatus,
  type TerminalSize,
} from './channel-protocol.js';
import { StreamRequestError, badRequest, podNotFound, queryBool, refuseUpgrade } from './http-status.js';
import type { PodGetter, StreamPod } from './log.js';
import { requestContainer } from './pod-container.js';

export interface ExecDeps extends PodGetter {
  runtime: Pick<ContainerManager, 'execStream' | 'logs'>;
  /** the WebSocket server (noServer) that completes upgrades */
  wss: WebSocketServer;
}

export interface ExecRequest {
  command: string[];
  container?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The query of an exec request (PodExecOptions), checked as upstream. */
export function parseExecRequest(q: URLSearchParams, attach = false): ExecRequest {
  const r: ExecRequest = {
    command: q.getAll('command'),
    stdin: queryBool(q, 'stdin'),
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    tty: queryBool(q, 'tty'),
  };
  const c = q.get('container');
  if (c) r.container = c;
  if (r.command.length === 0 && !attach) throw badRequest('you must specify at least one command for the container');
  if (!r.stdin && !r.stdout && !r.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (r.tty && r.stderr) r.stderr = false; // a terminal merges stderr into stdout (the kubelet drops it too)
  return r;
}

const isWebSocketUpgrade = (req: IncomingMessage): boolean => (req.headers.upgrade ?? '').toLowerCase() === 'websocket';

/** The running container's engine id, or the kubelet's `container not found` (500, plain text). */
function runningContainerId(pod: StreamPod, container: string): string {
  const st = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find(
    (s) => s.name === container,
  );
  const id = st?.state?.running ? runtimeIdOf(st.containerID) : undefined;
  if (!id) throw new StreamRequestError(500, `container not found ("${container}")`, undefined, true);
  return id;
}

/** Checks the request, upgrades it, runs the command. Never throws. */
export function handleExec(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, deps: ExecDeps): Promise<void> {
  return serveChannels(req, socket, head, namespace, name, deps, false);
}

/**
 * attach: the container's output from now on (its log, followed), until it stops; then Success. kctl starts
 * containers without an open stdin (the engine's attach is not in the runtime port), so stdin is dropped.
 */
export function handleAttach(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, deps: ExecDeps): Promise<void> {
  return serveChannels(req, socket, head, namespace, name, deps, true);
}

async function serveChannels(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, deps: ExecDeps, attach: boolean): Promise<void> {
  let protocol: ChannelProtocol;
  let id: string;
  let r: ExecRequest;
  try {
    const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
    r = parseExecRequest(q, attach);
    const pod = await deps.getPod(namespace, name);
    if (!pod) throw podNotFound(name);
    const container = requestContainer(pod, r.container);
    if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    id = runningContainerId(pod, container);
    if (!isWebSocketUpgrade(req))
      throw badRequest(`kctl serves exec and attach over WebSockets only (${V5_CHANNEL_PROTOCOL}, v4.channel.k8s.io); upgrade with one of them`);
    const p = negotiateChannelProtocol(parseProtocolHeader(req.headers['sec-websocket-protocol']));
    if (!p) throw badRequest(`unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(parseProtocolHeader(req.headers['sec-websocket-protocol']))}, server accepts [v5.channel.k8s.io v4.channel.k8s.io]`);
    protocol = p;
  } catch (e) {
    refuseUpgrade(socket, e instanceof StreamRequestError ? e : new StreamRequestError(500, (e as Error).message));
    return;
  }
  deps.wss.handleUpgrade(req, socket, head, (ws) => {
    const start: StartExec = attach
      ? async (io) => {
          io.stdin?.resume();
          for await (const line of deps.runtime.logs(id, { follow: true, tail: 0, ...(io.signal ? { signal: io.signal } : {}) })) io.stdout.write(`${line}\n`);
          return 0;
        }
      : (io) => deps.runtime.execStream(id, r.command, io);
    void runExecSession(ws, protocol, r, start);
  });
}

/** Writes one channel's bytes as messages, with the socket's backpressure. */
function channelWriter(ws: WebSocket, stream: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(encodeChannelMessage(stream, chunk), (err) => cb(err ?? null));
    },
  });
}

type StartExec = (io: Parameters<ContainerManager['execStream']>[2]) => Promise<number>;

/** One exec (or attach) over an open channel WebSocket: streams in, exit status out, normal close. */
export async function runExecSession(ws: WebSocket, protocol: ChannelProtocol, r: ExecRequest, start: StartExec): Promise<void> {
  const ac = new AbortController();
  const stdin = r.stdin ? new PassThrough() : undefined;
  const sizes: TerminalSize[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const m = decodeChannelMessage(data as Buffer, protocol);
    if (m.type === 'close') {
      if (m.stream === STREAM_STDIN) stdin?.end();
    } else if (m.type === 'data') {
      if (m.stream === STREAM_STDIN) {
        if (stdin && !stdin.writableEnded) stdin.write(m.data);
      } else if (m.stream === STREAM_RESIZE) sizes.push(...decodeTerminalSizes(m.data));
    }
  });
  ws.on('close', () => {
    ac.abort();
    stdin?.end();
  });
  ws.on('error', () => ac.abort());
  // the kubelet's readiness message: an empty frame on the lowest stream the client reads
  ws.send(encodeChannelMessage(r.stdout ? STREAM_STDOUT : r.stderr ? STREAM_STDERR : STREAM_ERROR));
  const stdout = r.stdout ? channelWriter(ws, STREAM_STDOUT) : new Writable({ write: (_c, _e, cb) => cb() });
  const stderr = r.stderr ? channelWriter(ws, STREAM_STDERR) : new Writable({ write: (_c, _e, cb) => cb() });
  let status: StreamStatus;
  try {
    const code = await start({
      ...(stdin ? { stdin } : {}),
      stdout,
      stderr,
      tty: r.tty,
      ...(r.tty && sizes[0] ? { size: sizes[0] } : {}),
      signal: ac.signal,
    });
    status = statusForExit(code, r.command);
  } catch (e) {
    const msg = isRuntimeNotFound(e) || (e instanceof RuntimeError && e.reason === 'NotRunning') ? 'container not found' : (e as Error).message;
    status = internalErrorStatus(msg);
  }
  // what the command wrote goes out before its status
  await Promise.all([stdout, stderr].map((w) => new Promise<void>((r) => w.end(() => r()))));
  if (ws.readyState !== ws.OPEN) return;
  ws.send(encodeChannelMessage(STREAM_ERROR, encodeStatus(status)), () => ws.close(1000));
}
