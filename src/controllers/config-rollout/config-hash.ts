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

const hex16 = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

/** Per referenced object (`ConfigMap/name`, `Secret/name`): 16 hex digits, or `missing`. Stable across processes. */
export function configHashes(refs: PodRefs, objs: ReferencedObjects): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of refs.configMaps) {
    const cm = objs.configMaps[n];
    out[`ConfigMap/${n}`] = cm ? hex16([sorted(cm.data), sorted(cm.binaryData)]) : 'missing';
  }
  for (const n of refs.secrets) {
    const s = objs.secrets[n];
    out[`Secret/${n}`] = s ? hex16([s.metadata.uid ?? '', s.metadata.resourceVersion ?? '']) : 'missing';
  }
  return out;
}

/** 16 hex digits over all the referenced objects: the pod template's annotation when a change rolls it. */
export function configHash(refs: PodRefs, objs: ReferencedObjects): string {
  return hex16(Object.entries(configHashes(refs, objs)));
}

/**
 * Whether a change of configuration (not of which objects are referenced) happened: an object referenced
 * before and now, that existed before, has another hash. A reference added or removed, or an object that
 * appears, rolls nothing (the template change rolls it already; a pod waiting for it starts by itself).
 */
export function configChanged(before: Record<string, string> | undefined, now: Record<string, string>): boolean {
  if (!before) return false;
  return Object.entries(now).some(([k, h]) => before[k] !== undefined && before[k] !== 'missing' && before[k] !== h);
}

function sorted(m: unknown): [string, unknown][] {
  if (!m || typeof m !== 'object') return [];
  return Object.entries(m as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
