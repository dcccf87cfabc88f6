// ContainerRuntime on the local Docker engine, through dockerode (the only file that imports it).
// dockerode is loaded on first use (about 130 ms of module loading) so that commands that never touch
// the engine do not pay for it.
import type Dockerode from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import {
  DEFAULT_NETWORK,
  RuntimeError,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerId,
  type ContainerRuntime,
  type ContainerStats,
  type ContainerStatus,
  type ContainerSummary,
  type ExecOptions,
  type ExecResult,
  type ExecStreams,
  type HelperConfig,
  type HelperStatus,
  type LogOptions,
  type NetworkInfo,
  type PullProgress,
  type RegistryAuth,
  type RuntimeErrorReason,
  type RuntimeEvent,
  type RuntimeInfo,
  type RuntimeVersion,
  type SandboxConfig,
  type SandboxFilter,
  type SandboxId,
  type SandboxStatus,
  type VolumeInfo,
} from '../runtime.js';
import {
  CONTAINER_TYPE,
  MANAGED_BY,
  MANAGED_BY_VALUE,
  POD_UID,
  TEST_RUN,
  CLUSTER,
  containerLabels,
  containerName,
  managedLabels,
  podRefFromLabels,
  sandboxLabels,
  sandboxName,
} from '../names.js';
import {
  LineSplitter,
  StreamDemuxer,
  dockerSince,
  eventFromDocker,
  podHostname,
  sandboxFromInspect,
  statusFromInspect,
  summaryFromList,
  toContainerCreateOptions,
  toSandboxCreateOptions,
  type DockerEventMessage,
  type DockerInspect,
  type DockerListItem,
  type DockerStats,
  statsFrom,
} from './convert.js';
import { PAUSE_IMAGE, PAUSE_IMAGE_CHANGES, pauseRootfsTar, pauseSupported } from './pause-image.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface DockerRuntimeOptions {
  /** `unix:///path` or `tcp://127.0.0.1:2375`; default: $DOCKER_HOST (read by dockerode, TLS included),
   *  else the local socket */
  host?: string;
  /** adds kctl.io/test-run=<id> to everything made and scopes list/events to it; default $KCTL_TEST_RUN */
  testRun?: string;
  /** adds kctl.io/cluster=<id> to every pod container made and scopes list/events to it (one $KCTL_HOME) */
  cluster?: string;
  /** permit securityContext.privileged */
  allowPrivileged?: boolean;
  /** image of the sandbox container; default kctl.io/pause:1; built locally (under this name) when absent */
  pauseImage?: string;
  /** dockerode instance to use instead of one made from `host` (tests) */
  docker?: Dockerode;
}

interface DockerErrorLike {
  statusCode?: number;
  json?: { message?: string } | string | null;
  reason?: string;
  message?: string;
  code?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'ENOTSOCK', 'EPERM']);

