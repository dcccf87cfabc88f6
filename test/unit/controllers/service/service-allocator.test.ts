import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { EventRecorder, type CoreEvent } from '../../../../src/reconcile/events.js';
import { ServiceAllocator, ingressIPFor } from '../../../../src/controllers/service/service-allocator.js';
import type { ServiceObj } from '../../../../src/api/service-ports.js';
import { makePortString } from '../../../../src/printers/columns.js';
import { service } from '../endpoints/fixtures.js';

function setup(bindAddress?: string) {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  const alloc = new ServiceAllocator({ store, clock, events: new EventRecorder({ store, clock, component: 'service-controller' }), ...(bindAddress ? { bindAddress } : {}) });
  const writes = async (fn: () => Promise<unknown>): Promise<number> => {
    const before = await store.revision();
    await fn();
    return (await store.revision()) - before;
  };
  const get = (name: string) => store.get<ServiceObj>({ resource: 'services', namespace: 'default', name });
  const events = async () => (await store.list<CoreEvent>('events')).items;
  return { clock, store, alloc, writes, get, events };
}

describe('ServiceAllocator', () => {
  it('allocates once; a second pass writes nothing', async () => {
    const h = setup();
    await h.store.create(service('web', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }, { name: 'b', port: 81 }] }));
    expect(await h.writes(() => h.alloc.reconcile('services/default/web'))).toBe(1);
    const s = await h.get('web');
    expect(s.spec?.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect(s.spec?.clusterIPs).toEqual([s.spec?.clusterIP]);
    expect(s.spec?.ports?.[0]?.nodePort).toBe(30080);
    // what `kctl get svc` prints in PORT(S)
    expect(makePortString(s.spec?.ports)).toMatch(/^80:30080\/TCP,81:3\d{4}\/TCP$/);
    expect(await h.writes(() => h.alloc.reconcile('services/default/web'))).toBe(0);
  });

  it('LoadBalancer: ingress is the bind address (127.0.0.1 for a wildcard)', async () => {
    expect(ingressIPFor(undefined)).toBe('127.0.0.1');
    expect(ingressIPFor('0.0.0.0')).toBe('127.0.0.1');
    expect(ingressIPFor('192.0.2.7')).toBe('192.0.2.7');
    const h = setup();
    await h.store.create(service('lb', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
    expect(await h.writes(() => h.alloc.reconcile('services/default/lb'))).toBe(2); // spec, then status
    expect((await h.get('lb')).status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } });
    expect(await h.writes(() => h.alloc.reconcile('services/default/lb'))).toBe(0);
  });

  it('reports a nodePort an older Service holds with one Warning Event, and allocates once it is free', async () => {
    const h = setup();
    await h.store.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    h.clock.advance(5_000);
    await h.store.create(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    await h.alloc.reconcile('services/default/a');
    await h.alloc.reconcile('services/default/b');
    expect((await h.get('b')).spec?.ports?.[0]?.nodePort).toBe(30080); // kept as asked
    const evs = await h.events();
    expect(evs.map((e) => [e.type, e.reason, e.involvedObject.name, e.message])).toEqual([
      ['Warning', 'FailedAllocation', 'b', 'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'],
    ]);
    // the same problem again: no new Event write
    expect(await h.writes(() => h.alloc.reconcile('services/default/b'))).toBe(0);

    const a = await h.get('a');
    await h.store.delete({ resource: 'services', namespace: 'default', name: 'a' });
    expect(h.alloc.keysFor({ type: 'DELETED', object: a, revision: 99 })).toEqual(['services/default/b']);
    await h.alloc.reconcile('services/default/b');
    expect(await h.writes(() => h.alloc.reconcile('services/default/b'))).toBe(0);
    expect(h.alloc.keysFor({ type: 'DELETED', object: a, revision: 100 })).toEqual([]);
  });
});
