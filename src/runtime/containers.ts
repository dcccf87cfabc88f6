// The container slice of the runtime port (CRI's ContainerManager, with its streaming calls and container
// events): app and init containers inside a sandbox, their logs and execs.
import type { Container } from '../api/types.js';
import type { PodSecurityContext } from 'kubernetes-types/core/v1.js';
import type { PodRef } from './names.js';
import type { SandboxId } from './sandboxes.js';

/** Engine id of an app (or init) container. */
export type ContainerId = string;

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

/** A pod volume backed by the engine rather than by a host directory. */
export type EngineVolume =
  /** a named engine volume (a PersistentVolume's data); subPath mounts a folder of it */
  | { type: 'volume'; name: string }
  /** an engine volume on tmpfs, shared by the pod's containers and held by its sandbox (emptyDir medium
   *  Memory; made with createVolume(name, labels, { tmpfs })); no subPath */
  | { type: 'tmpfs'; name: string };


/** Containers: the kubelet's create/start/stop/remove, probes' exec, and the CLI's logs/exec. */
export interface ContainerManager {
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
}
