// The sandbox slice of the runtime port (CRI's PodSandboxManager): the pause container that holds a pod's
// network namespace, its address and its published loopback ports.
import type { PodRef } from './names.js';

/** Engine id of a pod sandbox (the pause container holding the pod's network namespace). */
export type SandboxId = string;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A containerPort of the pod to publish on the host's loopback. */
export interface SandboxPort {
  containerPort: number;
  protocol?: Protocol; // default TCP
  /** the port's name in the pod spec; reported back on its PortMapping */
  name?: string;
}

/** Where a containerPort is reachable from the host: always 127.0.0.1 and an ephemeral port. */
export interface PortMapping {
  containerPort: number;
  protocol: Protocol;
  hostIp: '127.0.0.1';
  hostPort: number;
  /** the SandboxPort's name, when it had one */
  name?: string;
}

export interface SandboxConfig {
  pod: PodRef;
  /** bumped by the kubelet when it must replace the sandbox; same pod uid + attempt → same sandbox */
  attempt: number;
  /** hostname of every container of the pod; default: the pod name (truncated to 63) */
  hostname?: string;
  /** engine network the pod joins (a per-namespace network later); default 'kctl'; created if missing */
  network?: string;
  /** extra DNS names of the pod inside that network */
  networkAliases?: string[];
  /** engine volumes the sandbox keeps mounted for the pod's life (tmpfs volumes would be emptied when no
   *  container uses them) */
  holdVolumes?: string[];
  /** containerPorts of all the pod's containers, published on 127.0.0.1 with ephemeral host ports */
  ports?: SandboxPort[];
  /** extra labels (kctl's ownership labels are always set and win) */
  labels?: Record<string, string>;
}

export type SandboxState = 'ready' | 'notready';

export interface SandboxStatus {
  id: SandboxId;
  /** engine container name, `kctl_POD_<pod>_<ns>_<uid8>_<attempt>` */
  name: string;
  pod: PodRef;
  attempt: number;
  /** ready while the pause process runs and so the network namespace exists */
  state: SandboxState;
  /** ISO time */
  createdAt: string;
  network: string;
  /** the pod's address inside `network` — for status.podIP and for other containers; never for the host */
  podIP?: string;
  /** empty until the sandbox runs */
  ports: PortMapping[];
  labels: Record<string, string>;
}

export interface SandboxFilter {
  podUid?: string;
  state?: SandboxState;
  /** every pair must match */
  labels?: Record<string, string>;
}

/** Pod sandboxes: made, stopped, removed and listed by the kubelet; listed by `kctl port-forward`. */
export interface PodSandboxManager {
  /** Creates and starts the pod's sandbox; idempotent: the same pod uid + attempt returns the same id
   *  (a stopped one is started again). Creates `cfg.network` when missing. */
  runPodSandbox(cfg: SandboxConfig): Promise<SandboxId>;
  /** Stops the sandbox (its containers lose their network). No error when absent. */
  stopPodSandbox(id: SandboxId): Promise<void>;
  /** Removes the sandbox (forcibly). No error when absent. Remove its containers first. */
  removePodSandbox(id: SandboxId): Promise<void>;
  /** podIP and published ports. RuntimeNotFound when absent. */
  podSandboxStatus(id: SandboxId): Promise<SandboxStatus>;
  listPodSandboxes(filter?: SandboxFilter): Promise<SandboxStatus[]>;
}
