// The Store contract: every Store implementation (MemoryStore, FileStore) must pass it.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { isAlreadyExists, isConflict, isNotFound, KctlError, ValidationError } from '../../src/util/errors.js';
import { isForbidden, isTooOld, type Store, type WatchEvent, type WatchOptions } from '../../src/store/store.js';

export interface StoreContractOptions {
  clock: FakeClock;
  /** keep only about this many past changes for watch (the store compacts its history down to it) */
  historyLimit?: number;
}

export type StoreFactory = (opts: StoreContractOptions) => Promise<Store>;

const deploy = (name: string, extra: Partial<KubeObject> & { namespace?: string } = {}): KubeObject => {
  const { namespace, ...rest } = extra;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } } } },
    ...rest,
  };
};
const cm = (name: string, namespace?: string, data: Record<string, string> = { k: 'v' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data,
});
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const dref = (name: string, namespace = 'default') => ({ resource: 'deployments', namespace, name });

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Collects n events from a watch (fails after timeoutMs). */
async function collect<T extends KubeObject>(
  store: Store,
  opts: WatchOptions,
  n: number,
  timeoutMs = 5000,
): Promise<WatchEvent<T>[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const out: WatchEvent<T>[] = [];
  try {
    for await (const ev of store.watch<T>({ ...opts, signal: ac.signal })) {
      out.push(ev);
      if (out.length >= n) break;
    }
  } finally {
    clearTimeout(timer);
  }
  if (out.length < n) throw new Error(`watch gave ${out.length} of ${n} events: ${JSON.stringify(out.map((e) => [e.type, e.revision]))}`);
  return out;
}

