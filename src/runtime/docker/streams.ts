// The streaming calls of the container slice on Docker: log lines (demultiplexed unless the container has a TTY),
// exec (collected, or attached to the caller's streams) and the engine's event stream.
import type Dockerode from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import { RuntimeError } from '../runtime.js';
import type { ContainerId, ExecOptions, ExecResult, ExecStreams, LogOptions, RuntimeEvent } from '../containers.js';
import type { DockerEngine } from './engine.js';
import { LineSplitter, StreamDemuxer, dockerSince, eventFromDocker, type DockerEventMessage } from './convert.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A container's log lines, to its end or (follow) until it stops or the signal aborts. */
export async function* logLines(engine: DockerEngine, id: ContainerId, opts: LogOptions): AsyncGenerator<string> {
  const info = await engine.inspectRaw(id);
  const tty = (info as { Config?: { Tty?: boolean } }).Config?.Tty === true;
  const q: Record<string, unknown> = {
    stdout: true,
    stderr: true,
    follow: opts.follow === true,
    timestamps: opts.timestamps === true,
  };
  if (opts.tail !== undefined) q.tail = Math.max(0, Math.floor(opts.tail));
  if (opts.since) q.since = dockerSince(opts.since);
  const raw = (await engine.call((d) => d.getContainer(id).logs(q as Dockerode.ContainerLogsOptions & { follow?: false }))) as unknown as Buffer | Readable;
  if (Buffer.isBuffer(raw)) {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    if (tty) splitter.push(raw);
    else {
      new StreamDemuxer((_s, p) => splitter.push(p)).push(raw);
    }
    splitter.flush();
    yield* lines;
    return;
  }
  yield* streamLines(raw, tty, opts.signal);
}

/** Creates the exec (NotRunning when the container does not run) and attaches to it. */
async function startExec(
  engine: DockerEngine,
  id: ContainerId,
  cmd: string[],
  o: Pick<ExecOptions, 'env' | 'workingDir' | 'user'> & { stdin: boolean; tty: boolean },
): Promise<{ ex: Dockerode.Exec; stream: Duplex }> {
  const ex = await engine.call(
    (d) =>
      d.getContainer(id).exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        AttachStdin: o.stdin,
        Tty: o.tty,
        ...(o.env ? { Env: o.env.map((e) => `${e.name}=${e.value}`) } : {}),
        ...(o.workingDir ? { WorkingDir: o.workingDir } : {}),
        ...(o.user ? { User: o.user } : {}),
      }),
    'NotRunning',
  );
  const stream = (await engine.call(() => ex.start({ hijack: true, stdin: o.stdin, Tty: o.tty } as never))) as unknown as Duplex;
  return { ex, stream };
}

