// FakeRuntime: the ContainerRuntime port in memory, for fast unit tests of the kubelet and controllers
// (the cri-api FakeRuntimeService idea: a call log, injectable errors, and knobs to make things happen).
// It is held to DockerRuntime's behaviour by test/contracts/runtime-contract.ts, and split along the same slices:
//   engine.ts          the shared in-memory state: objects, call log, injected errors, event subscribers
//   sandboxes.ts       PodSandboxManager (fake podIPs 10.244.0.x and 127.0.0.1 host ports: never contacted)
//   containers.ts      ContainerManager (a state machine; main processes and execs run shell.ts's little shell)
//   stats.ts           ContainerStatsManager + RuntimeVersioner
//   images.ts          ImageManager (a "registry" of pullable refs; nothing is fetched)
//   engine-objects.ts  EngineNetworks, EngineVolumes, HelperContainers
// Test knobs (not recorded in `calls`): exitContainer, oomKill, forceRemove, writeLog, setExecHandler,
// setStats, addImage, injectError.
import { SystemClock, type Clock } from '../../util/clock.js';
import type { ContainerRuntime } from '../runtime.js';
import type { ContainerId } from '../containers.js';
import type { ContainerStats, RuntimeInfo } from '../stats.js';
import { assembleRuntime } from '../assemble.js';
import type { DockerCreateOptions } from '../docker/convert.js';
import { FakeEngine, type ExecHandler, type FakeImage, type RuntimeMethod } from './engine.js';
import { FakeSandboxes } from './sandboxes.js';
import { FakeContainers } from './containers.js';
import { FakeStatsAndInfo } from './stats.js';
import { FakeImages } from './images.js';
import { FakeHelpers, FakeNetworks, FakeVolumes } from './engine-objects.js';

export type { ExecHandler, FakeCall, FakeImage, RuntimeMethod } from './engine.js';
export { nanoTimestamp } from './containers.js';

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

// the slice methods are put on each instance by assembleRuntime
export interface FakeRuntime extends ContainerRuntime {}

export class FakeRuntime {
  private readonly e: FakeEngine;

  constructor(opts: FakeRuntimeOptions = {}) {
    const e = new FakeEngine(opts.clock ?? new SystemClock(), opts.testRun);
    this.e = e;
    for (const i of opts.images ?? []) e.images.set(i, {});
    for (const r of opts.registry ?? []) e.registry.add(r);
    const sandboxes = new FakeSandboxes(e);
    const info = new FakeStatsAndInfo(e, opts.info);
    assembleRuntime(this, {
      sandboxes,
      containers: new FakeContainers(e, sandboxes, opts.allowPrivileged ?? false),
      stats: info,
      versioner: info,
      images: new FakeImages(e),
      networks: new FakeNetworks(e),
      volumes: new FakeVolumes(e),
      helpers: new FakeHelpers(e),
    });
  }

  // ------------------------------------------------------------------ what tests read

  get calls() {
    return this.e.calls;
  }
  get images() {
    return this.e.images;
  }
  get registry() {
    return this.e.registry;
  }
  /** test knob: images of `registry` that pull only with these credentials (else 401) */
  get registryAuth() {
    return this.e.registryAuth;
  }
  get networks() {
    return this.e.networks;
  }
  /** named volumes by name (test knob: what the PV controller provisioned) */
  get volumes() {
    return this.e.volumes;
  }
  /** helpers by name (test knob: inspect what the gateway asked for) */
  get helpers() {
    return this.e.helpers;
  }

  // ------------------------------------------------------------------ test knobs

  /** The next `times` calls of `method` throw `err` (the call is still recorded). */
  injectError(method: RuntimeMethod, err: unknown, times = 1): void {
    const l = this.e.errors.get(method) ?? [];
    l.push({ err, times });
    this.e.errors.set(method, l);
  }

  clearErrors(): void {
    this.e.errors.clear();
  }

  /** Arguments of every recorded call of `method`, in order. */
  callsTo(method: RuntimeMethod): unknown[][] {
    return this.e.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Method names in call order (handy for asserting sequences). */
  callNames(): RuntimeMethod[] {
    return this.e.calls.map((c) => c.method);
  }

  resetCalls(): void {
    this.e.calls.length = 0;
  }

  addImage(ref: string, image: FakeImage = {}): void {
    this.e.images.set(ref, image);
  }

  /** Makes a running container's process end with `code` (as a crash or `kill -9` from outside). */
  exitContainer(id: ContainerId, code: number, opts: { oomKilled?: boolean } = {}): void {
    const c = this.e.mustContainer(id);
    if (c.state !== 'running') throw new Error(`fake: container ${id} is ${c.state}, not running`);
    if (opts.oomKilled) {
      c.oomKilled = true;
      this.e.emit('oom', c);
    }
    this.e.finish(c, code);
  }

  /** The kernel's OOM killer ends the container: exit 137, OOMKilled. */
  oomKill(id: ContainerId): void {
    this.exitContainer(id, 137, { oomKilled: true });
  }

  /** `docker rm -f` behind kctl's back (containers or sandboxes). */
  forceRemove(id: string): void {
    const e = this.e;
    const c = e.containers.get(id);
    if (c) {
      if (c.state === 'running') e.finish(c, 137);
      e.containers.delete(id);
      e.emit('destroy', c);
      return;
    }
    const s = e.sandboxes.get(id);
    if (!s) throw new Error(`fake: no container ${id}`);
    e.sandboxes.delete(id);
    e.emitFor('destroy', s.id, s.labels);
  }

  /** Appends a line to a container's log, as if its process wrote it. */
  writeLog(id: ContainerId, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.e.log(this.e.mustContainer(id), text, stream);
  }

  setExecHandler(h: ExecHandler | undefined): void {
    this.e.execHandler = h;
  }

  setStats(id: ContainerId, stats: Omit<ContainerStats, 'time'> & { time?: Date }): void {
    this.e.mustContainer(id).stats = { ...stats, time: stats.time ?? this.e.clock.now() };
  }

  /** The Docker create options the container was made with (the output of convert.ts). */
  createOptions(id: ContainerId): DockerCreateOptions {
    return structuredClone(this.e.mustContainer(id).options);
  }
}
