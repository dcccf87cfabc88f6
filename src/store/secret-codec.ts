// Secrets encrypted at rest: the FileStore codec (StoreCodec) for kind Secret. Every other resource passes
// through untouched. FileStore applies a codec to both the object file and the change-log entry of each write,
// so no byte of a Secret reaches the disk unencrypted.
//
// Cipher: AES-256-GCM, a fresh random 12-byte IV per write, 16-byte tag. The additional authenticated data is
// the envelope header plus the object key (`kctl:enc:v1:<keyid>:secrets/<namespace>/<name>`): a file copied over
// another Secret's file, or edited in any byte, fails to decrypt (an error that names the object; never
// plaintext, never a crash).
//
// Envelope (one ASCII line, what the object file holds and what the change log holds in base64):
//   kctl:enc:v1:<keyid>:<base64(iv[12] | tag[16] | ciphertext)>\n
//   keyid = hex of the first 8 bytes of SHA-256(key): names a key without revealing it.
//
// Keys, in $KCTL_HOME (mode 0600; the folder is 0700):
//   secret.key            the current key: base64 of 32 random bytes and a newline. Created on the first
//                         Secret write (write a temp file, then link(2) it into place: creation is atomic and
//                         exclusive, so concurrent first writers agree on one key).
//   secret.key.<anything> previous keys, kept to decrypt what they encrypted; `secret.key.<keyid>` by
//                         convention (rotateSecretKey() names them so), but any suffix works: a key is found by
//                         its id.
// Rotation (rotateSecretKey(), under the store's write lock; or by hand): move secret.key to secret.key.<suffix>;
// the next Secret write creates a new current key; re-write every Secret so it is encrypted with the new key
// (`kctl annotate secrets --all -A kctl.io/key-rotated-at="$(date +%s)" --overwrite`). Keep old key files:
// change-log history written before the rotation still needs them. The current key is re-read on every
// encryption, so a long-running controller follows a rotation at once.
//
// A Secret file that is plain JSON (written before encryption existed) is still read, and encrypted by its next
// write: this protects confidentiality, not integrity against someone who can already write $KCTL_HOME. A Secret
// that cannot be decrypted cannot be deleted through the store either; removing its file is the way out.
// node:crypto is imported only when a Secret is encoded or decoded: verbs that never touch a Secret do not load it.
import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KctlError } from '../util/errors.js';
import { randomHex } from '../util/ids.js';
import type { StoreCodec } from './file-store.js';
import { objectKey, type ObjectRef } from './store.js';

export const ENVELOPE_PREFIX = 'kctl:enc:v1:';
export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[0-9a-f]{16}$/;

type Crypto = typeof import('node:crypto');
let cryptoModule: Promise<Crypto> | undefined;
const loadCrypto = (): Promise<Crypto> => (cryptoModule ??= import('node:crypto'));

/** The resources this codec encrypts. */
export const isEncryptedResource = (ref: ObjectRef): boolean => ref.resource === 'secrets';

interface Key {
  id: string;
  key: Buffer;
}

const describeRef = (ref: ObjectRef): string => (ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name);

const decryptError = (ref: ObjectRef, why: string): KctlError =>
  new KctlError('Internal', `cannot decrypt secret ${describeRef(ref)}: ${why}`);

