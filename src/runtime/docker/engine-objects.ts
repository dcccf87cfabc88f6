// The engine objects kctl keeps besides pods, on Docker: bridge networks, named volumes (claims, tmpfs emptyDirs)
// and helper containers (the Service gateways, running the pause image with host files bound in).
import { HELPER_HASH } from '../../api/meta.js';
import { RuntimeError } from '../runtime.js';
import type { ContainerConfig } from '../containers.js';
import type { EngineNetworks, EngineVolumes, HelperConfig, HelperContainers, HelperStatus, NetworkInfo, VolumeInfo } from '../engine-objects.js';
import { CONTAINER_TYPE, managedLabels } from '../names.js';
import { isStatus, type DockerEngine } from './engine.js';
import type { DockerImages } from './images.js';
import type { DockerInspect } from './convert.js';

export class DockerNetworks implements EngineNetworks {
  private readonly ready = new Map<string, Promise<NetworkInfo>>();

  constructor(private readonly engine: DockerEngine) {}

  /** ensureNetwork once per process and name (sandboxes and helpers call it on every creation). */
  ensureOnce(name: string): Promise<NetworkInfo> {
    let p = this.ready.get(name);
    if (!p) {
      p = this.ensureNetwork(name).catch((e: unknown) => {
        this.ready.delete(name);
        throw e;
      });
      this.ready.set(name, p);
    }
    return p;
  }

  async find(name: string): Promise<NetworkInfo | undefined> {
    const nets = (await this.engine.call((d) => d.listNetworks({ filters: { name: [name] } }))) as Array<{
      Id: string;
      Name: string;
      Labels?: Record<string, string> | null;
      IPAM?: { Config?: Array<{ Subnet?: string }> | null };
    }>;
    const n = nets.find((x) => x.Name === name);
    if (!n) return undefined;
    const info: NetworkInfo = { id: n.Id, name: n.Name, labels: { ...n.Labels } };
    const subnet = n.IPAM?.Config?.[0]?.Subnet;
    if (subnet) info.subnet = subnet;
    return info;
  }

  async ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<NetworkInfo> {
    const found = await this.find(name);
    if (found) return found;
    try {
      await this.engine.call((d) =>
        d.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { ...labels, ...managedLabels(this.engine.testRun) } }),
      );
    } catch (e) {
      if (!(e instanceof RuntimeError && e.code === 'RuntimeConflict')) throw e;
    }
    const made = await this.find(name);
    if (!made) throw new RuntimeError('Runtime', `network ${name} vanished right after it was created`);
    return made;
  }

  async removeNetwork(name: string): Promise<void> {
    this.ready.delete(name);
    const n = await this.find(name);
    if (!n) return;
    try {
      await this.engine.call((d) => d.getNetwork(n.id).remove());
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (e instanceof RuntimeError && /active endpoints/.test(e.message))
        throw new RuntimeError('RuntimeConflict', e.message, { ...(e.statusCode ? { statusCode: e.statusCode } : {}), cause: e });
      throw e;
    }
  }
}

type DockerVolume = { Name: string; Labels?: Record<string, string> | null; CreatedAt?: string };

function volumeInfo(v: DockerVolume): VolumeInfo {
  const info: VolumeInfo = { name: v.Name, labels: { ...v.Labels } };
  if (v.CreatedAt) info.createdAt = new Date(v.CreatedAt).toISOString();
  return info;
}

export class DockerVolumes implements EngineVolumes {
  constructor(private readonly engine: DockerEngine) {}

  async createVolume(name: string, labels: Record<string, string> = {}, opts: { tmpfs?: { sizeBytes?: number } } = {}): Promise<VolumeInfo> {
    const d = await this.engine.docker();
    try {
      return volumeInfo((await d.getVolume(name).inspect()) as DockerVolume);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw this.engine.toRuntimeError(e);
    }
    // the engine's create is idempotent too: a concurrent create returns the same volume
    const tmpfs = opts.tmpfs && {
      type: 'tmpfs',
      device: 'tmpfs',
      o: ['mode=1777', ...(opts.tmpfs.sizeBytes ? [`size=${opts.tmpfs.sizeBytes}`] : [])].join(','),
    };
    const all = { ...labels, ...managedLabels(this.engine.testRun, this.engine.cluster) };
    await this.engine.call((x) => x.createVolume({ Name: name, Driver: 'local', Labels: all, ...(tmpfs ? { DriverOpts: tmpfs } : {}) }));
    return volumeInfo((await this.engine.call((x) => x.getVolume(name).inspect())) as DockerVolume);
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.engine.call((d) => d.getVolume(name).remove());
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (e instanceof RuntimeError && e.statusCode === 409 && e.code !== 'RuntimeConflict')
        throw new RuntimeError('RuntimeConflict', e.message, { statusCode: 409, cause: e });
      throw e;
    }
  }

  async listVolumes(labels: Record<string, string> = {}): Promise<VolumeInfo[]> {
    const res = (await this.engine.call((d) => d.listVolumes({ filters: { label: this.engine.labelFilters(labels) } }))) as {
      Volumes?: DockerVolume[] | null;
    };
    return (res.Volumes ?? []).map(volumeInfo).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Mountpoints of the named volumes a container mounts with a subPath. */
  async subPathMountpoints(cfg: ContainerConfig): Promise<Record<string, string> | undefined> {
    let out: Record<string, string> | undefined;
    for (const m of cfg.container.volumeMounts ?? []) {
      const ev = cfg.engineVolumes?.[m.name];
      if (ev?.type !== 'volume' || !(m.subPath || m.subPathExpr) || out?.[ev.name]) continue;
      const v = (await this.engine.call((d) => d.getVolume(ev.name).inspect())) as { Mountpoint?: string };
      if (v.Mountpoint) (out ??= {})[ev.name] = v.Mountpoint;
    }
    return out;
  }
}


