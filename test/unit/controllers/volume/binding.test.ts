import { describe, expect, it } from 'vitest';
import { findMatchingVolume, pickDefaultClass, provisionedVolume, claimClass, defaultStorageClass, type PVCObj, type PVObj, type StorageClassObj } from '../../../../src/controllers/volume/binding.js';

const claim = (spec: PVCObj['spec'] = {}, name = 'data', uid = 'u-1'): PVCObj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'manual', ...spec },
});
const volume = (name: string, spec: PVObj['spec'] = {}, phase = 'Available', labels?: Record<string, string>): PVObj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: `/srv/${name}` }, ...spec },
  status: { phase },
});

describe('findMatchingVolume', () => {
  it.each<[string, PVCObj, PVObj[], string | undefined]>([
    ['exact fit', claim(), [volume('a')], 'a'],
    ['the smallest that holds the request', claim(), [volume('big', { capacity: { storage: '10Gi' } }), volume('mid', { capacity: { storage: '2Gi' } })], 'mid'],
    ['too small', claim({ resources: { requests: { storage: '2Gi' } } }), [volume('a')], undefined],
    ['other class', claim({ storageClassName: 'fast' }), [volume('a')], undefined],
    ['no class on either side', claim({ storageClassName: '' }), [volume('a', { storageClassName: '' })], 'a'],
    ['access mode not offered', claim({ accessModes: ['ReadWriteMany'] }), [volume('a')], undefined],
    ['already bound elsewhere', claim(), [volume('a', { claimRef: { namespace: 'default', name: 'other', uid: 'x' } }, 'Bound')], undefined],
    ['released volumes do not bind again', claim(), [volume('a', {}, 'Released')], undefined],
    ['pre-bound to this claim wins over a better fit', claim(), [volume('a', { capacity: { storage: '5Gi' }, claimRef: { namespace: 'default', name: 'data' } }), volume('b')], 'a'],
    ['pre-bound ignores the class', claim({ storageClassName: 'x' }), [volume('a', { claimRef: { namespace: 'default', name: 'data', uid: 'u-1' } })], 'a'],
    ['selector matchLabels', claim({ selector: { matchLabels: { disk: 'ssd' } } }), [volume('a'), volume('b', {}, 'Available', { disk: 'ssd' })], 'b'],
    ['block claim, filesystem volume', claim({ volumeMode: 'Block' }), [volume('a')], undefined],
  ])('%s', (_name, pvc, pvs, want) => {
    expect(findMatchingVolume(pvc, pvs)?.metadata.name).toBe(want);
  });
});

describe('classes', () => {
  const sc = (name: string, def: boolean, created: string): StorageClassObj => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, creationTimestamp: created, ...(def ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'kctl.io/local',
  });
  it('picks the newest default class, none when none is marked', () => {
    expect(pickDefaultClass([sc('a', true, '2026-01-01T00:00:00Z'), sc('b', true, '2026-01-02T00:00:00Z'), sc('c', false, '2026-01-03T00:00:00Z')])?.metadata.name).toBe('b');
    expect(pickDefaultClass([sc('c', false, '2026-01-03T00:00:00Z')])).toBeUndefined();
  });
  it('the beta annotation wins over storageClassName; unset is undefined, "" is no class', () => {
    expect(claimClass(claim({ storageClassName: undefined }))).toBeUndefined();
    expect(claimClass(claim({ storageClassName: '' }))).toBe('');
    const c = claim();
    c.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'old' };
    expect(claimClass(c)).toBe('old');
  });
  it('the default class is local, kctl.io/local, Delete, Immediate', () => {
    expect(defaultStorageClass()).toMatchObject({
      metadata: { name: 'local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kctl.io/local',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  });
});

describe('provisionedVolume', () => {
  it('is pvc-<uid>, pre-bound to the claim, sized and moded as asked, reclaimed as the class says', () => {
    const pv = provisionedVolume(claim({ storageClassName: 'local', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }, 'data', 'abc'), {
      ...defaultStorageClass(),
      reclaimPolicy: 'Retain',
    });
    expect(pv).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pvc-abc', annotations: { 'pv.kubernetes.io/provisioned-by': 'kctl.io/local' }, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
        capacity: { storage: '1Gi' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'data', namespace: 'default', uid: 'abc' },
        csi: { driver: 'kctl.io/local', volumeHandle: 'kctl-pvc-abc' },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'local',
        volumeMode: 'Filesystem',
      },
    });
  });
});
