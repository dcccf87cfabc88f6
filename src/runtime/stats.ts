// The stats and engine-info slices of the runtime port (CRI's ContainerStatsManager and RuntimeVersioner):
// usage for `kctl top`, capacity and version for the Node object.
import type { ContainerId } from './containers.js';

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

/** Usage of running containers (`kctl top`). */
export interface ContainerStatsManager {
  /** RuntimeNotFound when absent; RuntimeError when the container is not running. */
  stats(id: ContainerId): Promise<ContainerStats>;
}

/** What the engine is and what it has: the Node's capacity and nodeInfo, the kubelet's runtime name. */
export interface RuntimeVersioner {
  /** Capacity for the Node object. */
  info(): Promise<RuntimeInfo>;
  version(): Promise<RuntimeVersion>;
}
