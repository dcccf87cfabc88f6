// How the API server reaches a pod's port for port-forward: as `kctl port-forward` does, through the port the
// kubelet published on 127.0.0.1 (the kctl.io/ports annotation, else the pod's ready sandbox), looked up per
// connection (a recreated sandbox publishes new ports). Never a pod IP.
import type { Duplex } from 'node:stream';
import { PORTS } from '../../api/meta.js';
import { parsePortsAnnotation } from '../../api/pod-ports.js';
import type { PodSandboxManager } from '../../runtime/sandboxes.js';
import type { StreamPod } from './log.js';

interface Published {
  containerPort: number;
  protocol?: string;
  hostPort: number;
}

/** The 127.0.0.1 host port of the pod's TCP `port`; rejects with what is published when it is not. */
export async function publishedHostPort(pod: StreamPod, port: number, sandboxes?: Pick<PodSandboxManager, 'listPodSandboxes'>): Promise<number> {
  let ports: Published[] = parsePortsAnnotation(pod.metadata.annotations?.[PORTS]).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (ports.length === 0 && sandboxes && pod.metadata.uid) {
    const ready = await sandboxes.listPodSandboxes({ podUid: pod.metadata.uid, state: 'ready' });
    const newest = ready.sort((a, b) => b.attempt - a.attempt)[0];
    ports = (newest?.ports ?? []).filter((p) => p.protocol === 'TCP');
  }
  const m = ports.find((p) => p.containerPort === port);
  if (!m) {
    const list = ports.length ? ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') : 'none';
    throw new Error(`port ${port} is not published by the pod (published: ${list}): kctl reaches a pod only through the containerPorts it declares`);
  }
  return m.hostPort;
}

/** The dial of PortForwardDeps: the published port, then a loopback connection to it. */
export function podDialer(sandboxes?: Pick<PodSandboxManager, 'listPodSandboxes'>): (pod: StreamPod, port: number) => Promise<Duplex> {
  return async (pod, port) => {
    const hostPort = await publishedHostPort(pod, port, sandboxes);
    const { connectLoopback } = await import('../../proxy/port-forward.js');
    return connectLoopback(hostPort);
  };
}
