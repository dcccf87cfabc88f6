// Secrets encrypted at rest (src/store/secret-codec.ts): through a real FileStore in a tmpdir, grepping the raw
// files; tampering, wrong keys, rotation, the key file's creation (once, 0600, agreed on by racing processes).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { FileStore } from '../../../src/store/file-store.js';
import { openDefaultStore } from '../../../src/store/open.js';
import { ENVELOPE_PREFIX, SecretCodec, keyIdOf, rotateSecretKey } from '../../../src/store/secret-codec.js';
import type { ObjectRef } from '../../../src/store/store.js';
import { KctlError } from '../../../src/util/errors.js';

const PLAIN = 'hunter2-correct-horse';
const B64 = Buffer.from(PLAIN).toString('base64');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const newHome = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kctl-seccodec-'));
  dirs.push(d);
  return join(d, 'home');
};

const secret = (name: string, value = PLAIN, namespace = 'default'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: { password: Buffer.from(value).toString('base64') } }) as KubeObject;
const ref = (name: string, namespace = 'default'): ObjectRef => ({ resource: 'secrets', namespace, name });
const secretFile = (home: string, name: string, ns = 'default'): string => join(home, 'store', 'core', 'secrets', ns, `${name}.json`);

/** Every file under dir (recursive), with its content. */
function allFiles(dir: string): { path: string; data: Buffer }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => ({ path: join(d.parentPath, d.name), data: readFileSync(join(d.parentPath, d.name)) }));
}

/** Files whose bytes hold the needle: itself, or its base64 at any of the 3 byte alignments (the change log holds
 *  base64 of the codec's output). */
function filesContaining(dir: string, needle: string): string[] {
  const forms = [needle];
  for (let k = 0; k < 3; k++) {
    const b = Buffer.from('xxx'.slice(0, k) + needle).toString('base64');
    forms.push(b.slice(k === 0 ? 0 : 4, -4));
  }
  return allFiles(dir)
    .filter((f) => forms.some((x) => f.data.includes(x)))
    .map((f) => f.path);
}

const stores: FileStore[] = [];
const open = async (home: string): Promise<FileStore> => {
  const s = await openDefaultStore(home);
  stores.push(s);
  return s;
};
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const decodeError = async (p: Promise<unknown>): Promise<KctlError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KctlError);
  return e as KctlError;
};

describe('SecretCodec through a FileStore', () => {
  it('round-trips a Secret and leaves neither its value nor its base64 anywhere on disk', async () => {
    const home = newHome();
    const store = await open(home);
    const created = await store.create(secret('db'));
    expect(created.data).toEqual({ password: B64 });
    // an update goes through the codec too (second change-log entry)
    await store.update({ ...created, metadata: { ...created.metadata, labels: { a: 'b' } } });
    const got = await store.get(ref('db'));
    expect(got.data).toEqual({ password: B64 });
    expect(got.metadata.labels).toEqual({ a: 'b' });
    expect((await store.list('secrets')).items.map((x) => x.data)).toEqual([{ password: B64 }]);

    expect(filesContaining(home, PLAIN)).toEqual([]);
    expect(filesContaining(home, B64)).toEqual([]);

    const raw = readFileSync(secretFile(home, 'db'), 'latin1');
    expect(raw).toMatch(/^kctl:enc:v1:[0-9a-f]{16}:[A-Za-z0-9+/]+={0,2}\n$/);
    expect(statSync(secretFile(home, 'db')).mode & 0o777).toBe(0o600);
    const log = readFileSync(join(home, 'store', 'changes.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const entries = log.filter((e) => e.key === 'secrets/default/db');
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e.object).toBeUndefined();
      expect(Buffer.from(e.data, 'base64').toString('latin1')).toMatch(/^kctl:enc:v1:/);
    }
  });

  it('(control) without the codec, the same grep finds the value in the object file and the change log', async () => {
    const home = newHome();
    const bare = await FileStore.open(home, { codec: { encode: (_r, b) => b, decode: (_r, b) => b } });
    await bare.create(secret('db'));
    await bare.close();
    expect(filesContaining(home, B64).map((p) => p.slice(home.length + 1)).sort()).toEqual(['store/changes.log', 'store/core/secrets/default/db.json']);
  });

  it('leaves other kinds as plain JSON', async () => {
    const home = newHome();
    const store = await open(home);
    await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { k: PLAIN } });
    const raw = readFileSync(join(home, 'store', 'core', 'configmaps', 'default', 'cfg.json'), 'utf8');
    expect(JSON.parse(raw).data).toEqual({ k: PLAIN });
    // no Secret written yet: no key either
    expect(readdirSync(home)).not.toContain('secret.key');
  });

  it('uses a fresh IV per write: the same Secret encrypts differently each time', async () => {
    const codec = new SecretCodec(newHome());
    const plain = Buffer.from(JSON.stringify(secret('x')));
    const a = await codec.encode(ref('x'), plain);
    const b = await codec.encode(ref('x'), plain);
    expect(a.equals(b)).toBe(false);
    expect((await codec.decode(ref('x'), a)).equals(plain)).toBe(true);
    expect((await codec.decode(ref('x'), b)).equals(plain)).toBe(true);
  });

  it('delivers decrypted Secrets to watchers, and a second store instance reads what the first wrote', async () => {
    const home = newHome();
    const a = await open(home);
    const from = await a.revision();
    await a.create(secret('w'));
    const b = await open(home);
    expect((await b.get(ref('w'))).data).toEqual({ password: B64 });
    const ac = new AbortController();
    for await (const ev of b.watch({ fromRevision: from, signal: ac.signal })) {
      expect(ev.object.data).toEqual({ password: B64 });
      ac.abort();
    }
  });

  it('reads a plain-JSON Secret written before encryption, and encrypts it on its next write', async () => {
    const home = newHome();
    const bare = await FileStore.open(home); // no codec: what an older kctl wrote
    const s = await bare.create(secret('old'));
    await bare.close();
    expect(readFileSync(secretFile(home, 'old'), 'utf8')).toContain(B64);
    const store = await open(home);
    expect((await store.get(ref('old'))).data).toEqual({ password: B64 });
    await store.update({ ...s, metadata: { ...s.metadata, annotations: { touched: 'yes' } } });
    expect(readFileSync(secretFile(home, 'old'), 'latin1')).toMatch(/^kctl:enc:v1:/);
    expect((await store.get(ref('old'))).metadata.annotations).toEqual({ touched: 'yes' });
  });
});