export async function keyIdOf(key: Buffer): Promise<string> {
  const { createHash } = await loadCrypto();
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** A key file's content → the key: base64 text (what kctl writes) or the 32 raw bytes. */
function parseKeyFile(path: string, data: Buffer): Buffer {
  if (data.length === KEY_BYTES) return data;
  const text = data.toString('latin1').trim();
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new KctlError('Internal', `${path} is not a kctl secret key (want ${KEY_BYTES} bytes, base64)`);
  return key;
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Reads a key file; undefined when absent. A key file another process is still writing (only on file systems
 * without hard links) reads short for a moment: retry briefly. Tightens a group/world-readable mode to 0600.
 */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  for (let attempt = 0; ; attempt++) {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
    let data = Buffer.alloc(0);
    try {
      // one descriptor for read, stat and chmod: the file may be renamed away (rotation) meanwhile
      data = await fh.readFile();
      const key = parseKeyFile(path, data);
      if (((await fh.stat()).mode & 0o077) !== 0) await fh.chmod(0o600).catch(() => undefined);
      return key;
    } catch (e) {
      if (attempt >= 50 || data.length >= 44 || !(e instanceof KctlError)) throw e;
    } finally {
      await fh.close();
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const TEMP_PREFIX = `.${SECRET_KEY_FILE}.`;

/** Temp key files a killed creator left (never used: its key was not linked into place), older than a minute. */
async function removeStaleTemps(dir: string): Promise<void> {
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    if (!n.startsWith(TEMP_PREFIX) || !n.endsWith('.tmp')) continue;
    const st = await stat(join(dir, n)).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > 60_000) await unlink(join(dir, n)).catch(() => undefined);
  }
}

/** Creates `path` holding a new random key unless it exists; returns the key that is there afterwards. */
async function createKeyFile(dir: string, path: string): Promise<Buffer> {
  const { randomBytes } = await loadCrypto();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await removeStaleTemps(dir);
  const key = randomBytes(KEY_BYTES);
  const tmp = join(dir, `${TEMP_PREFIX}${process.pid}.${randomHex(4)}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(`${key.toString('base64')}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    // link(2) never replaces: exactly one of several concurrent creators wins, and the file appears whole
    await link(tmp, path);
    await fsyncPath(dir);
    return key;
  } catch (e) {
    if (errno(e) === 'EEXIST') return (await readKeyFile(path))!;
    if (errno(e) !== 'EPERM' && errno(e) !== 'ENOTSUP' && errno(e) !== 'ENOSYS' && errno(e) !== 'EXDEV') throw e;
    // no hard links here: exclusive create (O_EXCL) and write in place; readers retry a short read
    try {
      const out = await open(path, 'wx', 0o600);
      try {
        await out.writeFile(`${key.toString('base64')}\n`);
        await out.sync();
      } finally {
        await out.close();
      }
      await fsyncPath(dir);
      return key;
    } catch (e2) {
      if (errno(e2) === 'EEXIST') return (await readKeyFile(path))!;
      throw e2;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** AES-256-GCM for Secret objects; see the module header for the format and the key files. */
export class SecretCodec implements StoreCodec {
  /** $KCTL_HOME: where the key files live */
  readonly keyDir: string;
  /** keys seen so far, by id (a key id is a hash of the key: an entry never goes stale) */
  private readonly keys = new Map<string, Buffer>();

  constructor(home: string) {
    this.keyDir = home;
  }

  get keyPath(): string {
    return join(this.keyDir, SECRET_KEY_FILE);
  }

  encode(ref: ObjectRef, plaintext: Buffer): Buffer | Promise<Buffer> {
    return isEncryptedResource(ref) ? this.encrypt(ref, plaintext) : plaintext;
  }

  decode(ref: ObjectRef, stored: Buffer): Buffer | Promise<Buffer> {
    if (!isEncryptedResource(ref)) return stored;
    if (stored.subarray(0, ENVELOPE_PREFIX.length).toString('latin1') === ENVELOPE_PREFIX) return this.decrypt(ref, stored);
    // written before encryption at rest (plain JSON): readable, and encrypted by its next write
    const first = stored.toString('latin1').trimStart()[0];
    if (first === '{') return stored;
    throw decryptError(ref, 'the stored data is not a kctl encrypted envelope (tampered with or corrupted)');
  }

  /** The current key (secret.key), created on first use. Read on every call: a rotation takes effect at once. */
  async currentKey(): Promise<Key> {
    const key = (await readKeyFile(this.keyPath)) ?? (await createKeyFile(this.keyDir, this.keyPath));
    const id = await keyIdOf(key);
    this.keys.set(id, key);
    return { id, key };
  }

  private async encrypt(ref: ObjectRef, plaintext: Buffer): Promise<Buffer> {
    const { createCipheriv, randomBytes } = await loadCrypto();
    const { id, key } = await this.currentKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(id, ref));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const payload = Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
    return Buffer.from(`${ENVELOPE_PREFIX}${id}:${payload}\n`, 'latin1');
  }

  private async decrypt(ref: ObjectRef, stored: Buffer): Promise<Buffer> {
    const text = stored.toString('latin1').trimEnd();
    const rest = text.slice(ENVELOPE_PREFIX.length);
    const colon = rest.indexOf(':');
    const id = colon < 0 ? '' : rest.slice(0, colon);
    const b64 = colon < 0 ? '' : rest.slice(colon + 1);
    if (!KEY_ID.test(id) || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
      throw decryptError(ref, 'the stored envelope is malformed (tampered with or corrupted)');
    const payload = Buffer.from(b64, 'base64');
    if (payload.length < IV_BYTES + TAG_BYTES) throw decryptError(ref, 'the stored envelope is truncated (tampered with or corrupted)');
    const key = await this.keyById(id);
    if (!key)
      throw decryptError(
        ref,
        `its encryption key ${id} is not in ${this.keyPath} nor in any ${this.keyPath}.* file (a rotated key was removed?)`,
      );
    const { createDecipheriv } = await loadCrypto();
    const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(id, ref));
    decipher.setAuthTag(payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(payload.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw decryptError(ref, 'authentication failed: the stored data was tampered with, corrupted, or belongs to another object');
    }
  }

  /** The key with this id: cached, or secret.key, or secret.key.<id>, or any other secret.key.* file. */
  private async keyById(id: string): Promise<Buffer | undefined> {
    const cached = this.keys.get(id);
    if (cached) return cached;
    const candidates = [this.keyPath, `${this.keyPath}.${id}`];
    try {
      for (const n of (await readdir(this.keyDir)).sort())
        if (n.startsWith(`${SECRET_KEY_FILE}.`) && !candidates.includes(join(this.keyDir, n))) candidates.push(join(this.keyDir, n));
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    for (const path of candidates) {
      let key: Buffer | undefined;
      try {
        key = await readKeyFile(path);
      } catch {
        continue; // not a key file: skip it
      }
      if (!key) continue;
      const kid = await keyIdOf(key);
      this.keys.set(kid, key);
      if (kid === id) return key;
    }
    return undefined;
  }
}

const aad = (id: string, ref: ObjectRef): Buffer => Buffer.from(`${ENVELOPE_PREFIX}${id}:${objectKey(ref)}`, 'utf8');

/**
 * Rotates the Secret encryption key of the store in home: the current key (if any) moves to
 * `secret.key.<keyid>` and a new one becomes current. Returns both ids. Existing Secrets stay readable; re-write
 * them to encrypt them with the new key. Runs under the store's write lock, as every Secret write (and so every
 * first-use key creation) does: rotations never race each other or a write.
 */
export async function rotateSecretKey(home: string): Promise<{ previous?: string; current: string }> {
  const { FileLock } = await import('./file-lock.js');
  const root = join(home, 'store');
  await mkdir(root, { recursive: true, mode: 0o700 });
  return new FileLock(root).withLock(async () => {
    const path = join(home, SECRET_KEY_FILE);
    let previous: string | undefined;
    const old = await readKeyFile(path);
    if (old) {
      previous = await keyIdOf(old);
      await rename(path, `${path}.${previous}`);
      await fsyncPath(home);
    }
    const key = await createKeyFile(home, path);
    return { previous, current: await keyIdOf(key) };
  });
}
