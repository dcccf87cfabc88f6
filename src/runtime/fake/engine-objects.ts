// The engine objects in memory: networks (with fake subnets), named volumes (in use while a container binds
// them) and helper containers (kept by name; addresses are fake and never contacted).
import { RuntimeError } from '../runtime.js';
import type { EngineNetworks, EngineVolumes, HelperConfig, HelperContainers, HelperStatus, NetworkInfo, VolumeInfo } from '../engine-objects.js';
import { managedLabels } from '../names.js';
import { FAKE_VOLUME_ROOT, type FakeEngine } from './engine.js';

export class FakeNetworks implements EngineNetworks {
  constructor(private readonly e: FakeEngine) {}

  async ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<NetworkInfo> {
    this.e.record('ensureNetwork', [name, labels]);
    const n = this.e.networks.get(name) ?? this.e.makeNetwork(name, labels);
    return { ...n, labels: { ...n.labels } };
  }

  async removeNetwork(name: string): Promise<void> {
    this.e.record('removeNetwork', [name]);
    if (!this.e.networks.has(name)) return;
    if ([...this.e.sandboxes.values()].some((s) => s.network === name && s.state === 'ready'))
      throw new RuntimeError('RuntimeConflict', `error while removing network: network ${name} id ${this.e.networks.get(name)!.id} has active endpoints`, {
        statusCode: 403,
      });
    this.e.networks.delete(name);
  }
}

export class FakeVolumes implements EngineVolumes {
  constructor(private readonly e: FakeEngine) {}

  async createVolume(name: string, labels: Record<string, string> = {}, opts: { tmpfs?: { sizeBytes?: number } } = {}): Promise<VolumeInfo> {
    this.e.record('createVolume', opts.tmpfs ? [name, labels, opts] : [name, labels]);
    let v = this.e.volumes.get(name);
    if (!v) this.e.volumes.set(name, (v = { name, labels: { ...labels, ...managedLabels(this.e.testRun) }, createdAt: this.e.now() }));
    return structuredClone(v);
  }

  async removeVolume(name: string): Promise<void> {
    this.e.record('removeVolume', [name]);
    if (!this.e.volumes.has(name)) return;
    const user = [...this.e.containers.values()].find((c) =>
      (c.options.HostConfig?.Binds ?? []).some((b) => b.startsWith(`${name}:`) || b.startsWith(`${FAKE_VOLUME_ROOT}/${name}/`)),
    );
    if (user) throw new RuntimeError('RuntimeConflict', `remove ${name}: volume is in use - [${user.id}]`, { statusCode: 409 });
    this.e.volumes.delete(name);
  }

  async listVolumes(labels: Record<string, string> = {}): Promise<VolumeInfo[]> {
    this.e.record('listVolumes', [labels]);
    return [...this.e.volumes.values()]
      .filter((v) => this.e.matches(v.labels, labels))
      .map((v) => structuredClone(v))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

export class FakeHelpers implements HelperContainers {
  constructor(private readonly e: FakeEngine) {}

  async runHelper(cfg: HelperConfig): Promise<HelperStatus> {
    const e = this.e;
    e.record('runHelper', [cfg]);
    const prev = e.helpers.get(cfg.name);
    const same = prev && JSON.stringify([prev.config.command, prev.config.binds, prev.config.labels]) === JSON.stringify([cfg.command, cfg.binds, cfg.labels]);
    const addresses: Record<string, string> = {};
    for (const n of Object.keys(cfg.networks)) {
      if (!e.networks.has(n)) e.makeNetwork(n, {});
      addresses[n] = (same && prev.addresses[n]) || `10.245.${e.networks.size}.${e.helpers.size + 2}`;
    }
    const h = {
      id: same ? prev.id : e.id('helper'),
      name: cfg.name,
      running: true,
      labels: { ...cfg.labels, ...managedLabels(e.testRun) },
      addresses,
      config: structuredClone(cfg),
    };
    e.helpers.set(cfg.name, h);
    return { id: h.id, name: h.name, running: true, labels: { ...h.labels }, addresses: { ...addresses } };
  }

  async listHelpers(labels: Record<string, string> = {}): Promise<HelperStatus[]> {
    this.e.record('listHelpers', [labels]);
    return [...this.e.helpers.values()]
      .filter((h) => Object.entries(labels).every(([k, v]) => h.labels[k] === v))
      .map((h) => ({ id: h.id, name: h.name, running: h.running, labels: { ...h.labels }, addresses: { ...h.addresses } }));
  }

  async removeHelper(nameOrId: string): Promise<void> {
    this.e.record('removeHelper', [nameOrId]);
    for (const [n, h] of this.e.helpers) if (n === nameOrId || h.id === nameOrId) this.e.helpers.delete(n);
  }
}
