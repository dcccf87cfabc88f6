// The engine objects kctl keeps besides pods (no CRI counterpart): bridge networks, named volumes (claims,
// tmpfs emptyDirs) and helper containers (the in-cluster Service gateways).

export interface NetworkInfo {
  id: string;
  name: string;
  /** CIDR of the network, e.g. 172.18.0.0/16 (for display; the host never connects to it) */
  subnet?: string;
  labels: Record<string, string>;
}

/**
 * A container kctl runs for itself, outside any pod: the in-cluster service proxies (proxy/in-cluster/).
 * It runs the pause image with host files bound in (e.g. the node binary and a script), so it needs no image.
 */
export interface HelperConfig {
  /** engine container name (unique per engine: include the cluster id) */
  name: string;
  /** argv; argv[0] is an absolute path inside the container */
  command: string[];
  binds: { hostPath: string; containerPath: string; readOnly?: boolean }[];
  /** networks to join (created when missing), each with the DNS names the helper answers to there */
  networks: Record<string, string[]>;
  /** extra labels (kctl's managed/cluster/test-run labels are always set) */
  labels?: Record<string, string>;
}

export interface HelperStatus {
  id: string;
  name: string;
  running: boolean;
  labels: Record<string, string>;
  /** network → the helper's address there: for other containers, never for the host */
  addresses: Record<string, string>;
}

export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
  /** ISO time, when the engine says */
  createdAt?: string;
}


/** Bridge networks pods and helpers join. */
export interface EngineNetworks {
  /** Creates the bridge network when missing (idempotent); returns it either way. */
  ensureNetwork(name: string, labels?: Record<string, string>): Promise<NetworkInfo>;
  /** No error when absent. RuntimeConflict while containers use it. */
  removeNetwork(name: string): Promise<void>;
}

/** Named engine volumes: a claim's data (the PV controller), a tmpfs emptyDir (the kubelet). */
export interface EngineVolumes {
  /** Creates a named engine volume when missing (idempotent: the existing one is returned as is). */
  createVolume(name: string, labels?: Record<string, string>, opts?: { tmpfs?: { sizeBytes?: number } }): Promise<VolumeInfo>;
  /** No error when absent. RuntimeConflict while a container (running or not) uses it. */
  removeVolume(name: string): Promise<void>;
  /** kctl's volumes of this cluster (and test run), filtered by labels. */
  listVolumes(labels?: Record<string, string>): Promise<VolumeInfo[]>;
}

/** Containers kctl runs for itself, outside any pod (the Service gateways). */
export interface HelperContainers {
  /** Runs a helper container; idempotent by name: the same config keeps the container (started again when
   *  stopped), a changed command/binds replaces it, and its networks/aliases are brought to `cfg.networks`. */
  runHelper(cfg: HelperConfig): Promise<HelperStatus>;
  /** Helpers of this cluster, filtered by labels. */
  listHelpers(labels?: Record<string, string>): Promise<HelperStatus[]>;
  /** Removes a helper (forcibly) by name or id. No error when absent. */
  removeHelper(nameOrId: string): Promise<void>;
}
