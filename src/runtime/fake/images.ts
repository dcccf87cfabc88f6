// The image slice in memory: the images present, and a "registry" of what pulls can fetch (with the
// credentials an image needs, when the test sets them); nothing is ever fetched.
import { RuntimeError } from '../runtime.js';
import type { ImageManager, PullProgress, RegistryAuth } from '../images.js';
import type { FakeEngine } from './engine.js';

export class FakeImages implements ImageManager {
  constructor(private readonly e: FakeEngine) {}

  async imageExists(ref: string): Promise<boolean> {
    this.e.record('imageExists', [ref]);
    return this.e.images.has(ref);
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void> {
    this.e.record('pullImage', auth ? [ref, auth] : [ref]);
    const need = this.e.registryAuth.get(ref);
    if (need && (auth?.username !== need.username || auth?.password !== need.password))
      throw new RuntimeError('Runtime', `failed to pull image "${ref}": unauthorized: authentication required`, { reason: 'ImagePull', statusCode: 401 });
    if (!this.e.registry.has(ref))
      throw new RuntimeError('Runtime', `failed to pull image "${ref}": pull access denied for ${ref}, repository does not exist or may require 'docker login'`, {
        reason: 'ImagePull',
        statusCode: 404,
      });
    onProgress?.({ status: `Pulling from ${ref}` });
    onProgress?.({ status: 'Pull complete', id: 'fake0layer' });
    this.e.images.set(ref, this.e.images.get(ref) ?? {});
  }
}
