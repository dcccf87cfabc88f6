// Container lifecycle hooks (upstream pkg/kubelet/lifecycle/handlers.go): postStart after a container
// starts, preStop before it is stopped. exec runs in the container; httpGet goes from the host to the pod's
// published 127.0.0.1 port (as the probes do); sleep waits on the Clock.
//
// Deviations: postStart runs in the background after the start (the container shows Running meanwhile; a
// failure stops it, FailedPostStartHook); tcpSocket handlers (deprecated upstream) are ignored.
import type { Container } from '../api/types.js';
import type { LifecycleHandler } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../util/clock.js';
import type { ContainerManager, PortMapping } from '../runtime/runtime.js';
import type { ProbeTransport } from './probe-transport.js';
import { resolveProbePort } from './probes.js';

export interface HookDeps {
  runtime: Pick<ContainerManager, 'exec'>;
  transport: ProbeTransport;
  clock: Clock;
}

/** Runs a handler; resolves to undefined on success, else the failure message. Never throws. */
export async function runLifecycleHandler(
  deps: HookDeps,
  h: LifecycleHandler,
  c: Container,
  containerId: string,
  ports: PortMapping[],
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    if (h.exec) {
      const cmd = h.exec.command ?? [];
      const r = await deps.runtime.exec(containerId, cmd, { timeoutMs });
      if (r.exitCode === 0) return undefined;
      return `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${`${r.stdout}${r.stderr}`.trim()}`;
    }
    if (h.httpGet) {
      const port = resolveProbePort(c, h.httpGet.port);
      const m = ports.find((p) => p.containerPort === port && p.protocol === 'TCP');
      if (!m) return `port ${String(h.httpGet.port)} of the pod is not published on 127.0.0.1`;
      const headers: Record<string, string> = {};
      for (const x of h.httpGet.httpHeaders ?? []) headers[x.name] = x.value;
      const o = await deps.transport.httpGet({
        scheme: h.httpGet.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP',
        port: m.hostPort,
        path: h.httpGet.path ?? '/',
        headers,
        timeoutMs,
      });
      return o.result === 'success' ? undefined : o.output;
    }
    if (h.sleep) {
      const ms = Math.min(Math.max(0, h.sleep.seconds) * 1000, timeoutMs);
      await new Promise<void>((resolve) => deps.clock.setTimer(ms, resolve));
      return undefined;
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
