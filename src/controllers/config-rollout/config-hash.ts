// The hash the config-rollout controller compares: ConfigMaps by their data, Secrets by uid + resourceVersion.
// A Secret's values never go into it: the hash sits in the pod template, readable by whoever reads the
// workload, and a hash of a short password can be brute-forced. Pure.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { PodRefs } from '../../api/pod-refs.js';

export interface ReferencedObjects {
  configMaps: Record<string, KubeObject | undefined>;
  secrets: Record<string, KubeObject | undefined>;
}

/** 16 hex digits over the referenced objects (a missing one counts as missing). Stable across processes. */
export function configHash(refs: PodRefs, objs: ReferencedObjects): string {
  const parts: unknown[] = [];
  for (const n of refs.configMaps) {
    const cm = objs.configMaps[n];
    parts.push(['ConfigMap', n, cm ? [sorted(cm.data), sorted(cm.binaryData)] : null]);
  }
  for (const n of refs.secrets) {
    const s = objs.secrets[n];
    parts.push(['Secret', n, s ? [s.metadata.uid ?? '', s.metadata.resourceVersion ?? ''] : null]);
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function sorted(m: unknown): [string, unknown][] {
  if (!m || typeof m !== 'object') return [];
  return Object.entries(m as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
