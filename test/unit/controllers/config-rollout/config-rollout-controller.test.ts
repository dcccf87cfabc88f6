import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import type { WatchEvent } from '../../../../src/store/store.js';
import { ConfigRolloutController } from '../../../../src/controllers/config-rollout/config-rollout-controller.js';
import { CONFIG_HASH, RESTART_ON_CONFIG_CHANGE } from '../../../../src/api/meta.js';

const ev = (type: WatchEvent<KubeObject>['type'], object: KubeObject): WatchEvent<KubeObject> => ({ type, object, revision: 1 });

function workload(kind: 'Deployment' | 'StatefulSet', name: string, annotated = true): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'default', ...(annotated ? { annotations: { [RESTART_ON_CONFIG_CHANGE]: 'true' } } : {}) },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'busybox:1.36', envFrom: [{ configMapRef: { name: 'env' } }] }],
          volumes: [{ name: 'creds', projected: { sources: [{ secret: { name: 'creds' } }] } }],
        },
      },
    },
  };
}

function setup() {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  const events: { obj: string; reason: string; message: string }[] = [];
  const sink = {
    event: async (obj: KubeObject, _t: string, reason: string, message: string) => void events.push({ obj: obj.metadata.name, reason, message }),
    record: async (obj: KubeObject, _t: string, reason: string, message: string) => void events.push({ obj: obj.metadata.name, reason, message }),
  };
  const c = new ConfigRolloutController({ store, events: sink });
  const get = (resource: string, name: string) => store.get<KubeObject & { spec: { template: { metadata?: { annotations?: Record<string, string> } } } }>({ resource, namespace: 'default', name });
  /** reconcile and report whether it wrote (resourceVersion moved) */
  const pass = async (resource: string, name: string): Promise<boolean> => {
    const before = (await get(resource, name)).metadata.resourceVersion;
    await c.reconcile(`${resource}/default/${name}`);
    return (await get(resource, name)).metadata.resourceVersion !== before;
  };
  return { store, c, events, get, pass };
}

async function edit(store: MemoryStore, resource: string, name: string, f: (o: KubeObject) => void): Promise<KubeObject> {
  const o = structuredClone(await store.get<KubeObject>({ resource, namespace: 'default', name }));
  f(o);
  return store.update(o);
}

describe('ConfigRolloutController', () => {
  it('a reference added to the template, or an object appearing, rolls nothing more than the template edit itself', async () => {
    const { store, events, get, pass } = setup();
    await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'env', namespace: 'default' }, data: { MODE: 'a' } });
    await store.create(workload('Deployment', 'web'));
    expect(await pass('deployments', 'web')).toBe(true); // records the hashes (creds is still missing)
    const gen = (await get('deployments', 'web')).metadata.generation;
    await store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { pw: 'c2VjcmV0' } });
    expect(await pass('deployments', 'web')).toBe(true); // records, no roll: the waiting pods start by themselves
    await edit(store, 'deployments', 'web', (o) => {
      const spec = (o.spec as { template: { spec: { containers: { envFrom: unknown[] }[] } } }).template.spec;
      spec.containers[0]!.envFrom.push({ configMapRef: { name: 'more' } });
    });
    await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'more', namespace: 'default' }, data: { X: '1' } });
    expect(await pass('deployments', 'web')).toBe(true);
    const after = await get('deployments', 'web');
    expect(after.metadata.generation).toBe((gen ?? 0) + 1); // the user's template edit only
    expect(after.spec.template.metadata?.annotations?.[CONFIG_HASH]).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('records the hash first, rolls the template when a referenced ConfigMap changes, then writes nothing', async () => {
    const { store, c, events, get, pass } = setup();
    await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'env', namespace: 'default' }, data: { MODE: 'a' } });
    await store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { pw: 'c2VjcmV0' } });
    const d = await store.create(workload('Deployment', 'web'));
    expect(c.keysFor(ev('ADDED', d))).toEqual(['deployments/default/web']);
    expect(await pass('deployments', 'web')).toBe(true);
    const first = await get('deployments', 'web');
    expect(first.metadata.annotations?.[CONFIG_HASH]).toMatch(/^[0-9a-f]{16}$/);
    expect(first.spec.template.metadata?.annotations).toBeUndefined(); // no roll on adoption
    expect(await pass('deployments', 'web')).toBe(false);

    const cm = await edit(store, 'configmaps', 'env', (o) => (o.data = { MODE: 'b' }));
    expect(c.keysFor(ev('MODIFIED', cm))).toEqual(['deployments/default/web']);
    expect(await pass('deployments', 'web')).toBe(true);
    const rolled = await get('deployments', 'web');
    const hash = rolled.metadata.annotations?.[CONFIG_HASH];
    expect(hash).not.toBe(first.metadata.annotations?.[CONFIG_HASH]);
    expect(rolled.spec.template.metadata?.annotations?.[CONFIG_HASH]).toBe(hash);
    expect(rolled.metadata.generation).toBe((first.metadata.generation ?? 0) + 1);
    expect(events).toEqual([{ obj: 'web', reason: 'ConfigChanged', message: `A referenced ConfigMap or Secret changed: pod template annotated ${CONFIG_HASH}=${hash}` }]);
    expect(await pass('deployments', 'web')).toBe(false);

    // a label on the ConfigMap is no change of its data
    await edit(store, 'configmaps', 'env', (o) => (o.metadata.labels = { x: 'y' }));
    expect(await pass('deployments', 'web')).toBe(false);
  });

  it('a Secret change (projected volume) rolls a StatefulSet; the hash is not derived from the values', async () => {
    const { store, c, get, pass } = setup();
    await store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { pw: 'c2VjcmV0' } });
    const sts = await store.create(workload('StatefulSet', 'db'));
    c.keysFor(ev('ADDED', sts));
    await pass('statefulsets', 'db');
    const s = await edit(store, 'secrets', 'creds', (o) => (o.data = { pw: 'bmV3' }));
    expect(c.keysFor(ev('MODIFIED', s))).toEqual(['statefulsets/default/db']);
    expect(await pass('statefulsets', 'db')).toBe(true);
    expect((await get('statefulsets', 'db')).spec.template.metadata?.annotations?.[CONFIG_HASH]).toMatch(/^[0-9a-f]{16}$/);
    // the missing ConfigMap `env` appearing is a change too
    await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'env', namespace: 'default' }, data: { MODE: 'a' } });
    expect(await pass('statefulsets', 'db')).toBe(true);
  });

  it('leaves workloads without the annotation alone', async () => {
    const { store, c, pass } = setup();
    const d = await store.create(workload('Deployment', 'plain', false));
    expect(c.keysFor(ev('ADDED', d))).toEqual([]);
    const cm = await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'env', namespace: 'default' }, data: { MODE: 'a' } });
    expect(c.keysFor(ev('ADDED', cm))).toEqual([]);
    expect(await pass('deployments', 'plain')).toBe(false);
    expect(await c.resyncKeys()).toEqual([]);
    // annotation removed later: the index forgets it
    const on = await store.create(workload('Deployment', 'on'));
    c.keysFor(ev('ADDED', on));
    expect(c.keysFor(ev('MODIFIED', cm))).toEqual(['deployments/default/on']);
    const off = await edit(store, 'deployments', 'on', (o) => delete o.metadata.annotations);
    c.keysFor(ev('MODIFIED', off));
    expect(c.keysFor(ev('MODIFIED', cm))).toEqual([]);
  });
});
