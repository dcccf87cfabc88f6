// ClusterNetworking: the kubelet's view of Services (its PodNetworking port), composed from the host proxy
// and the in-cluster gateways the cluster builds after the kubelet (they register themselves here).
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { PodNetworking } from '../../kubelet/kubelet.js';
import type { Store } from '../../store/store.js';
import type { ServiceProxy } from '../proxier.js';
import { namespaceNetwork, podAliases } from './config.js';
import type { ServiceGateways } from './gateway-controller.js';
import { serviceEnvVars } from './service-env.js';

export class ClusterNetworking implements PodNetworking {
  proxy: ServiceProxy | undefined;
  gateways: ServiceGateways | undefined;

  constructor(
    private readonly store: Store,
    readonly cluster: string | undefined,
  ) {}

  network(namespace: string): string {
    return namespaceNetwork(this.cluster, namespace);
  }

  aliases(pod: Pod): string[] {
    return podAliases(pod);
  }

  async serviceEnv(pod: Pod): Promise<Record<string, string>> {
    if (pod.spec?.enableServiceLinks === false) return {};
    const ns = pod.metadata?.namespace ?? 'default';
    const services = (await this.store.list<Service & KubeObject>('services', { namespace: ns })).items;
    return serviceEnvVars(pod, services, (s) => this.gateways?.serviceHost(ns, s.metadata?.name ?? '', ns));
  }

  async drain(pod: Pod, deadlineMs: number): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    await Promise.all([this.proxy?.drained(uid, deadlineMs), this.gateways?.drained(pod.metadata?.namespace ?? 'default', uid, deadlineMs)]);
  }
}
