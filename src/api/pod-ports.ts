// The pod annotation `kctl.io/ports` (api/meta.ts PORTS): where the kubelet published each container port on
// the host. The host, the service proxy and port-forward reach a pod only through these 127.0.0.1 ports.

/** One published port, as stored in the annotation (JSON array, sorted by containerPort then protocol). */
export interface PodPortMapping {
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostIP: '127.0.0.1';
  hostPort: number;
  name?: string;
}

/** Parses the annotation's value; [] when absent or malformed. */
export function parsePortsAnnotation(v: string | undefined): PodPortMapping[] {
  if (!v) return [];
  try {
    const a = JSON.parse(v) as unknown;
    return Array.isArray(a) ? (a as PodPortMapping[]).filter((p) => Number.isInteger(p?.containerPort) && Number.isInteger(p?.hostPort)) : [];
  } catch {
    return [];
  }
}
