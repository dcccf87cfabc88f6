// upstream controller_ref_manager ClaimObjects for every workload controller: keep what it controls, adopt
// matching orphans (add its controllerRef), release what no longer matches (drop its ownerRef). Writes go
// to the store; an object deleted meanwhile is skipped.
import type { KubeObject, OwnerReference } from '../api/types.js';
import { ignoreNotFound } from '../util/errors.js';
import type { Store } from '../store/store.js';
import type { Logger } from './logger.js';
import { claimAction, withControllerRef, withoutOwner } from './controller-ref.js';

export interface ClaimOptions<T extends KubeObject> {
  store: Store;
  log: Logger;
  owner: KubeObject;
  /** the owner's controllerRef (newControllerRef) */
  ref: OwnerReference;
  candidates: readonly T[];
  /** selector match (and any further membership test) */
  isMember(o: T): boolean;
  /** in log lines: `replicaset ns/web` adopted `pod x` */
  ownerDesc: string;
  kindDesc: string;
  /** release objects that stopped matching (default true) */
  release?: boolean;
}


/** The candidates the owner controls afterwards, adopted ones included (as stored after adoption). */
export async function claimObjects<T extends KubeObject>(o: ClaimOptions<T>): Promise<T[]> {
  const out: T[] = [];
  for (const obj of o.candidates) {
    const action = claimAction(o.owner, obj, o.isMember(obj));
    if (action === 'owned') out.push(obj);
    else if (action === 'adopt') {
      const next = structuredClone(obj);
      next.metadata.ownerReferences = withControllerRef(obj, o.ref);
      const adopted = await ignoreNotFound(() => o.store.update<T>(next));
      if (adopted) {
        o.log.info(`${o.ownerDesc}: adopted ${o.kindDesc} ${obj.metadata.name}`);
        out.push(adopted);
      }
    } else if (action === 'release' && o.release !== false) {
      const next = structuredClone(obj);
      const refs = withoutOwner(obj, o.owner.metadata.uid ?? '');
      if (refs.length) next.metadata.ownerReferences = refs;
      else delete next.metadata.ownerReferences;
      if (await ignoreNotFound(() => o.store.update<T>(next))) o.log.info(`${o.ownerDesc}: released ${o.kindDesc} ${obj.metadata.name}`);
    }
  }
  return out;
}
