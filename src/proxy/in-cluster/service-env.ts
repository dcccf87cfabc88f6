// The Kubernetes service environment variables (upstream pkg/kubelet/envvars FromServices): for every
// Service of the pod's namespace that has a cluster IP, when the pod has enableServiceLinks (default true).
// The host is the Service's gateway on the pod's network (kctl's cluster IPs are for display only), or
// its DNS name while the gateway is not up yet. Pure.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { CLUSTER_DOMAIN } from './config.js';

const envName = (s: string): string => s.replace(/-/g, '_').toUpperCase();

const hasClusterIP = (svc: Service): boolean => {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None' && svc.spec?.type !== 'ExternalName' && (svc.spec?.ports?.length ?? 0) > 0;
};

export function serviceEnvVars(pod: Pod, services: readonly Service[], hostOf: (svc: Service) => string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (pod.spec?.enableServiceLinks === false) return env;
  const ns = pod.metadata?.namespace ?? 'default';
  for (const svc of [...services].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    if ((svc.metadata?.namespace ?? 'default') !== ns || !hasClusterIP(svc)) continue;
    const name = svc.metadata?.name ?? '';
    const host = hostOf(svc) ?? `${name}.${ns}.svc.${CLUSTER_DOMAIN}`;
    const prefix = envName(name);
    const ports = svc.spec!.ports!;
    env[`${prefix}_SERVICE_HOST`] = host;
    env[`${prefix}_SERVICE_PORT`] = String(ports[0]!.port);
    for (const p of ports) if (p.name) env[`${prefix}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
    ports.forEach((p, i) => {
      const proto = p.protocol ?? 'TCP';
      const url = `${proto.toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${p.port}`;
      if (i === 0) env[`${prefix}_PORT`] = url;
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      env[pp] = url;
      env[`${pp}_PROTO`] = proto.toLowerCase();
      env[`${pp}_PORT`] = String(p.port);
      env[`${pp}_ADDR`] = host;
    });
  }
  return env;
}