export function storeContract(name: string, make: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    let clock: FakeClock;
    const fresh = async (historyLimit?: number): Promise<Store> => {
      clock = new FakeClock('2026-01-01T00:00:00Z');
      const s = await make({ clock, historyLimit });
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    describe('create/get/list', () => {
      it('create sets uid, creationTimestamp, generation 1 and resourceVersion = the new revision', async () => {
        const s = await fresh();
        const before = await s.revision();
        clock.advance(1500);
        const d = await s.create(deploy('web'));
        expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
        expect(d.metadata.creationTimestamp).toBe('2026-01-01T00:00:01Z');
        expect(d.metadata.generation).toBe(1);
        expect(d.metadata.resourceVersion).toBe(String(before + 1));
        expect(await s.revision()).toBe(before + 1);
        expect(d.metadata.namespace).toBe('default');
        expect(await s.get(dref('web'))).toEqual(d);
      });

      it('create drops status for kinds with a status subresource, keeps other top-level fields', async () => {
        const s = await fresh();
        const d = await s.create(deploy('web', { status: { replicas: 3 } }));
        expect(d.status).toBeUndefined();
        expect((await s.get(dref('web'))).status).toBeUndefined();
        const c = await s.create(cm('c', undefined, { a: 'b' }));
        expect(c.data).toEqual({ a: 'b' });
      });

      it('create ignores client-set system metadata', async () => {
        const s = await fresh();
        const d = await s.create(
          deploy('web', { metadata: { name: 'web', uid: 'mine', resourceVersion: '999', generation: 7, creationTimestamp: '2000-01-01T00:00:00Z' } }),
        );
        expect(d.metadata.uid).not.toBe('mine');
        expect(d.metadata.resourceVersion).not.toBe('999');
        expect(d.metadata.generation).toBe(1);
        expect(d.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
      });

      it('cluster-scoped objects have no namespace; the system namespaces exist from the start', async () => {
        const s = await fresh();
        const n = await s.create<KubeObject>({ ...ns('team-a'), metadata: { name: 'team-a', namespace: 'default' } });
        expect(n.metadata.namespace).toBeUndefined();
        expect(n.status).toEqual({ phase: 'Active' });
        const all = await s.list('namespaces');
        expect(all.items.map((x) => x.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team-a']);
      });

      it('refuses a duplicate with AlreadyExists in kubectl wording', async () => {
        const s = await fresh();
        await s.create(deploy('web'));
        const e = await thrown(s.create(deploy('web')));
        expect(isAlreadyExists(e)).toBe(true);
        expect((e as Error).message).toBe('deployments.apps "web" already exists');
        // the same name in another namespace is another object
        await s.create(ns('other'));
        await expect(s.create(deploy('web', { namespace: 'other' }))).resolves.toBeTruthy();
      });

      it('refuses a namespaced object in a missing namespace', async () => {
        const s = await fresh();
        const e = await thrown(s.create(deploy('web', { namespace: 'nope' })));
        expect(isNotFound(e)).toBe(true);
        expect((e as Error).message).toBe('namespaces "nope" not found');
        expect((await s.list('deployments')).items).toEqual([]);
      });

      it.each(['../x', 'a/b', 'Upper', '..', 'x/../../y'])('refuses the bad name %j and never finds it', async (bad) => {
        const s = await fresh();
        const e = await thrown(s.create(deploy(bad)));
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as Error).message).toMatch(
          new RegExp(`^The Deployment "${bad.replace(/[./]/g, '\\$&')}" is invalid: metadata\\.name: Invalid value: "${bad.replace(/[./]/g, '\\$&')}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`),
        );
        expect(await s.tryGet(dref(bad))).toBeUndefined();
        expect(isNotFound(await thrown(s.get(dref(bad))))).toBe(true);
        expect(isNotFound(await thrown(s.delete(dref(bad))))).toBe(true);
        expect(isNotFound(await thrown(s.update<KubeObject>({ ...deploy(bad) })))).toBe(true);
        expect(await s.tryGet({ resource: 'deployments', namespace: bad, name: 'web' })).toBeUndefined();
        expect((await s.list('deployments')).items).toEqual([]);
        expect((await s.list('deployments', { namespace: bad })).items).toEqual([]);
      });

      it('refuses a bad namespace name and a missing name', async () => {
        const s = await fresh();
        const e = await thrown(s.create(deploy('web', { namespace: '../etc' })));
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as Error).message).toMatch(/^The Deployment "web" is invalid: metadata\.namespace: Invalid value: "\.\.\/etc": a lowercase RFC 1123 label/);
        const e2 = await thrown(s.create(deploy('')));
        expect((e2 as Error).message).toBe('The Deployment "" is invalid: metadata.name: Required value: name or generateName is required');
        const e3 = await thrown(s.create(ns('Upper')));
        expect((e3 as Error).message).toMatch(/^The Namespace "Upper" is invalid: metadata\.name: Invalid value: "Upper": a lowercase RFC 1123 label/);
      });

      it('generateName gets a random suffix', async () => {
        const s = await fresh();
        const p = await s.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-', name: '' }, spec: { containers: [] } });
        expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
        expect(p.status).toEqual({ phase: 'Pending' });
        expect(await s.get({ resource: 'pods', namespace: 'default', name: p.metadata.name })).toEqual(p);
      });

      it('refuses unknown kinds and a wrong apiVersion', async () => {
        const s = await fresh();
        const e = await thrown(s.create<KubeObject>({ apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'x' } }));
        expect((e as Error).message).toBe('no matches for kind "Deployment" in version "v1"');
        expect(e).toBeInstanceOf(KctlError);
        await expect(s.list('widgets')).rejects.toThrow('the server doesn\'t have a resource type "widgets"');
      });

      it('get of a missing object is NotFound in kubectl wording; tryGet is undefined', async () => {
        const s = await fresh();
        const e = await thrown(s.get(dref('web')));
        expect(isNotFound(e)).toBe(true);
        expect((e as Error).message).toBe('deployments.apps "web" not found');
        expect((await thrown(s.get({ resource: 'pods', namespace: 'default', name: 'p' })) as Error).message).toBe('pods "p" not found');
        expect(await s.tryGet(dref('web'))).toBeUndefined();
      });

      it('lists one namespace or all, ordered by namespace then name, at the current revision', async () => {
        const s = await fresh();
        await s.create(ns('a-b'));
        await s.create(ns('a'));
        for (const [n, nsName] of [['y', 'default'], ['x', 'default'], ['x-y', 'a'], ['x', 'a'], ['z', 'a-b']] as const)
          await s.create(deploy(n, { namespace: nsName }));
        const all = await s.list('deployments');
        expect(all.items.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['a/x', 'a/x-y', 'a-b/z', 'default/x', 'default/y']);
        expect(all.resourceVersion).toBe(String(await s.revision()));
        const def = await s.list('deployments', { namespace: 'default' });
        expect(def.items.map((d) => d.metadata.name)).toEqual(['x', 'y']);
        expect((await s.list('deployments', { namespace: 'missing' })).items).toEqual([]);
        expect((await s.list('replicasets')).items).toEqual([]);
      });

      it('hands out copies: changing a returned object changes nothing stored', async () => {
        const s = await fresh();
        const d = await s.create(deploy('web'));
        (d.spec as { replicas: number }).replicas = 99;
        const got = await s.get(dref('web'));
        (got.spec as { replicas: number }).replicas = 98;
        const listed = (await s.list('deployments')).items[0]!;
        expect((listed.spec as { replicas: number }).replicas).toBe(1);
      });

      it('stores a Secret and reads it back', async () => {
        const s = await fresh();
        await s.create<KubeObject>({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { k: 'dg==' } });
        expect((await s.get({ resource: 'secrets', namespace: 'default', name: 's' })).data).toEqual({ k: 'dg==' });
      });
    });

    describe('update', () => {
      it('resourceVersions are monotonic and unique across objects', async () => {
        const s = await fresh();
        const rvs: number[] = [];
        for (let i = 0; i < 5; i++) {
          rvs.push(Number((await s.create(cm(`c${i}`))).metadata.resourceVersion));
          const cur = await s.get({ resource: 'configmaps', namespace: 'default', name: `c${i}` });
          rvs.push(Number((await s.update<KubeObject>({ ...cur, data: { i: String(i) } })).metadata.resourceVersion));
        }
        expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
        expect(new Set(rvs).size).toBe(rvs.length);
        expect(await s.revision()).toBe(rvs[rvs.length - 1]);
      });

      it('a stale resourceVersion is a Conflict in kubectl wording; none is unconditional', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        const v2 = await s.update<KubeObject>({ ...v1, spec: { ...(v1.spec as object), replicas: 2 } });
        const e = await thrown(s.update<KubeObject>({ ...v1, spec: { ...(v1.spec as object), replicas: 3 } }));
        expect(isConflict(e)).toBe(true);
        expect((e as Error).message).toBe(
          'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
        );
        expect((await s.get(dref('web'))).spec).toEqual(v2.spec);
        const { resourceVersion: _rv, ...meta } = v1.metadata;
        const v3 = await s.update<KubeObject>({ ...v1, metadata: meta, spec: { ...(v1.spec as object), replicas: 4 } });
        expect((v3.spec as { replicas: number }).replicas).toBe(4);
        expect(isConflict(await thrown(s.updateStatus<KubeObject>({ ...v1, status: { replicas: 1 } })))).toBe(true);
      });

      it('update of a missing object is NotFound', async () => {
        const s = await fresh();
        expect((await thrown(s.update(deploy('web'))) as Error).message).toBe('deployments.apps "web" not found');
        expect(isNotFound(await thrown(s.updateStatus(deploy('web'))))).toBe(true);
      });

      it('bumps generation only when something outside metadata/status changed', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        const v2 = await s.update<KubeObject>({ ...v1, metadata: { ...v1.metadata, labels: { tier: 'fe' } } });
        expect(v2.metadata.generation).toBe(1);
        expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
        const v3 = await s.update<KubeObject>({ ...v2, spec: { ...(v2.spec as object), replicas: 5 } });
        expect(v3.metadata.generation).toBe(2);
        const v4 = await s.updateStatus<KubeObject>({ ...v3, status: { replicas: 5 } });
        expect(v4.metadata.generation).toBe(2);
        const c1 = await s.create(cm('c'));
        const c2 = await s.update<KubeObject>({ ...c1, data: { k: 'changed' } });
        expect(c2.metadata.generation).toBe(2);
      });

      it('an update that changes nothing writes nothing', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        const rev = await s.revision();
        const v2 = await s.update(structuredClone(v1));
        expect(v2).toEqual(v1);
        expect(await s.revision()).toBe(rev);
        expect(await s.updateStatus(structuredClone(v1))).toEqual(v1);
        expect(await s.revision()).toBe(rev);
      });

      it('keeps uid, creationTimestamp, generation; a different uid is a Conflict', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        clock.advance(60_000);
        const v2 = await s.update<KubeObject>({
          ...v1,
          metadata: { ...v1.metadata, creationTimestamp: '2001-01-01T00:00:00Z', generation: 40, labels: { a: 'b' } },
        });
        expect(v2.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
        expect(v2.metadata.uid).toBe(v1.metadata.uid);
        expect(v2.metadata.generation).toBe(1);
        const e = await thrown(s.update<KubeObject>({ ...v2, metadata: { ...v2.metadata, uid: 'someone-else' } }));
        expect(isConflict(e)).toBe(true);
        expect((e as Error).message).toContain('Precondition failed: UID in precondition: someone-else');
      });

      it('spec update keeps status; status update changes only status', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        const v2 = await s.updateStatus<KubeObject>({ ...v1, status: { replicas: 1, readyReplicas: 1 } });
        expect(v2.status).toEqual({ replicas: 1, readyReplicas: 1 });
        const v3 = await s.update<KubeObject>({ ...v2, spec: { ...(v2.spec as object), replicas: 3 }, status: { replicas: 0 } });
        expect(v3.status).toEqual({ replicas: 1, readyReplicas: 1 });
        expect((v3.spec as { replicas: number }).replicas).toBe(3);
        const v4 = await s.updateStatus<KubeObject>({
          ...v3,
          metadata: { ...v3.metadata, labels: { ignored: 'yes' } },
          spec: { ...(v3.spec as object), replicas: 7 },
          status: { replicas: 3 },
        });
        expect(v4.status).toEqual({ replicas: 3 });
        expect((v4.spec as { replicas: number }).replicas).toBe(3);
        expect(v4.metadata.labels).toBeUndefined();
        expect(await s.get(dref('web'))).toEqual(v4);
      });

      it('an immutable ConfigMap keeps its data and stays immutable (labels may change); a Secret keeps its type', async () => {
        const s = await fresh();
        const c = await s.create<KubeObject>({ ...cm('imm'), data: { a: '1' }, immutable: true } as KubeObject);
        const e = await thrown(s.update<KubeObject>({ ...c, data: { a: '2' } } as KubeObject));
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as Error).message).toBe('The ConfigMap "imm" is invalid: data: Forbidden: field is immutable when `immutable` is set');
        const e2 = await thrown(s.update<KubeObject>({ ...c, immutable: false } as KubeObject));
        expect((e2 as Error).message).toContain('immutable: Forbidden: field is immutable when `immutable` is set');
        const labelled = await s.update<KubeObject>({ ...c, metadata: { ...c.metadata, labels: { x: 'y' } } });
        expect(labelled.metadata.labels).toEqual({ x: 'y' });
        const sec = await s.create<KubeObject>({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { a: 'YQ==' } } as KubeObject);
        const e3 = await thrown(s.update<KubeObject>({ ...sec, type: 'kubernetes.io/tls' } as KubeObject));
        expect((e3 as Error).message).toBe('The Secret "sec" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable');
      });

      it('updateStatus on a kind without a status subresource is refused', async () => {
        const s = await fresh();
        const c = await s.create(cm('c'));
        const e = await thrown(s.updateStatus<KubeObject>({ ...c, status: { x: 1 } }));
        expect(isNotFound(e)).toBe(true);
        expect((e as Error).message).toBe('the server could not find the requested resource (put configmaps c)');
      });
    });

    describe('delete and finalizers', () => {
      it('deletes an object without finalizers and returns its last state', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        const gone = await s.delete(dref('web'));
        expect(gone.metadata.uid).toBe(v1.metadata.uid);
        expect(Number(gone.metadata.resourceVersion)).toBe(await s.revision());
        expect(await s.tryGet(dref('web'))).toBeUndefined();
        expect((await thrown(s.delete(dref('web'))) as Error).message).toBe('deployments.apps "web" not found');
        // a new object with the same name is a new object
        const again = await s.create(deploy('web'));
        expect(again.metadata.uid).not.toBe(v1.metadata.uid);
      });

      it('checks resourceVersion and uid preconditions', async () => {
        const s = await fresh();
        const v1 = await s.create(deploy('web'));
        const e = await thrown(s.delete(dref('web'), { resourceVersion: '1' }));
        expect(isConflict(e)).toBe(true);
        expect((e as Error).message).toBe(
          `Operation cannot be fulfilled on deployments.apps "web": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${v1.metadata.resourceVersion}`,
        );
        expect(isConflict(await thrown(s.delete(dref('web'), { uid: 'x' })))).toBe(true);
        await s.delete(dref('web'), { uid: v1.metadata.uid, resourceVersion: v1.metadata.resourceVersion });
        expect(await s.tryGet(dref('web'))).toBeUndefined();
      });

      it('with finalizers: marks deletionTimestamp, keeps the object until the last finalizer goes', async () => {
        const s = await fresh();
        const r0 = await s.revision();
        await s.create(deploy('web', { metadata: { name: 'web', finalizers: ['a.io/x', 'b.io/y'] } }));
        clock.advance(5000);
        const marked = await s.delete(dref('web'));
        expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:05Z');
        expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
        const got = await s.get(dref('web'));
        expect(got).toEqual(marked);
        // deleting again changes nothing
        const rev = await s.revision();
        clock.advance(5000);
        expect((await s.delete(dref('web'))).metadata.deletionTimestamp).toBe('2026-01-01T00:00:05Z');
        expect(await s.revision()).toBe(rev);
        // deletionTimestamp cannot be unset, no finalizer can be added
        const { deletionTimestamp: _d, ...meta } = got.metadata;
        const kept = await s.update<KubeObject>({ ...got, metadata: { ...meta, labels: { x: 'y' } } });
        expect(kept.metadata.deletionTimestamp).toBe('2026-01-01T00:00:05Z');
        const e = await thrown(s.update<KubeObject>({ ...kept, metadata: { ...kept.metadata, finalizers: ['a.io/x', 'b.io/y', 'c.io/z'] } }));
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as Error).message).toContain('no new finalizers can be added if the object is being deleted');
        // removing one keeps it, removing the last deletes it
        const one = await s.update<KubeObject>({ ...kept, metadata: { ...kept.metadata, finalizers: ['b.io/y'] } });
        expect(one.metadata.finalizers).toEqual(['b.io/y']);
        const last = await s.update<KubeObject>({ ...one, metadata: { ...one.metadata, finalizers: [] } });
        expect(last.metadata.finalizers).toEqual([]);
        expect(await s.tryGet(dref('web'))).toBeUndefined();
        const evs = await collect(s, { fromRevision: r0 }, 5);
        expect(evs.map((ev) => `${ev.type} ${ev.object.metadata.finalizers?.length} ${ev.object.metadata.deletionTimestamp ?? '-'}`)).toEqual([
          'ADDED 2 -',
          'MODIFIED 2 2026-01-01T00:00:05Z',
          'MODIFIED 2 2026-01-01T00:00:05Z',
          'MODIFIED 1 2026-01-01T00:00:05Z',
          'DELETED 0 2026-01-01T00:00:05Z',
        ]);
      });

      it('a pod bound to a node is marked for its grace period; shorter or 0 grace cuts it short', async () => {
        const s = await fresh();
        const pref = (name: string) => ({ resource: 'pods', namespace: 'default', name });
        const pod = (name: string, spec: Record<string, unknown> = {}) =>
          s.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-1', containers: [], ...spec } });
        await pod('p');
        const marked = await s.delete(pref('p'));
        expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:30Z');
        expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
        expect(await s.get(pref('p'))).toEqual(marked);
        const rev = await s.revision();
        expect((await s.delete(pref('p'), { gracePeriodSeconds: 60 })).metadata.deletionGracePeriodSeconds).toBe(30);
        expect(await s.revision()).toBe(rev);
        clock.advance(1000);
        const shorter = await s.delete(pref('p'), { gracePeriodSeconds: 5 });
        expect(shorter.metadata.deletionTimestamp).toBe('2026-01-01T00:00:06Z');
        expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
        await s.delete(pref('p'), { gracePeriodSeconds: 0 });
        expect(await s.tryGet(pref('p'))).toBeUndefined();

        await pod('own-grace', { terminationGracePeriodSeconds: 10 });
        expect((await s.delete(pref('own-grace'))).metadata.deletionGracePeriodSeconds).toBe(10);
        // a finalizer (the kubelet's) keeps a force-deleted pod until it is removed
        const f = await pod('fin');
        await s.update<KubeObject>({ ...f, metadata: { ...f.metadata, finalizers: ['kctl.io/kubelet'] } });
        const forced = await s.delete(pref('fin'), { gracePeriodSeconds: 0 });
        expect(forced.metadata.deletionGracePeriodSeconds).toBe(0);
        await s.update<KubeObject>({ ...forced, metadata: { ...forced.metadata, finalizers: [] } });
        expect(await s.tryGet(pref('fin'))).toBeUndefined();
        // unbound or finished pods, and other kinds, go at once
        await s.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound' }, spec: { containers: [] } });
        await s.delete(pref('unbound'));
        expect(await s.tryGet(pref('unbound'))).toBeUndefined();
        const done = await pod('done');
        await s.updateStatus<KubeObject>({ ...done, status: { phase: 'Succeeded' } });
        await s.delete(pref('done'));
        expect(await s.tryGet(pref('done'))).toBeUndefined();
        await s.create(cm('c'));
        await s.delete({ resource: 'configmaps', namespace: 'default', name: 'c' }, { gracePeriodSeconds: 30 });
        expect(await s.tryGet({ resource: 'configmaps', namespace: 'default', name: 'c' })).toBeUndefined();
      });

      it('propagationPolicy Orphan/Foreground leaves the owner to the garbage collector via finalizers', async () => {
        const s = await fresh();
        await s.create(deploy('orphaning'));
        const o = await s.delete(dref('orphaning'), { propagationPolicy: 'Orphan' });
        expect(o.metadata.finalizers).toEqual(['orphan']);
        expect(o.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
        const f = await s.delete(dref('orphaning'), { propagationPolicy: 'Foreground' });
        expect(f.metadata.finalizers).toEqual(['foregroundDeletion']);
        const rev = await s.revision();
        await s.delete(dref('orphaning')); // no policy: keeps what is there
        expect(await s.revision()).toBe(rev);
        await s.create(deploy('bg', { metadata: { name: 'bg', finalizers: ['a.io/x'] } }));
        const b = await s.delete(dref('bg'), { propagationPolicy: 'Background' });
        expect(b.metadata.finalizers).toEqual(['a.io/x']);
        await s.create(deploy('plain'));
        await s.delete(dref('plain'), { propagationPolicy: 'Background' });
        expect(await s.tryGet(dref('plain'))).toBeUndefined();
      });

      it('a namespace being deleted refuses new objects; default cannot be deleted', async () => {
        const s = await fresh();
        await s.create<KubeObject>({ ...ns('doomed'), metadata: { name: 'doomed', finalizers: ['kctl.io/test'] } });
        const marked = await s.delete({ resource: 'namespaces', name: 'doomed' });
        expect(marked.status).toEqual({ phase: 'Terminating' });
        const e = await thrown(s.create(cm('c', 'doomed')));
        expect(isForbidden(e)).toBe(true);
        expect((e as Error).message).toBe(
          'configmaps "c" is forbidden: unable to create new content in namespace doomed because it is being terminated',
        );
        const e2 = await thrown(s.delete({ resource: 'namespaces', name: 'default' }));
        expect(isForbidden(e2)).toBe(true);
        expect((e2 as Error).message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
        expect(await s.tryGet({ resource: 'namespaces', name: 'default' })).toBeTruthy();
      });
    });

    describe('watch', () => {
      it('delivers the changes after a revision, in order, filtered', async () => {
        const s = await fresh();
        const r0 = await s.revision();
        const a = await s.create(deploy('a'));
        await s.create(cm('unrelated'));
        await s.update<KubeObject>({ ...a, spec: { ...(a.spec as object), replicas: 2 } });
        await s.delete(dref('a'));
        await s.create(ns('other'));
        await s.create(deploy('b', { namespace: 'other' }));
        const evs = await collect(s, { fromRevision: r0, resource: 'deployments' }, 4);
        expect(evs.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual([
          'ADDED default/a',
          'MODIFIED default/a',
          'DELETED default/a',
          'ADDED other/b',
        ]);
        const revs = evs.map((e) => e.revision);
        expect(revs).toEqual([...revs].sort((x, y) => x - y));
        expect(evs.map((e) => e.object.metadata.resourceVersion)).toEqual(revs.map(String));
        const inOther = await collect(s, { fromRevision: r0, namespace: 'other' }, 1);
        expect(inOther[0]!.object.metadata.name).toBe('b');
        const everything = await collect(s, { fromRevision: r0 }, 6);
        expect(everything.map((e) => e.revision)).toEqual(Array.from({ length: 6 }, (_, i) => r0 + 1 + i));
      });

      it('from a list resourceVersion sees every later change, including ones made while it runs', async () => {
        const s = await fresh();
        await s.create(cm('seed'));
        const listed = await s.list('configmaps');
        const got = collect(s, { fromRevision: Number(listed.resourceVersion), resource: 'configmaps' }, 30);
        for (let i = 0; i < 15; i++) {
          const c = await s.create(cm(`c${i}`));
          await s.update<KubeObject>({ ...c, data: { n: String(i) } });
        }
        const evs = await got;
        expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(
          Array.from({ length: 15 }, (_, i) => [`ADDED c${i}`, `MODIFIED c${i}`]).flat(),
        );
        expect(evs[0]!.revision).toBe(Number(listed.resourceVersion) + 1);
      });

      it('without fromRevision starts at the current revision', async () => {
        const s = await fresh();
        await s.create(cm('old'));
        const w = store_watch(s, { resource: 'configmaps' });
        await s.create(cm('new'));
        const evs = await w(1);
        expect(evs.map((e) => e.object.metadata.name)).toEqual(['new']);
      });

      it('ends when the signal aborts', async () => {
        const s = await fresh();
        const ac = new AbortController();
        const seen: string[] = [];
        const done = (async () => {
          for await (const ev of s.watch({ resource: 'configmaps', signal: ac.signal })) seen.push(ev.object.metadata.name);
        })();
        await s.create(cm('one'));
        await waitUntil(() => seen.length === 1);
        ac.abort();
        await done;
        expect(seen).toEqual(['one']);
      });

      it('a start older than the kept history is TooOld; relisting and watching from there works', async () => {
        const s = await fresh(3);
        const r0 = await s.revision();
        for (let i = 0; i < 10; i++) await s.create(cm(`c${i}`));
        const e = await thrown(collect(s, { fromRevision: r0 }, 1));
        expect(isTooOld(e)).toBe(true);
        expect((e as Error).message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
        const listed = await s.list('configmaps');
        expect(listed.items).toHaveLength(10);
        const got = collect(s, { fromRevision: Number(listed.resourceVersion) }, 1);
        await s.create(cm('after'));
        expect((await got)[0]!.object.metadata.name).toBe('after');
      });

      it('a watcher that falls behind the kept history gets TooOld', async () => {
        const s = await fresh(3);
        const r0 = await s.revision();
        await s.create(cm('first'));
        const it = s.watch({ fromRevision: r0 })[Symbol.asyncIterator]();
        try {
          expect((await it.next()).value?.object.metadata.name).toBe('first');
          for (let i = 0; i < 10; i++) await s.create(cm(`c${i}`));
          expect(isTooOld(await thrown(it.next()))).toBe(true);
        } finally {
          await it.return?.();
        }
      });
    });
  });
}

/** Starts a watch now (its starting revision is fixed at the call) and returns a collector for it. */
function store_watch(s: Store, opts: WatchOptions): (n: number) => Promise<WatchEvent[]> {
  const ac = new AbortController();
  const it = s.watch({ ...opts, signal: ac.signal })[Symbol.asyncIterator]();
  return async (n) => {
    const timer = setTimeout(() => ac.abort(), 5000);
    const out: WatchEvent[] = [];
    try {
      while (out.length < n) {
        const r = await it.next();
        if (r.done) break;
        out.push(r.value);
      }
    } finally {
      clearTimeout(timer);
      ac.abort();
      await it.return?.();
    }
    return out;
  };
}

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
