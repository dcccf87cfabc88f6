// ?watch=true: initial events, resumption from a resourceVersion, 410 Expired, bookmarks, sendInitialEvents,
// timeoutSeconds, Tables, and one store watch for every API watcher.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, type Pki } from '../../../src/apiserver/pki.js';
import { ApiServer } from '../../../src/apiserver/server.js';
import { buildRoutes } from '../../../src/apiserver/route-table.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../../src/util/clock.js';
import { NOP_LOGGER } from '../../../src/reconcile/logger.js';
import { openWatch } from '../../helpers/api-watch.js';

let dir: string;
let pki: Pki;
let server: ApiServer;
let port: number;
const clock = new FakeClock('2026-01-01T00:00:00Z');
const memory = new MemoryStore({ clock, historyLimit: 50 });
let storeWatches = 0;
// counts the store watches the API server opens
const store: Store = new Proxy(memory, {
  get(target, prop, recv) {
    if (prop === 'watch')
      return (...args: Parameters<Store['watch']>) => {
        storeWatches++;
        return target.watch(...args);
      };
    const v = Reflect.get(target, prop, recv) as unknown;
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
  },
});

const cm = (name: string, labels: Record<string, string> = {}, ns = 'default') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { a: '1' } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kctl-watch-'));
  pki = await ensurePki(join(dir, 'pki'));
  server = new ApiServer({ tls: { cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca.cert }, routes: buildRoutes({ store, clock, log: NOP_LOGGER }) });
  port = await server.listen(0);
  await store.create(cm('one', { app: 'x' }));
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const watch = (path: string, headers?: Record<string, string>) => openWatch({ port, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key, path, headers });
const names = (evs: { type: string; object: Record<string, unknown> }[]) =>
  evs.map((e) => `${e.type} ${(e.object.metadata as { name?: string; resourceVersion?: string }).name ?? (e.object.metadata as { resourceVersion: string }).resourceVersion}`);

describe('watch', () => {
  it('without resourceVersion: the existing objects as ADDED, then the changes, filtered by selector', async () => {
    const w = watch('/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dx');
    await w.waitFor(1);
    await store.create(cm('two', { app: 'x' }));
    await store.create(cm('other', { app: 'y' }));
    await store.create(cm('elsewhere', { app: 'x' }, 'kube-system'));
    const two = await store.get({ resource: 'configmaps', namespace: 'default', name: 'two' });
    await store.update({ ...two, data: { a: '2' } });
    await store.delete({ resource: 'configmaps', namespace: 'default', name: 'two' });
    await w.waitFor(4);
    expect(names(w.events)).toEqual(['ADDED one', 'ADDED two', 'MODIFIED two', 'DELETED two']);
    w.close();
  });

  it('with a selector: an object that stops matching is DELETED, one that starts matching ADDED', async () => {
    await store.create(cm('mover', { app: 'x' }, 'kube-public'));
    const w = watch('/api/v1/namespaces/kube-public/configmaps?watch=true&labelSelector=app%3Dx');
    await w.waitFor(1);
    const cur = await store.get({ resource: 'configmaps', namespace: 'kube-public', name: 'mover' });
    const moved = await store.update({ ...cur, metadata: { ...cur.metadata, labels: { app: 'y' } } });
    await w.waitFor(2);
    await store.update({ ...moved, metadata: { ...moved.metadata, labels: { app: 'x' } } });
    await w.waitFor(3);
    expect(names(w.events)).toEqual(['ADDED mover', 'DELETED mover', 'ADDED mover']);
    w.close();
  });

  it('from a list\'s resourceVersion: only the later changes', async () => {
    const { resourceVersion } = await store.list('configmaps', { namespace: 'default' });
    const w = watch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${resourceVersion}`);
    expect(await w.status).toBe(200);
    await store.create(cm('three'));
    await w.waitFor(1);
    expect(names(w.events)).toEqual(['ADDED three']);
    w.close();
  });

  it('from a revision the store no longer has: an ERROR event with 410 Expired', async () => {
    for (let i = 0; i < 60; i++) await store.create(cm(`bulk-${i}`));
    const w = watch('/api/v1/configmaps?watch=true&resourceVersion=1');
    await w.waitFor(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    expect((w.events[0]!.object as { message: string }).message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    await w.ended;
  });

  it('sendInitialEvents with bookmarks ends the initial list with the initial-events-end bookmark', async () => {
    const w = watch('/api/v1/namespaces/kube-system/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    await w.waitFor(2);
    expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'elsewhere' } } });
    expect(w.events[1]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    w.close();
  });

  it('timeoutSeconds ends the stream', async () => {
    const w = watch('/api/v1/namespaces/kube-system/configmaps?watch=true&timeoutSeconds=1');
    await w.ended;
    expect(names(w.events)).toEqual(['ADDED elsewhere']);
  });

  it('as Table: column definitions on the first event only', async () => {
    const w = watch('/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dx', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    await w.waitFor(1);
    await store.create(cm('four', { app: 'x' }));
    await w.waitFor(2);
    const [a, b] = w.events.map((e) => e.object as { kind: string; columnDefinitions: unknown[]; rows: { cells: string[] }[] });
    expect(a!.kind).toBe('Table');
    expect(a!.columnDefinitions.length).toBeGreaterThan(0);
    expect(b!.columnDefinitions).toEqual([]);
    expect(b!.rows[0]!.cells[0]).toBe('four');
    w.close();
  });

  it('100 watchers share one store watch', async () => {
    const before = storeWatches;
    const { resourceVersion } = await store.list('configmaps');
    const many = Array.from({ length: 100 }, () => watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${resourceVersion}`));
    await Promise.all(many.map((w) => w.status));
    await store.create(cm('fanout'));
    await Promise.all(many.map((w) => w.waitFor(1)));
    expect(many.every((w) => w.events.length === 1 && names(w.events)[0] === 'ADDED fanout')).toBe(true);
    expect(storeWatches - before).toBe(0);
    for (const w of many) w.close();
  });
});
