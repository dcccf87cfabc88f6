import { beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EndpointsController } from '../../../../src/controllers/endpoints/endpoints-controller.js';
import type { EndpointsObj, PodObj, ServiceObj } from '../../../../src/controllers/endpoints/endpoints.js';
import type { EndpointSliceObj } from '../../../../src/controllers/endpoints/endpoint-slices.js';
import { pod, service } from './fixtures.js';

const KEY = 'services/default/web';

function setup(opts: { maxEndpointsPerSlice?: number } = {}) {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  let n = 0;
  const store = new MemoryStore({ clock, nameSuffix: () => `s${String(++n).padStart(4, '0')}` });
  const ctl = new EndpointsController({ store, clock, ...opts });
  /** store writes made by fn */
  const writes = async (fn: () => Promise<unknown>): Promise<number> => {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  };
  const addPod = async (p: PodObj): Promise<PodObj> => {
    const { status, ...rest } = p;
    const created = await store.create<PodObj>({ ...rest, metadata: { ...rest.metadata, uid: undefined, deletionTimestamp: undefined } } as PodObj);
    return store.updateStatus<PodObj>({ ...created, status });
  };
  const setReady = async (name: string, ready: boolean): Promise<void> => {
    const p = await store.get<PodObj>({ resource: 'pods', namespace: 'default', name });
    await store.updateStatus<PodObj>({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
  };
  const endpoints = (name = 'web') => store.tryGet<EndpointsObj>({ resource: 'endpoints', namespace: 'default', name });
  const slices = async (): Promise<EndpointSliceObj[]> => (await store.list<EndpointSliceObj>('endpointslices')).items;
  return { clock, store, ctl, writes, addPod, setReady, endpoints, slices };
}

type H = ReturnType<typeof setup>;
const ips = (ep: EndpointsObj | undefined, field: 'addresses' | 'notReadyAddresses') =>
  (ep?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.targetRef?.name));

describe('EndpointsController', () => {
  let h: H;
  beforeEach(() => {
    h = setup();
  });

  it('writes the Endpoints and one EndpointSlice; a second pass writes nothing', async () => {
    await h.store.create(service('web', { labels: { app: 'web' } }));
    const a = await h.addPod(pod('a', { ip: '172.17.0.2' }));
    await h.addPod(pod('b', { ip: '172.17.0.3', ready: false }));
    await h.addPod(pod('other', { labels: { app: 'db' } }));

    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(2);
    const ep = await h.endpoints();
    expect(ep?.metadata.labels).toEqual({ app: 'web', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
    expect(ep?.subsets).toEqual([
      {
        addresses: [{ ip: '172.17.0.2', nodeName: 'node1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: a.metadata.uid } }],
        notReadyAddresses: [expect.objectContaining({ ip: '172.17.0.3' })],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    const [slice, ...more] = await h.slices();
    expect(more).toEqual([]);
    expect(slice!.metadata.name).toBe('web-s0001');
    expect(slice!.metadata.labels).toEqual({
      app: 'web',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice!.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'web', uid: expect.any(String), controller: true, blockOwnerDeletion: true },
    ]);
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice!.endpoints.map((e) => [e.targetRef?.name, e.addresses, e.conditions])).toEqual([
      ['a', ['172.17.0.2'], { ready: true, serving: true, terminating: false }],
      ['b', ['172.17.0.3'], { ready: false, serving: false, terminating: false }],
    ]);

    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(0);
  });

  it('moves a pod that turns not ready to notReadyAddresses and back', async () => {
    await h.store.create(service('web'));
    await h.addPod(pod('a'));
    await h.addPod(pod('b'));
    await h.ctl.reconcile(KEY);
    expect(ips(await h.endpoints(), 'addresses')).toEqual(expect.arrayContaining(['a', 'b']));

    await h.setReady('a', false);
    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(2); // Endpoints + slice
    expect(ips(await h.endpoints(), 'addresses')).toEqual(['b']);
    expect(ips(await h.endpoints(), 'notReadyAddresses')).toEqual(['a']);
    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(0);

    await h.setReady('a', true);
    await h.ctl.reconcile(KEY);
    expect(ips(await h.endpoints(), 'addresses').sort()).toEqual(['a', 'b']);
    expect(ips(await h.endpoints(), 'notReadyAddresses')).toEqual([]);
  });

  it('drops a terminating pod from the Endpoints; its slice endpoint says terminating', async () => {
    await h.store.create(service('web'));
    await h.addPod(pod('a'));
    await h.addPod(pod('b'));
    await h.ctl.reconcile(KEY);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'a' }, { gracePeriodSeconds: 30 });
    expect((await h.store.get<PodObj>({ resource: 'pods', namespace: 'default', name: 'a' })).metadata.deletionTimestamp).toBeDefined();
    await h.ctl.reconcile(KEY);
    const ep = await h.endpoints();
    expect(ips(ep, 'addresses')).toEqual(['b']);
    expect(ips(ep, 'notReadyAddresses')).toEqual([]);
    const conds = Object.fromEntries((await h.slices())[0]!.endpoints.map((e) => [e.targetRef?.name, e.conditions]));
    expect(conds).toEqual({ a: { ready: false, serving: true, terminating: true }, b: { ready: true, serving: true, terminating: false } });
    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(0);
  });

  it('keeps an empty placeholder slice and no subsets when no pod matches', async () => {
    await h.store.create(service('web'));
    await h.ctl.reconcile(KEY);
    expect((await h.endpoints())?.subsets).toBeUndefined();
    const s = await h.slices();
    expect(s.map((x) => [x.metadata.name, x.endpoints, x.ports])).toEqual([['web-s0001', [], []]]);
    // a pod arrives: the placeholder is reused (updated), not replaced
    await h.addPod(pod('a'));
    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(2);
    expect((await h.slices()).map((x) => [x.metadata.name, x.endpoints.length])).toEqual([['web-s0001', 1]]);
  });

  it('splits slices at maxEndpointsPerSlice and deletes the surplus when pods go', async () => {
    h = setup({ maxEndpointsPerSlice: 2 });
    await h.store.create(service('web'));
    for (const n of ['a', 'b', 'c']) await h.addPod(pod(n));
    await h.ctl.reconcile(KEY);
    expect((await h.slices()).map((s) => s.endpoints.map((e) => e.targetRef?.name))).toEqual([['a', 'b'], ['c']]);
    expect(await h.writes(() => h.ctl.reconcile(KEY))).toBe(0);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'c' }, { gracePeriodSeconds: 0 });
    await h.store.delete({ resource: 'pods', namespace: 'default', name: 'b' }, { gracePeriodSeconds: 0 });
    await h.ctl.reconcile(KEY);
    expect((await h.slices()).map((s) => s.endpoints.map((e) => e.targetRef?.name))).toEqual([['a']]);
  });

  it('leaves the Endpoints of a Service without selector alone', async () => {
    await h.store.create(service('ext', { selector: null }));
    const mine: EndpointsObj = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 5432 }] }],
    };
    await h.store.create(mine);
    await h.addPod(pod('a'));
    expect(await h.writes(() => h.ctl.reconcile('services/default/ext'))).toBe(0);
    expect((await h.endpoints('ext'))?.subsets).toEqual(mine.subsets);
    expect(await h.slices()).toEqual([]);
    // deleting that Service does not delete Endpoints the controller did not make
    await h.store.delete({ resource: 'services', namespace: 'default', name: 'ext' });
    expect(await h.writes(() => h.ctl.reconcile('services/default/ext'))).toBe(0);
    expect(await h.endpoints('ext')).toBeDefined();
  });

  it('deletes what it made when the Service is gone', async () => {
    await h.store.create(service('web'));
    await h.addPod(pod('a'));
    await h.ctl.reconcile(KEY);
    await h.store.delete({ resource: 'services', namespace: 'default', name: 'web' });
    await h.ctl.reconcile(KEY);
    expect(await h.endpoints()).toBeUndefined();
    expect(await h.slices()).toEqual([]);
    // and finds leftovers on a resync (deleted while no controller ran)
    await h.store.create<KubeObject>({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'old', namespace: 'default', labels: { 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } },
    });
    expect(await h.ctl.resyncKeys()).toEqual(['services/default/old']);
    await h.ctl.reconcile('services/default/old');
    expect(await h.endpoints('old')).toBeUndefined();
  });

  it('puts back hand-edited Endpoints', async () => {
    await h.store.create(service('web'));
    await h.addPod(pod('a'));
    await h.ctl.reconcile(KEY);
    const ep = (await h.endpoints())!;
    await h.store.update<EndpointsObj>({ ...ep, subsets: [] });
    await h.ctl.reconcile(KEY);
    expect(ips(await h.endpoints(), 'addresses')).toEqual(['a']);
  });

  it('maps pod events to the Services that select the pod or listed it', async () => {
    const svc = await h.store.create<ServiceObj>(service('web'));
    const db = await h.store.create<ServiceObj>(service('db', { selector: { app: 'db' } }));
    h.ctl.keysFor({ type: 'ADDED', object: svc, revision: 1 });
    h.ctl.keysFor({ type: 'ADDED', object: db, revision: 2 });
    const a = await h.addPod(pod('a'));
    expect(h.ctl.keysFor({ type: 'ADDED', object: a, revision: 3 })).toEqual([KEY]);
    await h.ctl.reconcile(KEY);
    // relabelled: web listed it, db selects it now
    const moved = { ...a, metadata: { ...a.metadata, labels: { app: 'db' } } };
    expect(h.ctl.keysFor({ type: 'MODIFIED', object: moved, revision: 4 }).sort()).toEqual(['services/default/db', KEY]);
    expect(h.ctl.keysFor({ type: 'MODIFIED', object: { ...(await h.endpoints())!, kind: 'Endpoints' }, revision: 5 })).toEqual([KEY]);
    expect(h.ctl.keysFor({ type: 'MODIFIED', object: (await h.slices())[0]!, revision: 6 })).toEqual([KEY]);
  });
});
