// What the kubelet's parts share: its configuration, its ports (store, runtime slices, clock, Services) and
// the per-pod records. Kubelet (kubelet.ts) builds one KubeletContext and hands it to each part.
import type { KubeObject, Pod } from '../api/types.js';
import type { ContainerManager, EngineVolumes, ImageManager, PodSandboxManager, RuntimeVersioner } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import type { EventType } from '../reconcile/events.js';
import type { HookDeps } from './lifecycle.js';
import type { PodRecords } from './pod-record.js';

/** The runtime slices the kubelet drives: sandboxes, containers, images, the engine info (runtime name) and
 *  engine volumes (tmpfs emptyDirs). */
export type KubeletRuntime = PodSandboxManager & ContainerManager & ImageManager & RuntimeVersioner & EngineVolumes;

export interface KubeletConfig {
  /** CrashLoopBackOff / ImagePullBackOff: first back-off period (Kubernetes: 10 s) */
  backoffBaseMs: number;
  /** cap of the doubling (Kubernetes: 5 min) */
  backoffMaxMs: number;
  /** a container that ran this long before it exited restarts at once (Kubernetes: 10 min) */
  backoffResetMs: number;
  /** permit securityContext.privileged */
  allowPrivileged: boolean;
  /** $KCTL_HOME: emptyDir/configMap/secret volumes live under <dataDir>/pods/<uid>/volumes/<name> */
  dataDir?: string;
  /** secret/projected/downwardAPI volumes: <secretVolumeDir>/<uid>/<name>; default /dev/shm/kctl-<home hash> */
  secretVolumeDir?: string;
  /** engine network of the pods */
  network: string;
  /** status.hostIP (the host reaches pods only through 127.0.0.1) */
  hostIP: string;
  /** `<runtimeName>://<id>` in status containerID */
  runtimeName: string;
  /** for resourceFieldRef of unset limits (cpu in cores, memory in bytes); default: the engine's info() */
  nodeAllocatable?: { cpu: number; memory: number };
}

export const DEFAULT_KUBELET_CONFIG: KubeletConfig = {
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
  backoffResetMs: 600_000,
  allowPrivileged: false,
  network: 'kctl',
  hostIP: '127.0.0.1',
  runtimeName: 'docker',
};

/** What the kubelet needs from the Service side (proxy/in-cluster/pod-networking.ts). */
export interface PodNetworking {
  /** the engine network of a namespace's pods */
  network(namespace: string): string;
  /** extra DNS names of the pod on that network (hostname.subdomain...) */
  aliases(pod: Pod): string[];
  /** WEB_SERVICE_HOST, ... for a container starting now */
  serviceEnv(pod: Pod): Promise<Record<string, string>>;
  /** resolves once no proxy sends new connections to the pod and those it proxied there have finished, or at deadlineMs */
  drain(pod: Pod, deadlineMs: number): Promise<void>;
}

export type PodObject = Pod & KubeObject;

/** How often an unwired kubelet (no onEnqueue) looks again at a pod with pending work or probes. */
export const POLL_MS = 1000;

export interface KubeletContext {
  readonly store: Store;
  readonly runtime: KubeletRuntime;
  readonly clock: Clock;
  readonly config: KubeletConfig;
  /** Services seen from pods (undefined: every pod on config.network, no names, no drain) */
  readonly networking: PodNetworking | undefined;
  readonly records: PodRecords;
  /** what lifecycle hooks run with */
  readonly hooks: HookDeps;
  /** diagnostics: warnings, and progress */
  log(message: string): void;
  info(message: string): void;
  /** records an event in the background (never fails, never waits for the write) */
  event(pod: Pod, type: EventType, reason: string, message: string, container?: string): Promise<void>;
  /** asks for a pass over a pod key soon (background completions) */
  enqueue(key: string): void;
  /** cpu (cores) and memory (bytes) of the node, for resourceFieldRef of unset limits */
  nodeAllocatable(): Promise<{ cpu: number; memory: number }>;
}
