import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import type { WatchEvent } from '../../../src/store/store.js';
import { OwnerIndex, RefIndex } from '../../../src/reconcile/owner-index.js';

const ev = (type: WatchEvent<KubeObject>['type'], object: KubeObject): WatchEvent<KubeObject> => ({ type, object }) as WatchEvent<KubeObject>;
const rs = (name: string, matchLabels: Record<string, string>, ns = 'default'): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns, uid: `uid-${name}` }, spec: { selector: { matchLabels } } }) as KubeObject;
const pod = (name: string, labels: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels, ...extra } }) as KubeObject;
const ref = (kind: string, name: string, apiVersion = 'apps/v1') => ({ apiVersion, kind, name, uid: `uid-${name}`, controller: true });

function index(canAdopt?: (o: { namespace: string; name: string }, obj: KubeObject) => boolean) {
  const i = new OwnerIndex({ owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', resource: 'replicasets' }, ...(canAdopt ? { canAdopt } : {}) });
  i.observeOwner(ev('ADDED', rs('web', { app: 'web' })));
  i.observeOwner(ev('ADDED', rs('web2', { app: 'web' })));
  i.observeOwner(ev('ADDED', rs('db', { app: 'db' })));
  i.observeOwner(ev('ADDED', rs('other-ns', { app: 'web' }, 'prod')));
  return i;
}

describe('OwnerIndex.keysForOwned', () => {
  it('observeOwner returns the owner key', () => {
    const i = new OwnerIndex({ owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', resource: 'replicasets' } });
    expect(i.observeOwner(ev('ADDED', rs('web', {})))).toBe('replicasets/default/web');
    expect(i.ownerKey('ns', 'x')).toBe('replicasets/ns/x');
  });

  it.each([
    ['controlled by one of ours → that owner only', pod('p', { app: 'web' }, { ownerReferences: [ref('ReplicaSet', 'web')] }), 'MODIFIED', ['replicasets/default/web']],
    ['controlled by ours, even when deleted', pod('p', { app: 'x' }, { ownerReferences: [ref('ReplicaSet', 'gone')] }), 'DELETED', ['replicasets/default/gone']],
    ['controlled by another kind → nobody', pod('p', { app: 'web' }, { ownerReferences: [ref('StatefulSet', 'web')] }), 'ADDED', []],
    ['controlled by another apiVersion → nobody', pod('p', { app: 'web' }, { ownerReferences: [ref('ReplicaSet', 'web', 'extensions/v1beta1')] }), 'ADDED', []],
    ['a non-controller ownerReference does not count', pod('p', { app: 'db' }, { ownerReferences: [{ ...ref('ReplicaSet', 'web'), controller: false }] }), 'ADDED', ['replicasets/default/db']],
    ['an orphan → every owner of its namespace whose selector matches', pod('p', { app: 'web' }), 'ADDED', ['replicasets/default/web', 'replicasets/default/web2']],
    ['an orphan nobody selects', pod('p', { app: 'none' }), 'ADDED', []],
    ['a deleted orphan concerns nobody', pod('p', { app: 'web' }), 'DELETED', []],
    ['a terminating orphan concerns nobody', pod('p', { app: 'web' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }), 'MODIFIED', []],
  ] as const)('%s', (_name, obj, type, want) => {
    expect(index().keysForOwned(ev(type, obj as KubeObject))).toEqual(want);
  });

  it('forgets deleted owners; invalid selectors adopt nothing; setOwner/forgetOwner from passes', () => {
    const i = index();
    i.observeOwner(ev('DELETED', rs('web2', { app: 'web' })));
    expect(i.keysForOwned(ev('ADDED', pod('p', { app: 'web' })))).toEqual(['replicasets/default/web']);
    i.observeOwner(ev('MODIFIED', { ...rs('web', {}), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] } } } as KubeObject));
    expect(i.keysForOwned(ev('ADDED', pod('p', { app: 'web' })))).toEqual([]);
    i.setOwner('replicasets/default/web', 'default', 'web', { requirements: [] });
    expect(i.keysForOwned(ev('ADDED', pod('p', { app: 'anything' })))).toEqual(['replicasets/default/web']);
    i.forgetOwner('replicasets/default/web');
    expect(i.keysForOwned(ev('ADDED', pod('p', { app: 'anything' })))).toEqual([]);
  });

  it('canAdopt narrows orphan routing (StatefulSet: `<set>-<ordinal>` names)', () => {
    const i = index((o, obj) => obj.metadata.name.startsWith(`${o.name}-`));
    expect(i.keysForOwned(ev('ADDED', pod('web2-0', { app: 'web' })))).toEqual(['replicasets/default/web2']);
  });
});

describe('RefIndex', () => {
  it('maps a named key back to every owner naming it, and forgets', () => {
    const r = new RefIndex();
    r.set('svc/a', ['p1', 'p2']);
    r.set('svc/b', ['p2']);
    expect(r.ownersOf('p2')).toEqual(['svc/a', 'svc/b']);
    r.set('svc/a', ['p1']);
    expect(r.ownersOf('p2')).toEqual(['svc/b']);
    r.delete('svc/b');
    expect(r.ownersOf('p2')).toEqual([]);
    r.set('svc/a', []);
    expect(r.ownersOf('p1')).toEqual([]);
  });
});
