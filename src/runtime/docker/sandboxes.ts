// The sandbox slice on Docker: a pause container per pod (and attempt) holding the network namespace, the
// published loopback ports and the held volumes; named and labelled so that creation is idempotent.
import { DEFAULT_NETWORK, RuntimeError } from '../runtime.js';
import type { PodSandboxManager, SandboxConfig, SandboxFilter, SandboxId, SandboxStatus } from '../sandboxes.js';
import { CONTAINER_TYPE, POD_UID, sandboxLabels, sandboxName } from '../names.js';
import type { DockerEngine } from './engine.js';
import type { DockerImages } from './images.js';
import type { DockerNetworks } from './engine-objects.js';
import { podHostname, sandboxFromInspect, toSandboxCreateOptions, type DockerListItem } from './convert.js';

export class DockerSandboxes implements PodSandboxManager {
  constructor(
    private readonly engine: DockerEngine,
    private readonly images: DockerImages,
    private readonly networks: DockerNetworks,
  ) {}

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxId> {
    const engine = this.engine;
    const name = sandboxName(cfg.pod, cfg.attempt);
    const network = cfg.network ?? DEFAULT_NETWORK;
    const existing = await engine.tryInspect(name);
    let id = existing?.Id;
    if (!existing) {
      await this.images.ensurePauseImage();
      await this.networks.ensureOnce(network);
      const options = toSandboxCreateOptions({
        name,
        image: this.images.pauseImage,
        hostname: cfg.hostname ?? podHostname(cfg.pod.name),
        labels: { ...cfg.labels, ...sandboxLabels(cfg.pod, cfg.attempt, engine.testRun, engine.cluster) },
        network,
        ...(cfg.networkAliases ? { aliases: cfg.networkAliases } : {}),
        ...(cfg.ports ? { ports: cfg.ports } : {}),
        ...(cfg.holdVolumes?.length ? { holdVolumes: cfg.holdVolumes } : {}),
      });
      try {
        id = (await engine.call((d) => d.createContainer(options))).id;
      } catch (e) {
        if (!(e instanceof RuntimeError && e.code === 'RuntimeConflict')) throw e;
        id = (await engine.inspectRaw(name)).Id; // made by a concurrent caller
      }
    }
    if (!existing?.State?.Running) await engine.start(id!);
    return id!;
  }

  async stopPodSandbox(id: SandboxId): Promise<void> {
    await this.engine.stop(id, 10); // pause exits at once on SIGTERM
  }

  async removePodSandbox(id: SandboxId): Promise<void> {
    await this.engine.remove(id);
  }

  async podSandboxStatus(id: SandboxId): Promise<SandboxStatus> {
    const i = await this.engine.inspectRaw(id);
    if (i.Config?.Labels?.[CONTAINER_TYPE] !== 'sandbox')
      throw new RuntimeError('RuntimeNotFound', `no pod sandbox ${id}`, { statusCode: 404 });
    return sandboxFromInspect(i);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<SandboxStatus[]> {
    const items = (await this.engine.call((d) =>
      d.listContainers({
        all: true,
        filters: { label: this.engine.labelFilters({ ...filter.labels, [CONTAINER_TYPE]: 'sandbox', [POD_UID]: filter.podUid }) },
      }),
    )) as unknown as DockerListItem[];
    const out: SandboxStatus[] = [];
    for (const it of items) {
      const i = await this.engine.tryInspect(it.Id);
      if (!i) continue; // removed meanwhile
      const s = sandboxFromInspect(i);
      if (!filter.state || s.state === filter.state) out.push(s);
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