/** What makes a helper container: a change means a new container (networks are changed in place). */
function helperHash(cfg: HelperConfig): string {
  const text = JSON.stringify([cfg.command, cfg.binds.map((b) => [b.hostPath, b.containerPath, !!b.readOnly]), cfg.labels ?? {}]);
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function helperStatus(i: DockerInspect): HelperStatus {
  const addresses: Record<string, string> = {};
  for (const [n, v] of Object.entries(i.NetworkSettings?.Networks ?? {})) if (v?.IPAddress) addresses[n] = v.IPAddress;
  return { id: i.Id, name: i.Name.replace(/^\//, ''), running: !!i.State?.Running, labels: { ...i.Config?.Labels }, addresses };
}

export class DockerHelpers implements HelperContainers {
  constructor(
    private readonly engine: DockerEngine,
    private readonly networks: DockerNetworks,
    private readonly images: DockerImages,
  ) {}

  async runHelper(cfg: HelperConfig): Promise<HelperStatus> {
    const engine = this.engine;
    const hash = helperHash(cfg);
    let i = await engine.tryInspect(cfg.name);
    if (i && i.Config?.Labels?.[HELPER_HASH] !== hash) {
      await engine.remove(i.Id);
      i = undefined;
    }
    const nets = Object.entries(cfg.networks);
    if (!nets.length) throw new RuntimeError('Runtime', `helper ${cfg.name}: no network`);
    for (const [n] of nets) await this.networks.ensureOnce(n);
    if (!i) {
      await this.images.ensurePauseImage();
      const [first, aliases] = nets[0]!;
      const labels = { ...cfg.labels, ...managedLabels(engine.testRun, engine.cluster), [CONTAINER_TYPE]: 'helper', [HELPER_HASH]: hash };
      try {
        await engine.call((d) =>
          d.createContainer({
            name: cfg.name,
            Image: this.images.pauseImage,
            Entrypoint: [cfg.command[0]!],
            Cmd: cfg.command.slice(1),
            Labels: labels,
            HostConfig: {
              NetworkMode: first,
              RestartPolicy: { Name: 'unless-stopped' },
              Binds: cfg.binds.map((b) => `${b.hostPath}:${b.containerPath}${b.readOnly ? ':ro' : ''}`),
            },
            NetworkingConfig: { EndpointsConfig: { [first]: { Aliases: [...aliases] } } },
          }),
        );
      } catch (e) {
        if (!(e instanceof RuntimeError && e.code === 'RuntimeConflict')) throw e;
      }
      i = await engine.inspectRaw(cfg.name);
    }
    // networks: join the missing ones, re-join those whose aliases changed, leave the others
    const have = (i.NetworkSettings?.Networks ?? {}) as Record<string, { Aliases?: string[] | null } | null>;
    const d = await engine.docker();
    for (const [n, aliases] of nets) {
      const cur = have[n];
      const want = [...aliases].sort();
      const got = (cur?.Aliases ?? []).filter((a) => want.includes(a)).sort();
      if (cur && got.length === want.length) continue;
      const net = await this.networks.find(n);
      if (!net) continue;
      if (cur) await engine.call(() => d.getNetwork(net.id).disconnect({ Container: i!.Id, Force: true }));
      await engine.call(() => d.getNetwork(net.id).connect({ Container: i!.Id, EndpointConfig: { Aliases: [...aliases] } }));
    }
    for (const n of Object.keys(have)) {
      if (cfg.networks[n]) continue;
      const net = await this.networks.find(n);
      if (net) await engine.call(() => d.getNetwork(net.id).disconnect({ Container: i!.Id, Force: true })).catch(() => undefined);
    }
    if (!i.State?.Running) await engine.start(i.Id);
    return helperStatus(await engine.inspectRaw(i.Id));
  }

  async listHelpers(labels: Record<string, string> = {}): Promise<HelperStatus[]> {
    const items = (await this.engine.call((d) =>
      d.listContainers({ all: true, filters: { label: this.engine.labelFilters({ ...labels, [CONTAINER_TYPE]: 'helper' }) } }),
    )) as Array<{ Id: string }>;
    const out: HelperStatus[] = [];
    for (const c of items) {
      const i = await this.engine.tryInspect(c.Id);
      if (i) out.push(helperStatus(i));
    }
    return out;
  }

  async removeHelper(nameOrId: string): Promise<void> {
    await this.engine.remove(nameOrId);
  }
}