/** Runs a command in a running container and collects its output. */
export async function execCollect(engine: DockerEngine, id: ContainerId, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const stdin = opts.stdin;
  const { ex, stream } = await startExec(engine, id, cmd, { ...opts, stdin: stdin !== undefined, tty: opts.tty === true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    if (opts.tty) stream.on('data', (c: Buffer) => out.push(c));
    else {
      const demux = new StreamDemuxer((s, p) => (s === 'stderr' ? err : out).push(Buffer.from(p)));
      stream.on('data', (c: Buffer) => demux.push(c));
    }
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (stdin !== undefined) stream.end(typeof stdin === 'string' ? Buffer.from(stdin) : Buffer.from(stdin));
  let timer: NodeJS.Timeout | undefined;
  try {
    await (opts.timeoutMs === undefined
      ? done
      : Promise.race([
          done,
          new Promise<never>((_r, reject) => {
            timer = setTimeout(
              () => reject(new RuntimeError('Timeout', `command timed out after ${opts.timeoutMs} ms: ${cmd.join(' ')}`)),
              opts.timeoutMs,
            );
          }),
        ]));
  } catch (e) {
    stream.destroy();
    throw e instanceof RuntimeError ? e : engine.toRuntimeError(e);
  } finally {
    if (timer) clearTimeout(timer);
  }
  const exitCode = await execExitCode(engine, ex);
  return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** The exit code once the engine has noticed the end (it can lag the end of the stream by a moment). */
async function execExitCode(engine: DockerEngine, ex: Dockerode.Exec): Promise<number> {
  for (let i = 0; ; i++) {
    const st = await engine.call(() => ex.inspect());
    if (!st.Running && st.ExitCode !== null && st.ExitCode !== undefined) return st.ExitCode;
    if (i > 200) throw new RuntimeError('Runtime', 'exec did not report an exit code');
    await sleep(i < 10 ? 5 : 25);
  }
}

/** Runs a command with the caller's streams attached; resolves to the exit code (130 when aborted). */
export async function execAttached(engine: DockerEngine, id: ContainerId, cmd: string[], io: ExecStreams): Promise<number> {
  const tty = io.tty === true;
  const { ex, stream } = await startExec(engine, id, cmd, { stdin: io.stdin !== undefined, tty });
  if (tty && io.size) await ex.resize({ h: io.size.rows, w: io.size.columns }).catch(() => undefined);
  const done = new Promise<void>((resolve, reject) => {
    if (tty) stream.on('data', (c: Buffer) => io.stdout.write(c));
    else {
      const demux = new StreamDemuxer((s, p) => (s === 'stderr' ? io.stderr : io.stdout).write(Buffer.from(p)));
      stream.on('data', (c: Buffer) => demux.push(c));
    }
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
    io.signal?.addEventListener('abort', () => {
      stream.destroy();
      resolve();
    });
  });
  if (io.stdin) {
    const stdin = io.stdin;
    stdin.on('data', (c: Buffer) => stream.write(c));
    stdin.on('end', () => stream.end());
  }
  try {
    await done;
  } catch (e) {
    throw engine.toRuntimeError(e);
  }
  if (io.signal?.aborted) return 130;
  return execExitCode(engine, ex);
}

/** kctl's container events from `since` until `signal` aborts; throws when the engine closes the stream. */
export async function* eventStream(engine: DockerEngine, since: string, signal: AbortSignal): AsyncGenerator<RuntimeEvent> {
  if (signal.aborted) return;
  const filters = {
    type: ['container'],
    event: ['start', 'die', 'oom', 'destroy'],
    label: engine.labelFilters({}),
  };
  let stream: Readable;
  try {
    stream = (await engine.call((d) => d.getEvents({ since, filters, abortSignal: signal } as unknown as Dockerode.GetEventsOptions))) as unknown as Readable;
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  }
  for await (const line of streamLines(stream, true, signal)) {
    if (!line.trim()) continue;
    let m: DockerEventMessage;
    try {
      m = JSON.parse(line) as DockerEventMessage;
    } catch {
      continue;
    }
    const ev = eventFromDocker(m);
    if (ev) yield ev;
  }
  if (!signal.aborted) throw new RuntimeError('Runtime', `the Docker engine at ${engine.host} closed the event stream`);
}

/** Lines of a (possibly multiplexed) stream, ending when the stream ends or `signal` aborts. */
async function* streamLines(stream: Readable, raw: boolean, signal?: AbortSignal): AsyncGenerator<string> {
  const queue: string[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const splitter = new LineSplitter((l) => {
    queue.push(l);
    notify();
  });
  const demux = raw ? undefined : new StreamDemuxer((_s, p) => splitter.push(p));
  const onData = (c: Buffer): void => (demux ? demux.push(c) : splitter.push(c));
  const onEnd = (): void => {
    splitter.flush();
    ended = true;
    notify();
  };
  const onError = (e: unknown): void => {
    if (!signal?.aborted) failure = e;
    ended = true;
    notify();
  };
  const onAbort = (): void => {
    ended = true;
    stream.destroy();
    notify();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  stream.on('error', onError);
  if (signal) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (ended) break;
      await new Promise<void>((r) => (wake = r));
    }
    while (queue.length && !signal?.aborted) yield queue.shift()!;
    if (failure) throw failure;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.off('data', onData);
    stream.destroy();
  }
}
