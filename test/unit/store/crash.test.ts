// kill -9 a FileStore writer at random moments, 50 times over one store; after each kill the store must open
// clean (no torn file, no stray temp, revision covers every object, log readable and in step with the files)
// and take a write at once (a dead holder's lock is broken by its pid, not after the stale timeout).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { FileStore } from '../../../src/store/file-store.js';
import { isTooOld, objectKey, refOf, type WatchEvent } from '../../../src/store/store.js';
import { fileStoreModuleUrl } from '../../helpers/store-build.js';
import { readJson, spawnWriter, walkFiles } from '../../helpers/store-child.js';

const ROUNDS = 50;
const STALE_MS = 2000;
const RESOURCES = ['configmaps', 'secrets', 'namespaces'];

describe('FileStore survives kill -9 of a writer', () => {
  let home: string;
  beforeAll(() => {
    fileStoreModuleUrl();
    home = mkdtempSync(join(tmpdir(), 'kctl-crash-'));
  }, 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it(`recovers after ${ROUNDS} kills, and a relisting watcher ends with the store's state`, async () => {
    const root = join(home, 'store');
    // an informer in this process: watch, relist on TooOld; its cache must end equal to the store
    const watcherStore = await FileStore.open(home, { watchPollMs: 50 });
    const cache = new Map<string, KubeObject>();
    let seenRev = 0;
    let relists = 0;
    const ac = new AbortController();
    const relist = async (): Promise<number> => {
      cache.clear();
      let rv = Infinity;
      for (const r of RESOURCES) {
        const l = await watcherStore.list(r);
        rv = Math.min(rv, Number(l.resourceVersion));
        for (const o of l.items) cache.set(objectKey(refOf(o)), o);
      }
      return rv;
    };
    const informer = (async () => {
      let from = await relist();
      for (;;) {
        try {
          for await (const ev of watcherStore.watch({ fromRevision: from, signal: ac.signal }) as AsyncIterable<WatchEvent>) {
            expect(ev.revision).toBeGreaterThan(seenRev);
            seenRev = ev.revision;
            const key = objectKey(refOf(ev.object));
            if (ev.type === 'DELETED') cache.delete(key);
            else cache.set(key, ev.object);
          }
          return;
        } catch (e) {
          if (!isTooOld(e)) throw e;
          relists++;
          from = await relist();
          seenRev = from;
        }
      }
    })();

    let heldAtKill = 0;
    let tornAtKill = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const w = spawnWriter(home, 'crash');
      await w.ready;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 55));
      w.child.kill('SIGKILL');
      const exit = await w.exited; // reaped: its pid is gone
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      if (existsSync(join(root, 'lock'))) heldAtKill++;
      if (!readFileSync(join(root, 'changes.log'), 'utf8').endsWith('\n')) tornAtKill++;

      const t0 = Date.now();
      const store = await FileStore.open(home, { lock: { staleMs: STALE_MS } });
      const files = walkFiles(root);
      expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
      const revision = await store.revision();
      // every object file parses and is not ahead of the revision
      const onDisk = new Map<string, number>();
      for (const f of files.filter((x) => x.endsWith('.json'))) {
        const o = readJson(join(root, f)) as KubeObject;
        expect(Number(o.metadata.resourceVersion)).toBeLessThanOrEqual(revision);
        onDisk.set(objectKey(refOf(o)), Number(o.metadata.resourceVersion));
      }
      // the log reads, ends on a whole line, runs in order up to the revision, and the files reflect it
      const text = readFileSync(join(root, 'changes.log'), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rev?: number; type?: string; key?: string });
      const entries = lines.filter((l) => l.rev !== undefined);
      expect(entries.map((e) => e.rev)).toEqual(entries.map((e) => e.rev).sort((a, b) => a! - b!));
      expect(entries.at(-1)!.rev).toBe(revision);
      const lastByKey = new Map(entries.map((e) => [e.key!, e]));
      for (const [key, e] of lastByKey) {
        if (e.type === 'DELETED') expect(onDisk.has(key), key).toBe(false);
        else expect(onDisk.get(key), key).toBe(e.rev);
      }
      for (const r of RESOURCES) await store.list(r);
      // and a write goes through now, whatever lock the killed writer held
      const probe = await store.tryGet({ resource: 'configmaps', namespace: 'default', name: 'probe' });
      if (probe) await store.update({ ...probe, data: { round: String(round) } });
      else await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe' }, data: { round: String(round) } });
      expect(Date.now() - t0).toBeLessThan(STALE_MS);
      expect(await store.revision()).toBe(revision + 1);
      await store.close();
    }

    // the informer catches up with the final revision and agrees with a fresh list
    const final = await watcherStore.revision();
    const deadline = Date.now() + 10_000;
    while (seenRev < final && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await informer;
    const truth = new Map<string, string>();
    for (const r of RESOURCES)
      for (const o of (await watcherStore.list(r)).items) truth.set(objectKey(refOf(o)), o.metadata.resourceVersion!);
    expect(new Map([...cache].map(([k, o]) => [k, o.metadata.resourceVersion!]))).toEqual(truth);
    await watcherStore.close();
    console.log(`crash: ${ROUNDS} kills (lock held at ${heldAtKill}, torn log line at ${tornAtKill}), final revision ${final}, watcher relists ${relists}`);
  }, 120_000);
});
