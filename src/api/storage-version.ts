// Discovery's storageVersionHash (upstream apiserver discovery.StorageVersionHash): the first 8 bytes of the
// SHA-256 of "<group>/<version>/<kind>" of the version a resource is stored in, base64. Clients (the storage
// version migrator, kubectl's discovery cache users) compare it across servers and restarts.
import { createHash } from 'node:crypto';
import { storageKindOf, type KindInfo } from './kinds.js';

export function storageVersionHash(ki: KindInfo): string {
  const s = storageKindOf(ki);
  return createHash('sha256').update(`${s.group}/${s.version}/${s.kind}`).digest().subarray(0, 8).toString('base64');
}
