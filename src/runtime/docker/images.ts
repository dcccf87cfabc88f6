// The image slice on Docker: presence, pulls (credentials only in the X-Registry-Auth header), and the pause
// image every sandbox and helper runs, built locally from pause-image.ts when the engine lacks it.
import { RuntimeError } from '../runtime.js';
import type { ImageManager, PullProgress, RegistryAuth } from '../images.js';
import type { RuntimeVersioner } from '../stats.js';
import type { DockerEngine } from './engine.js';
import { PAUSE_IMAGE, PAUSE_IMAGE_CHANGES, pauseRootfsTar, pauseSupported } from './pause-image.js';

function splitRef(ref: string): [string, string] {
  const i = ref.lastIndexOf(':');
  return i > ref.lastIndexOf('/') ? [ref.slice(0, i), ref.slice(i + 1)] : [ref, 'latest'];
}

export class DockerImages implements ImageManager {
  private pauseReady: Promise<{ built: boolean }> | undefined;

  constructor(
    private readonly engine: DockerEngine,
    private readonly versioner: RuntimeVersioner,
    /** image of the sandbox container; built locally (under this name) when absent */
    readonly pauseImage: string = PAUSE_IMAGE,
  ) {}

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.engine.call((d) => d.getImage(ref).inspect());
      return true;
    } catch (e) {
      if (e instanceof RuntimeError && e.code === 'RuntimeNotFound') return false;
      throw e;
    }
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void> {
    try {
      // the credentials travel in the X-Registry-Auth header only
      const stream = (await this.engine.call((d) => (auth ? d.pull(ref, { authconfig: { ...auth } }) : d.pull(ref)))) as NodeJS.ReadableStream;
      await this.engine.followProgress(stream, onProgress);
    } catch (e) {
      const r = this.engine.toRuntimeError(e);
      if (r.reason === 'EngineUnreachable') throw r;
      throw new RuntimeError('Runtime', `failed to pull image "${ref}": ${r.message}`, {
        reason: 'ImagePull',
        cause: e,
        ...(r.statusCode ? { statusCode: r.statusCode } : {}),
      });
    }
  }

  /** Builds the sandbox image when the engine lacks it (once per process; concurrent callers share it). */
  ensurePauseImage(): Promise<{ built: boolean }> {
    this.pauseReady ??= this.buildPauseImage().catch((e: unknown) => {
      this.pauseReady = undefined; // let a later call retry
      throw e;
    });
    return this.pauseReady;
  }

  private async buildPauseImage(): Promise<{ built: boolean }> {
    if (await this.imageExists(this.pauseImage)) return { built: false };
    const info = await this.versioner.info();
    if (!pauseSupported(info.architecture))
      throw new RuntimeError(
        'Runtime',
        `kctl builds its pod sandbox (pause) image for x86_64 only; this Docker engine runs on ${info.architecture}`,
        { reason: 'Unsupported' },
      );
    const rootfs = await pauseRootfsTar();
    const [repo, tag] = splitRef(this.pauseImage);
    try {
      const stream = await this.engine.call((d) =>
        d.importImage(rootfs as unknown as string, { repo, tag, changes: [...PAUSE_IMAGE_CHANGES] } as object),
      );
      await this.engine.followProgress(stream);
    } catch (e) {
      const r = this.engine.toRuntimeError(e);
      throw new RuntimeError(r.code as 'Runtime', `cannot build the pause image ${this.pauseImage}: ${r.message}`, {
        cause: e,
        ...(r.reason ? { reason: r.reason } : {}),
      });
    }
    return { built: true };
  }
}
