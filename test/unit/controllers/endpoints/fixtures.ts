// Object builders for the endpoints, allocation and proxy tests.
import type { ContainerPort } from 'kubernetes-types/core/v1.js';
import type { PodObj, ServiceObj } from '../../../../src/controllers/endpoints/endpoints.js';

export interface PodOpts {
  ns?: string;
  labels?: Record<string, string>;
  /** status.podIP; null: none yet */
  ip?: string | null;
  ready?: boolean;
  phase?: string;
  deleting?: boolean;
  restartPolicy?: string;
  ports?: ContainerPort[];
  /** containerPort → published 127.0.0.1 host port (the kctl.io/ports annotation) */
  hostPorts?: Record<number, number>;
  uid?: string;
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
}

let seq = 0;

export function pod(name: string, o: PodOpts = {}): PodObj {
  const ns = o.ns ?? 'default';
  const ann = o.hostPorts
    ? {
        'kctl.io/ports': JSON.stringify(
          Object.entries(o.hostPorts).map(([cp, hp]) => ({ containerPort: Number(cp), protocol: 'TCP', hostIP: '127.0.0.1', hostPort: hp })),
        ),
      }
    : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: o.uid ?? `uid-${name}`,
      labels: o.labels ?? { app: 'web' },
      ...(ann ? { annotations: ann } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'httpd', ports: o.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
      nodeName: o.nodeName ?? 'node1',
      restartPolicy: o.restartPolicy ?? 'Always',
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === null ? {} : { podIP: o.ip ?? `172.17.0.${++seq % 250}` }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  } as PodObj;
}

export interface SvcOpts {
  ns?: string;
  type?: string;
  selector?: Record<string, string> | null;
  ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  labels?: Record<string, string>;
  sessionAffinity?: string;
  created?: string;
  uid?: string;
}

export function service(name: string, o: SvcOpts = {}): ServiceObj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      uid: o.uid ?? `svc-uid-${name}`,
      ...(o.created ? { creationTimestamp: o.created } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
    },
    spec: {
      ...(o.selector === null ? {} : { selector: o.selector ?? { app: 'web' } }),
      ports: (o.ports ?? [{ name: 'http', port: 80, targetPort: 'http' }]).map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      type: o.type ?? 'ClusterIP',
      ...(o.clusterIP ? { clusterIP: o.clusterIP } : {}),
      ...(o.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
      sessionAffinity: o.sessionAffinity ?? 'None',
    },
  } as ServiceObj;
}
