// The ConfigMaps and Secrets a pod spec reads: env valueFrom, envFrom, and configMap/secret/projected volumes
// (init containers included). The kubelet uses it to re-sync a pod when one of them changes, the config-rollout
// controller to hash them. Pure.
import type { PodSpec } from './types.js';

export interface PodRefs {
  configMaps: string[];
  secrets: string[];
}

/** Names of the ConfigMaps and Secrets of the spec's env, envFrom and volumes, sorted, without repeats. */
export function podSpecReferences(spec: PodSpec | undefined): PodRefs {
  const cms = new Set<string>();
  const secrets = new Set<string>();
  const add = (set: Set<string>, name: string | undefined): void => {
    if (name) set.add(name);
  };
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const f of c.envFrom ?? []) {
      add(cms, f.configMapRef?.name);
      add(secrets, f.secretRef?.name);
    }
    for (const e of c.env ?? []) {
      add(cms, e.valueFrom?.configMapKeyRef?.name);
      add(secrets, e.valueFrom?.secretKeyRef?.name);
    }
  }
  for (const v of spec?.volumes ?? []) {
    add(cms, v.configMap?.name);
    add(secrets, v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) {
      add(cms, s.configMap?.name);
      add(secrets, s.secret?.name);
    }
  }
  return { configMaps: [...cms].sort(), secrets: [...secrets].sort() };
}

/**
 * Which keys reference which ConfigMaps/Secrets, by namespace: a change of one of them maps back to the keys
 * (pods for the kubelet, workloads for config-rollout) in O(1) from a watch handler.
 */
export class ReferenceIndex {
  private readonly byKey = new Map<string, { ns: string; refs: PodRefs }>();
  /** `${kind}/${ns}/${name}` → keys */
  private readonly byObject = new Map<string, Set<string>>();

  set(key: string, ns: string, refs: PodRefs): void {
    this.delete(key);
    if (!refs.configMaps.length && !refs.secrets.length) return;
    this.byKey.set(key, { ns, refs });
    for (const [kind, names] of [['ConfigMap', refs.configMaps], ['Secret', refs.secrets]] as const)
      for (const n of names) {
        const k = `${kind}/${ns}/${n}`;
        let s = this.byObject.get(k);
        if (!s) this.byObject.set(k, (s = new Set()));
        s.add(key);
      }
  }

  delete(key: string): void {
    const had = this.byKey.get(key);
    if (!had) return;
    this.byKey.delete(key);
    for (const [kind, names] of [['ConfigMap', had.refs.configMaps], ['Secret', had.refs.secrets]] as const)
      for (const n of names) {
        const k = `${kind}/${had.ns}/${n}`;
        const s = this.byObject.get(k);
        s?.delete(key);
        if (s && !s.size) this.byObject.delete(k);
      }
  }

  /** Keys referencing a ConfigMap or Secret. */
  keysFor(kind: string, ns: string, name: string): string[] {
    return [...(this.byObject.get(`${kind}/${ns}/${name}`) ?? [])];
  }
}
