import { describe, expect, it } from 'vitest';
import {
  blocksOwnerDeletion,
  classifyOwner,
  classifyReferences,
  dependentAction,
  ownerRefLocation,
  type OwnerState,
} from '../../../../src/controllers/gc/owners.js';

const ref = (uid: string, kind = 'ReplicaSet', apiVersion = 'apps/v1') => ({ apiVersion, kind, name: `n-${uid}`, uid });
const obj = (extra: Record<string, unknown> = {}) => ({ metadata: { name: 'x', namespace: 'default', ...extra } });

describe('ownerRefLocation', () => {
  it.each([
    ['namespaced owner: the dependent’s namespace', obj(), ref('1'), { resource: 'replicasets', namespace: 'default', name: 'n-1' }],
    ['cluster-scoped owner', obj(), ref('1', 'Node', 'v1'), { resource: 'nodes', name: 'n-1' }],
    ['unknown kind', obj(), ref('1', 'Widget', 'example.com/v1'), undefined],
    ['wrong apiVersion for the kind', obj(), ref('1', 'ReplicaSet', 'extensions/v1beta1'), undefined],
    ['namespaced owner of a cluster-scoped object', { metadata: { name: 'x' } }, ref('1'), undefined],
  ])('%s', (_n, o, r, want) => {
    expect(ownerRefLocation(o, r)).toEqual(want);
  });
});

describe('classifyOwner', () => {
  it.each([
    ['missing', undefined, 'dangling'],
    ['another uid', { metadata: { name: 'n', uid: '2' } }, 'dangling'],
    ['present', { metadata: { name: 'n', uid: '1' } }, 'solid'],
    ['being deleted (background or orphan)', { metadata: { name: 'n', uid: '1', deletionTimestamp: 't', finalizers: ['orphan'] } }, 'solid'],
    ['being deleted in the foreground', { metadata: { name: 'n', uid: '1', deletionTimestamp: 't', finalizers: ['foregroundDeletion'] } }, 'waitingForDependentsDeletion'],
    ['foreground finalizer but not deleted', { metadata: { name: 'n', uid: '1', finalizers: ['foregroundDeletion'] } }, 'solid'],
  ])('%s → %s', (_n, owner, want) => {
    expect(classifyOwner(ref('1'), owner)).toBe(want);
  });
});

describe('dependentAction (upstream attemptToDeleteItem)', () => {
  const c = (...states: OwnerState[]) => classifyReferences(states.map((s, i) => ({ ref: ref(String(i)), state: s })));
  it.each([
    ['one solid owner', obj(), c('solid'), false, { action: 'keep' }],
    ['solid + dangling: drop the dangling reference', obj(), c('solid', 'dangling'), false, { action: 'dropRefs', uids: ['1'] }],
    ['solid + waiting: drop the waiting reference', obj(), c('waitingForDependentsDeletion', 'solid'), false, { action: 'dropRefs', uids: ['0'] }],
    ['all dangling: background', obj(), c('dangling', 'dangling'), false, { action: 'delete', propagationPolicy: 'Background' }],
    ['owner waiting, no dependents: background', obj(), c('waitingForDependentsDeletion'), false, { action: 'delete', propagationPolicy: 'Background' }],
    ['owner waiting, has dependents: foreground', obj(), c('waitingForDependentsDeletion'), true, { action: 'delete', propagationPolicy: 'Foreground' }],
    ['dangling, own orphan finalizer honoured', obj({ finalizers: ['orphan'] }), c('dangling'), false, { action: 'delete', propagationPolicy: 'Orphan' }],
    ['dangling, own foreground finalizer honoured', obj({ finalizers: ['foregroundDeletion'] }), c('dangling'), true, { action: 'delete', propagationPolicy: 'Foreground' }],
    ['no references', obj(), c(), false, { action: 'keep' }],
  ])('%s', (_n, o, classified, hasDependents, want) => {
    expect(dependentAction(o, classified, hasDependents)).toEqual(want);
  });
});

describe('blocksOwnerDeletion', () => {
  it.each([
    [{ ...ref('1'), blockOwnerDeletion: true }, true],
    [{ ...ref('1'), blockOwnerDeletion: false }, false],
    [ref('1'), false],
    [{ ...ref('2'), blockOwnerDeletion: true }, false],
  ])('%j → %s', (r, want) => {
    expect(blocksOwnerDeletion({ metadata: { name: 'x', ownerReferences: [r] } }, '1')).toBe(want);
  });
});
