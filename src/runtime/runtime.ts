// The ContainerRuntime port: what the kubelet needs from a container engine, in kctl's own types.
// Shaped after the CRI (RunPodSandbox / CreateContainer / ContainerStatus / ...), narrowed to one machine.
// Implementations: DockerRuntime (runtime/docker/, the only code that speaks dockerode) and FakeRuntime
// (runtime/fake/, in memory). test/contracts/runtime-contract.ts holds both to the same behaviour.
import type { Container } from '../api/types.js';
import type { PodSecurityContext } from 'kubernetes-types/core/v1.js';
import { KctlError, type ErrorCode } from '../util/errors.js';
import type { PodRef } from './names.js';

export type { PodRef } from './names.js';

/** Engine id of an app (or init) container. */
export type ContainerId = string;
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

/** One environment variable, value already resolved (fieldRef, configMapKeyRef, $(VAR) ... done by the caller). */
export interface EnvVar {
  name: string;
  value: string;
}

export interface ContainerConfig {
  /** the container as written in the pod spec (image, command, args, workingDir, resources, securityContext, ...) */
  container: Container;
  /** restart count of this container in the pod: part of the engine name; same attempt twice → RuntimeConflict */
  attempt: number;
  /** resolved environment; when omitted, only `container.env[].value` entries are used */
  env?: EnvVar[];
  /** host directories backing the pod's volumes (emptyDir), by volume name; mounted per volumeMounts */
  volumes?: Record<string, string>;
  /** volumes the engine backs (a named engine volume, a tmpfs), by volume name; mounted per volumeMounts */
  engineVolumes?: Record<string, EngineVolume>;
  /** pod-level securityContext (runAsUser, runAsGroup, fsGroup, supplementalGroups, runAsNonRoot) */
  podSecurityContext?: PodSecurityContext;
  /** share the sandbox's PID namespace (spec.shareProcessNamespace) */
  shareProcessNamespace?: boolean;
  /** extra labels (e.g. a spec hash); kctl's ownership labels always win */
  labels?: Record<string, string>;
  /** signal `stopContainer` sends first; default SIGTERM (or the image's STOPSIGNAL) */
  stopSignal?: string;
  /** told about spec fields the runtime cannot honour and ignores (e.g. seLinuxOptions) */
  onWarning?: (message: string) => void;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** What a listing shows: cheap (one engine call for all containers). */
export interface ContainerSummary {
  id: ContainerId;
  /** engine container name, `kctl_<container>_<pod>_<ns>_<uid8>_<attempt>` */
  name: string;
  pod: PodRef;
  /** Kubernetes container name */
  containerName: string;
  attempt: number;
  sandboxId: SandboxId;
  image: string;
  state: ContainerState;
  /** ISO time */
  createdAt: string;
  labels: Record<string, string>;
}

/** Full state of one container (one engine call per container). */
export interface ContainerStatus extends ContainerSummary {
  /** set once the container has exited */
  exitCode?: number;
  /** ISO times; set once started / finished */
  startedAt?: string;
  finishedAt?: string;
  oomKilled: boolean;
  /** Kubernetes terminated-state reason when exited: 'Completed' (0), 'OOMKilled', 'Error' */
  reason?: string;
  /** engine's own error text (e.g. exec format error at start) */
  message?: string;
  /** image id (sha256:...) the container runs */
  imageId?: string;
  pid?: number;
}

export interface ContainerFilter {
  podUid?: string;
  state?: ContainerState;
  /** every pair must match */
  labels?: Record<string, string>;
}

export interface LogOptions {
  /** keep streaming until the container stops or `signal` aborts */
  follow?: boolean;
  /** only the last N lines */
  tail?: number;
  /** only lines written at or after this time */
  since?: Date;
  /** prefix each line with its RFC 3339 (nanosecond) timestamp and a space, as `kubectl logs --timestamps` */
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface ExecOptions {
  /** written to the process's stdin, which is then closed */
  stdin?: string | Uint8Array;
  tty?: boolean;
  env?: EnvVar[];
  workingDir?: string;
  user?: string;
  /** give up waiting after this long (the process is not killed: the engine cannot); rejects with Timeout */
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Streams for an interactive exec (`kctl exec -i -t`). */
export interface ExecStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** ignored with tty (the terminal merges both) */
  stderr: NodeJS.WritableStream;
  tty?: boolean;
  /** initial terminal size with tty */
  size?: { columns: number; rows: number };
  signal?: AbortSignal;
}

export type RuntimeEventType = 'start' | 'die' | 'oom' | 'destroy';

export interface RuntimeEvent {
  type: RuntimeEventType;
  containerId: string;
  /** the container's labels (pod uid, container name, type ...) */
  labels: Record<string, string>;
  /** on 'die' */
  exitCode?: number;
  time: Date;
}

/** Credentials for one registry (an entry of a kubernetes.io/dockerconfigjson Secret), in the engine's terms. */
export interface RegistryAuth {
  /** the registry host the credentials are for ("https://index.docker.io/v1/" for Docker Hub) */
  serveraddress: string;
  username?: string;
  password?: string;
  /** an OAuth identity token instead of username/password */
  identitytoken?: string;
}

export interface PullProgress {
  /** 'Pulling fs layer', 'Downloading', 'Pull complete', ... as the engine says it */
  status: string;
  /** layer id */
  id?: string;
  current?: number;
  total?: number;
}

export interface ContainerStats {
  /** average over the engine's sample interval; undefined when the engine gave one sample only */
  cpuMillicores?: number;
  /** working set: usage less inactive file cache, as `kubectl top` / `docker stats` show */
  memoryBytes: number;
  time: Date;
}

export interface RuntimeInfo {
  /** CPUs the engine can use */
  cpus: number;
  memoryBytes: number;
  /** e.g. 20.10.24 */
  engineVersion: string;
  /** engine host name */
  hostname: string;
  /** e.g. x86_64 */
  architecture: string;
  os: string;
  operatingSystem: string;
  kernelVersion: string;
}

export interface RuntimeVersion {
  /** 'docker' or 'fake' */
  runtimeName: string;
  runtimeVersion: string;
  apiVersion: string;
}

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

export interface ContainerRuntime {
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

