// The in-memory engine every slice of the FakeRuntime works on: its objects, the call log and injected errors,
// event subscribers, and the state changes several slices make (a container's end, a network's creation).
import type { Clock, Timer } from '../../util/clock.js';
import type { ContainerRuntime } from '../runtime.js';
import type { ContainerId, ContainerSummary, ExecOptions, ExecResult, RuntimeEvent, RuntimeEventType } from '../containers.js';
import type { SandboxConfig, SandboxId, SandboxStatus } from '../sandboxes.js';
import type { ContainerStats } from '../stats.js';
import type { HelperConfig, HelperStatus, NetworkInfo, VolumeInfo } from '../engine-objects.js';
import { RuntimeError } from '../runtime.js';
import { managedLabels, TEST_RUN } from '../names.js';
import type { DockerCreateOptions } from '../docker/convert.js';

export type RuntimeMethod = keyof ContainerRuntime;

export interface FakeCall {
  method: RuntimeMethod;
  args: unknown[];
}

export interface FakeImage {
  /** the image's USER (checked for runAsNonRoot) */
  user?: string;
}

/** Decides an exec's result instead of the built-in interpreter; return undefined to fall through. */
export type ExecHandler = (id: ContainerId, cmd: string[], opts: ExecOptions) => ExecResult | undefined;

export interface LogLine {
  time: Date;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** A sandbox as the fake keeps it: its status, the ports asked for (published again at each start), hostname. */
export interface FakeSandbox extends SandboxStatus {
  hostname: string;
  requested: NonNullable<SandboxConfig['ports']>;
}

/** A container as the fake keeps it: its summary, its last run, and how its process behaves. */
export interface FakeContainer extends ContainerSummary {
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled: boolean;
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

export const notFound = (what: string): RuntimeError => new RuntimeError('RuntimeNotFound', what, { statusCode: 404 });
/** where the fake's named volumes "live" (subPath mounts bind folders of them) */
export const FAKE_VOLUME_ROOT = '/fake/volumes';

export class FakeEngine {
  readonly calls: FakeCall[] = [];
  readonly images = new Map<string, FakeImage>();
  readonly registry = new Set<string>();
  readonly registryAuth = new Map<string, { username: string; password: string }>();
  readonly networks = new Map<string, NetworkInfo>();
  readonly volumes = new Map<string, VolumeInfo>();
  readonly helpers = new Map<string, HelperStatus & { config: HelperConfig }>();
  readonly sandboxes = new Map<SandboxId, FakeSandbox>();
  readonly containers = new Map<ContainerId, FakeContainer>();
  readonly errors = new Map<RuntimeMethod, { err: unknown; times: number }[]>();
  readonly subscribers = new Set<(e: RuntimeEvent) => void>();
  readonly logWaiters = new Set<() => void>();
  execHandler: ExecHandler | undefined;
  private seq = 0;

  constructor(
    readonly clock: Clock,
    readonly testRun: string | undefined,
  ) {}

  /** Logs the call; throws the error injected for it, if any. */
  record(method: RuntimeMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const l = this.errors.get(method);
    const first = l?.[0];
    if (!l || !first) return;
    first.times--;
    if (first.times <= 0) l.shift();
    throw first.err;
  }

  id(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  mustContainer(id: ContainerId): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw notFound(`No such container: ${id}`);
    return c;
  }

  emitFor(type: RuntimeEventType, containerId: string, labels: Record<string, string>, exitCode?: number): void {
    const e: RuntimeEvent = { type, containerId, labels: { ...labels }, time: this.clock.now() };
    if (exitCode !== undefined) e.exitCode = exitCode;
    for (const s of this.subscribers) s(e);
  }

  emit(type: RuntimeEventType, c: FakeContainer): void {
    this.emitFor(type, c.id, c.labels, type === 'die' ? c.exitCode : undefined);
  }

  log(c: FakeContainer, text: string, stream: 'stdout' | 'stderr'): void {
    c.logs.push({ time: this.clock.now(), stream, text });
    this.wakeLogs();
  }

  wakeLogs(): void {
    for (const w of [...this.logWaiters]) w();
  }

  /** The container's process ends with `code`. */
  finish(c: FakeContainer, code: number): void {
    if (c.state !== 'running') return;
    c.timer?.cancel();
    delete c.timer;
    c.state = 'exited';
    c.exitCode = code;
    c.finishedAt = this.now();
    this.emit('die', c);
    this.wakeLogs();
  }

  /** Whether an object is this test run's and carries every wanted label. */
  matches(labels: Record<string, string>, want: Record<string, string> | undefined): boolean {
    if (this.testRun && labels[TEST_RUN] !== this.testRun) return false;
    return Object.entries(want ?? {}).every(([k, v]) => labels[k] === v);
  }

  makeNetwork(name: string, labels: Record<string, string>): NetworkInfo {
    const n: NetworkInfo = {
      id: this.id('network'),
      name,
      subnet: `10.244.${this.networks.size}.0/24`,
      labels: { ...labels, ...managedLabels(this.testRun) },
    };
    this.networks.set(name, n);
    return n;
  }
}
