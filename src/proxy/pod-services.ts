// Which Services' Endpoints name a pod: a pod event then requeues exactly those Services (the host proxy
// and the in-cluster gateways both gate endpoints on the pod as stored now).
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import { parseObjectKey } from '../store/store.js';

export class PodServiceIndex {
  /** pod `ns/name` → Service keys */
  private readonly byPod = new Map<string, Set<string>>();

  /** Service keys whose Endpoints name the pod. */
  servicesOf(namespace: string, pod: string): string[] {
    return [...(this.byPod.get(`${namespace}/${pod}`) ?? [])];
  }

  /** Records the pods (ready or not) the Service's Endpoints name now; `undefined`: the Service is gone. */
  set(svcKey: string, endpoints: Endpoints | undefined): void {
    const ns = parseObjectKey(svcKey).namespace ?? 'default';
    for (const [pk, set] of this.byPod) {
      set.delete(svcKey);
      if (set.size === 0) this.byPod.delete(pk);
    }
    for (const ss of endpoints?.subsets ?? [])
      for (const a of [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])]) {
        if (a.targetRef?.kind !== 'Pod' || !a.targetRef.name) continue;
        const pk = `${ns}/${a.targetRef.name}`;
        let set = this.byPod.get(pk);
        if (!set) this.byPod.set(pk, (set = new Set()));
        set.add(svcKey);
      }
  }
}
