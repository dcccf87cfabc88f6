// The one connection to the Docker engine that every slice of the Docker adapter shares: dockerode loaded on
// first use (about 130 ms of module loading, so commands that never touch the engine do not pay for it),
// dockerode failures turned into RuntimeErrors, kctl's label scoping, and the container calls all slices make.
import type Dockerode from 'dockerode';
import { RuntimeError, type RuntimeErrorReason } from '../runtime.js';
import type { PullProgress } from '../images.js';
import { CLUSTER, MANAGED_BY, MANAGED_BY_VALUE, TEST_RUN } from '../names.js';
import type { DockerInspect } from './convert.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface DockerEngineOptions {
  /** `unix:///path` or `tcp://127.0.0.1:2375`; default: the local socket */
  host?: string | undefined;
  /** adds kctl.io/test-run=<id> to everything made and scopes list/events to it */
  testRun?: string | undefined;
  /** adds kctl.io/cluster=<id> to every pod container made and scopes list/events to it (one $KCTL_HOME) */
  cluster?: string | undefined;
  /** dockerode instance to use instead of one made from `host` (tests) */
  docker?: Dockerode | undefined;
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

export const isStatus = (e: unknown, ...codes: number[]): boolean => e instanceof RuntimeError && e.statusCode !== undefined && codes.includes(e.statusCode);

export class DockerEngine {
  /** where the engine is, as shown in messages */
  readonly host: string;
  readonly testRun: string | undefined;
  readonly cluster: string | undefined;
  private dockerP: Promise<Dockerode> | undefined;

  constructor(opts: DockerEngineOptions = {}) {
    this.host = opts.host ?? DEFAULT_DOCKER_HOST;
    this.testRun = opts.testRun || undefined;
    this.cluster = opts.cluster;
    if (opts.docker) this.dockerP = Promise.resolve(opts.docker);
  }

  docker(): Promise<Dockerode> {
    this.dockerP ??= import('dockerode').then((m) => {
      const Docker = (m as unknown as { default: typeof Dockerode }).default;
      const h = this.host;
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

  /** Runs one dockerode call; its failure comes out as a RuntimeError (with `reason` when given). */
  async call<T>(fn: (d: Dockerode) => Promise<T>, reason?: RuntimeErrorReason): Promise<T> {
    const d = await this.docker();
    try {
      return await fn(d);
    } catch (e) {
      throw this.toRuntimeError(e, reason);
    }
  }

  /** Label filters selecting kctl's objects of this test run and cluster, plus `extra`. */
  labelFilters(extra: Record<string, string | undefined>): string[] {
    const l = [`${MANAGED_BY}=${MANAGED_BY_VALUE}`];
    if (this.testRun) l.push(`${TEST_RUN}=${this.testRun}`);
    if (this.cluster) l.push(`${CLUSTER}=${this.cluster}`);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) l.push(`${k}=${v}`);
    return l;
  }

  async inspectRaw(idOrName: string): Promise<DockerInspect> {
    return (await this.call((d) => d.getContainer(idOrName).inspect())) as unknown as DockerInspect;
  }

  async tryInspect(idOrName: string): Promise<DockerInspect | undefined> {
    try {
      return await this.inspectRaw(idOrName);
    } catch (e) {
      if (e instanceof RuntimeError && e.code === 'RuntimeNotFound') return undefined;
      throw e;
    }
  }

  /** Starts an engine container (sandbox, app or helper); already started is no error. */
  async start(id: string, reason?: RuntimeErrorReason): Promise<void> {
    try {
      await this.call((d) => d.getContainer(id).start(), reason);
    } catch (e) {
      if (!isStatus(e, 304)) throw e;
    }
  }

  /** Stop signal, then SIGKILL after `graceSeconds`; already stopped or absent is no error. */
  async stop(id: string, graceSeconds: number): Promise<void> {
    const t = Math.max(0, Math.ceil(graceSeconds));
    try {
      await this.call((d) => d.getContainer(id).stop({ t }));
    } catch (e) {
      if (!isStatus(e, 304, 404)) throw e;
    }
  }

  /** Removes an engine container forcibly (with its anonymous volumes); absent is no error. */
  async remove(id: string): Promise<void> {
    try {
      await this.call((d) => d.getContainer(id).remove({ force: true, v: true }));
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (isStatus(e, 409) && /already in progress/.test((e as Error).message)) return;
      throw e;
    }
  }

  /** Reads a dockerode progress stream to its end; rejects on an error message inside it. */
  async followProgress(stream: NodeJS.ReadableStream, onProgress?: (p: PullProgress) => void): Promise<void> {
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
}
