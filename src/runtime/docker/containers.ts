// The container slice on Docker: app and init containers joined to their sandbox's namespaces (create options
// from the pure convert.ts), their lifecycle and listing; the streaming calls live in streams.ts.
import type Dockerode from 'dockerode';
import { RuntimeError } from '../runtime.js';
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerId,
  ContainerManager,
  ContainerStatus,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  ExecStreams,
  LogOptions,
  RuntimeEvent,
} from '../containers.js';
import type { SandboxId } from '../sandboxes.js';
import { CONTAINER_TYPE, POD_UID, containerLabels, containerName, podRefFromLabels } from '../names.js';
import type { DockerEngine } from './engine.js';
import type { DockerVolumes } from './engine-objects.js';
import { dockerSince, statusFromInspect, summaryFromList, toContainerCreateOptions, type DockerListItem } from './convert.js';
import { eventStream, execAttached, execCollect, logLines } from './streams.js';

export class DockerContainers implements ContainerManager {
  constructor(
    private readonly engine: DockerEngine,
    private readonly volumes: DockerVolumes,
    /** permit securityContext.privileged */
    private readonly allowPrivileged: boolean,
  ) {}

  async createContainer(sandbox: SandboxId, cfg: ContainerConfig): Promise<ContainerId> {
    const engine = this.engine;
    const sb = await engine.tryInspect(sandbox);
    const pod = sb && sb.Config?.Labels?.[CONTAINER_TYPE] === 'sandbox' ? podRefFromLabels(sb.Config.Labels) : undefined;
    if (!sb || !pod) throw new RuntimeError('RuntimeNotFound', `no pod sandbox ${sandbox}`, { statusCode: 404 });
    const name = containerName(pod, cfg.container.name, cfg.attempt);
    const sc = cfg.container.securityContext;
    const needsImageUser = (sc?.runAsNonRoot ?? cfg.podSecurityContext?.runAsNonRoot) && (sc?.runAsUser ?? cfg.podSecurityContext?.runAsUser) === undefined;
    let imageUser: string | undefined;
    if (needsImageUser && cfg.container.image) {
      const img = (await engine.call((d) => d.getImage(cfg.container.image!).inspect(), 'ImageNotPresent')) as { Config?: { User?: string } };
      imageUser = img.Config?.User ?? '';
    }
    const { options, warnings } = toContainerCreateOptions({
      name,
      sandboxId: sb.Id,
      cfg,
      labels: { ...cfg.labels, ...containerLabels(pod, cfg.container.name, cfg.attempt, sb.Id, engine.testRun, engine.cluster) },
      allowPrivileged: this.allowPrivileged,
      podName: pod.name,
      ...(imageUser !== undefined ? { imageUser } : {}),
      ...(await this.volumes.subPathMountpoints(cfg).then((m) => (m ? { volumeMountpoints: m } : {}))),
    });
    for (const w of warnings) cfg.onWarning?.(w);
    try {
      const c = await engine.call((d) => d.createContainer(options as unknown as Dockerode.ContainerCreateOptions));
      return c.id;
    } catch (e) {
      const r = e as RuntimeError;
      if (r.code === 'RuntimeNotFound' && /image/i.test(r.message))
        throw new RuntimeError('RuntimeNotFound', r.message, { statusCode: 404, reason: 'ImageNotPresent', cause: e });
      if (r.code === 'Runtime' && !r.reason)
        throw new RuntimeError('Runtime', r.message, { ...(r.statusCode ? { statusCode: r.statusCode } : {}), reason: 'CreateContainerError', cause: e });
      throw e;
    }
  }

  async startContainer(id: ContainerId): Promise<void> {
    await this.engine.start(id, 'RunContainerError');
  }

  async stopContainer(id: ContainerId, graceSeconds: number): Promise<void> {
    await this.engine.stop(id, graceSeconds);
  }

  async removeContainer(id: ContainerId): Promise<void> {
    await this.engine.remove(id);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {
      label: this.engine.labelFilters({ ...filter.labels, [CONTAINER_TYPE]: 'container', [POD_UID]: filter.podUid }),
    };
    if (filter.state === 'running') filters.status = ['running', 'paused', 'restarting'];
    else if (filter.state === 'exited') filters.status = ['exited', 'dead'];
    else if (filter.state === 'created') filters.status = ['created'];
    const items = (await this.engine.call((d) => d.listContainers({ all: true, filters }))) as unknown as DockerListItem[];
    return items
      .map(summaryFromList)
      .filter((s) => !filter.state || s.state === filter.state)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async inspectContainer(id: ContainerId): Promise<ContainerStatus> {
    return statusFromInspect(await this.engine.inspectRaw(id));
  }

  logs(id: ContainerId, opts: LogOptions = {}): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => logLines(this.engine, id, opts) };
  }

  exec(id: ContainerId, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return execCollect(this.engine, id, cmd, opts);
  }

  execStream(id: ContainerId, cmd: string[], io: ExecStreams): Promise<number> {
    return execAttached(this.engine, id, cmd, io);
  }

  events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    // `since` = now: events that happen before the HTTP stream is established are replayed by the engine.
    const since = dockerSince(new Date());
    return { [Symbol.asyncIterator]: () => eventStream(this.engine, since, signal) };
  }
}
