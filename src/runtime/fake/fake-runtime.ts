// FakeRuntime: the ContainerRuntime port in memory, for fast unit tests of the kubelet and controllers
// (the cri-api FakeRuntimeService idea: a call log, injectable errors, and knobs to make things happen).
//
// It is held to DockerRuntime's behaviour by test/contracts/runtime-contract.ts. What it simulates:
// - sandboxes with fake podIPs (10.244.0.x, never contacted) and fake 127.0.0.1 host ports (not listening);
// - containers as a state machine created → running → exited, with Docker's names, labels and errors;
//   the create options come from the same convert.ts as Docker's, so spec errors are the same;
// - a tiny interpreter for `sh -c '<script>'` commands (echo [>&2], exit N, sleep N (on the Clock),
//   trap 'exit N' TERM, true, false, cat; anything else runs until stopped), so a container can write
//   logs, exit with a code or handle SIGTERM as it would on the engine. Images hold no entrypoint or cmd:
//   a container with neither command nor args runs until stopped.
// Test knobs (not recorded in `calls`): exitContainer, oomKill, forceRemove, writeLog, setExecHandler,
// setStats, addImage, injectError.
import { SystemClock, type Clock, type Timer } from '../../util/clock.js';
import {
  DEFAULT_NETWORK,
  RuntimeError,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerId,
  type ContainerRuntime,
  type ContainerState,
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
  type PortMapping,
  type PullProgress,
  type RegistryAuth,
  type RuntimeEvent,
  type RuntimeEventType,
  type RuntimeInfo,
  type RuntimeVersion,
  type SandboxConfig,
  type SandboxFilter,
  type SandboxId,
  type SandboxStatus,
  type VolumeInfo,
} from '../runtime.js';
import {
  containerLabels,
  containerName,
  managedLabels,
  PORTS,
  sandboxLabels,
  sandboxName,
  TEST_RUN,
  type PodRef,
} from '../names.js';
import { podHostname, portsLabel, terminatedReason, toContainerCreateOptions, uniquePorts, type DockerCreateOptions } from '../docker/convert.js';

export type RuntimeMethod = keyof ContainerRuntime;

export interface FakeCall {
  method: RuntimeMethod;
  args: unknown[];
}

export interface FakeRuntimeOptions {
  clock?: Clock;
  /** images present locally (default: none) */
  images?: string[];
  /** images pullImage can fetch (default: none: every pull fails, as with no registry) */
  registry?: string[];
  testRun?: string;
  allowPrivileged?: boolean;
  info?: Partial<RuntimeInfo>;
}

export interface FakeImage {
  /** the image's USER (checked for runAsNonRoot) */
  user?: string;
}

/** Decides an exec's result instead of the built-in interpreter; return undefined to fall through. */
export type ExecHandler = (id: ContainerId, cmd: string[], opts: ExecOptions) => ExecResult | undefined;

interface LogLine {
  time: Date;
  stream: 'stdout' | 'stderr';
  text: string;
}

interface FakeSandbox {
  id: SandboxId;
  name: string;
  pod: PodRef;
  attempt: number;
  state: 'ready' | 'notready';
  createdAt: string;
  network: string;
  hostname: string;
  podIP?: string;
  ports: PortMapping[];
  requested: NonNullable<SandboxConfig['ports']>;
  labels: Record<string, string>;
}

interface FakeContainer {
  id: ContainerId;
  name: string;
  pod: PodRef;
  containerName: string;
  attempt: number;
  sandboxId: SandboxId;
  image: string;
  state: ContainerState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled: boolean;
  labels: Record<string, string>;
  options: DockerCreateOptions;
  argv: string[];
  logs: LogLine[];
  /** exit code on SIGTERM when the script trapped it */
  termExit?: number;
  timer?: Timer;
  stats?: ContainerStats;
  /** bumped at every start: a pending `sleep` of an earlier run must not act */
  runSeq: number;
}

const notFound = (what: string): RuntimeError => new RuntimeError('RuntimeNotFound', what, { statusCode: 404 });
/** where the fake's named volumes "live" (subPath mounts bind folders of them) */
const FAKE_VOLUME_ROOT = '/fake/volumes';

