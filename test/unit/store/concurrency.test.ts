// Many processes writing one FileStore at once: no lost create, no duplicate revision, no lost update.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../../src/store/file-store.js';
import { fileStoreModuleUrl } from '../../helpers/store-build.js';
import { spawnWriter } from '../../helpers/store-child.js';

const CREATORS = 20;
const UPDATERS = 10;
const INCREMENTS = 3;

describe('FileStore under concurrent processes', () => {
  let home: string;
  beforeAll(() => {
    fileStoreModuleUrl(); // build the child's module once, outside the timed part
    home = mkdtempSync(join(tmpdir(), 'kctl-conc-'));
  }, 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it(`${CREATORS} creators and ${UPDATERS} read-modify-write updaters race without losing anything`, async () => {
    const store = await FileStore.open(home);
    await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter' }, data: { count: '0' } });
    const start = await store.revision();

    const creators = Array.from({ length: CREATORS }, (_, i) => spawnWriter(home, 'create', `obj-${i}`));
    const updaters = Array.from({ length: UPDATERS }, () => spawnWriter(home, 'increment', String(INCREMENTS)));
    const all = [...creators, ...updaters];
    await Promise.all(all.map((w) => w.ready));
    for (const w of all) w.child.stdin!.write('go\n'); // start together
    const results = await Promise.all(all.map((w) => w.exited));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    // every create landed, each at its own revision
    const created = results.slice(0, CREATORS).map((r) => JSON.parse(r.lines[0]!) as { name: string; resourceVersion: string });
    const listed = await store.list('configmaps');
    expect(listed.items.map((o) => o.metadata.name).sort()).toEqual(['counter', ...created.map((c) => c.name)].sort());
    for (const c of created)
      expect((await store.get({ resource: 'configmaps', namespace: 'default', name: c.name })).metadata.resourceVersion).toBe(c.resourceVersion);

    // no lost update: the counter equals the number of successful updates
    const outcomes = results.slice(CREATORS).map((r) => JSON.parse(r.lines[0]!) as { updates: number; conflicts: number });
    const updates = outcomes.reduce((n, o) => n + o.updates, 0);
    const counter = await store.get({ resource: 'configmaps', namespace: 'default', name: 'counter' });
    expect(updates).toBe(UPDATERS * INCREMENTS);
    expect(counter.data).toEqual({ count: String(updates) });
    expect(counter.metadata.generation).toBe(1 + updates);

    // one revision per write, no duplicates, no gaps; the log agrees
    const writes = CREATORS + updates;
    expect(await store.revision()).toBe(start + writes);
    const revs = readFileSync(join(home, 'store', 'changes.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { rev: number }).rev)
      .filter((r) => r > start);
    expect(revs).toEqual(Array.from({ length: writes }, (_, i) => start + 1 + i));
    const rvs = [...created.map((c) => Number(c.resourceVersion)), Number(counter.metadata.resourceVersion)];
    expect(new Set(rvs).size).toBe(rvs.length);

    const conflicts = outcomes.reduce((n, o) => n + o.conflicts, 0);
    console.log(`concurrency: ${writes} writes from ${all.length} processes, ${conflicts} conflicts retried`);
    await store.close();
  }, 120_000);
});
