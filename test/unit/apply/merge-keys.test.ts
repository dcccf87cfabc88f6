import { describe, expect, it } from 'vitest';
import { lookupPatchMeta, MERGE_KEYS, supportsStrategicMerge, type PatchMeta } from '../../../src/apply/merge-keys.js';
import { KINDS } from '../../../src/api/kinds.js';

describe('merge keys (k8s.io/api patchMergeKey / patchStrategy)', () => {
  it.each<[string, string, PatchMeta | undefined]>([
    ['Pod', 'spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['Pod', 'spec.initContainers', { strategy: 'merge', mergeKey: 'name' }],
    ['Pod', 'spec.ephemeralContainers', { strategy: 'merge', mergeKey: 'name' }],
    ['Pod', 'spec.containers.ports', { strategy: 'merge', mergeKey: 'containerPort' }],
    ['Pod', 'spec.containers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['Pod', 'spec.initContainers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['Pod', 'spec.containers.volumeMounts', { strategy: 'merge', mergeKey: 'mountPath' }],
    ['Pod', 'spec.containers.volumeDevices', { strategy: 'merge', mergeKey: 'devicePath' }],
    ['Pod', 'spec.containers.envFrom', { strategy: 'replace' }],
    ['Pod', 'spec.containers.args', { strategy: 'replace' }],
    ['Pod', 'spec.volumes', { strategy: 'merge', mergeKey: 'name', retainKeys: true }],
    ['Pod', 'spec.imagePullSecrets', { strategy: 'merge', mergeKey: 'name' }],
    ['Pod', 'spec.tolerations', { strategy: 'replace' }],
    ['Pod', 'spec.hostAliases', { strategy: 'merge', mergeKey: 'ip' }],
    ['Pod', 'spec.topologySpreadConstraints', { strategy: 'merge', mergeKey: 'topologyKey' }],
    ['Pod', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['Pod', 'status.podIPs', { strategy: 'merge', mergeKey: 'ip' }],
    ['Pod', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }],
    ['Pod', 'metadata.finalizers', { strategy: 'merge' }],
    ['Deployment', 'spec.template.spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['Deployment', 'spec.template.spec.containers.ports', { strategy: 'merge', mergeKey: 'containerPort' }],
    ['Deployment', 'spec.template.metadata.finalizers', { strategy: 'merge' }],
    ['Deployment', 'spec.strategy', { strategy: 'merge', retainKeys: true }],
    ['Deployment', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['Deployment', 'spec.containers', undefined],
    ['ReplicaSet', 'spec.template.spec.volumes', { strategy: 'merge', mergeKey: 'name', retainKeys: true }],
    ['StatefulSet', 'spec.template.spec.containers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['StatefulSet', 'spec.volumeClaimTemplates', { strategy: 'replace' }],
    ['DaemonSet', 'spec.template.spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['Job', 'spec.template.spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['Job', 'status.conditions', { strategy: 'merge', mergeKey: 'type' }],
    ['CronJob', 'spec.jobTemplate.spec.template.spec.containers', { strategy: 'merge', mergeKey: 'name' }],
    ['CronJob', 'spec.jobTemplate.spec.template.spec.containers.volumeMounts', { strategy: 'merge', mergeKey: 'mountPath' }],
    ['Service', 'spec.ports', { strategy: 'merge', mergeKey: 'port' }],
    ['Service', 'spec.externalIPs', { strategy: 'replace' }],
    ['Node', 'status.addresses', { strategy: 'merge', mergeKey: 'type' }],
    ['Node', 'spec.taints', { strategy: 'replace' }],
    ['ServiceAccount', 'secrets', { strategy: 'merge', mergeKey: 'name' }],
    ['Endpoints', 'subsets', { strategy: 'replace' }],
    ['ConfigMap', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }],
    ['Widget', 'spec.containers', undefined],
  ])('%s %s', (kind, path, want) => {
    expect(lookupPatchMeta(kind, path.split('.'))).toEqual(want);
  });

  it('covers every kind kctl knows', () => {
    const missing = KINDS.map((k) => k.kind).filter((k) => !supportsStrategicMerge(k));
    expect(missing).toEqual([]);
    expect(supportsStrategicMerge('Widget')).toBe(false);
    expect(supportsStrategicMerge(undefined)).toBe(false);
  });

  it('every merge list of maps names its key; every entry has a known strategy', () => {
    for (const [kind, table] of Object.entries(MERGE_KEYS)) {
      for (const [path, meta] of Object.entries(table)) {
        expect(['merge', 'replace'], `${kind} ${path}`).toContain(meta.strategy);
        if (meta.strategy === 'replace') expect(meta.mergeKey, `${kind} ${path}`).toBeUndefined();
      }
    }
  });
});
