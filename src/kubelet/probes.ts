// Liveness, readiness and startup probes (upstream pkg/kubelet/prober: worker.go, prober.go, results).
// One worker per running container and probe type, driven by the injected Clock: it runs the probe every
// periodSeconds (the first time once initialDelaySeconds have passed since the container started), turns
// successThreshold / failureThreshold consecutive outcomes into a result, and enqueues the pod when a result
// changes. exec probes run through runtime.exec; httpGet and tcpSocket go from the host to the pod's
// published 127.0.0.1 port (probe-transport.ts), never to the pod IP.
import type { Container, Pod } from '../api/types.js';
import type { Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, Timer } from '../util/clock.js';
import type { ContainerManager, PortMapping } from '../runtime/runtime.js';
import { KctlError } from '../util/errors.js';
import type { ProbeOutcome, ProbeTransport } from './probe-transport.js';
import type { ContainerProbeResults, ProbeResult } from './pod-actions.js';
import type { EventSink } from '../reconcile/events.js';
import { recordSafely } from './events.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** A probe with Kubernetes' defaults filled in. */
export interface ProbeSpec {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  probe: Probe;
}

/** Kubernetes' defaults: 0 s delay, every 10 s, 1 s timeout, 1 success, 3 failures (liveness/startup need 1 success). */
export function withProbeDefaults(p: Probe, type: ProbeType): ProbeSpec {
  const pos = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelaySeconds: Math.max(0, p.initialDelaySeconds ?? 0),
    periodSeconds: pos(p.periodSeconds, 10),
    timeoutSeconds: pos(p.timeoutSeconds, 1),
    successThreshold: type === 'readiness' ? pos(p.successThreshold, 1) : 1,
    failureThreshold: pos(p.failureThreshold, 3),
    probe: p,
  };
}

const capital = (t: ProbeType): string => t[0]!.toUpperCase() + t.slice(1);

/** The containerPort a probe's port (number or named port of the container) refers to. */
export function resolveProbePort(c: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** The container ports a container's httpGet/tcpSocket probes need published on the host. */
export function probePorts(c: Container): number[] {
  const out: number[] = [];
  for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    const port = resolveProbePort(c, p?.httpGet?.port ?? p?.tcpSocket?.port);
    if (port !== undefined && p && (p.httpGet || p.tcpSocket)) out.push(port);
  }
  return out;
}

/**
 * Runs one probe once (upstream prober.runProbe). Resolves to the outcome, or throws when the probe
 * could not be run at all (the container went away): such runs are ignored.
 */
export async function runProbe(
  spec: ProbeSpec,
  c: Container,
  containerId: string,
  ports: PortMapping[],
  runtime: Pick<ContainerManager, 'exec'>,
  transport: ProbeTransport,
): Promise<ProbeOutcome> {
  const p = spec.probe;
  const timeoutMs = spec.timeoutSeconds * 1000;
  if (p.exec) {
    const cmd = p.exec.command ?? [];
    try {
      const r = await runtime.exec(containerId, cmd, { timeoutMs });
      const output = `${r.stdout}${r.stderr}`.replace(/\s+$/, '');
      return { result: r.exitCode === 0 ? 'success' : 'failure', output };
    } catch (e) {
      if (e instanceof KctlError && e.code === 'Timeout')
        return { result: 'failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
      throw e;
    }
  }
  const action = p.httpGet ?? p.tcpSocket;
  if (action) {
    const port = resolveProbePort(c, action.port);
    if (port === undefined) return { result: 'failure', output: `unable to resolve probe port ${JSON.stringify(action.port)} of container "${c.name}"` };
    const m = ports.find((x) => x.containerPort === port && x.protocol === 'TCP');
    if (!m) return { result: 'failure', output: `port ${port} of the pod is not published on ${'127.0.0.1'}` };
    if (p.tcpSocket) return transport.tcp(m.hostPort, timeoutMs);
    const hg = p.httpGet!;
    const headers: Record<string, string> = {};
    if (hg.host) headers.Host = `${hg.host}:${port}`;
    for (const h of hg.httpHeaders ?? []) headers[h.name.toLowerCase() === 'host' ? 'Host' : h.name] = h.value;
    return transport.httpGet({
      scheme: hg.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP',
      port: m.hostPort,
      path: hg.path ?? '/',
      headers,
      timeoutMs,
    });
  }
  if (p.grpc) return { result: 'failure', output: 'grpc probes are not supported by kctl' };
  return { result: 'failure', output: 'missing probe handler' };
}

/** A running container to probe. */
export interface ProbeTarget {
  containerId: string;
  container: Container;
  /** ISO time the container started */
  startedAt?: string;
}

interface Worker {
  type: ProbeType;
  spec: ProbeSpec;
  target: ProbeTarget;
  podUid: string;
  podKey: string;
  result: ProbeResult;
  lastOutcome?: 'success' | 'failure';
  resultRun: number;
  /** after a liveness/startup failure: no more probing of this container (it is being restarted) */
  onHold: boolean;
  timer?: Timer;
  running: boolean;
  stopped: boolean;
}

export interface ProberDeps {
  runtime: Pick<ContainerManager, 'exec'>;
  clock: Clock;
  transport: ProbeTransport;
  events: EventSink;
  enqueue: (key: string) => void;
}

const INITIAL: Record<ProbeType, ProbeResult> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };

