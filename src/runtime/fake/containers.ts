// The container slice in memory: a state machine created → running → exited with Docker's names, labels and
// errors (the create options come from the same convert.ts as Docker's, so spec errors are the same), logs,
// execs and events. A container's main process runs shell.ts's little shell: `sh -c` scripts write logs, exit
// with a code, `sleep N` on the Clock or trap SIGTERM; images hold no entrypoint or cmd, so a container with
// neither command nor args runs until stopped.
import { RuntimeError } from '../runtime.js';
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerId,
  ContainerManager,
  ContainerStatus,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  ExecStreams,
  LogOptions,
  RuntimeEvent,
} from '../containers.js';
import type { SandboxId } from '../sandboxes.js';
import { containerLabels, containerName } from '../names.js';
import { podHostname, terminatedReason, toContainerCreateOptions } from '../docker/convert.js';
import { FAKE_VOLUME_ROOT, notFound, type FakeContainer, type FakeEngine, type LogLine } from './engine.js';
import type { FakeSandboxes } from './sandboxes.js';
import { execScript, isFiniteSeconds, runSimple, shellScript, splitOutput, splitStatements } from './shell.js';

/** Docker's timestamp format for log lines: RFC 3339 with nanoseconds. */
export function nanoTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class FakeContainers implements ContainerManager {
  constructor(
    private readonly e: FakeEngine,
    private readonly sandboxes: FakeSandboxes,
    private readonly allowPrivileged: boolean,
  ) {}

  async createContainer(sandbox: SandboxId, cfg: ContainerConfig): Promise<ContainerId> {
    this.e.record('createContainer', [sandbox, cfg]);
    const sb = this.e.sandboxes.get(sandbox);
    if (!sb) throw notFound(`no pod sandbox ${sandbox}`);
    const name = containerName(sb.pod, cfg.container.name, cfg.attempt);
    if ([...this.e.containers.values()].some((c) => c.name === name))
      throw new RuntimeError(
        'RuntimeConflict',
        `Conflict. The container name "/${name}" is already in use by container. You have to remove (or rename) that container to be able to reuse that name.`,
        { statusCode: 409 },
      );
    const image = cfg.container.image ?? '';
    const labels = { ...cfg.labels, ...containerLabels(sb.pod, cfg.container.name, cfg.attempt, sb.id, this.e.testRun) };
    const img = this.e.images.get(image);
    const { options, warnings } = toContainerCreateOptions({
      name,
      sandboxId: sb.id,
      cfg,
      labels,
      allowPrivileged: this.allowPrivileged,
      podName: sb.pod.name,
      ...(img ? { imageUser: img.user ?? '' } : {}),
      volumeMountpoints: Object.fromEntries([...this.e.volumes.keys()].map((v) => [v, `${FAKE_VOLUME_ROOT}/${v}/_data`])),
    });
    if (!img)
      throw new RuntimeError('RuntimeNotFound', `No such image: ${image}`, { statusCode: 404, reason: 'ImageNotPresent' });
    for (const w of warnings) cfg.onWarning?.(w);
    const c: FakeContainer = {
      id: this.e.id('container'),
      name,
      pod: { ...sb.pod },
      containerName: cfg.container.name,
      attempt: cfg.attempt,
      sandboxId: sb.id,
      image,
      state: 'created',
      createdAt: this.e.now(),
      oomKilled: false,
      labels,
      options,
      argv: [...(options.Entrypoint ?? []), ...(options.Cmd ?? [])],
      logs: [],
      runSeq: 0,
    };
    this.e.containers.set(c.id, c);
    return c.id;
  }

  async startContainer(id: ContainerId): Promise<void> {
    this.e.record('startContainer', [id]);
    const c = this.e.mustContainer(id);
    if (c.state === 'running') return;
    const sb = this.e.sandboxes.get(c.sandboxId);
    if (!sb || sb.state !== 'ready')
      throw new RuntimeError('Runtime', `cannot join network of a non running container: ${c.sandboxId}`, {
        statusCode: 500,
        reason: 'RunContainerError',
      });
    c.state = 'running';
    c.startedAt = this.e.now();
    delete c.exitCode;
    delete c.finishedAt;
    delete c.termExit;
    c.oomKilled = false;
    c.runSeq++;
    this.e.emit('start', c);
    this.runMain(c);
  }

  async stopContainer(id: ContainerId, graceSeconds: number): Promise<void> {
    this.e.record('stopContainer', [id, graceSeconds]);
    const c = this.e.containers.get(id) ?? undefined;
    if (!c) {
      const s = this.e.sandboxes.get(id);
      if (s) await this.sandboxes.stopPodSandbox(id).catch(() => undefined);
      return;
    }
    if (c.state !== 'running') return;
    // SIGTERM: a trapped script exits with its code; anything else is SIGKILLed after the grace period.
    this.e.finish(c, c.termExit ?? 137);
  }

  async removeContainer(id: ContainerId): Promise<void> {
    this.e.record('removeContainer', [id]);
    const c = this.e.containers.get(id);
    if (!c) {
      if (this.e.sandboxes.has(id)) await this.sandboxes.removePodSandbox(id);
      return;
    }
    if (c.state === 'running') this.e.finish(c, 137);
    this.e.containers.delete(id);
    this.e.emit('destroy', c);
    this.e.wakeLogs();
  }

  private summary(c: FakeContainer): ContainerSummary {
    return {
      id: c.id,
      name: c.name,
      pod: { ...c.pod },
      containerName: c.containerName,
      attempt: c.attempt,
      sandboxId: c.sandboxId,
      image: c.image,
      state: c.state,
      createdAt: c.createdAt,
      labels: { ...c.labels },
    };
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerSummary[]> {
    this.e.record('listContainers', [filter]);
    return [...this.e.containers.values()]
      .filter((c) => this.e.matches(c.labels, filter.labels))
      .filter((c) => !filter.podUid || c.pod.uid === filter.podUid)
      .filter((c) => !filter.state || c.state === filter.state)
      .reverse()
      .map((c) => this.summary(c));
  }

  async inspectContainer(id: ContainerId): Promise<ContainerStatus> {
    this.e.record('inspectContainer', [id]);
    const c = this.e.mustContainer(id);
    const s: ContainerStatus = { ...this.summary(c), oomKilled: c.oomKilled, imageId: `sha256:fake-${c.image}` };
    if (c.startedAt) s.startedAt = c.startedAt;
    if (c.state === 'exited') {
      s.exitCode = c.exitCode ?? 0;
      s.reason = terminatedReason(s.exitCode, c.oomKilled);
      if (c.finishedAt) s.finishedAt = c.finishedAt;
    }
    if (c.state === 'running') s.pid = 1000 + Number(c.id.replace(/\D/g, '') || 0);
    return s;
  }

  logs(id: ContainerId, opts: LogOptions = {}): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.logLines(id, opts) };
  }

  private async *logLines(id: ContainerId, opts: LogOptions): AsyncGenerator<string> {
    this.e.record('logs', [id, opts]);
    const c = this.e.mustContainer(id);
    const fmt = (l: LogLine): string => (opts.timestamps ? `${nanoTimestamp(l.time)} ${l.text}` : l.text);
    let lines = c.logs.filter((l) => !opts.since || l.time.getTime() >= opts.since.getTime());
    if (opts.tail !== undefined) lines = opts.tail > 0 ? lines.slice(-opts.tail) : [];
    let next = c.logs.length;
    for (const l of lines) yield fmt(l);
    if (!opts.follow) return;
    const signal = opts.signal;
    for (;;) {
      while (next < c.logs.length) yield fmt(c.logs[next++]!);
      if (signal?.aborted || c.state !== 'running' || !this.e.containers.has(id)) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.e.logWaiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.e.logWaiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  async exec(id: ContainerId, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.e.record('exec', [id, cmd, opts]);
    const c = this.e.mustContainer(id);
    if (c.state !== 'running')
      throw new RuntimeError('RuntimeConflict', `Container ${id} is not running`, { statusCode: 409, reason: 'NotRunning' });
    const custom = this.e.execHandler?.(id, cmd, opts);
    if (custom) return custom;
    const stdin = opts.stdin === undefined ? '' : typeof opts.stdin === 'string' ? opts.stdin : Buffer.from(opts.stdin).toString('utf8');
    return execScript(cmd, stdin, podHostname(c.pod.name));
  }

  async execStream(id: ContainerId, cmd: string[], io: ExecStreams): Promise<number> {
    this.e.record('execStream', [id, cmd, { tty: io.tty === true }]);
    const c = this.e.mustContainer(id);
    if (c.state !== 'running')
      throw new RuntimeError('RuntimeConflict', `Container ${id} is not running`, { statusCode: 409, reason: 'NotRunning' });
    let stdin = '';
    if (io.stdin) {
      const chunks: Buffer[] = [];
      for await (const ch of io.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(ch));
      stdin = Buffer.concat(chunks).toString('utf8');
    }
    const r = this.e.execHandler?.(id, cmd, { tty: io.tty === true }) ?? execScript(cmd, stdin, podHostname(c.pod.name));
    io.stdout.write(r.stdout);
    if (io.tty) io.stdout.write(r.stderr);
    else io.stderr.write(r.stderr);
    return r.exitCode;
  }

  events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    this.e.calls.push({ method: 'events', args: [signal] });
    // Subscribe now, as Docker's `since` does, so events right after this call are not lost.
    const queue: RuntimeEvent[] = [];
    let wake: (() => void) | undefined;
    const sub = (e: RuntimeEvent): void => {
      if (!this.e.matches(e.labels, undefined)) return;
      queue.push(e);
      wake?.();
    };
    if (!signal.aborted) this.e.subscribers.add(sub);
    const onAbort = (): void => {
      this.e.subscribers.delete(sub);
      wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const self = this;
    async function* gen(): AsyncGenerator<RuntimeEvent> {
      try {
        for (;;) {
          while (queue.length && !signal.aborted) yield queue.shift()!;
          if (signal.aborted) return;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      } finally {
        self.e.subscribers.delete(sub);
        signal.removeEventListener('abort', onAbort);
      }
    }
    return { [Symbol.asyncIterator]: gen };
  }

  // ------------------------------------------------------------------ the main process

  /** Runs the container's main process: `sh -c` scripts are interpreted, anything else runs until stopped. */
  private runMain(c: FakeContainer): void {
    const script = shellScript(c.argv);
    if (script === undefined) {
      const [bin, ...rest] = c.argv;
      const base = bin?.split('/').pop();
      if (base === 'true') this.e.finish(c, 0);
      else if (base === 'false') this.e.finish(c, 1);
      else if (base === 'echo') {
        this.e.log(c, rest.join(' '), 'stdout');
        this.e.finish(c, 0);
      } else if (base === 'sleep' && isFiniteSeconds(rest[0])) this.runStatements(c, [['exit', '0']], Number(rest[0]) * 1000);
      return; // httpd, pause, no command at all ...: runs until stopped
    }
    this.runStatements(c, splitStatements(script), 0);
  }

  private runStatements(c: FakeContainer, stmts: string[][], delayMs: number): void {
    const seq = c.runSeq;
    const go = (): void => {
      if (c.runSeq !== seq || c.state !== 'running') return;
      let status = 0;
      for (let i = 0; i < stmts.length; i++) {
        const [cmd, ...args] = stmts[i]!;
        if (cmd === 'sleep') {
          if (!isFiniteSeconds(args[0])) return; // sleep forever
          const rest = stmts.slice(i + 1);
          this.runStatements(c, rest.length ? rest : [['exit', '0']], Number(args[0]) * 1000);
          return;
        }
        const r = runSimple(cmd, args, '', podHostname(c.pod.name));
        if (r.unknown) return; // httpd, while loops, ...: runs until stopped
        if (r.trap !== undefined) c.termExit = r.trap;
        for (const l of splitOutput(r.stdout)) this.e.log(c, l, 'stdout');
        for (const l of splitOutput(r.stderr)) this.e.log(c, l, 'stderr');
        if (r.exit !== undefined) return this.e.finish(c, r.exit);
        status = r.status ?? 0;
      }
      this.e.finish(c, status);
    };
    if (delayMs <= 0) go();
    else c.timer = this.e.clock.setTimer(delayMs, go);
  }
}
