// E2E harness: a kctl "cluster" as a user has it — a temp $KCTL_HOME, the built CLI (bin/kctl.js) run as child
// processes, and the background controller that the first mutating command starts, on the real Docker engine.
//
// - Every container the controller makes carries kctl.io/test-run=<runId> (KCTL_TEST_RUN), so dispose() can
//   remove exactly this run's containers, whatever happened.
// - Timings are scaled for tests (CrashLoopBackOff base 500 ms, resync 5 s); override through `env`.
// - Waits poll `kctl get ... -o json` until a predicate holds or a deadline passes; a timeout error carries the
//   last value seen and the tail of controller.log, so a failure says what the cluster looked like.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Event, Pod } from '../../src/api/types.js';
import { KCTL as REPO_KCTL } from './kctl-bin.js';
import { newTestRunId, removeTestRun } from './docker-env.js';

export { TEST_IMAGE } from './docker-env.js';

/** The CLI under test: bin/kctl.js of this repo (after `node scripts/build.mjs`), or $KCTL_E2E_BIN (a copy of a build). */
export const KCTL = process.env.KCTL_E2E_BIN ?? REPO_KCTL;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PodRow {
  name: string;
  ready: string;
  status: string;
  /** the RESTARTS count (without "(5s ago)") */
  restarts: number;
  age: string;
}

export type StoredPod = Pod & { metadata: { name: string; uid: string } };