/** The engine's own message out of a dockerode error. */
function engineMessage(e: DockerErrorLike): string {
  const j = e.json;
  if (j && typeof j === 'object' && typeof j.message === 'string') return j.message.trim();
  if (typeof j === 'string' && j.trim()) return j.trim();
  return (e.message ?? String(e)).replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class DockerRuntime implements ContainerRuntime {
  /** where the engine is, as shown in messages */
  readonly host: string;
  private readonly testRun: string | undefined;
  private readonly cluster: string | undefined;
  private readonly allowPrivileged: boolean;
  private readonly pauseImage: string;
  private dockerP: Promise<Dockerode> | undefined;
  private pauseReady: Promise<{ built: boolean }> | undefined;
  private readonly networksReady = new Map<string, Promise<NetworkInfo>>();

  constructor(private readonly opts: DockerRuntimeOptions = {}) {
    this.host = opts.host ?? process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST;
    this.testRun = opts.testRun ?? (process.env.KCTL_TEST_RUN || undefined);
    this.cluster = opts.cluster;
    this.allowPrivileged = opts.allowPrivileged ?? false;
    this.pauseImage = opts.pauseImage ?? PAUSE_IMAGE;
    if (opts.docker) this.dockerP = Promise.resolve(opts.docker);
  }

  // ------------------------------------------------------------------ plumbing

  private docker(): Promise<Dockerode> {
    this.dockerP ??= import('dockerode').then((m) => {
      const Docker = (m as unknown as { default: typeof Dockerode }).default;
      if (this.opts.host === undefined) return new Docker(); // dockerode reads DOCKER_HOST / DOCKER_CERT_PATH
      const h = this.opts.host;
      if (h.startsWith('unix://')) return new Docker({ socketPath: h.slice('unix://'.length) });
      const u = new URL(h.replace(/^tcp:/, 'http:'));
      return new Docker({ host: u.hostname, port: u.port || 2375, protocol: 'http' });
    });
    return this.dockerP;
  }

  /** A dockerode failure as a RuntimeError: 404 → RuntimeNotFound, 409 → RuntimeConflict, no engine → one line. */
  toRuntimeError(e: unknown, reason?: RuntimeErrorReason): RuntimeError {
    if (e instanceof RuntimeError) return e;
    const d = (e ?? {}) as DockerErrorLike;
    if (d.statusCode === undefined && d.code && UNREACHABLE_CODES.has(d.code))
      return new RuntimeError('Runtime', `cannot reach the Docker engine at ${this.host}: ${d.message ?? d.code}`, {
        reason: 'EngineUnreachable',
        cause: e,
      });
    const msg = engineMessage(d);
    const o: { statusCode?: number; reason?: RuntimeErrorReason; cause: unknown } = { cause: e };
    if (d.statusCode !== undefined) o.statusCode = d.statusCode;
    if (reason) o.reason = reason;
    if (d.statusCode === 404) return new RuntimeError('RuntimeNotFound', msg, o);
    if (d.statusCode === 409) return new RuntimeError('RuntimeConflict', msg, o);
    return new RuntimeError('Runtime', msg, o);
  }

  private async call<T>(fn: (d: Dockerode) => Promise<T>, reason?: RuntimeErrorReason): Promise<T> {
    const d = await this.docker();
    try {
      return await fn(d);
    } catch (e) {
      throw this.toRuntimeError(e, reason);
    }
  }

  private labelFilters(extra: Record<string, string | undefined>): string[] {
    const l = [`${MANAGED_BY}=${MANAGED_BY_VALUE}`];
    if (this.testRun) l.push(`${TEST_RUN}=${this.testRun}`);
    if (this.cluster) l.push(`${CLUSTER}=${this.cluster}`);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) l.push(`${k}=${v}`);
    return l;
  }

  private async inspectRaw(idOrName: string): Promise<DockerInspect> {
    return (await this.call((d) => d.getContainer(idOrName).inspect())) as unknown as DockerInspect;
  }

  private async tryInspect(idOrName: string): Promise<DockerInspect | undefined> {
    try {
      return await this.inspectRaw(idOrName);
    } catch (e) {
      if (e instanceof RuntimeError && e.code === 'RuntimeNotFound') return undefined;
      throw e;
    }
  }

  /** Reads a dockerode progress stream to its end; rejects on an error message inside it. */
  private async followProgress(stream: NodeJS.ReadableStream, onProgress?: (p: PullProgress) => void): Promise<void> {
    const d = await this.docker();
    await new Promise<void>((resolve, reject) => {
      d.modem.followProgress(
        stream,
        (err: unknown, out: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          if (err) return reject(err);
          const bad = (out ?? []).find((m) => m.error || m.errorDetail);
          if (bad) return reject(new Error(bad.errorDetail?.message ?? bad.error));
          resolve();
        },
        (m: { status?: string; id?: string; progressDetail?: { current?: number; total?: number } }) => {
          if (!onProgress || !m.status) return;
          const p: PullProgress = { status: m.status };
          if (m.id) p.id = m.id;
          if (m.progressDetail?.current !== undefined) p.current = m.progressDetail.current;
          if (m.progressDetail?.total !== undefined) p.total = m.progressDetail.total;
          onProgress(p);
        },
      );
    });
  }

  // ------------------------------------------------------------------ pause image

  /** Builds the sandbox image when the engine lacks it (once per process; concurrent callers share it). */
  ensurePauseImage(): Promise<{ built: boolean }> {
    this.pauseReady ??= this.buildPauseImage().catch((e: unknown) => {
      this.pauseReady = undefined; // let a later call retry
      throw e;
    });
    return this.pauseReady;
  }

  private async buildPauseImage(): Promise<{ built: boolean }> {
    if (await this.imageExists(this.pauseImage)) return { built: false };
    const info = await this.info();
    if (!pauseSupported(info.architecture))
      throw new RuntimeError(
        'Runtime',
        `kctl builds its pod sandbox (pause) image for x86_64 only; this Docker engine runs on ${info.architecture}`,
        { reason: 'Unsupported' },
      );
    const rootfs = await pauseRootfsTar();
    const [repo, tag] = splitRef(this.pauseImage);
    try {
      const stream = await this.call((d) =>
        d.importImage(rootfs as unknown as string, { repo, tag, changes: [...PAUSE_IMAGE_CHANGES] } as object),
      );
      await this.followProgress(stream);
    } catch (e) {
      const r = this.toRuntimeError(e);
      throw new RuntimeError(r.code as 'Runtime', `cannot build the pause image ${this.pauseImage}: ${r.message}`, {
        cause: e,
        ...(r.reason ? { reason: r.reason } : {}),
      });
    }
    return { built: true };
  }

  // ------------------------------------------------------------------ sandboxes

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxId> {
    const name = sandboxName(cfg.pod, cfg.attempt);
    const network = cfg.network ?? DEFAULT_NETWORK;
    const existing = await this.tryInspect(name);
    let id = existing?.Id;
    if (!existing) {
      await this.ensurePauseImage();
      await this.ensureNetworkOnce(network);
      const options = toSandboxCreateOptions({
        name,
        image: this.pauseImage,
        hostname: cfg.hostname ?? podHostname(cfg.pod.name),
        labels: { ...cfg.labels, ...sandboxLabels(cfg.pod, cfg.attempt, this.testRun, this.cluster) },
        network,
        ...(cfg.networkAliases ? { aliases: cfg.networkAliases } : {}),
        ...(cfg.ports ? { ports: cfg.ports } : {}),
        ...(cfg.holdVolumes?.length ? { holdVolumes: cfg.holdVolumes } : {}),
      });
      try {
        id = (await this.call((d) => d.createContainer(options))).id;
      } catch (e) {
        if (!(e instanceof RuntimeError && e.code === 'RuntimeConflict')) throw e;
        id = (await this.inspectRaw(name)).Id; // made by a concurrent caller
      }
    }
    if (!existing?.State?.Running) {
      try {
        await this.call((d) => d.getContainer(id!).start());
      } catch (e) {
        if (!(e instanceof RuntimeError && e.statusCode === 304)) throw e;
      }
    }
    return id!;
  }

  async stopPodSandbox(id: SandboxId): Promise<void> {
    await this.stopContainer(id, 10); // pause exits at once on SIGTERM
  }

  async removePodSandbox(id: SandboxId): Promise<void> {
    await this.removeContainer(id);
  }

  async podSandboxStatus(id: SandboxId): Promise<SandboxStatus> {
    const i = await this.inspectRaw(id);
    if (i.Config?.Labels?.[CONTAINER_TYPE] !== 'sandbox')
      throw new RuntimeError('RuntimeNotFound', `no pod sandbox ${id}`, { statusCode: 404 });
    return sandboxFromInspect(i);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<SandboxStatus[]> {
    const items = (await this.call((d) =>
      d.listContainers({
        all: true,
        filters: { label: this.labelFilters({ ...filter.labels, [CONTAINER_TYPE]: 'sandbox', [POD_UID]: filter.podUid }) },
      }),
    )) as unknown as DockerListItem[];
    const out: SandboxStatus[] = [];
    for (const it of items) {
      const i = await this.tryInspect(it.Id);
      if (!i) continue; // removed meanwhile
      const s = sandboxFromInspect(i);
      if (!filter.state || s.state === filter.state) out.push(s);
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  // ------------------------------------------------------------------ containers

  async createContainer(sandbox: SandboxId, cfg: ContainerConfig): Promise<ContainerId> {
    const sb = await this.tryInspect(sandbox);
    const pod = sb && sb.Config?.Labels?.[CONTAINER_TYPE] === 'sandbox' ? podRefFromLabels(sb.Config.Labels) : undefined;
    if (!sb || !pod) throw new RuntimeError('RuntimeNotFound', `no pod sandbox ${sandbox}`, { statusCode: 404 });
    const name = containerName(pod, cfg.container.name, cfg.attempt);
    const sc = cfg.container.securityContext;
    const needsImageUser = (sc?.runAsNonRoot ?? cfg.podSecurityContext?.runAsNonRoot) && (sc?.runAsUser ?? cfg.podSecurityContext?.runAsUser) === undefined;
    let imageUser: string | undefined;
    if (needsImageUser && cfg.container.image) {
      const img = (await this.call((d) => d.getImage(cfg.container.image!).inspect(), 'ImageNotPresent')) as { Config?: { User?: string } };
      imageUser = img.Config?.User ?? '';
    }
    const { options, warnings } = toContainerCreateOptions({
      name,
      sandboxId: sb.Id,
      cfg,
      labels: { ...cfg.labels, ...containerLabels(pod, cfg.container.name, cfg.attempt, sb.Id, this.testRun, this.cluster) },
      allowPrivileged: this.allowPrivileged,
      podName: pod.name,
      ...(imageUser !== undefined ? { imageUser } : {}),
      ...(await this.subPathMountpoints(cfg).then((m) => (m ? { volumeMountpoints: m } : {}))),
    });
    for (const w of warnings) cfg.onWarning?.(w);
    try {
      const c = await this.call((d) => d.createContainer(options as unknown as Dockerode.ContainerCreateOptions));
      return c.id;
    } catch (e) {
      const r = e as RuntimeError;
      if (r.code === 'RuntimeNotFound' && /image/i.test(r.message))
        throw new RuntimeError('RuntimeNotFound', r.message, { statusCode: 404, reason: 'ImageNotPresent', cause: e });
      if (r.code === 'Runtime' && !r.reason)
        throw new RuntimeError('Runtime', r.message, { ...(r.statusCode ? { statusCode: r.statusCode } : {}), reason: 'CreateContainerError', cause: e });
      throw e;
    }
  }

  async startContainer(id: ContainerId): Promise<void> {
    try {
      await this.call((d) => d.getContainer(id).start(), 'RunContainerError');
    } catch (e) {
      if (e instanceof RuntimeError && e.statusCode === 304) return; // already started
      throw e;
    }
  }

  async stopContainer(id: ContainerId, graceSeconds: number): Promise<void> {
    const t = Math.max(0, Math.ceil(graceSeconds));
    try {
      await this.call((d) => d.getContainer(id).stop({ t }));
    } catch (e) {
      if (e instanceof RuntimeError && (e.statusCode === 304 || e.statusCode === 404)) return;
      throw e;
    }
  }

  async removeContainer(id: ContainerId): Promise<void> {
    try {
      await this.call((d) => d.getContainer(id).remove({ force: true, v: true }));
    } catch (e) {
      if (e instanceof RuntimeError && e.statusCode === 404) return;
      if (e instanceof RuntimeError && e.statusCode === 409 && /already in progress/.test(e.message)) return;
      throw e;
    }
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {
      label: this.labelFilters({ ...filter.labels, [CONTAINER_TYPE]: 'container', [POD_UID]: filter.podUid }),
    };
    if (filter.state === 'running') filters.status = ['running', 'paused', 'restarting'];
    else if (filter.state === 'exited') filters.status = ['exited', 'dead'];
    else if (filter.state === 'created') filters.status = ['created'];
    const items = (await this.call((d) => d.listContainers({ all: true, filters }))) as unknown as DockerListItem[];
    return items
      .map(summaryFromList)
      .filter((s) => !filter.state || s.state === filter.state)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async inspectContainer(id: ContainerId): Promise<ContainerStatus> {
    return statusFromInspect(await this.inspectRaw(id));
  }

  logs(id: ContainerId, opts: LogOptions = {}): AsyncIterable<string> {
    const self = this;
    return {
      [Symbol.asyncIterator]: () => self.logLines(id, opts),
    };
  }

  private async *logLines(id: ContainerId, opts: LogOptions): AsyncGenerator<string> {
    const info = await this.inspectRaw(id);
    const tty = (info as { Config?: { Tty?: boolean } }).Config?.Tty === true;
    const q: Record<string, unknown> = {
      stdout: true,
      stderr: true,
      follow: opts.follow === true,
      timestamps: opts.timestamps === true,
    };
    if (opts.tail !== undefined) q.tail = Math.max(0, Math.floor(opts.tail));
    if (opts.since) q.since = dockerSince(opts.since);
    const raw = (await this.call((d) => d.getContainer(id).logs(q as Dockerode.ContainerLogsOptions & { follow?: false }))) as unknown as Buffer | Readable;
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

  async exec(id: ContainerId, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const stdin = opts.stdin;
    const ex = await this.call(
      (d) =>
        d.getContainer(id).exec({
          Cmd: cmd,
          AttachStdout: true,
          AttachStderr: true,
          AttachStdin: stdin !== undefined,
          Tty: opts.tty === true,
          ...(opts.env ? { Env: opts.env.map((e) => `${e.name}=${e.value}`) } : {}),
          ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
          ...(opts.user ? { User: opts.user } : {}),
        }),
      'NotRunning',
    );
    const stream = (await this.call((_d) =>
      ex.start({ hijack: true, stdin: stdin !== undefined, Tty: opts.tty === true } as never),
    )) as unknown as Duplex;
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
      throw e instanceof RuntimeError ? e : this.toRuntimeError(e);
    } finally {
      if (timer) clearTimeout(timer);
    }
    const exitCode = await this.execExitCode(ex);
    return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  /** The exit code once the engine has noticed the end (it can lag the end of the stream by a moment). */
  private async execExitCode(ex: Dockerode.Exec): Promise<number> {
    for (let i = 0; ; i++) {
      const st = await this.call(() => ex.inspect());
      if (!st.Running && st.ExitCode !== null && st.ExitCode !== undefined) return st.ExitCode;
      if (i > 200) throw new RuntimeError('Runtime', 'exec did not report an exit code');
      await sleep(i < 10 ? 5 : 25);
    }
  }

  async execStream(id: ContainerId, cmd: string[], io: ExecStreams): Promise<number> {
    const tty = io.tty === true;
    const ex = await this.call(
      (d) =>
        d.getContainer(id).exec({
          Cmd: cmd,
          AttachStdout: true,
          AttachStderr: true,
          AttachStdin: io.stdin !== undefined,
          Tty: tty,
        }),
      'NotRunning',
    );
    const stream = (await this.call(() =>
      ex.start({ hijack: true, stdin: io.stdin !== undefined, Tty: tty } as never),
    )) as unknown as Duplex;
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
      throw this.toRuntimeError(e);
    }
    if (io.signal?.aborted) return 130;
    return this.execExitCode(ex);
  }

  events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    // `since` = now: events that happen before the HTTP stream is established are replayed by the engine.
    const since = dockerSince(new Date());
    const self = this;
    return {
      [Symbol.asyncIterator]: () => self.eventStream(since, signal),
    };
  }

  private async *eventStream(since: string, signal: AbortSignal): AsyncGenerator<RuntimeEvent> {
    if (signal.aborted) return;
    const filters = {
      type: ['container'],
      event: ['start', 'die', 'oom', 'destroy'],
      label: this.labelFilters({}),
    };
    let stream: Readable;
    try {
      stream = (await this.call((d) => d.getEvents({ since, filters, abortSignal: signal } as unknown as Dockerode.GetEventsOptions))) as unknown as Readable;
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
    if (!signal.aborted) throw new RuntimeError('Runtime', `the Docker engine at ${this.host} closed the event stream`);
  }

  // ------------------------------------------------------------------ images

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.call((d) => d.getImage(ref).inspect());
      return true;
    } catch (e) {
      if (e instanceof RuntimeError && e.code === 'RuntimeNotFound') return false;
      throw e;
    }
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void> {
    try {
      // the credentials travel in the X-Registry-Auth header only
      const stream = (await this.call((d) => (auth ? d.pull(ref, { authconfig: { ...auth } }) : d.pull(ref)))) as NodeJS.ReadableStream;
      await this.followProgress(stream, onProgress);
    } catch (e) {
      const r = this.toRuntimeError(e);
      if (r.reason === 'EngineUnreachable') throw r;
      throw new RuntimeError('Runtime', `failed to pull image "${ref}": ${r.message}`, {
        reason: 'ImagePull',
        cause: e,
        ...(r.statusCode ? { statusCode: r.statusCode } : {}),
      });
    }
  }

  // ------------------------------------------------------------------ node

  async stats(id: ContainerId): Promise<ContainerStats> {
    const i = await this.inspectRaw(id);
    if (!i.State?.Running)
      throw new RuntimeError('RuntimeConflict', `container ${id} is not running`, { reason: 'NotRunning', statusCode: 409 });
    const s = (await this.call((d) => d.getContainer(id).stats({ stream: false }))) as unknown as DockerStats;
    return statsFrom(s);
  }

  async info(): Promise<RuntimeInfo> {
    const i = (await this.call((d) => d.info())) as Record<string, unknown>;
    return {
      cpus: Number(i.NCPU ?? 0),
      memoryBytes: Number(i.MemTotal ?? 0),
      engineVersion: String(i.ServerVersion ?? ''),
      hostname: String(i.Name ?? ''),
      architecture: String(i.Architecture ?? ''),
      os: String(i.OSType ?? ''),
      operatingSystem: String(i.OperatingSystem ?? ''),
      kernelVersion: String(i.KernelVersion ?? ''),
    };
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.call((d) => d.version());
    return { runtimeName: 'docker', runtimeVersion: v.Version, apiVersion: v.ApiVersion };
  }

  // ------------------------------------------------------------------ helpers (not part of any pod)

  async runHelper(cfg: HelperConfig): Promise<HelperStatus> {
    const hash = helperHash(cfg);
    let i = await this.tryInspect(cfg.name);
    if (i && i.Config?.Labels?.[HELPER_HASH] !== hash) {
      await this.removeContainer(i.Id);
      i = undefined;
    }
    const nets = Object.entries(cfg.networks);
    if (!nets.length) throw new RuntimeError('Runtime', `helper ${cfg.name}: no network`);
    for (const [n] of nets) await this.ensureNetworkOnce(n);
    if (!i) {
      await this.ensurePauseImage();
      const [first, aliases] = nets[0]!;
      const labels = { ...cfg.labels, ...managedLabels(this.testRun, this.cluster), [CONTAINER_TYPE]: 'helper', [HELPER_HASH]: hash };
      try {
        await this.call((d) =>
          d.createContainer({
            name: cfg.name,
            Image: this.pauseImage,
            Entrypoint: [cfg.command[0]!],
            Cmd: cfg.command.slice(1),
            Labels: labels,
            HostConfig: {
              NetworkMode: first,
              RestartPolicy: { Name: 'unless-stopped' },
              Binds: cfg.binds.map((b) => `${b.hostPath}:${b.containerPath}${b.readOnly ? ':ro' : ''}`),
            },
            NetworkingConfig: { EndpointsConfig: { [first]: { Aliases: [...aliases] } } },
          }),
        );
      } catch (e) {
        if (!(e instanceof RuntimeError && e.code === 'RuntimeConflict')) throw e;
      }
      i = await this.inspectRaw(cfg.name);
    }
    // networks: join the missing ones, re-join those whose aliases changed, leave the others
    const have = (i.NetworkSettings?.Networks ?? {}) as Record<string, { Aliases?: string[] | null } | null>;
    const d = await this.docker();
    for (const [n, aliases] of nets) {
      const cur = have[n];
      const want = [...aliases].sort();
      const got = (cur?.Aliases ?? []).filter((a) => want.includes(a)).sort();
      if (cur && got.length === want.length) continue;
      const net = await this.findNetwork(n);
      if (!net) continue;
      if (cur) await this.call(() => d.getNetwork(net.id).disconnect({ Container: i!.Id, Force: true }));
      await this.call(() => d.getNetwork(net.id).connect({ Container: i!.Id, EndpointConfig: { Aliases: [...aliases] } }));
    }
    for (const n of Object.keys(have)) {
      if (cfg.networks[n]) continue;
      const net = await this.findNetwork(n);
      if (net) await this.call(() => d.getNetwork(net.id).disconnect({ Container: i!.Id, Force: true })).catch(() => undefined);
    }
    if (!i.State?.Running) {
      try {
        await this.call((x) => x.getContainer(i!.Id).start());
      } catch (e) {
        if (!(e instanceof RuntimeError && e.statusCode === 304)) throw e;
      }
    }
    return helperStatus(await this.inspectRaw(i.Id));
  }

  async listHelpers(labels: Record<string, string> = {}): Promise<HelperStatus[]> {
    const items = (await this.call((d) =>
      d.listContainers({ all: true, filters: { label: this.labelFilters({ ...labels, [CONTAINER_TYPE]: 'helper' }) } }),
    )) as Array<{ Id: string }>;
    const out: HelperStatus[] = [];
    for (const c of items) {
      const i = await this.tryInspect(c.Id);
      if (i) out.push(helperStatus(i));
    }
    return out;
  }

  async removeHelper(nameOrId: string): Promise<void> {
    await this.removeContainer(nameOrId);
  }

  // ------------------------------------------------------------------ networks

  private ensureNetworkOnce(name: string): Promise<NetworkInfo> {
    let p = this.networksReady.get(name);
    if (!p) {
      p = this.ensureNetwork(name).catch((e: unknown) => {
        this.networksReady.delete(name);
        throw e;
      });
      this.networksReady.set(name, p);
    }
    return p;
  }

  private async findNetwork(name: string): Promise<NetworkInfo | undefined> {
    const nets = (await this.call((d) => d.listNetworks({ filters: { name: [name] } }))) as Array<{
      Id: string;
      Name: string;
      Labels?: Record<string, string> | null;
      IPAM?: { Config?: Array<{ Subnet?: string }> | null };
    }>;
    const n = nets.find((x) => x.Name === name);
    if (!n) return undefined;
    const info: NetworkInfo = { id: n.Id, name: n.Name, labels: { ...n.Labels } };
    const subnet = n.IPAM?.Config?.[0]?.Subnet;
    if (subnet) info.subnet = subnet;
    return info;
  }

  async ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<NetworkInfo> {
    const found = await this.findNetwork(name);
    if (found) return found;
    try {
      await this.call((d) =>
        d.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { ...labels, ...managedLabels(this.testRun) } }),
      );
    } catch (e) {
      if (!(e instanceof RuntimeError && e.code === 'RuntimeConflict')) throw e;
    }
    const made = await this.findNetwork(name);
    if (!made) throw new RuntimeError('Runtime', `network ${name} vanished right after it was created`);
    return made;
  }

  async removeNetwork(name: string): Promise<void> {
    this.networksReady.delete(name);
    const n = await this.findNetwork(name);
    if (!n) return;
    try {
      await this.call((d) => d.getNetwork(n.id).remove());
    } catch (e) {
      if (e instanceof RuntimeError && e.statusCode === 404) return;
      if (e instanceof RuntimeError && /active endpoints/.test(e.message))
        throw new RuntimeError('RuntimeConflict', e.message, { ...(e.statusCode ? { statusCode: e.statusCode } : {}), cause: e });
      throw e;
    }
  }

  // ------------------------------------------------------------------ volumes

  private volumeLabels(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...managedLabels(this.testRun, this.cluster) };
  }

  private static volumeInfo(v: { Name: string; Labels?: Record<string, string> | null; CreatedAt?: string }): VolumeInfo {
    const info: VolumeInfo = { name: v.Name, labels: { ...v.Labels } };
    if (v.CreatedAt) info.createdAt = new Date(v.CreatedAt).toISOString();
    return info;
  }

  async createVolume(name: string, labels: Record<string, string> = {}, opts: { tmpfs?: { sizeBytes?: number } } = {}): Promise<VolumeInfo> {
    const d = await this.docker();
    try {
      const v = (await d.getVolume(name).inspect()) as { Name: string; Labels?: Record<string, string> | null; CreatedAt?: string };
      return DockerRuntime.volumeInfo(v);
    } catch (e) {
      if ((e as DockerErrorLike).statusCode !== 404) throw this.toRuntimeError(e);
    }
    // the engine's create is idempotent too: a concurrent create returns the same volume
    const tmpfs = opts.tmpfs && {
      type: 'tmpfs',
      device: 'tmpfs',
      o: ['mode=1777', ...(opts.tmpfs.sizeBytes ? [`size=${opts.tmpfs.sizeBytes}`] : [])].join(','),
    };
    await this.call((x) => x.createVolume({ Name: name, Driver: 'local', Labels: this.volumeLabels(labels), ...(tmpfs ? { DriverOpts: tmpfs } : {}) }));
    const v = (await this.call((x) => x.getVolume(name).inspect())) as { Name: string; Labels?: Record<string, string> | null; CreatedAt?: string };
    return DockerRuntime.volumeInfo(v);
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.call((d) => d.getVolume(name).remove());
    } catch (e) {
      if (e instanceof RuntimeError && e.statusCode === 404) return;
      if (e instanceof RuntimeError && e.statusCode === 409 && e.code !== 'RuntimeConflict')
        throw new RuntimeError('RuntimeConflict', e.message, { statusCode: 409, cause: e });
      throw e;
    }
  }

  async listVolumes(labels: Record<string, string> = {}): Promise<VolumeInfo[]> {
    const res = (await this.call((d) => d.listVolumes({ filters: { label: this.labelFilters(labels) } }))) as {
      Volumes?: Array<{ Name: string; Labels?: Record<string, string> | null; CreatedAt?: string }> | null;
    };
    return (res.Volumes ?? []).map((v) => DockerRuntime.volumeInfo(v)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Mountpoints of the named volumes a container mounts with a subPath. */
  private async subPathMountpoints(cfg: ContainerConfig): Promise<Record<string, string> | undefined> {
    let out: Record<string, string> | undefined;
    for (const m of cfg.container.volumeMounts ?? []) {
      const ev = cfg.engineVolumes?.[m.name];
      if (ev?.type !== 'volume' || !(m.subPath || m.subPathExpr) || out?.[ev.name]) continue;
      const v = (await this.call((d) => d.getVolume(ev.name).inspect())) as { Mountpoint?: string };
      if (v.Mountpoint) (out ??= {})[ev.name] = v.Mountpoint;
    }
    return out;
  }
}

const HELPER_HASH = 'kctl.io/helper-hash';

/** What makes a helper container: a change means a new container (networks are changed in place). */
function helperHash(cfg: HelperConfig): string {
  const text = JSON.stringify([cfg.command, cfg.binds.map((b) => [b.hostPath, b.containerPath, !!b.readOnly]), cfg.labels ?? {}]);
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function helperStatus(i: DockerInspect): HelperStatus {
  const addresses: Record<string, string> = {};
  for (const [n, v] of Object.entries(i.NetworkSettings?.Networks ?? {})) if (v?.IPAddress) addresses[n] = v.IPAddress;
  return { id: i.Id, name: i.Name.replace(/^\//, ''), running: !!i.State?.Running, labels: { ...i.Config?.Labels }, addresses };
}

function splitRef(ref: string): [string, string] {
  const i = ref.lastIndexOf(':');
  return i > ref.lastIndexOf('/') ? [ref.slice(0, i), ref.slice(i + 1)] : [ref, 'latest'];
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
