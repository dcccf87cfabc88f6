import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../../../src/api/defaults.js';
import { LAST_APPLIED } from '../../../../src/api/meta.js';
import type { KubeObject } from '../../../../src/api/types.js';
import { applyObject } from '../../../../src/apply/last-applied.js';
import { ApplyConflictError, updateManagedFields } from '../../../../src/apply/server-side/field-manager.js';
import { kubectlServerSideApply, upgradeManagedFields } from '../../../../src/apply/server-side/handover.js';
import type { ManagedFieldsEntry } from '../../../../src/apply/server-side/managed-fields.js';

const T0 = '2026-12-07T10:00:00Z';
const T1 = '2026-12-07T10:05:00Z';
const T2 = '2026-12-07T10:10:00Z';
const mf = (o: KubeObject): ManagedFieldsEntry[] => (o.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];

describe('csaupgrade.UpgradeManagedFields', () => {
  it('turns the client-side apply Update entry into the SSA manager Apply entry (client-go fixture)', () => {
    const entries: ManagedFieldsEntry[] = [
      {
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { '.': {}, 'f:key': {}, 'f:legacy': {} },
          'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
        },
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        time: '2022-08-22T23:08:23Z',
      },
    ];
    expect(upgradeManagedFields(entries, ['kubectl-client-side-apply'], 'kubectl')).toEqual([
      { ...entries[0], manager: 'kubectl', operation: 'Apply' },
    ]);
  });

  it('merges into an existing Apply entry and drops the CSA entry', () => {
    const entries: ManagedFieldsEntry[] = [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:key': {} } } },
      { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:legacy': {} } } },
    ];
    expect(upgradeManagedFields(entries, ['kubectl-client-side-apply'], 'kubectl')).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:key': {}, 'f:legacy': {} } } },
    ]);
  });
});

function manifest(replicas: number, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  };
}

/** `kubectl apply` (client-side) of a manifest: the three-way patch, recorded as an Update by kubectl-client-side-apply. */
function clientSideApply(live: KubeObject | undefined, m: KubeObject, time: string): KubeObject {
  const { result } = applyObject(live, m, { namespace: 'default' });
  const defaulted = applyDefaults(structuredClone(result));
  const stored = live ? { ...defaulted, metadata: { ...defaulted.metadata, uid: 'u1' } } : defaulted;
  return updateManagedFields({ old: live, new: stored, manager: 'kubectl-client-side-apply', time });
}

describe('client-side apply -> server-side apply -> client-side apply', () => {
  it('kubectl apply --server-side takes over what kubectl apply set, changes included, and keeps the annotation in step', () => {
    const csa = clientSideApply(undefined, manifest(2), T0);
    expect(mf(csa).map((e) => `${e.manager}/${e.operation}`)).toEqual(['kubectl-client-side-apply/Update']);
    const r = kubectlServerSideApply({ live: csa, applied: manifest(3), time: T1 });
    expect((r.object.spec as { replicas: number }).replicas).toBe(3);
    expect(mf(r.object).map((e) => `${e.manager}/${e.operation}`)).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
    // its apply changed nothing: no time (upstream stamps a manager's time only when its write changes the object)
    expect(mf(r.object)[0]!.time).toBeUndefined();
    expect(mf(r.object)[0]!.fieldsV1).toEqual({ 'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } });
    const annotation = JSON.parse(r.object.metadata.annotations![LAST_APPLIED]!) as KubeObject;
    expect((annotation.spec as { replicas: number }).replicas).toBe(3);
  });

  it('a field someone else changed since the client-side apply still conflicts', () => {
    const csa = clientSideApply(undefined, manifest(2), T0);
    const scaled = structuredClone({ ...csa, metadata: { ...csa.metadata, uid: 'u1' } });
    (scaled.spec as { replicas: number }).replicas = 5;
    const s = updateManagedFields({ old: csa, new: scaled, manager: 'kubectl-edit', time: T1 });
    expect(() => kubectlServerSideApply({ live: s, applied: manifest(3), time: T2 })).toThrow(ApplyConflictError);
    expect(() => kubectlServerSideApply({ live: s, applied: manifest(3), time: T2 })).toThrow(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    expect((kubectlServerSideApply({ live: s, applied: manifest(3), force: true, time: T2 }).object.spec as { replicas: number }).replicas).toBe(3);
  });

  it('fields dropped from the manifest at the hand-over are pruned (the re-apply after migration)', () => {
    const csa = clientSideApply(undefined, manifest(2, { app: 'web', tier: 'front' }), T0);
    const r = kubectlServerSideApply({ live: csa, applied: manifest(2, { app: 'web' }), time: T1 });
    expect(r.object.metadata.labels).toEqual({ app: 'web' });
  });

  it('kubectl apply after kubectl apply --server-side diffs against the annotation the server kept', () => {
    const csa = clientSideApply(undefined, manifest(2, { app: 'web', tier: 'front' }), T0);
    const ssa = kubectlServerSideApply({ live: csa, applied: manifest(3, { app: 'web', tier: 'front' }), time: T1 }).object;
    const back = clientSideApply(ssa, manifest(3, { app: 'web' }), T2);
    expect(back.metadata.labels).toEqual({ app: 'web' });
    expect(JSON.stringify(mf(back))).not.toContain('f:tier');
  });
});