/** Settings the tests scale down (KCTL_* of src/cluster/config.ts). */
export const E2E_ENV: Record<string, string> = {
  KCTL_BACKOFF_BASE_MS: '500',
  KCTL_BACKOFF_MAX_MS: '4000',
  KCTL_RESYNC_PERIOD_MS: '5000',
  NO_COLOR: '1',
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns something other than undefined/false; throws after timeoutMs with `what` and the last value. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      last = v;
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const extra = opts.describe ? await opts.describe().catch(() => '') : '';
      const lastText = lastErr ? `last error: ${(lastErr as Error).message}` : `last value: ${JSON.stringify(last)?.slice(0, 1500)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${lastText}${extra ? `\n${extra}` : ''}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

/** Splits `kctl get pods` output into rows (NAME READY STATUS RESTARTS AGE). */
export function parsePodTable(text: string): PodRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length || !lines[0]!.startsWith('NAME')) return [];
  return lines.slice(1).map((l) => {
    // RESTARTS may be "3 (5s ago)": the count, then an optional parenthesised part, then AGE
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\d+)(?: \([^)]*\))?\s+(\S+)\s*$/.exec(l);
    if (!m) throw new Error(`unexpected kctl get pods line: ${JSON.stringify(l)}`);
    return { name: m[1]!, ready: m[2]!, status: m[3]!, restarts: Number(m[4]), age: m[5]! };
  });
}

/** One Pod manifest (YAML is JSON): the usual defaults for tests, merged over by `spec`. */
export function podManifest(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { terminationGracePeriodSeconds: 2, ...spec } };
}

export const docker = new Docker();

/** `docker exec` through the docker CLI (test set-up only). */
export function dockerCli(args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The engine id of a container from its status containerID (`docker://<id>`). */
export function containerIdOf(pod: StoredPod, container: string): string {
  const cs = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((c) => c.name === container);
  const id = cs?.containerID?.replace(/^[a-z]+:\/\//, '');
  if (!id) throw new Error(`pod ${pod.metadata.name}: container ${container} has no containerID: ${JSON.stringify(pod.status)}`);
  return id;
}

export const containerStatus = (pod: StoredPod | undefined, name: string) => pod?.status?.containerStatuses?.find((c) => c.name === name);
export const condition = (pod: StoredPod | undefined, type: string) => pod?.status?.conditions?.find((c) => c.type === type)?.status;

/** Host port (127.0.0.1) published for a containerPort, read from the kctl.io/ports annotation. */
export function hostPortOf(pod: StoredPod | undefined, containerPort: number): number | undefined {
  const raw = pod?.metadata.annotations?.['kctl.io/ports'];
  if (!raw) return undefined;
  const list = JSON.parse(raw) as { containerPort: number; hostIP?: string; hostPort: number }[];
  const p = list.find((x) => x.containerPort === containerPort);
  if (p && p.hostIP !== undefined && p.hostIP !== '127.0.0.1') throw new Error(`port ${containerPort} published on ${p.hostIP}, not 127.0.0.1`);
  return p?.hostPort;
}

export class E2eCluster {
  readonly home: string;
  readonly runId: string;
  readonly env: Record<string, string>;
  private readonly root: string;
  private readonly children = new Set<ChildProcess>();

  private constructor(root: string, runId: string, env: Record<string, string>) {
    this.root = root;
    this.home = join(root, 'kctl');
    this.runId = runId;
    this.env = env;
  }

  /** A fresh $KCTL_HOME and test-run id; `env` adds or overrides settings (KCTL_ALLOCATABLE_MEMORY ...). */
  static create(name: string, env: Record<string, string> = {}): E2eCluster {
    const root = mkdtempSync(join(tmpdir(), `kctl-e2e-${name}-`));
    const runId = newTestRunId(name);
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('KCTL_')) base[k] = v;
    return new E2eCluster(root, runId, { ...base, ...E2E_ENV, ...env, KCTL_HOME: join(root, 'kctl'), KCTL_TEST_RUN: runId });
  }

  /** Runs `kctl <args>` (async child; stdin closed or given). */
  kctl(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [KCTL, ...args], { cwd: this.root, env: { ...this.env, ...opts.env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('close', (code, sig) => {
        clearTimeout(t);
        resolve({ code: code ?? (sig ? 128 : -1), stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** `kctl <args>` that must succeed: its stdout (else an error with the command and its stderr). */
  async ok(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const r = await this.kctl(args, opts);
    if (r.code !== 0) throw new Error(`kctl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  /** `kctl apply -f -` of manifests (objects are written as JSON documents). */
  apply(objects: Record<string, unknown> | Record<string, unknown>[], env?: Record<string, string>): Promise<string> {
    const docs = (Array.isArray(objects) ? objects : [objects]).map((o) => JSON.stringify(o)).join('\n---\n');
    return this.ok(['apply', '-f', '-'], { input: docs, ...(env ? { env } : {}) });
  }

  async pod(name: string): Promise<StoredPod | undefined> {
    const out = await this.ok(['get', 'pod', name, '-o', 'json', '--ignore-not-found']);
    return out.trim() ? (JSON.parse(out) as StoredPod) : undefined;
  }

  async podRows(...names: string[]): Promise<PodRow[]> {
    return parsePodTable(await this.ok(['get', 'pods', ...names]));
  }

  async podRow(name: string): Promise<PodRow | undefined> {
    const r = await this.kctl(['get', 'pods', name]);
    if (r.code !== 0) return undefined;
    return parsePodTable(r.stdout)[0];
  }

  async events(): Promise<Event[]> {
    return (JSON.parse(await this.ok(['get', 'events', '-o', 'json'])) as { items: Event[] }).items;
  }

  /** Events about one object (involvedObject.name), optionally of one reason. */
  async eventsFor(name: string, reason?: string): Promise<Event[]> {
    return (await this.events()).filter((e) => e.involvedObject?.name === name && (reason === undefined || e.reason === reason));
  }

  waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    return waitFor(what, fn, { timeoutMs, describe: () => this.diagnostics() });
  }

  /** Waits until the pod satisfies pred; returns it. */
  waitForPod(name: string, what: string, pred: (p: StoredPod) => boolean, timeoutMs = 60_000): Promise<StoredPod> {
    return this.waitFor(`pod ${name}: ${what}`, async () => {
      const p = await this.pod(name);
      return p && pred(p) ? p : undefined;
    }, timeoutMs);
  }

  /** Waits until `kctl get pods <name>` shows a row satisfying pred; returns it. */
  waitForRow(name: string, what: string, pred: (r: PodRow) => boolean, timeoutMs = 60_000): Promise<PodRow> {
    return this.waitFor(`kctl get pods ${name}: ${what}`, async () => {
      const r = await this.podRow(name);
      return r && pred(r) ? r : undefined;
    }, timeoutMs);
  }

  waitForEvent(name: string, reason: string, pred: (e: Event) => boolean = () => true, timeoutMs = 60_000): Promise<Event> {
    return this.waitFor(`event ${reason} on ${name}`, async () => (await this.eventsFor(name, reason)).find(pred), timeoutMs);
  }

  waitForGone(name: string, timeoutMs = 60_000): Promise<true> {
    return this.waitFor(`pod ${name} to be gone`, async () => (await this.pod(name)) === undefined || undefined, timeoutMs);
  }

  /** This run's containers in the engine (all states), optionally of one pod uid. */
  async containers(podUid?: string): Promise<Docker.ContainerInfo[]> {
    const label = [`kctl.io/test-run=${this.runId}`];
    if (podUid) label.push(`kctl.io/pod-uid=${podUid}`);
    return docker.listContainers({ all: true, filters: { label } });
  }

  async controllerPid(): Promise<number | undefined> {
    const st = await this.kctl(['controller', 'status']);
    const m = /is running \(pid (\d+)\)/.exec(st.stdout);
    return m ? Number(m[1]) : undefined;
  }

  async controllerLog(tail = 40): Promise<string> {
    const text = await readFile(join(this.home, 'controller.log'), 'utf8').catch(() => '');
    return text.split('\n').slice(-tail).join('\n');
  }

  /** What a failed wait prints: the pods, recent events, the controller log tail. */
  async diagnostics(): Promise<string> {
    const pods = await this.kctl(['get', 'pods', '-o', 'wide']);
    const evs = await this.kctl(['get', 'events']);
    return `--- kctl get pods\n${pods.stdout}${pods.stderr}--- kctl get events (last 25)\n${evs.stdout.split('\n').slice(-26).join('\n')}\n--- controller.log (tail)\n${await this.controllerLog()}`;
  }

  /** Runs `kctl <args>` as a long-lived child (foreground controller ...); dispose() kills what is left. */
  spawnKctl(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [KCTL, ...args], { cwd: this.root, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => { this.children.delete(child); r(code); }));
    return { child, output: () => out, exited };
  }

  /** Stops the controller, removes this run's containers, deletes the home. */
  async dispose(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    await this.kctl(['controller', 'stop'], { timeoutMs: 20_000 }).catch(() => undefined);
    // a controller that survived `stop` (it should not): kill it by its pid, never by name
    const pid = await readFile(join(this.home, 'controller.pid'), 'utf8').then((t) => Number(t.trim())).catch(() => 0);
    const cmdline = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
    if (cmdline.includes('kctl.js') && cmdline.includes('controller')) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await removeTestRun(this.runId);
    rmSync(this.root, { recursive: true, force: true });
  }
}