/** Docker's timestamp format for log lines: RFC 3339 with nanoseconds. */
export function nanoTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class FakeRuntime implements ContainerRuntime {
  readonly calls: FakeCall[] = [];
  readonly images = new Map<string, FakeImage>();
  readonly registry = new Set<string>();
  /** test knob: images of `registry` that pull only with these credentials (else 401) */
  readonly registryAuth = new Map<string, { username: string; password: string }>();
  readonly networks = new Map<string, NetworkInfo>();
  /** named volumes by name (test knob: what the PV controller provisioned) */
  readonly volumes = new Map<string, VolumeInfo>();
  private readonly sandboxesById = new Map<SandboxId, FakeSandbox>();
  private readonly containersById = new Map<ContainerId, FakeContainer>();
  private readonly errors = new Map<RuntimeMethod, { err: unknown; times: number }[]>();
  private readonly subscribers = new Set<(e: RuntimeEvent) => void>();
  private readonly logWaiters = new Set<() => void>();
  private execHandler: ExecHandler | undefined;
  private readonly clock: Clock;
  private readonly testRun: string | undefined;
  private readonly allowPrivileged: boolean;
  private readonly infoValue: RuntimeInfo;
  private seq = 0;
  private nextHostPort = 40000;
  private nextIp = 2;

  constructor(opts: FakeRuntimeOptions = {}) {
    this.clock = opts.clock ?? new SystemClock();
    this.testRun = opts.testRun;
    this.allowPrivileged = opts.allowPrivileged ?? false;
    for (const i of opts.images ?? []) this.images.set(i, {});
    for (const r of opts.registry ?? []) this.registry.add(r);
    this.infoValue = {
      cpus: 4,
      memoryBytes: 8 * 2 ** 30,
      engineVersion: 'fake-1.0',
      hostname: 'kctl-fake',
      architecture: 'x86_64',
      os: 'linux',
      operatingSystem: 'FakeOS',
      kernelVersion: '6.0.0-fake',
      ...opts.info,
    };
  }

  // ------------------------------------------------------------------ test knobs

  /** The next `times` calls of `method` throw `err` (the call is still recorded). */
  injectError(method: RuntimeMethod, err: unknown, times = 1): void {
    const l = this.errors.get(method) ?? [];
    l.push({ err, times });
    this.errors.set(method, l);
  }

  clearErrors(): void {
    this.errors.clear();
  }

  /** Arguments of every recorded call of `method`, in order. */
  callsTo(method: RuntimeMethod): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Method names in call order (handy for asserting sequences). */
  callNames(): RuntimeMethod[] {
    return this.calls.map((c) => c.method);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  addImage(ref: string, image: FakeImage = {}): void {
    this.images.set(ref, image);
  }

  /** Makes a running container's process end with `code` (as a crash or `kill -9` from outside). */
  exitContainer(id: ContainerId, code: number, opts: { oomKilled?: boolean } = {}): void {
    const c = this.mustContainer(id);
    if (c.state !== 'running') throw new Error(`fake: container ${id} is ${c.state}, not running`);
    if (opts.oomKilled) {
      c.oomKilled = true;
      this.emit('oom', c);
    }
    this.finish(c, code);
  }

  /** The kernel's OOM killer ends the container: exit 137, OOMKilled. */
  oomKill(id: ContainerId): void {
    this.exitContainer(id, 137, { oomKilled: true });
  }

  /** `docker rm -f` behind kctl's back (containers or sandboxes). */
  forceRemove(id: string): void {
    const c = this.containersById.get(id);
    if (c) {
      if (c.state === 'running') this.finish(c, 137);
      this.containersById.delete(id);
      this.emit('destroy', c);
      return;
    }
    const s = this.sandboxesById.get(id);
    if (!s) throw new Error(`fake: no container ${id}`);
    this.sandboxesById.delete(id);
    this.emitFor('destroy', s.id, s.labels);
  }

  /** Appends a line to a container's log, as if its process wrote it. */
  writeLog(id: ContainerId, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.log(this.mustContainer(id), text, stream);
  }

  setExecHandler(h: ExecHandler | undefined): void {
    this.execHandler = h;
  }

  setStats(id: ContainerId, stats: Omit<ContainerStats, 'time'> & { time?: Date }): void {
    this.mustContainer(id).stats = { ...stats, time: stats.time ?? this.clock.now() };
  }

  /** The Docker create options the container was made with (the output of convert.ts). */
  createOptions(id: ContainerId): DockerCreateOptions {
    return structuredClone(this.mustContainer(id).options);
  }

  // ------------------------------------------------------------------ plumbing

  private record(method: RuntimeMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const l = this.errors.get(method);
    const first = l?.[0];
    if (!l || !first) return;
    first.times--;
    if (first.times <= 0) l.shift();
    throw first.err;
  }

  private id(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private mustContainer(id: ContainerId): FakeContainer {
    const c = this.containersById.get(id);
    if (!c) throw notFound(`No such container: ${id}`);
    return c;
  }

  private emitFor(type: RuntimeEventType, containerId: string, labels: Record<string, string>, exitCode?: number): void {
    const e: RuntimeEvent = { type, containerId, labels: { ...labels }, time: this.clock.now() };
    if (exitCode !== undefined) e.exitCode = exitCode;
    for (const s of this.subscribers) s(e);
  }

  private emit(type: RuntimeEventType, c: FakeContainer): void {
    this.emitFor(type, c.id, c.labels, type === 'die' ? c.exitCode : undefined);
  }

  private log(c: FakeContainer, text: string, stream: 'stdout' | 'stderr'): void {
    c.logs.push({ time: this.clock.now(), stream, text });
    this.wakeLogs();
  }

  private wakeLogs(): void {
    for (const w of [...this.logWaiters]) w();
  }

  private finish(c: FakeContainer, code: number): void {
    if (c.state !== 'running') return;
    c.timer?.cancel();
    delete c.timer;
    c.state = 'exited';
    c.exitCode = code;
    c.finishedAt = this.now();
    this.emit('die', c);
    this.wakeLogs();
  }

  private matches(labels: Record<string, string>, want: Record<string, string> | undefined): boolean {
    if (this.testRun && labels[TEST_RUN] !== this.testRun) return false;
    return Object.entries(want ?? {}).every(([k, v]) => labels[k] === v);
  }

  // ------------------------------------------------------------------ sandboxes

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxId> {
    this.record('runPodSandbox', [cfg]);
    const name = sandboxName(cfg.pod, cfg.attempt);
    const existing = [...this.sandboxesById.values()].find((s) => s.name === name);
    if (existing) {
      if (existing.state !== 'ready') this.startSandbox(existing);
      return existing.id;
    }
    const network = cfg.network ?? DEFAULT_NETWORK;
    if (!this.networks.has(network)) this.makeNetwork(network, {});
    const requested = uniquePorts(cfg.ports);
    const s: FakeSandbox = {
      id: this.id('sandbox'),
      name,
      pod: { ...cfg.pod },
      attempt: cfg.attempt,
      state: 'notready',
      createdAt: this.now(),
      network,
      hostname: cfg.hostname ?? podHostname(cfg.pod.name),
      ports: [],
      requested,
      labels: {
        ...cfg.labels,
        ...sandboxLabels(cfg.pod, cfg.attempt, this.testRun),
        ...(requested.length ? { [PORTS]: portsLabel(requested) } : {}),
      },
    };
    this.sandboxesById.set(s.id, s);
    this.startSandbox(s);
    return s.id;
  }

  private startSandbox(s: FakeSandbox): void {
    s.state = 'ready';
    s.podIP = `10.244.0.${this.nextIp++ % 250}`;
    s.ports = s.requested.map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
      hostIp: '127.0.0.1' as const,
      hostPort: this.nextHostPort++,
      ...(p.name ? { name: p.name } : {}),
    }));
    this.emitFor('start', s.id, s.labels);
  }

  async stopPodSandbox(id: SandboxId): Promise<void> {
    this.record('stopPodSandbox', [id]);
    const s = this.sandboxesById.get(id);
    if (!s || s.state === 'notready') return;
    s.state = 'notready';
    s.ports = [];
    delete s.podIP;
    this.emitFor('die', s.id, s.labels, 0);
  }

  async removePodSandbox(id: SandboxId): Promise<void> {
    this.record('removePodSandbox', [id]);
    const s = this.sandboxesById.get(id);
    if (!s) return;
    if (s.state === 'ready') this.emitFor('die', s.id, s.labels, 137);
    this.sandboxesById.delete(id);
    this.emitFor('destroy', s.id, s.labels);
  }

  private sandboxStatus(s: FakeSandbox): SandboxStatus {
    const out: SandboxStatus = {
      id: s.id,
      name: s.name,
      pod: { ...s.pod },
      attempt: s.attempt,
      state: s.state,
      createdAt: s.createdAt,
      network: s.network,
      ports: s.ports.map((p) => ({ ...p })),
      labels: { ...s.labels },
    };
    if (s.podIP) out.podIP = s.podIP;
    return out;
  }

  async podSandboxStatus(id: SandboxId): Promise<SandboxStatus> {
    this.record('podSandboxStatus', [id]);
    const s = this.sandboxesById.get(id);
    if (!s) throw notFound(`no pod sandbox ${id}`);
    return this.sandboxStatus(s);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<SandboxStatus[]> {
    this.record('listPodSandboxes', [filter]);
    return [...this.sandboxesById.values()]
      .filter((s) => this.matches(s.labels, filter.labels))
      .filter((s) => !filter.podUid || s.pod.uid === filter.podUid)
      .filter((s) => !filter.state || s.state === filter.state)
      .reverse()
      .map((s) => this.sandboxStatus(s));
  }

  // ------------------------------------------------------------------ containers

  async createContainer(sandbox: SandboxId, cfg: ContainerConfig): Promise<ContainerId> {
    this.record('createContainer', [sandbox, cfg]);
    const sb = this.sandboxesById.get(sandbox);
    if (!sb) throw notFound(`no pod sandbox ${sandbox}`);
    const name = containerName(sb.pod, cfg.container.name, cfg.attempt);
    if ([...this.containersById.values()].some((c) => c.name === name))
      throw new RuntimeError(
        'RuntimeConflict',
        `Conflict. The container name "/${name}" is already in use by container. You have to remove (or rename) that container to be able to reuse that name.`,
        { statusCode: 409 },
      );
    const image = cfg.container.image ?? '';
    const labels = { ...cfg.labels, ...containerLabels(sb.pod, cfg.container.name, cfg.attempt, sb.id, this.testRun) };
    const img = this.images.get(image);
    const { options, warnings } = toContainerCreateOptions({
      name,
      sandboxId: sb.id,
      cfg,
      labels,
      allowPrivileged: this.allowPrivileged,
      podName: sb.pod.name,
      ...(img ? { imageUser: img.user ?? '' } : {}),
      volumeMountpoints: Object.fromEntries([...this.volumes.keys()].map((v) => [v, `${FAKE_VOLUME_ROOT}/${v}/_data`])),
    });
    if (!img)
      throw new RuntimeError('RuntimeNotFound', `No such image: ${image}`, { statusCode: 404, reason: 'ImageNotPresent' });
    for (const w of warnings) cfg.onWarning?.(w);
    const c: FakeContainer = {
      id: this.id('container'),
      name,
      pod: { ...sb.pod },
      containerName: cfg.container.name,
      attempt: cfg.attempt,
      sandboxId: sb.id,
      image,
      state: 'created',
      createdAt: this.now(),
      oomKilled: false,
      labels,
      options,
      argv: [...(options.Entrypoint ?? []), ...(options.Cmd ?? [])],
      logs: [],
      runSeq: 0,
    };
    this.containersById.set(c.id, c);
    return c.id;
  }

  async startContainer(id: ContainerId): Promise<void> {
    this.record('startContainer', [id]);
    const c = this.mustContainer(id);
    if (c.state === 'running') return;
    const sb = this.sandboxesById.get(c.sandboxId);
    if (!sb || sb.state !== 'ready')
      throw new RuntimeError('Runtime', `cannot join network of a non running container: ${c.sandboxId}`, {
        statusCode: 500,
        reason: 'RunContainerError',
      });
    c.state = 'running';
    c.startedAt = this.now();
    delete c.exitCode;
    delete c.finishedAt;
    delete c.termExit;
    c.oomKilled = false;
    c.runSeq++;
    this.emit('start', c);
    this.runMain(c);
  }

  async stopContainer(id: ContainerId, graceSeconds: number): Promise<void> {
    this.record('stopContainer', [id, graceSeconds]);
    const c = this.containersById.get(id) ?? undefined;
    if (!c) {
      const s = this.sandboxesById.get(id);
      if (s) await this.stopPodSandbox(id).catch(() => undefined);
      return;
    }
    if (c.state !== 'running') return;
    // SIGTERM: a trapped script exits with its code; anything else is SIGKILLed after the grace period.
    this.finish(c, c.termExit ?? 137);
  }

  async removeContainer(id: ContainerId): Promise<void> {
    this.record('removeContainer', [id]);
    const c = this.containersById.get(id);
    if (!c) {
      if (this.sandboxesById.has(id)) await this.removePodSandbox(id);
      return;
    }
    if (c.state === 'running') this.finish(c, 137);
    this.containersById.delete(id);
    this.emit('destroy', c);
    this.wakeLogs();
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
    this.record('listContainers', [filter]);
    return [...this.containersById.values()]
      .filter((c) => this.matches(c.labels, filter.labels))
      .filter((c) => !filter.podUid || c.pod.uid === filter.podUid)
      .filter((c) => !filter.state || c.state === filter.state)
      .reverse()
      .map((c) => this.summary(c));
  }

  async inspectContainer(id: ContainerId): Promise<ContainerStatus> {
    this.record('inspectContainer', [id]);
    const c = this.mustContainer(id);
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
    this.record('logs', [id, opts]);
    const c = this.mustContainer(id);
    const fmt = (l: LogLine): string => (opts.timestamps ? `${nanoTimestamp(l.time)} ${l.text}` : l.text);
    let lines = c.logs.filter((l) => !opts.since || l.time.getTime() >= opts.since.getTime());
    if (opts.tail !== undefined) lines = opts.tail > 0 ? lines.slice(-opts.tail) : [];
    let next = c.logs.length;
    for (const l of lines) yield fmt(l);
    if (!opts.follow) return;
    const signal = opts.signal;
    for (;;) {
      while (next < c.logs.length) yield fmt(c.logs[next++]!);
      if (signal?.aborted || c.state !== 'running' || !this.containersById.has(id)) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.logWaiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.logWaiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  async exec(id: ContainerId, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.record('exec', [id, cmd, opts]);
    const c = this.mustContainer(id);
    if (c.state !== 'running')
      throw new RuntimeError('RuntimeConflict', `Container ${id} is not running`, { statusCode: 409, reason: 'NotRunning' });
    const custom = this.execHandler?.(id, cmd, opts);
    if (custom) return custom;
    const stdin = opts.stdin === undefined ? '' : typeof opts.stdin === 'string' ? opts.stdin : Buffer.from(opts.stdin).toString('utf8');
    return this.interpretExec(c, cmd, stdin);
  }

  async execStream(id: ContainerId, cmd: string[], io: ExecStreams): Promise<number> {
    this.record('execStream', [id, cmd, { tty: io.tty === true }]);
    const c = this.mustContainer(id);
    if (c.state !== 'running')
      throw new RuntimeError('RuntimeConflict', `Container ${id} is not running`, { statusCode: 409, reason: 'NotRunning' });
    let stdin = '';
    if (io.stdin) {
      const chunks: Buffer[] = [];
      for await (const ch of io.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(ch));
      stdin = Buffer.concat(chunks).toString('utf8');
    }
    const r = this.execHandler?.(id, cmd, { tty: io.tty === true }) ?? this.interpretExec(c, cmd, stdin);
    io.stdout.write(r.stdout);
    if (io.tty) io.stdout.write(r.stderr);
    else io.stderr.write(r.stderr);
    return r.exitCode;
  }

  events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    this.calls.push({ method: 'events', args: [signal] });
    // Subscribe now, as Docker's `since` does, so events right after this call are not lost.
    const queue: RuntimeEvent[] = [];
    let wake: (() => void) | undefined;
    const sub = (e: RuntimeEvent): void => {
      if (!this.matches(e.labels, undefined)) return;
      queue.push(e);
      wake?.();
    };
    if (!signal.aborted) this.subscribers.add(sub);
    const onAbort = (): void => {
      this.subscribers.delete(sub);
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
        self.subscribers.delete(sub);
        signal.removeEventListener('abort', onAbort);
      }
    }
    return { [Symbol.asyncIterator]: gen };
  }

  // ------------------------------------------------------------------ images

  async imageExists(ref: string): Promise<boolean> {
    this.record('imageExists', [ref]);
    return this.images.has(ref);
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void> {
    this.record('pullImage', auth ? [ref, auth] : [ref]);
    const need = this.registryAuth.get(ref);
    if (need && (auth?.username !== need.username || auth?.password !== need.password))
      throw new RuntimeError('Runtime', `failed to pull image "${ref}": unauthorized: authentication required`, { reason: 'ImagePull', statusCode: 401 });
    if (!this.registry.has(ref))
      throw new RuntimeError('Runtime', `failed to pull image "${ref}": pull access denied for ${ref}, repository does not exist or may require 'docker login'`, {
        reason: 'ImagePull',
        statusCode: 404,
      });
    onProgress?.({ status: `Pulling from ${ref}` });
    onProgress?.({ status: 'Pull complete', id: 'fake0layer' });
    this.images.set(ref, this.images.get(ref) ?? {});
  }

  // ------------------------------------------------------------------ node

  async stats(id: ContainerId): Promise<ContainerStats> {
    this.record('stats', [id]);
    const c = this.mustContainer(id);
    if (c.state !== 'running')
      throw new RuntimeError('RuntimeConflict', `container ${id} is not running`, { statusCode: 409, reason: 'NotRunning' });
    return c.stats ? { ...c.stats } : { cpuMillicores: 0, memoryBytes: 1 << 20, time: this.clock.now() };
  }

  async info(): Promise<RuntimeInfo> {
    this.record('info', []);
    return { ...this.infoValue };
  }

  async version(): Promise<RuntimeVersion> {
    this.record('version', []);
    return { runtimeName: 'fake', runtimeVersion: this.infoValue.engineVersion, apiVersion: '1.41' };
  }

  // ------------------------------------------------------------------ helpers

  /** helpers by name (test knob: inspect what the gateway asked for) */
  readonly helpers = new Map<string, HelperStatus & { config: HelperConfig }>();

  async runHelper(cfg: HelperConfig): Promise<HelperStatus> {
    this.record('runHelper', [cfg]);
    const prev = this.helpers.get(cfg.name);
    const same = prev && JSON.stringify([prev.config.command, prev.config.binds, prev.config.labels]) === JSON.stringify([cfg.command, cfg.binds, cfg.labels]);
    const addresses: Record<string, string> = {};
    for (const n of Object.keys(cfg.networks)) {
      if (!this.networks.has(n)) this.makeNetwork(n, {});
      addresses[n] = (same && prev.addresses[n]) || `10.245.${this.networks.size}.${this.helpers.size + 2}`;
    }
    const h = {
      id: same ? prev.id : this.id('helper'),
      name: cfg.name,
      running: true,
      labels: { ...cfg.labels, ...managedLabels(this.testRun) },
      addresses,
      config: structuredClone(cfg),
    };
    this.helpers.set(cfg.name, h);
    return { id: h.id, name: h.name, running: true, labels: { ...h.labels }, addresses: { ...addresses } };
  }

  async listHelpers(labels: Record<string, string> = {}): Promise<HelperStatus[]> {
    this.record('listHelpers', [labels]);
    return [...this.helpers.values()]
      .filter((h) => Object.entries(labels).every(([k, v]) => h.labels[k] === v))
      .map((h) => ({ id: h.id, name: h.name, running: h.running, labels: { ...h.labels }, addresses: { ...h.addresses } }));
  }

  async removeHelper(nameOrId: string): Promise<void> {
    this.record('removeHelper', [nameOrId]);
    for (const [n, h] of this.helpers) if (n === nameOrId || h.id === nameOrId) this.helpers.delete(n);
  }

  // ------------------------------------------------------------------ networks

  private makeNetwork(name: string, labels: Record<string, string>): NetworkInfo {
    const n: NetworkInfo = {
      id: this.id('network'),
      name,
      subnet: `10.244.${this.networks.size}.0/24`,
      labels: { ...labels, ...managedLabels(this.testRun) },
    };
    this.networks.set(name, n);
    return n;
  }

  async ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<NetworkInfo> {
    this.record('ensureNetwork', [name, labels]);
    const n = this.networks.get(name) ?? this.makeNetwork(name, labels);
    return { ...n, labels: { ...n.labels } };
  }

  async removeNetwork(name: string): Promise<void> {
    this.record('removeNetwork', [name]);
    if (!this.networks.has(name)) return;
    if ([...this.sandboxesById.values()].some((s) => s.network === name && s.state === 'ready'))
      throw new RuntimeError('RuntimeConflict', `error while removing network: network ${name} id ${this.networks.get(name)!.id} has active endpoints`, {
        statusCode: 403,
      });
    this.networks.delete(name);
  }

  // ------------------------------------------------------------------ volumes

  async createVolume(name: string, labels: Record<string, string> = {}, opts: { tmpfs?: { sizeBytes?: number } } = {}): Promise<VolumeInfo> {
    this.record('createVolume', opts.tmpfs ? [name, labels, opts] : [name, labels]);
    let v = this.volumes.get(name);
    if (!v) this.volumes.set(name, (v = { name, labels: { ...labels, ...managedLabels(this.testRun) }, createdAt: this.now() }));
    return structuredClone(v);
  }

  async removeVolume(name: string): Promise<void> {
    this.record('removeVolume', [name]);
    if (!this.volumes.has(name)) return;
    const user = [...this.containersById.values()].find((c) =>
      (c.options.HostConfig?.Binds ?? []).some((b) => b.startsWith(`${name}:`) || b.startsWith(`${FAKE_VOLUME_ROOT}/${name}/`)),
    );
    if (user) throw new RuntimeError('RuntimeConflict', `remove ${name}: volume is in use - [${user.id}]`, { statusCode: 409 });
    this.volumes.delete(name);
  }

  async listVolumes(labels: Record<string, string> = {}): Promise<VolumeInfo[]> {
    this.record('listVolumes', [labels]);
    return [...this.volumes.values()]
      .filter((v) => this.matches(v.labels, labels))
      .map((v) => structuredClone(v))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // ------------------------------------------------------------------ the tiny shell

  /** Runs the container's main process: `sh -c` scripts are interpreted, anything else runs until stopped. */
  private runMain(c: FakeContainer): void {
    const script = shellScript(c.argv);
    if (script === undefined) {
      const [bin, ...rest] = c.argv;
      const base = bin?.split('/').pop();
      if (base === 'true') this.finish(c, 0);
      else if (base === 'false') this.finish(c, 1);
      else if (base === 'echo') {
        this.log(c, rest.join(' '), 'stdout');
        this.finish(c, 0);
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
        const r = runSimple(cmd, args, '', c);
        if (r.unknown) return; // httpd, while loops, ...: runs until stopped
        if (r.trap !== undefined) c.termExit = r.trap;
        for (const l of splitOutput(r.stdout)) this.log(c, l, 'stdout');
        for (const l of splitOutput(r.stderr)) this.log(c, l, 'stderr');
        if (r.exit !== undefined) return this.finish(c, r.exit);
        status = r.status ?? 0;
      }
      this.finish(c, status);
    };
    if (delayMs <= 0) go();
    else c.timer = this.clock.setTimer(delayMs, go);
  }

  private interpretExec(c: FakeContainer, cmd: string[], stdin: string): ExecResult {
    const script = shellScript(cmd);
    if (script === undefined) {
      const [bin, ...args] = cmd;
      const r = runSimple(bin?.split('/').pop(), args, stdin, c);
      if (r.unknown)
        return {
          exitCode: 126,
          stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown\r\n`,
          stderr: '',
        };
      return { exitCode: r.exit ?? r.status ?? 0, stdout: r.stdout, stderr: r.stderr };
    }
    let stdout = '';
    let stderr = '';
    let status = 0;
    for (const [name, ...args] of splitStatements(script)) {
      const r = runSimple(name, args, stdin, c);
      stdout += r.stdout;
      stderr += r.unknown ? `sh: ${name}: not found\n` : r.stderr;
      if (r.exit !== undefined) return { exitCode: r.exit, stdout, stderr };
      status = r.unknown ? 127 : (r.status ?? 0);
    }
    return { exitCode: status, stdout, stderr };
  }
}

interface SimpleResult {
  stdout: string;
  stderr: string;
  /** set when the statement ends the script (exit N) */
  exit?: number;
  /** exit status of the statement (default 0) */
  status?: number;
  trap?: number;
  /** not a command the fake knows: a main process runs until stopped; exec says "not found" */
  unknown?: boolean;
}

function isFiniteSeconds(s: string | undefined): boolean {
  return s !== undefined && /^\d+(\.\d+)?$/.test(s);
}

function splitOutput(s: string): string[] {
  if (!s) return [];
  return s.replace(/\n$/, '').split('\n');
}

/** The script of `sh -c SCRIPT` / `/bin/sh -c SCRIPT`; undefined for other commands. */
function shellScript(argv: string[]): string | undefined {
  const [bin, flag, script] = argv;
  if (bin && /(^|\/)(ba)?sh$/.test(bin) && flag === '-c' && script !== undefined) return script;
  return undefined;
}

/** Splits a script on ; && || and newlines (outside quotes) into statements of unquoted words. */
function splitStatements(script: string): string[][] {
  const stmts: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endStmt = (): void => {
    endWord();
    if (words.length) stmts.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === ';' || ch === '\n') endStmt();
    else if ((ch === '&' || ch === '|') && script[i + 1] === ch) {
      endStmt();
      i++;
    } else if (ch === ' ' || ch === '\t') endWord();
    else {
      word += ch;
      inWord = true;
    }
  }
  endStmt();
  return stmts;
}

function runSimple(name: string | undefined, args: string[], stdin: string, c: FakeContainer): SimpleResult {
  switch (name) {
    case 'echo': {
      const toErr = args.at(-1) === '>&2' || args.at(-1) === '1>&2';
      const text = (toErr ? args.slice(0, -1) : args).join(' ') + '\n';
      return toErr ? { stdout: '', stderr: text } : { stdout: text, stderr: '' };
    }
    case 'exit':
      return { stdout: '', stderr: '', exit: Number(args[0] ?? 0) || 0 };
    case 'true':
    case ':':
      return { stdout: '', stderr: '' };
    case 'false':
      return { stdout: '', stderr: '', status: 1 };
    case 'cat':
      return { stdout: stdin, stderr: '' };
    case 'hostname':
      return { stdout: `${podHostname(c.pod.name)}\n`, stderr: '' };
    case 'trap': {
      const m = /^exit\s+(\d+)$/.exec(args[0] ?? '');
      const sigs = args.slice(1).map((s) => s.replace(/^SIG/, ''));
      if (m && sigs.includes('TERM')) return { stdout: '', stderr: '', trap: Number(m[1]) };
      return { stdout: '', stderr: '' };
    }
    case undefined:
      return { stdout: '', stderr: '' };
    default:
      return { stdout: '', stderr: '', unknown: true };
  }
}
