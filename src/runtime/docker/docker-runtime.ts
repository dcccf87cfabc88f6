// ContainerRuntime on the local Docker engine, through dockerode (imported only under runtime/docker/). One
// object per slice of the port, sharing one DockerEngine connection:
//   engine.ts          the connection, error mapping, label scoping, start/stop/remove of any engine container
//   sandboxes.ts       PodSandboxManager
//   containers.ts      ContainerManager (streams.ts: logs, exec, events)
//   stats.ts           ContainerStatsManager + RuntimeVersioner
//   images.ts          ImageManager + the locally built pause image
//   engine-objects.ts  EngineNetworks, EngineVolumes, HelperContainers
// All settings come from the caller (cluster/config.ts in the controller, the CLI's environment for its verbs).
import type Dockerode from 'dockerode';
import type { ContainerRuntime, RuntimeError, RuntimeErrorReason } from '../runtime.js';
import { assembleRuntime } from '../assemble.js';
import { DockerEngine } from './engine.js';
import { DockerImages } from './images.js';
import { DockerStatsAndInfo } from './stats.js';
import { DockerHelpers, DockerNetworks, DockerVolumes } from './engine-objects.js';
import { DockerSandboxes } from './sandboxes.js';
import { DockerContainers } from './containers.js';

export interface DockerRuntimeOptions {
  /** `unix:///path` or `tcp://127.0.0.1:2375`; default: the local socket */
  host?: string | undefined;
  /** adds kctl.io/test-run=<id> to everything made and scopes list/events to it */
  testRun?: string | undefined;
  /** adds kctl.io/cluster=<id> to every pod container made and scopes list/events to it (one $KCTL_HOME) */
  cluster?: string | undefined;
  /** permit securityContext.privileged */
  allowPrivileged?: boolean;
  /** image of the sandbox container; default kctl.io/pause:1; built locally (under this name) when absent */
  pauseImage?: string;
  /** dockerode instance to use instead of one made from `host` (tests) */
  docker?: Dockerode;
}

// the slice methods are put on each instance by assembleRuntime
export interface DockerRuntime extends ContainerRuntime {}

export class DockerRuntime {
  /** where the engine is, as shown in messages */
  readonly host: string;
  private readonly engine: DockerEngine;
  private readonly images: DockerImages;

  constructor(opts: DockerRuntimeOptions = {}) {
    const engine = new DockerEngine(opts);
    const info = new DockerStatsAndInfo(engine);
    const images = new DockerImages(engine, info, opts.pauseImage);
    const networks = new DockerNetworks(engine);
    const volumes = new DockerVolumes(engine);
    this.engine = engine;
    this.images = images;
    this.host = engine.host;
    assembleRuntime(this, {
      sandboxes: new DockerSandboxes(engine, images, networks),
      containers: new DockerContainers(engine, volumes, opts.allowPrivileged ?? false),
      stats: info,
      versioner: info,
      images,
      networks,
      volumes,
      helpers: new DockerHelpers(engine, networks, images),
    });
  }

  /** Builds the sandbox image when the engine lacks it (once per process; concurrent callers share it). */
  ensurePauseImage(): Promise<{ built: boolean }> {
    return this.images.ensurePauseImage();
  }

  /** A dockerode failure as a RuntimeError: 404 → RuntimeNotFound, 409 → RuntimeConflict, no engine → one line. */
  toRuntimeError(e: unknown, reason?: RuntimeErrorReason): RuntimeError {
    return this.engine.toRuntimeError(e, reason);
  }
}