  /** Creates (not starts) a container in the sandbox's namespaces. RuntimeNotFound when the sandbox is
   *  absent; RuntimeConflict when this container+attempt exists; RuntimeError(reason
   *  'CreateContainerConfigError') when the spec cannot be honoured (privileged, unknown volume ...). */
  createContainer(sandbox: SandboxId, cfg: ContainerConfig): Promise<ContainerId>;
  startContainer(id: ContainerId): Promise<void>;
  /** Sends the stop signal, then SIGKILL after `graceSeconds`. No error when already stopped or absent. */
  stopContainer(id: ContainerId, graceSeconds: number): Promise<void>;
  /** Removes the container (forcibly, killing it if running). No error when absent. */
  removeContainer(id: ContainerId): Promise<void>;
  /** App containers (never sandboxes) kctl made, in any state, newest first. */
  listContainers(filter?: ContainerFilter): Promise<ContainerSummary[]>;
  /** RuntimeNotFound when absent. */
  inspectContainer(id: ContainerId): Promise<ContainerStatus>;
  /** Lines without their newline (stdout and stderr interleaved as written). RuntimeNotFound when absent. */
  logs(id: ContainerId, opts?: LogOptions): AsyncIterable<string>;
  /** Runs a command in a running container and collects its output. */
  exec(id: ContainerId, cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Runs a command with the caller's streams attached (interactive exec); resolves to the exit code. */
  execStream(id: ContainerId, cmd: string[], io: ExecStreams): Promise<number>;
  /** start/die/oom/destroy of kctl's containers (sandboxes included) until `signal` aborts, when the
   *  iteration ends; throws RuntimeError if the engine closes the stream (resync, then subscribe again). */
  events(signal: AbortSignal): AsyncIterable<RuntimeEvent>;

  imageExists(ref: string): Promise<boolean>;
  /**
   * Rejects with RuntimeError (code 'Runtime', reason 'ImagePull') when the image cannot be pulled. `auth`: the
   * registry credentials to pull with (an imagePullSecret's), never logged.
   */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void>;

  /** RuntimeNotFound when absent; RuntimeError when the container is not running. */
  stats(id: ContainerId): Promise<ContainerStats>;
  /** Capacity for the Node object. */
  info(): Promise<RuntimeInfo>;
  version(): Promise<RuntimeVersion>;

  /** Runs a helper container; idempotent by name: the same config keeps the container (started again when
   *  stopped), a changed command/binds replaces it, and its networks/aliases are brought to `cfg.networks`. */
  runHelper(cfg: HelperConfig): Promise<HelperStatus>;
  /** Helpers of this cluster, filtered by labels. */
  listHelpers(labels?: Record<string, string>): Promise<HelperStatus[]>;
  /** Removes a helper (forcibly) by name or id. No error when absent. */
  removeHelper(nameOrId: string): Promise<void>;

  /** Creates the bridge network when missing (idempotent); returns it either way. */
  ensureNetwork(name: string, labels?: Record<string, string>): Promise<NetworkInfo>;
  /** No error when absent. RuntimeConflict while containers use it. */
  removeNetwork(name: string): Promise<void>;

  /** Creates a named engine volume when missing (idempotent: the existing one is returned as is). */
  createVolume(name: string, labels?: Record<string, string>, opts?: { tmpfs?: { sizeBytes?: number } }): Promise<VolumeInfo>;
  /** No error when absent. RuntimeConflict while a container (running or not) uses it. */
  removeVolume(name: string): Promise<void>;
  /** kctl's volumes of this cluster (and test run), filtered by labels. */
  listVolumes(labels?: Record<string, string>): Promise<VolumeInfo[]>;
}

/** A pod volume backed by the engine rather than by a host directory. */
export type EngineVolume =
  /** a named engine volume (a PersistentVolume's data); subPath mounts a folder of it */
  | { type: 'volume'; name: string }
  /** an engine volume on tmpfs, shared by the pod's containers and held by its sandbox (emptyDir medium
   *  Memory; made with createVolume(name, labels, { tmpfs })); no subPath */
  | { type: 'tmpfs'; name: string };

export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
  /** ISO time, when the engine says */
  createdAt?: string;
}

/** Why a runtime call failed, for the kubelet's waiting reasons. */
export type RuntimeErrorReason =
  | 'EngineUnreachable'
  | 'ImagePull'
  | 'ImageNotPresent'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'RunContainerError'
  | 'NotRunning'
  | 'Unsupported';

/** A failure from the container engine. `code`: RuntimeNotFound (404), RuntimeConflict (409) or Runtime. */
export class RuntimeError extends KctlError {
  /** HTTP status from the engine, when it answered */
  readonly statusCode?: number;
  readonly reason?: RuntimeErrorReason;
  constructor(
    code: Extract<ErrorCode, 'Runtime' | 'RuntimeNotFound' | 'RuntimeConflict' | 'Timeout'>,
    message: string,
    opts: { statusCode?: number; reason?: RuntimeErrorReason; cause?: unknown } = {},
  ) {
    super(code, message, { cause: opts.cause });
    if (opts.statusCode !== undefined) this.statusCode = opts.statusCode;
    if (opts.reason !== undefined) this.reason = opts.reason;
  }
}

export const isRuntimeNotFound = (e: unknown): boolean => e instanceof KctlError && e.code === 'RuntimeNotFound';
export const isRuntimeConflict = (e: unknown): boolean => e instanceof KctlError && e.code === 'RuntimeConflict';
export const isEngineUnreachable = (e: unknown): boolean =>
  e instanceof RuntimeError && e.reason === 'EngineUnreachable';

/** Default engine network of pods. */
export const DEFAULT_NETWORK = 'kctl';