export class ProberManager {
  private readonly workers = new Map<string, Worker>();
  private readonly pods = new Map<string, Pod>();
  private readonly ports = new Map<string, PortMapping[]>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly deps: ProberDeps) {}

  /**
   * Makes the workers match the pod's running containers: new containers get workers (per probe in the
   * spec), gone ones lose theirs. `ports`: the sandbox's published ports.
   */
  sync(pod: Pod, podKey: string, targets: ProbeTarget[], ports: PortMapping[]): void {
    const uid = pod.metadata?.uid ?? '';
    this.pods.set(uid, pod);
    this.ports.set(uid, ports);
    const want = new Set<string>();
    for (const t of targets) {
      for (const type of ['startup', 'readiness', 'liveness'] as const) {
        const probe = type === 'startup' ? t.container.startupProbe : type === 'readiness' ? t.container.readinessProbe : t.container.livenessProbe;
        if (!probe) continue;
        const key = `${t.containerId}/${type}`;
        want.add(key);
        if (this.workers.has(key)) continue;
        const w: Worker = {
          type,
          spec: withProbeDefaults(probe, type),
          target: t,
          podUid: uid,
          podKey,
          result: INITIAL[type],
          resultRun: 0,
          onHold: false,
          running: false,
          stopped: false,
        };
        this.workers.set(key, w);
        this.schedule(w, this.firstDelayMs(w));
      }
    }
    for (const [key, w] of this.workers) if (w.podUid === uid && !want.has(key)) this.stopWorker(key, w);
  }

  /** Results for a container (what computePodActions and the status read). */
  results(containerId: string): ContainerProbeResults {
    const r: ContainerProbeResults = {};
    for (const type of ['liveness', 'readiness', 'startup'] as const) {
      const w = this.workers.get(`${containerId}/${type}`);
      if (w) r[type] = w.result;
    }
    return r;
  }

  removePod(uid: string): void {
    for (const [key, w] of this.workers) if (w.podUid === uid) this.stopWorker(key, w);
    this.pods.delete(uid);
    this.ports.delete(uid);
  }

  stop(): void {
    for (const [key, w] of this.workers) this.stopWorker(key, w);
  }

  /** Resolves when no probe is running (tests). */
  async whenIdle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private stopWorker(key: string, w: Worker): void {
    w.stopped = true;
    w.timer?.cancel();
    this.workers.delete(key);
  }

  private firstDelayMs(w: Worker): number {
    const started = w.target.startedAt ? Date.parse(w.target.startedAt) : NaN;
    const due = (Number.isNaN(started) ? this.deps.clock.now().getTime() : started) + w.spec.initialDelaySeconds * 1000;
    return Math.max(0, due - this.deps.clock.now().getTime());
  }

  private schedule(w: Worker, ms: number): void {
    if (w.stopped) return;
    w.timer?.cancel();
    if (ms <= 0) {
      delete w.timer;
      this.tick(w);
      return;
    }
    w.timer = this.deps.clock.setTimer(ms, () => this.tick(w));
  }

  private startupResult(w: Worker): ProbeResult | undefined {
    return this.workers.get(`${w.target.containerId}/startup`)?.result;
  }

  private tick(w: Worker): void {
    if (w.stopped) return;
    const again = (): void => this.schedule(w, w.spec.periodSeconds * 1000);
    if (w.onHold || w.running) return again();
    // The startup probe gates the others; once it succeeded it stops.
    const startup = this.startupResult(w);
    if (w.type !== 'startup' && startup !== undefined && startup !== 'success') return again();
    if (w.type === 'startup' && w.result === 'success') return;
    w.running = true;
    const pod = this.pods.get(w.podUid);
    const p = runProbe(w.spec, w.target.container, w.target.containerId, this.ports.get(w.podUid) ?? [], this.deps.runtime, this.deps.transport)
      .then(
        (o) => this.record(w, o, pod),
        () => undefined, // could not run (container gone): ignored, as upstream
      )
      .finally(() => {
        w.running = false;
        this.inflight.delete(p);
      });
    this.inflight.add(p);
    again();
  }

  private async record(w: Worker, o: ProbeOutcome, pod: Pod | undefined): Promise<void> {
    if (w.stopped) return;
    if (o.result === 'failure' && pod)
      await recordSafely(this.deps.events, pod, 'Warning', 'Unhealthy', `${capital(w.type)} probe failed: ${o.output}`, w.target.container.name);
    if (w.lastOutcome === o.result) w.resultRun++;
    else {
      w.lastOutcome = o.result;
      w.resultRun = 1;
    }
    const threshold = o.result === 'failure' ? w.spec.failureThreshold : w.spec.successThreshold;
    if (w.resultRun < threshold) return;
    const changed = w.result !== o.result;
    w.result = o.result;
    if ((w.type === 'liveness' || w.type === 'startup') && o.result === 'failure') {
      w.onHold = true;
      w.resultRun = 0;
    }
    if (changed) {
      this.deps.enqueue(w.podKey);
      // Startup done: readiness and liveness may run now, without waiting for their next period.
      if (w.type === 'startup' && o.result === 'success')
        for (const t of ['readiness', 'liveness'] as const) {
          const other = this.workers.get(`${w.target.containerId}/${t}`);
          if (other && !other.running && this.firstDelayMs(other) === 0) this.schedule(other, 0);
        }
    }
  }
}
