// NodeVolumeHost: the VolumeHost on the local file system (node:fs). The kubelet's one file-system edge:
// emptyDir directories and configMap/secret files under $KCTL_HOME/pods/<uid>/volumes/.
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VolumeHost } from './volumes.js';

export class NodeVolumeHost implements VolumeHost {
  async ensureDir(path: string, mode: number): Promise<void> {
    await mkdir(path, { recursive: true, mode });
    await chmod(path, mode); // mkdir's mode is masked by the umask
  }

  async writeFile(path: string, data: Uint8Array, mode: number): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, data, { mode });
    await chmod(tmp, mode);
    await rename(tmp, path);
  }

  async removeAll(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }
}
