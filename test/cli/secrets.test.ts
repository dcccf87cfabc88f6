// Secrets through the built kctl, as a user runs it: encrypted at rest (grep of the whole $KCTL_HOME finds
// neither a value nor its base64), readable as kubectl shows them, never echoed in errors; tampering, key
// rotation and concurrent first use.
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';
import { CERT, KEY } from '../unit/cli-create/tls-fixtures.js';

const t = tempHome('kctl-secrets-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const PASSWORD = 'correct-horse-battery-staple-42';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Every file under dir, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** The needle and its base64 at each of the 3 byte alignments (what base64 of any enclosing text would hold). */
function forms(needle: string): string[] {
  const out = [needle];
  for (let i = 0; i < 3; i++) out.push(Buffer.from('xxx'.slice(0, i) + needle).toString('base64').slice(i === 0 ? 0 : 4, -4));
  return out;
}

/** grep -r of $KCTL_HOME for a value and its base64 (both forms each). */
function grepHome(value: string): string[] {
  const needles = [...forms(value), ...forms(b64(value))];
  return files(k.home).filter((f) => {
    const data = readFileSync(f);
    return needles.some((n) => data.includes(n));
  });
}

const secretFile = (name: string, ns = 'default'): string => join(k.home, 'store', 'core', 'secrets', ns, `${name}.json`);
const keyIdOfFile = (path: string): string => readFileSync(path, 'latin1').split(':')[3]!;

describe('Secrets at rest', () => {
  it('create secret generic: nothing under $KCTL_HOME holds the value or its base64', () => {
    const r = k.run(['create', 'secret', 'generic', 'db', `--from-literal=password=${PASSWORD}`, '--from-literal=user=admin']);
    expect(r).toMatchObject({ code: 0, stdout: 'secret/db created\n', stderr: '' });
    expect(grepHome(PASSWORD)).toEqual([]);
    // the grep works: a ConfigMap's value (not encrypted) is found, in its file and in the change log
    k.run(['create', 'configmap', 'plain', '--from-literal=v=visible-config-value-777']);
    expect(grepHome('visible-config-value-777').map((f) => f.slice(k.home.length + 1)).sort()).toEqual([
      'store/changes.log',
      'store/core/configmaps/default/plain.json',
    ]);
    expect(readFileSync(secretFile('db'), 'latin1')).toMatch(/^kctl:enc:v1:[0-9a-f]{16}:/);
  });

  it('the key is $KCTL_HOME/secret.key, mode 0600, in a 0700 home', () => {
    expect(statSync(join(k.home, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(statSync(k.home).mode & 0o777).toBe(0o700);
    expect(statSync(secretFile('db')).mode & 0o777).toBe(0o600);
  });

  it('get shows base64 data as kubectl does; describe shows sizes only', () => {
    expect(k.run(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']).stdout).toBe(b64(PASSWORD));
    const yaml = k.run(['get', 'secret', 'db', '-o', 'yaml']).stdout;
    expect(yaml).toContain(`  password: ${b64(PASSWORD)}\n`);
    expect(yaml).toContain('type: Opaque\n');
    expect(yaml).not.toContain(PASSWORD);
    const d = k.run(['describe', 'secret', 'db']);
    expect(d.stdout).toMatch(new RegExp(`password:\\s+${PASSWORD.length} bytes`));
    expect(d.stdout).not.toContain(PASSWORD);
    expect(d.stdout).not.toContain(b64(PASSWORD));
  });

  it('every generator and apply -f keep their values off the disk', () => {
    writeFileSync(join(t.home, 'tls.crt'), CERT);
    writeFileSync(join(t.home, 'tls.key'), KEY);
    writeFileSync(join(t.home, 'token.txt'), 'file-token-0123456789');
    writeFileSync(join(t.home, 'creds.env'), 'API_KEY=env-api-key-9876543210\n');
    const runs = [
      ['create', 'secret', 'tls', 'web-tls', '--cert=tls.crt', '--key=tls.key'],
      ['create', 'secret', 'generic', 'from-file', '--from-file=token.txt'],
      ['create', 'secret', 'generic', 'from-env', '--from-env-file=creds.env'],
      ['create', 'secret', 'docker-registry', 'reg', '--docker-username=bot', '--docker-password=registry-pass-555', '--docker-server=r.local'],
    ];
    for (const args of runs) expect(k.run(args), args.join(' ')).toMatchObject({ code: 0, stderr: '' });
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata: {name: applied}\ndata:\n  token: ${b64('applied-token-1122')}\n`;
    expect(k.run(['apply', '-f', '-'], { input: manifest })).toMatchObject({ code: 0, stdout: 'secret/applied created\n' });
    const keyBody = KEY.split('\n')[1]!; // a line of the private key's base64
    for (const v of ['file-token-0123456789', 'env-api-key-9876543210', 'registry-pass-555', 'applied-token-1122', keyBody])
      expect(grepHome(v), v).toEqual([]);
    // the values come back
    expect(k.run(['get', 'secret', 'web-tls', '-o', 'jsonpath={.data.tls\\.key}']).stdout).toBe(b64(KEY));
    expect(k.run(['get', 'secret', 'from-env', '-o', 'jsonpath={.data.API_KEY}']).stdout).toBe(b64('env-api-key-9876543210'));
  });

  it('an invalid Secret never echoes its value in the error', () => {
    const manifest = 'apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ndata:\n  password: not*base64*TOPSECRET\n';
    const r = k.run(['apply', '-f', '-'], { input: manifest });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('data[password]');
    expect(r.stderr).toContain('illegal base64 data at input byte 3');
    expect(r.stderr).not.toContain('TOPSECRET');
  });

  it.each([
    ['data: {password: 987654321}', 'data[password]: Invalid value: "<redacted>": data[password] in body must be of type string: "integer"', '987654321'],
    ['stringData: {password: [TOPSECRET]}', 'stringData[password]: Invalid value: "<redacted>": stringData[password] in body must be of type string: "array"', 'TOPSECRET'],
  ])('a Secret value of the wrong type is not echoed either (%s)', (body, want, value) => {
    const r = k.run(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: Secret\nmetadata: {name: typed}\n${body}\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(want);
    expect(r.stderr).not.toContain(value);
  });

  it('a tampered Secret file gives an error naming the object, never plaintext or a stack; other kinds still work', () => {
    k.run(['create', 'secret', 'generic', 'victim', '--from-literal=password=victim-value-31337']);
    const path = secretFile('victim');
    const raw = readFileSync(path, 'latin1');
    const i = raw.length - 10;
    writeFileSync(path, raw.slice(0, i) + (raw[i] === 'A' ? 'B' : 'A') + raw.slice(i + 1), 'latin1');
    chmodSync(path, 0o600);
    for (const args of [
      ['get', 'secret', 'victim'],
      ['get', 'secrets'],
    ]) {
      const r = k.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^error: cannot decrypt secret default\/victim: authentication failed/);
      expect(r.stderr).not.toMatch(/victim-value|\n\s+at /);
    }
    expect(k.run(['get', 'configmap', 'plain', '-o', 'name']).stdout).toBe('configmap/plain\n');
    // the store cannot read it, so it cannot delete it either; the documented way out is to remove the file
    const del = k.run(['delete', 'secret', 'victim']);
    expect(del.code).toBe(1);
    expect(del.stderr).toMatch(/^error: cannot decrypt secret default\/victim/);
    rmSync(path);
    expect(k.run(['get', 'secret', 'victim']).stderr).toBe('Error from server (NotFound): secrets "victim" not found\n');
    expect(k.run(['get', 'secrets', '-o', 'name']).code).toBe(0);
  });

  it('rotation: move the key aside, re-write every Secret, all encrypted with the new key and still readable', () => {
    const before = keyIdOfFile(secretFile('db'));
    renameSync(join(k.home, 'secret.key'), join(k.home, 'secret.key.old'));
    const r = k.run(['annotate', 'secrets', '--all', '-A', 'kctl.io/key-rotated-at=1', '--overwrite']);
    expect(r.code, r.stderr).toBe(0);
    const secrets = readdirSync(join(k.home, 'store', 'core', 'secrets', 'default')).filter((f) => f.endsWith('.json'));
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const ids = new Set(secrets.map((f) => keyIdOfFile(join(k.home, 'store', 'core', 'secrets', 'default', f))));
    expect(ids.size).toBe(1);
    expect(ids.has(before)).toBe(false);
    expect(statSync(join(k.home, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(k.run(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']).stdout).toBe(b64(PASSWORD));
    expect(grepHome(PASSWORD)).toEqual([]);
  });
});

describe('first use by concurrent processes', () => {
  it('racing `kctl create secret` processes agree on one key', async () => {
    const t2 = tempHome('kctl-secrets-race-');
    try {
      const k2 = makeKctl(t2.home);
      const runs = await Promise.all(
        Array.from({ length: 6 }, (_, i) => k2.runAsync(['create', 'secret', 'generic', `s${i}`, `--from-literal=v=race-value-${i}`])),
      );
      for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
      expect(readdirSync(k2.home).filter((n) => n.includes('secret.key'))).toEqual(['secret.key']);
      for (let i = 0; i < 6; i++)
        expect(k2.run(['get', 'secret', `s${i}`, '-o', 'jsonpath={.data.v}']).stdout).toBe(b64(`race-value-${i}`));
    } finally {
      t2.dispose();
    }
  }, 60_000);
});
