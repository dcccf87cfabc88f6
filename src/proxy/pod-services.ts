// Which Services' Endpoints name a pod: a pod event then requeues exactly those Services (the host proxy
// and the in-cluster gateways both gate endpoints on the pod as stored now). A RefIndex of reconcile/.
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import { parseObjectKey } from '../store/store.js';
import { RefIndex } from '../reconcile/owner-index.js';

export class PodServiceIndex {
  /** Service key → pods `ns/name`, and back */
  private readonly refs = new RefIndex();

  /** Service keys whose Endpoints name the pod. */
  servicesOf(namespace: string, pod: string): string[] {
    return this.refs.ownersOf(`${namespace}/${pod}`);
  }

  /** Records the pods (ready or not) the Service's Endpoints name now; `undefined`: the Service is gone. */
  set(svcKey: string, endpoints: Endpoints | undefined): void {
    const ns = parseObjectKey(svcKey).namespace ?? 'default';
    const pods: string[] = [];
    for (const ss of endpoints?.subsets ?? [])
      for (const a of [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])])
        if (a.targetRef?.kind === 'Pod' && a.targetRef.name) pods.push(`${ns}/${a.targetRef.name}`);
    this.refs.set(svcKey, pods);
  }
}
