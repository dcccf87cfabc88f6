// Connection-level load balancing for one Service port (upstream kube-proxy's userspace LoadBalancerRR,
// pkg/proxy/userspace/roundrobin.go): round-robin over the ready endpoints, with optional ClientIP session
// affinity, and a short penalty for an endpoint a connect just failed on (so the next connections skip it until
// the endpoints controller catches up; when every endpoint is penalised they are all tried again).
import type { Clock } from '../util/clock.js';

/** One endpoint as the proxy reaches it: always a loopback address and a published host port. */
export interface Backend {
  /** stable identity (the pod's uid, or ip:port for a hand-written endpoint) */
  id: string;
  host: string;
  port: number;
  /** for logs: the pod's name */
  name?: string;
}

export interface RoundRobinOptions {
  clock: Clock;
  /** ClientIP affinity timeout in seconds; undefined: no affinity (sessionAffinity None) */
  affinityTimeoutSeconds?: number;
  /** how long an endpoint a connect failed on is skipped (default 2 000 ms) */
  failurePenaltyMs?: number;
}

/** spec.sessionAffinityConfig.clientIP.timeoutSeconds default (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

export class RoundRobin {
  private readonly clock: Clock;
  private list: Backend[] = [];
  /** index of the next backend to try */
  private cursor = 0;
  private affinityMs: number | undefined;
  private readonly affinity = new Map<string, { id: string; lastUsed: number }>();
  private readonly penaltyMs: number;
  private readonly penalised = new Map<string, number>();

  constructor(opts: RoundRobinOptions) {
    this.clock = opts.clock;
    this.penaltyMs = opts.failurePenaltyMs ?? 2_000;
    this.setAffinity(opts.affinityTimeoutSeconds);
  }

  get backends(): readonly Backend[] {
    return this.list;
  }

  /** Whether picks depend on the client's address (ClientIP affinity). */
  get usesClientIP(): boolean {
    return this.affinityMs !== undefined;
  }

  /** ClientIP affinity on (timeout in seconds) or off (undefined). */
  setAffinity(timeoutSeconds: number | undefined): void {
    const ms = timeoutSeconds === undefined ? undefined : Math.max(1, timeoutSeconds) * 1000;
    if (ms !== this.affinityMs) this.affinity.clear();
    this.affinityMs = ms;
  }

  /**
   * Replaces the endpoint set. Endpoints that left get no new connection from now on (affinity to them is
   * dropped); the rotation continues after the last endpoint picked.
   */
  setBackends(next: readonly Backend[]): void {
    const last = this.list[(this.cursor - 1 + this.list.length) % Math.max(1, this.list.length)];
    this.list = [...next];
    const ids = new Set(this.list.map((b) => b.id));
    for (const [ip, a] of this.affinity) if (!ids.has(a.id)) this.affinity.delete(ip);
    for (const id of this.penalised.keys()) if (!ids.has(id)) this.penalised.delete(id);
    const at = last ? this.list.findIndex((b) => b.id === last.id) : -1;
    this.cursor = at >= 0 ? (at + 1) % Math.max(1, this.list.length) : this.list.length ? this.cursor % this.list.length : 0;
  }

  /** The endpoint for a new connection from clientIP, skipping `tried` ones; undefined when none is left. */
  pick(clientIP: string, tried: ReadonlySet<string> = new Set()): Backend | undefined {
    const n = this.list.length;
    if (n === 0) return undefined;
    const now = this.clock.now().getTime();
    const usable = (b: Backend): boolean => !tried.has(b.id);
    const healthy = (b: Backend): boolean => (this.penalised.get(b.id) ?? 0) <= now;
    if (this.affinityMs !== undefined) {
      const a = this.affinity.get(clientIP);
      if (a && now - a.lastUsed < this.affinityMs) {
        const b = this.list.find((x) => x.id === a.id);
        if (b && usable(b) && healthy(b)) {
          a.lastUsed = now;
          return b;
        }
      }
    }
    let chosen: Backend | undefined;
    for (const wantHealthy of [true, false]) {
      for (let i = 0; i < n && !chosen; i++) {
        const idx = (this.cursor + i) % n;
        const b = this.list[idx]!;
        if (usable(b) && (!wantHealthy || healthy(b))) {
          chosen = b;
          this.cursor = (idx + 1) % n;
        }
      }
      if (chosen) break;
    }
    if (chosen && this.affinityMs !== undefined) this.affinity.set(clientIP, { id: chosen.id, lastUsed: now });
    return chosen;
  }

  /** A connect to this endpoint failed: skip it for a while. */
  reportFailure(id: string): void {
    this.penalised.set(id, this.clock.now().getTime() + this.penaltyMs);
    for (const [ip, a] of this.affinity) if (a.id === id) this.affinity.delete(ip);
  }

  /** A connect to this endpoint worked. */
  reportSuccess(id: string): void {
    this.penalised.delete(id);
  }
}
