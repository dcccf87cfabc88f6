// The stats and engine-info slices in memory: usage the test set (else a small constant), a fixed machine.
import { RuntimeError } from '../runtime.js';
import type { ContainerId } from '../containers.js';
import type { ContainerStats, ContainerStatsManager, RuntimeInfo, RuntimeVersion, RuntimeVersioner } from '../stats.js';
import type { FakeEngine } from './engine.js';

export class FakeStatsAndInfo implements ContainerStatsManager, RuntimeVersioner {
  readonly infoValue: RuntimeInfo;

  constructor(
    private readonly e: FakeEngine,
    info: Partial<RuntimeInfo> = {},
  ) {
    this.infoValue = {
      cpus: 4,
      memoryBytes: 8 * 2 ** 30,
      engineVersion: 'fake-1.0',
      hostname: 'kctl-fake',
      architecture: 'x86_64',
      os: 'linux',
      operatingSystem: 'FakeOS',
      kernelVersion: '6.0.0-fake',
      ...info,
    };
  }

  async stats(id: ContainerId): Promise<ContainerStats> {
    this.e.record('stats', [id]);
    const c = this.e.mustContainer(id);
    if (c.state !== 'running')
      throw new RuntimeError('RuntimeConflict', `container ${id} is not running`, { statusCode: 409, reason: 'NotRunning' });
    return c.stats ? { ...c.stats } : { cpuMillicores: 0, memoryBytes: 1 << 20, time: this.e.clock.now() };
  }

  async info(): Promise<RuntimeInfo> {
    this.e.record('info', []);
    return { ...this.infoValue };
  }

  async version(): Promise<RuntimeVersion> {
    this.e.record('version', []);
    return { runtimeName: 'fake', runtimeVersion: this.infoValue.engineVersion, apiVersion: '1.41' };
  }
}
