// The stats and engine-info slices on Docker: one-shot container stats, the engine's capacity and version.
import { RuntimeError } from '../runtime.js';
import type { ContainerId } from '../containers.js';
import type { ContainerStats, ContainerStatsManager, RuntimeInfo, RuntimeVersion, RuntimeVersioner } from '../stats.js';
import type { DockerEngine } from './engine.js';
import { statsFrom, type DockerStats } from './convert.js';

export class DockerStatsAndInfo implements ContainerStatsManager, RuntimeVersioner {
  constructor(private readonly engine: DockerEngine) {}

  async stats(id: ContainerId): Promise<ContainerStats> {
    const i = await this.engine.inspectRaw(id);
    if (!i.State?.Running)
      throw new RuntimeError('RuntimeConflict', `container ${id} is not running`, { reason: 'NotRunning', statusCode: 409 });
    const s = (await this.engine.call((d) => d.getContainer(id).stats({ stream: false }))) as unknown as DockerStats;
    return statsFrom(s);
  }

  async info(): Promise<RuntimeInfo> {
    const i = (await this.engine.call((d) => d.info())) as Record<string, unknown>;
    return {
      cpus: Number(i.NCPU ?? 0),
      memoryBytes: Number(i.MemTotal ?? 0),
      engineVersion: String(i.ServerVersion ?? ''),
      hostname: String(i.Name ?? ''),
      architecture: String(i.Architecture ?? ''),
      os: String(i.OSType ?? ''),
      operatingSystem: String(i.OperatingSystem ?? ''),
      kernelVersion: String(i.KernelVersion ?? ''),
    };
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.engine.call((d) => d.version());
    return { runtimeName: 'docker', runtimeVersion: v.Version, apiVersion: v.ApiVersion };
  }
}
