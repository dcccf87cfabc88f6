// The one way production code opens the store in $KCTL_HOME: a FileStore with Secrets encrypted at rest
// (secret-codec.ts). The CLI (cli/main.ts) and the controller (cluster/cluster.ts) both open it here, so they
// always agree on how Secrets are stored. Tests that want a bare FileStore call FileStore.open directly.
import { FileStore, type FileStoreOptions } from './file-store.js';
import { SecretCodec } from './secret-codec.js';

export async function openDefaultStore(home: string, opts: Omit<FileStoreOptions, 'codec'> = {}): Promise<FileStore> {
  return FileStore.open(home, { ...opts, codec: new SecretCodec(home) });
}
