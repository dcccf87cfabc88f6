import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { storeContract } from '../../contracts/store-contract.js';
import { formatEntry } from '../../../src/store/change-log.js';
import { FileStore, type FileStoreOptions, type StoreCodec } from '../../../src/store/file-store.js';
import { isTooOld } from '../../../src/store/store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract('FileStore', async ({ clock, historyLimit }) => {
  const home = mkdtempSync(join(tmpdir(), 'kctl-store-'));
  dirs.push(home);
  return FileStore.open(home, {
    clock,
    ...(historyLimit ? { log: { compactAtBytes: 1, keepEntries: historyLimit, keepBytes: Infinity } } : {}),
  });
});

// ---- FileStore on disk: layout, modes, codec, several instances, recovery ----

const home = (): string => {
  const parent = mkdtempSync(join(tmpdir(), 'kctl-fs-'));
  dirs.push(parent);
  return join(parent, 'home');
};

const cm = (name: string, namespace = 'default', data: Record<string, string> = { k: 'v' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

/** Every file under dir, relative, sorted. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(dir, join(rel, d.name)) : [join(rel, d.name)]))
    .sort();
}

const logLines = (h: string): Record<string, unknown>[] =>
  readFileSync(join(h, 'store', 'changes.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('FileStore on disk', () => {
  const open: FileStore[] = [];
  const openStore = async (h: string, opts: FileStoreOptions = {}): Promise<FileStore> => {
    const s = await FileStore.open(h, opts);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('lays out one JSON file per object by group, plural, namespace and name', async () => {
    const h = home();
    const s = await openStore(h);
    await s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} });
    await s.create(cm('conf'));
    await s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1.local' } });
    expect(walk(join(h, 'store'))).toEqual([
      'apps/deployments/default/web.json',
      'changes.log',
      'core/configmaps/default/conf.json',
      'core/namespaces/default.json',
      'core/namespaces/kube-node-lease.json',
      'core/namespaces/kube-public.json',
      'core/namespaces/kube-system.json',
      'core/nodes/n1.local.json',
      'revision',
    ]);
    const onDisk = JSON.parse(readFileSync(join(h, 'store/apps/deployments/default/web.json'), 'utf8'));
    expect(onDisk).toEqual(await s.get({ resource: 'deployments', namespace: 'default', name: 'web' }));
    expect(readFileSync(join(h, 'store/revision'), 'utf8')).toBe(`${await s.revision()}\n`);
  });

  it('keeps the store private: home and store 0700, Secrets and the change log 0600', async () => {
    const h = home();
    const s = await openStore(h);
    await s.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, data: { p: 'aHVudGVyMg==' } });
    await s.create(cm('conf'));
    const mode = (p: string): number => statSync(join(h, p)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('store')).toBe(0o700);
    expect(mode('store/core/secrets/default/pw.json')).toBe(0o600);
    expect(mode('store/changes.log')).toBe(0o600);
    expect(mode('store/core/configmaps/default/conf.json') & 0o077).toBe(0o044 & ~process.umask());
  });

  it('tightens a store directory that others can read', async () => {
    const h = home();
    mkdirSync(join(h, 'store'), { recursive: true, mode: 0o755 });
    chmodSync(join(h, 'store'), 0o755);
    await openStore(h);
    expect(statSync(join(h, 'store')).mode & 0o777).toBe(0o700);
  });

  it('never touches a path outside the store for hostile names', async () => {
    const h = home();
    const s = await openStore(h);
    const before = walk(join(h, '..'));
    for (const bad of ['../x', 'a/b', '../../escape', '/abs', '.', '..', 'x\u0000y', 'Upper']) {
      await s.create(cm(bad)).catch(() => undefined);
      await s.create(cm('ok', bad)).catch(() => undefined);
      await s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: bad } }).catch(() => undefined);
      await s.get({ resource: 'configmaps', namespace: bad, name: 'x' }).catch(() => undefined);
      await s.delete({ resource: 'configmaps', namespace: 'default', name: bad }).catch(() => undefined);
      await s.list('configmaps', { namespace: bad });
    }
    expect(walk(join(h, '..'))).toEqual(before);
  });

  it('a codec encodes objects at rest (files and change log) and decodes them for get, list and watch', async () => {
    const h = home();
    const flip = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
    const codec: StoreCodec = { encode: (_r, b) => flip(b), decode: (_r, b) => flip(b) };
    const s = await openStore(h, { codec });
    const r0 = await s.revision();
    // stored as the API server stores it: data only (stringData merged in as base64); an Opaque value here is
    // plain text so the raw files can be searched for it
    await s.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, data: { password: 'hunter2' } });
    const raw = readFileSync(join(h, 'store/core/secrets/default/pw.json'));
    expect(raw.includes(Buffer.from('hunter2'))).toBe(false);
    expect(readFileSync(join(h, 'store/changes.log'), 'utf8')).not.toContain('hunter2');
    expect(logLines(h).at(-1)).toEqual({ rev: r0 + 1, type: 'ADDED', key: 'secrets/default/pw', data: expect.any(String) });
    expect((await s.get({ resource: 'secrets', namespace: 'default', name: 'pw' })).data).toEqual({ password: 'hunter2' });
    expect((await s.list('secrets')).items).toHaveLength(1);
    const ac = new AbortController();
    for await (const ev of s.watch({ fromRevision: r0, signal: ac.signal })) {
      expect(ev.object.data).toEqual({ password: 'hunter2' });
      break;
    }
    // a store without the codec cannot read it (it is not plain JSON)
    const plain = await openStore(h);
    await expect(plain.get({ resource: 'secrets', namespace: 'default', name: 'pw' })).rejects.toThrow();
  });

  it('two stores on one home (two processes) see each other, and watch across them without polling delay', async () => {
    const h = home();
    const a = await openStore(h);
    const b = await openStore(h, { watchPollMs: 60_000 }); // only fs.watch can wake it
    const r0 = await b.revision();
    const seen: string[] = [];
    const ac = new AbortController();
    const done = (async () => {
      for await (const ev of b.watch({ fromRevision: r0, resource: 'configmaps', signal: ac.signal })) {
        seen.push(`${ev.type} ${ev.object.metadata.name}`);
        if (seen.length === 3) break;
      }
    })();
    const c = await a.create(cm('x'));
    await a.update({ ...c, data: { k: 'w' } });
    await a.delete({ resource: 'configmaps', namespace: 'default', name: 'x' });
    const t0 = Date.now();
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    ac.abort();
    expect(seen).toEqual(['ADDED x', 'MODIFIED x', 'DELETED x']);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await b.tryGet({ resource: 'configmaps', namespace: 'default', name: 'x' })).toBeUndefined();
    // writes from both interleave on one revision sequence
    const [x, y] = await Promise.all([a.create(cm('p')), b.create(cm('q'))]);
    expect(Math.abs(Number(x.metadata.resourceVersion) - Number(y.metadata.resourceVersion))).toBe(1);
  });

  it('serializes many concurrent writes from one process and two instances', async () => {
    const h = home();
    const a = await openStore(h);
    const b = await openStore(h);
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).create(cm(`c${i}`))));
    const rvs = made.map((o) => Number(o.metadata.resourceVersion));
    expect(new Set(rvs).size).toBe(40);
    expect(Math.max(...rvs)).toBe(await a.revision());
    expect((await b.list('configmaps')).items).toHaveLength(40);
    expect(logLines(h).map((l) => l.rev)).toEqual(Array.from({ length: 44 }, (_, i) => i + 1));
  });

  // how fast a list of 200 is, is bench/cli-startup.mjs's business (`get pods` with 200 stored): no test asserts a speed
  it('lists 200 objects written in parallel, whole and in name order', async () => {
    const h = home();
    const s = await openStore(h);
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(cm(`c${String(i).padStart(3, '0')}`, 'default', { i: String(i) }))));
    const l = await s.list('configmaps');
    expect(l.items.map((o) => o.metadata.name)).toEqual(Array.from({ length: 200 }, (_, i) => `c${String(i).padStart(3, '0')}`));
    expect(l.items.map((o) => (o as { data?: Record<string, string> }).data?.i)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(l.resourceVersion).toBe(String(await s.revision()));
  });

  describe('recovery', () => {
    it('drops a torn last log line on open; the next write starts on a fresh line', async () => {
      const h = home();
      const s1 = await openStore(h);
      await s1.create(cm('a'));
      await s1.close();
      appendFileSync(join(h, 'store/changes.log'), '{"rev":99,"type":"ADDED","key":"configmaps/def');
      const s2 = await openStore(h);
      expect((await s2.list('configmaps')).items.map((o) => o.metadata.name)).toEqual(['a']);
      const b = await s2.create(cm('b'));
      expect(b.metadata.resourceVersion).toBe('6');
      expect(logLines(h).map((l) => l.rev)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('replays a change that reached the log but not its object file or the revision (writer killed)', async () => {
      const h = home();
      const s1 = await openStore(h);
      const a = await s1.create(cm('a'));
      await s1.close();
      const rev = Number(a.metadata.resourceVersion);
      const next = { ...a, data: { k: 'logged' }, metadata: { ...a.metadata, resourceVersion: String(rev + 1) } };
      appendFileSync(join(h, 'store/changes.log'), formatEntry({ rev: rev + 1, type: 'MODIFIED', key: 'configmaps/default/a', object: next }));
      const dir = join(h, 'store/core/configmaps/default');
      writeFileSync(join(dir, '.a.json.12345.abcd.tmp'), '{"half');
      writeFileSync(join(h, 'store', '.revision.12345.abcd.tmp'), '7');
      const s2 = await openStore(h);
      expect(await s2.revision()).toBe(rev + 1);
      expect(await s2.get({ resource: 'configmaps', namespace: 'default', name: 'a' })).toEqual(next);
      expect(walk(join(h, 'store')).filter((f) => f.includes('.tmp'))).toEqual([]);
    });

    it('replays a logged delete', async () => {
      const h = home();
      const s1 = await openStore(h);
      const a = await s1.create(cm('a'));
      await s1.close();
      const rev = Number(a.metadata.resourceVersion);
      const last = { ...a, metadata: { ...a.metadata, resourceVersion: String(rev + 1) } };
      appendFileSync(join(h, 'store/changes.log'), formatEntry({ rev: rev + 1, type: 'DELETED', key: 'configmaps/default/a', object: last }));
      const s2 = await openStore(h);
      expect(await s2.tryGet({ resource: 'configmaps', namespace: 'default', name: 'a' })).toBeUndefined();
      expect(await s2.revision()).toBe(rev + 1);
    });

    it('fixes a revision file behind an object written just before the kill', async () => {
      const h = home();
      const s1 = await openStore(h);
      const a = await s1.create(cm('a'));
      const rev = Number(a.metadata.resourceVersion);
      await s1.update({ ...a, data: { k: 'new' } });
      await s1.close();
      writeFileSync(join(h, 'store/revision'), `${rev}\n`); // as if killed before the revision was replaced
      const s2 = await openStore(h);
      expect(await s2.revision()).toBe(rev + 1);
      const b = await s2.create(cm('b'));
      expect(b.metadata.resourceVersion).toBe(String(rev + 2));
    });

    it('a lost change log makes older watches TooOld, and writing goes on', async () => {
      const h = home();
      const s1 = await openStore(h);
      await s1.create(cm('a'));
      await s1.close();
      rmSync(join(h, 'store/changes.log'));
      const s2 = await openStore(h);
      const e = await (async () => {
        for await (const _ of s2.watch({ fromRevision: 1 })) return 'event';
      })().catch((x: unknown) => x);
      expect(isTooOld(e)).toBe(true);
      await s2.create(cm('b'));
      expect(logLines(h).map((l) => Object.keys(l)[0])).toEqual(['compactRev', 'rev']);
    });

    it('a second store notices a killed writer when it next takes the lock, not only on open', async () => {
      const h = home();
      const s = await openStore(h);
      const a = await s.create(cm('a'));
      const rev = Number(a.metadata.resourceVersion);
      appendFileSync(join(h, 'store/changes.log'), '{"rev":'); // torn
      const b = await s.create(cm('b'));
      expect(b.metadata.resourceVersion).toBe(String(rev + 1));
      expect(logLines(h).at(-1)).toMatchObject({ rev: rev + 1, key: 'configmaps/default/b' });
    });
  });
});