describe('the key file', () => {
  it('is created once, on the first Secret write, mode 0600, holding 32 random bytes in base64', async () => {
    const home = newHome();
    const store = await open(home);
    await store.create(secret('one'));
    const keyPath = join(home, 'secret.key');
    const first = readFileSync(keyPath, 'utf8');
    expect(first).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(first.trim(), 'base64')).toHaveLength(32);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    await store.create(secret('two'));
    const other = await open(home);
    await other.create(secret('three'));
    expect(readFileSync(keyPath, 'utf8')).toBe(first);
    // no temp files left behind
    expect(readdirSync(home).filter((n) => n.includes('secret.key'))).toEqual(['secret.key']);
  });

  it('is agreed on by many codecs racing to create it in one process', async () => {
    const home = newHome();
    const codecs = Array.from({ length: 16 }, () => new SecretCodec(home));
    const plain = Buffer.from('{"kind":"Secret"}');
    const envelopes = await Promise.all(codecs.map((c) => c.encode(ref('r'), plain)));
    const ids = new Set(envelopes.map((e) => e.toString('latin1').split(':')[3]));
    expect(ids.size).toBe(1);
    const fresh = new SecretCodec(home);
    for (const e of envelopes) expect((await fresh.decode(ref('r'), e)).equals(plain)).toBe(true);
    expect(readdirSync(home).filter((n) => n.includes('secret.key'))).toEqual(['secret.key']);
  });

  it('is agreed on by separate processes racing to create it', async () => {
    const home = newHome();
    const esbuild = await import('esbuild');
    const bundle = join(home, '..', 'secret-codec.mjs');
    await esbuild.build({
      entryPoints: [join(import.meta.dirname, '../../../src/store/secret-codec.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'silent',
    });
    const startAt = Date.now() + 1500;
    const script = `
      const { SecretCodec } = await import(${JSON.stringify(`file://${bundle}`)});
      const codec = new SecretCodec(${JSON.stringify(home)});
      while (Date.now() < ${startAt}) await new Promise((r) => setTimeout(r, 1));
      const out = await codec.encode({ resource: 'secrets', namespace: 'default', name: 'p' }, Buffer.from('{"n":' + process.argv[1] + '}'));
      process.stdout.write(out.toString('latin1'));`;
    const N = 8;
    const outs = await Promise.all(
      Array.from(
        { length: N },
        (_, i) =>
          new Promise<string>((res, rej) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(i)], { stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            let err = '';
            child.stdout.on('data', (d) => (out += d));
            child.stderr.on('data', (d) => (err += d));
            child.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`child ${i} exited ${code}: ${err}`))));
          }),
      ),
    );
    const key = Buffer.from(readFileSync(join(home, 'secret.key'), 'utf8').trim(), 'base64');
    const id = await keyIdOf(key);
    const fresh = new SecretCodec(home);
    for (const [i, o] of outs.entries()) {
      expect(o.startsWith(`${ENVELOPE_PREFIX}${id}:`)).toBe(true);
      expect((await fresh.decode(ref('p'), Buffer.from(o, 'latin1'))).toString()).toBe(`{"n":${i}}`);
    }
    expect(readdirSync(home).filter((n) => n.includes('secret.key'))).toEqual(['secret.key']);
  }, 60_000);

  it('removes a temp key file a killed creator left behind (older than a minute) when it creates the key', async () => {
    const home = newHome();
    mkdirSync(home, { recursive: true });
    const stale = join(home, '.secret.key.999999.abcd1234.tmp');
    const fresh = join(home, '.secret.key.999998.abcd1234.tmp');
    writeFileSync(stale, 'x');
    writeFileSync(fresh, 'x');
    utimesSync(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    await new SecretCodec(home).encode(ref('t'), Buffer.from('{}'));
    expect(readdirSync(home).sort()).toEqual(['.secret.key.999998.abcd1234.tmp', 'secret.key']);
  });

  it('refuses a key file that is not a key, naming it', async () => {
    const home = newHome();
    const store = await open(home);
    writeFileSync(join(home, 'secret.key'), 'not a key at all, definitely not 32 bytes long\n', { mode: 0o600 });
    const e = await decodeError(store.create(secret('k')));
    expect(e.message).toContain(join(home, 'secret.key'));
    expect(e.message).toContain('is not a kctl secret key');
  });
});

describe('tampering and wrong keys', () => {
  const setup = async (): Promise<{ home: string; store: FileStore }> => {
    const home = newHome();
    const store = await open(home);
    await store.create(secret('db'));
    await store.create(secret('other', 'another-value'));
    return { home, store };
  };

  const expectClean = (e: KctlError): void => {
    expect(e.message).toContain('cannot decrypt secret default/db');
    expect(e.message).not.toContain(PLAIN);
    expect(e.message).not.toContain(B64);
  };

  it.each([
    ['one flipped ciphertext byte', (raw: string) => raw.slice(0, -6) + (raw.at(-6) === 'A' ? 'B' : 'A') + raw.slice(-5)],
    ['a flipped IV byte', (raw: string) => { const i = raw.lastIndexOf(':') + 3; return raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1); }],
    ['a truncated payload', (raw: string) => raw.slice(0, raw.lastIndexOf(':') + 20) + '\n'],
    ['a mangled header', (raw: string) => raw.replace('kctl:enc:v1:', 'kctl:enc:v1:zz')],
    ['garbage', () => 'garbage\x00\x01'],
    ['an empty file', () => ''],
  ])('%s: get and list fail with an error that names the object, never plaintext', async (_what, mutate) => {
    const { home, store } = await setup();
    const path = secretFile(home, 'db');
    writeFileSync(path, mutate(readFileSync(path, 'latin1')), 'latin1');
    expectClean(await decodeError(store.get(ref('db'))));
    expectClean(await decodeError(store.list('secrets')));
    // the other Secret is unharmed
    expect((await store.get(ref('other'))).data).toEqual({ password: Buffer.from('another-value').toString('base64') });
  });

  it("another Secret's (valid) envelope copied over this one does not decrypt: the object key is authenticated", async () => {
    const { home, store } = await setup();
    copyFileSync(secretFile(home, 'other'), secretFile(home, 'db'));
    const e = await decodeError(store.get(ref('db')));
    expectClean(e);
    expect(e.message).toContain('authentication failed');
  });

  it('a replaced key (the old one lost) gives a clear error naming the object and the missing key id', async () => {
    const { home } = await setup();
    const oldId = readFileSync(secretFile(home, 'db'), 'latin1').split(':')[3]!;
    writeFileSync(join(home, 'secret.key'), `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    const store = await open(home);
    const e = await decodeError(store.get(ref('db')));
    expectClean(e);
    expect(e.message).toContain(`its encryption key ${oldId} is not in`);
  });

  it('a key with the right id but from elsewhere cannot exist; a wrong key under the old name fails authentication', async () => {
    const { home } = await setup();
    const oldId = readFileSync(secretFile(home, 'db'), 'latin1').split(':')[3]!;
    // a file named for the old id holding a different key: found by name, but its id does not match → not used
    renameSync(join(home, 'secret.key'), join(home, 'secret.key.elsewhere'));
    writeFileSync(join(home, `secret.key.${oldId}`), `${Buffer.alloc(32, 9).toString('base64')}\n`, { mode: 0o600 });
    rmSync(join(home, 'secret.key.elsewhere'));
    const store = await open(home);
    const e = await decodeError(store.get(ref('db')));
    expectClean(e);
    expect(e.message).toContain('is not in');
  });
});

describe('rotation', () => {
  it('rotateSecretKey keeps old Secrets readable; new writes use the new key; re-writing re-encrypts', async () => {
    const home = newHome();
    const store = await open(home);
    const s = await store.create(secret('db'));
    const before = readFileSync(secretFile(home, 'db'), 'latin1').split(':')[3];
    const r = await rotateSecretKey(home);
    expect(r.previous).toBe(before);
    expect(r.current).not.toBe(before);
    expect(readdirSync(home).filter((n) => n.startsWith('secret.key')).sort()).toEqual(['secret.key', `secret.key.${before}`]);
    expect(statSync(join(home, `secret.key.${before}`)).mode & 0o777).toBe(0o600);

    expect((await store.get(ref('db'))).data).toEqual({ password: B64 });
    await store.create(secret('fresh'));
    expect(readFileSync(secretFile(home, 'fresh'), 'latin1').split(':')[3]).toBe(r.current);

    await store.update({ ...s, metadata: { ...s.metadata, annotations: { 'kctl.io/key-rotated-at': '1' } } });
    expect(readFileSync(secretFile(home, 'db'), 'latin1').split(':')[3]).toBe(r.current);
    // a store opened later (fresh caches) reads everything, old log entries included
    const later = await open(home);
    expect((await later.list('secrets')).items.map((x) => x.metadata.name)).toEqual(['db', 'fresh']);
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of later.watch({ fromRevision: 0, signal: ac.signal })) {
      if (ev.object.kind !== 'Secret') continue;
      expect(ev.object.data).toEqual({ password: B64 });
      seen.push(`${ev.type} ${ev.object.metadata.name}`);
      if (seen.length === 3) ac.abort();
    }
    expect(seen).toEqual(['ADDED db', 'ADDED fresh', 'MODIFIED db']);
  });

  it('manual rotation: any secret.key.<suffix> name works, the next write creates the new key', async () => {
    const home = newHome();
    const store = await open(home);
    await store.create(secret('db'));
    renameSync(join(home, 'secret.key'), join(home, 'secret.key.2024-old'));
    const other = await open(home);
    expect((await other.get(ref('db'))).data).toEqual({ password: B64 });
    await other.create(secret('new'));
    expect(readdirSync(home).filter((n) => n.startsWith('secret.key')).sort()).toEqual(['secret.key', 'secret.key.2024-old']);
    const idNew = readFileSync(secretFile(home, 'new'), 'latin1').split(':')[3];
    const idOld = readFileSync(secretFile(home, 'db'), 'latin1').split(':')[3];
    expect(idNew).not.toBe(idOld);
  });

  it('concurrent rotations end with one current key and every old key kept', async () => {
    const home = newHome();
    const codec = new SecretCodec(home);
    const env = await codec.encode(ref('z'), Buffer.from('{}'));
    await Promise.all([rotateSecretKey(home), rotateSecretKey(home), rotateSecretKey(home)]);
    // serialized by the store lock: K0 → K1 → K2 → K3, with K0..K2 kept under their ids
    const names = readdirSync(home).filter((n) => n.includes('secret.key'));
    expect(names).toContain('secret.key');
    expect(names).toHaveLength(4);
    const ids = await Promise.all(names.map(async (n) => keyIdOf(Buffer.from(readFileSync(join(home, n), 'utf8').trim(), 'base64'))));
    expect(new Set(ids).size).toBe(4);
    for (const n of names.filter((x) => x !== 'secret.key')) expect(ids).toContain(n.slice('secret.key.'.length));
    expect((await new SecretCodec(home).decode(ref('z'), env)).toString()).toBe('{}');
  });
});
