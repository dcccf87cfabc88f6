// Object builders for the apply tests (plain JSON, as a manifest parses).
import type { KubeObject } from '../../../src/api/types.js';

export type Json = Record<string, unknown>;

export interface ContainerSpec {
  name: string;
  image?: string;
  [k: string]: unknown;
}

/** A Deployment manifest as a user writes it. */
export function deployment(
  containers: ContainerSpec[] = [{ name: 'web', image: 'nginx:1.25' }],
  spec: Json = {},
  metadata: Json = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...metadata },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
      ...spec,
    },
  } as KubeObject;
}

/** What the server holds after storing `obj`: server-owned metadata, defaults, status. */
export function live(obj: KubeObject, extra: { replicas?: number; status?: Json; annotations?: Record<string, string> } = {}): KubeObject {
  const o = structuredClone(obj) as KubeObject & { spec: Json };
  o.metadata = {
    ...o.metadata,
    namespace: o.metadata.namespace ?? 'default',
    uid: 'uid-1',
    resourceVersion: '7',
    generation: 1,
    creationTimestamp: '2024-01-01T00:00:00Z',
    annotations: { ...(o.metadata.annotations ?? {}), ...(extra.annotations ?? {}) },
  };
  if (o.kind === 'Deployment') {
    o.spec = { replicas: extra.replicas ?? 1, ...o.spec };
    if (extra.replicas !== undefined) o.spec.replicas = extra.replicas;
  }
  o.status = extra.status ?? { observedGeneration: 1, replicas: 1 };
  return o;
}

/** The containers list of a Deployment (or undefined). */
export const containersOf = (o: unknown): Json[] =>
  ((o as { spec: { template: { spec: { containers: Json[] } } } }).spec.template.spec.containers);

export const names = (l: Json[] | undefined, key = 'name'): unknown[] => (l ?? []).map((e) => e[key]);
