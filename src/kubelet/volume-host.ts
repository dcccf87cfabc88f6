// NodeVolumeHost: the VolumeHost on the local file system (node:fs). The kubelet's one file-system edge:
// emptyDir directories under $KCTL_HOME/pods/<uid>/volumes/, configMap/secret/projected/downwardAPI payloads
// through the AtomicWriter (atomic-writer.ts).
import { chmod, mkdir, open as openFile, readdir, rename, rm, stat as statPath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VolumeHost } from './volumes.js';
import { writeAtomic } from './atomic-writer.js';
import type { HostFileType, HostPathOps } from './storage-volumes.js';

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

  writePayload(dir: string, files: { path: string; data: Uint8Array; mode: number }[]): Promise<boolean> {
    return writeAtomic(dir, files);
  }

  async list(path: string): Promise<string[]> {
    try {
      return await readdir(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  async removeAll(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }
}

/** hostPath checks on the local file system (storage-volumes.ts checkHostPathType). */
export class NodeHostPaths implements HostPathOps {
  async fileType(path: string): Promise<HostFileType | undefined> {
    try {
      const s = await statPath(path);
      if (s.isDirectory()) return 'Directory';
      if (s.isFile()) return 'File';
      if (s.isSocket()) return 'Socket';
      if (s.isCharacterDevice()) return 'CharDevice';
      if (s.isBlockDevice()) return 'BlockDevice';
      return 'Unknown';
    } catch {
      return undefined;
    }
  }

  async makeDir(path: string): Promise<void> {
    await mkdir(path, { recursive: true, mode: 0o755 });
  }

  async makeFile(path: string): Promise<void> {
    const f = await openFile(path, 'a', 0o644);
    await f.close();
  }
}
