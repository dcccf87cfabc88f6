// The real kubectl (v1.32, offline: --dry-run=client needs no server) as the oracle for `kctl create <generator>`:
// the same arguments must print the same bytes (stdout, stderr, exit code), kubectl's name aside.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kctl, setup } from './harness.js';
import { CERT, ED25519_KEY, KEY, OTHER_EC_KEY } from './tls-fixtures.js';

let dir: string;
const ENV = { FROM_ENV: 'from the environment' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kctl-create-oracle-'));
  mkdirSync(join(dir, 'conf/sub'), { recursive: true });
  writeFileSync(join(dir, 'conf/app.properties'), 'color=blue\nsize: 3\n');
  writeFileSync(join(dir, 'conf/logo.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
  writeFileSync(join(dir, 'conf/sub/ignored'), 'x');
  symlinkSync('app.properties', join(dir, 'conf/link'));
  writeFileSync(join(dir, 'app.env'), '\ufeff# settings\nA=1\r\n  B = not a key\n'.replace('  B = not a key\n', '  B=two words  \n\nFROM_ENV\nEMPTY=\n'));
  writeFileSync(join(dir, 'more.env'), 'C=<&>\n');
  writeFileSync(join(dir, 'bad.env'), 'OK=1\n9lives=x\n');
  writeFileSync(join(dir, 'tls.crt'), CERT);
  writeFileSync(join(dir, 'tls.key'), KEY);
  writeFileSync(join(dir, 'other.key'), OTHER_EC_KEY);
  writeFileSync(join(dir, 'ed.key'), ED25519_KEY);
  writeFileSync(join(dir, 'docker.json'), '{"auths":{}}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubectl(args: string[]): { code: number; stdout: string; stderr: string } {
  // kubectl must exist where this project is tested: a missing one fails, it is not skipped
  const r = spawnSync('kubectl', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...ENV, KUBECONFIG: '/dev/null' } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const D = ['--dry-run=client', '-o', 'yaml'];

const CASES: [string, string[]][] = [
  // configmap
  ['configmap from literals', ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=two words', '--from-literal=c=', ...D]],
  ['configmap alias cm, -n', ['create', 'cm', 'cfg', '-n', 'team', '--from-literal=x=true', ...D]],
  ['configmap from a directory (regular files only, binary → binaryData)', ['create', 'configmap', 'cfg', '--from-file=conf', ...D]],
  ['configmap from files with keys, comma-separated', ['create', 'configmap', 'cfg', '--from-file=props=conf/app.properties,conf/logo.bin', ...D]],
  ['configmap from env files', ['create', 'configmap', 'cfg', '--from-env-file=app.env', '--from-env-file=more.env', ...D]],
  ['configmap --append-hash', ['create', 'configmap', 'cfg', '--from-file=conf', '--append-hash', ...D]],
  ['configmap --save-config', ['create', 'configmap', 'cfg', '--from-literal=a=1', '--save-config', ...D]],
  ['configmap -o json (struct field order)', ['create', 'configmap', 'cfg', '--from-literal=b=2', '--from-literal=a=<1>', '--dry-run=client', '-o', 'json']],
  ['configmap -o name', ['create', 'configmap', 'cfg', '--dry-run=client', '-o', 'name']],
  ['configmap without -o', ['create', 'configmap', 'cfg', '--dry-run=client']],
  ['configmap -o jsonpath', ['create', 'configmap', 'cfg', '--from-literal=a=1', '--dry-run=client', '-o', 'jsonpath={.data.a}']],
  ['configmap: invalid key', ['create', 'configmap', 'cfg', '--from-literal=a b=1', ...D]],
  ['configmap: duplicate key', ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=a=2', ...D]],
  ['configmap: duplicate key across file and literal', ['create', 'configmap', 'cfg', '--from-file=a=conf/app.properties', '--from-literal=a=2', ...D]],
  ['configmap: no name', ['create', 'configmap', ...D]],
  ['configmap: two names', ['create', 'configmap', 'a', 'b', ...D]],
  ['configmap: literal without =', ['create', 'configmap', 'cfg', '--from-literal=novalue', ...D]],
  ['configmap: missing file', ['create', 'configmap', 'cfg', '--from-file=nope.txt', ...D]],
  ['configmap: key for a directory', ['create', 'configmap', 'cfg', '--from-file=k=conf', ...D]],
  ['configmap: file source without a key', ['create', 'configmap', 'cfg', '--from-file==conf/app.properties', ...D]],
  ['configmap: env file with literal', ['create', 'configmap', 'cfg', '--from-env-file=app.env', '--from-literal=a=1', ...D]],
  ['configmap: env file is a directory', ['create', 'configmap', 'cfg', '--from-env-file=conf', ...D]],
  ['configmap: bad env key', ['create', 'configmap', 'cfg', '--from-env-file=bad.env', ...D]],
  // secret generic
  ['secret generic', ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=password=s3cr3t!', ...D]],
  ['secret generic --type, files, -o json', ['create', 'secret', 'generic', 'creds', '--type=kubernetes.io/basic-auth', '--from-file=conf', '--dry-run=client', '-o', 'json']],
  ['secret generic from env files, -n', ['create', 'secret', 'generic', 'creds', '-n', 'team', '--from-env-file=app.env', ...D]],
  ['secret generic --append-hash', ['create', 'secret', 'generic', 'creds', '--from-literal=a=1', '--append-hash', ...D]],
  ['secret generic: duplicate key', ['create', 'secret', 'generic', 'creds', '--from-literal=a=1', '--from-file=a=conf/app.properties', ...D]],
  ['secret generic: invalid key', ['create', 'secret', 'generic', 'creds', '--from-literal=a b=1', ...D]],
  ['secret generic: env file is a directory', ['create', 'secret', 'generic', 'creds', '--from-env-file=conf', ...D]],
  ['secret generic: no name', ['create', 'secret', 'generic', ...D]],
  // secret tls
  ['secret tls', ['create', 'secret', 'tls', 'web-tls', '--cert=tls.crt', '--key=tls.key', ...D]],
  ['secret tls: key of another pair', ['create', 'secret', 'tls', 'web-tls', '--cert=tls.crt', '--key=other.key', ...D]],
  ['secret tls: key of another type', ['create', 'secret', 'tls', 'web-tls', '--cert=tls.crt', '--key=ed.key', ...D]],
  ['secret tls: switched inputs', ['create', 'secret', 'tls', 'web-tls', '--cert=tls.key', '--key=tls.crt', ...D]],
  ['secret tls: not PEM', ['create', 'secret', 'tls', 'web-tls', '--cert=app.env', '--key=tls.key', ...D]],
  ['secret tls: missing --cert', ['create', 'secret', 'tls', 'web-tls', '--key=tls.key', ...D]],
  ['secret tls: unreadable file', ['create', 'secret', 'tls', 'web-tls', '--cert=nope.crt', '--key=tls.key', ...D]],
  // secret docker-registry
  ['docker-registry', ['create', 'secret', 'docker-registry', 'reg', '--docker-server=registry.local:5000', '--docker-username=bot', '--docker-password=p<a>ss', '--docker-email=bot@example.com', ...D]],
  ['docker-registry default server', ['create', 'secret', 'docker-registry', 'reg', '--docker-username=bot', '--docker-password=pw', ...D]],
  ['docker-registry --from-file', ['create', 'secret', 'docker-registry', 'reg', '--from-file=.dockerconfigjson=docker.json', ...D]],
  ['docker-registry: missing password', ['create', 'secret', 'docker-registry', 'reg', '--docker-username=bot', ...D]],
  // namespace
  ['namespace', ['create', 'namespace', 'team-a', ...D]],
  ['namespace alias ns, -o json, --save-config', ['create', 'ns', 'n', '--save-config', '--dry-run=client', '-o', 'json']],
  ['namespace: no name', ['create', 'namespace', ...D]],
  // deployment
  ['deployment', ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80', ...D]],
  ['deployment -o json, -n', ['create', 'deployment', 'web', '--image=nginx:1.27', '-n', 'team', '--dry-run=client', '-o', 'json']],
  ['deployment alias, two images', ['create', 'deploy', 'web', '--image=nginx', '--image=registry.io:5000/x/side@sha256:abc', ...D]],
  ['deployment with a command after --', ['create', 'deployment', 'job', '--image=busybox', '-r', '2', ...D, '--', 'sh', '-c', 'sleep 3600']],
  ['deployment: two images and a command', ['create', 'deployment', 'web', '--image=a', '--image=b', ...D, '--', 'sleep', '1']],
  ['deployment: two names before --', ['create', 'deployment', 'a', 'b', '--image=x', ...D, '--', 'sleep']],
  ['deployment: no name before --', ['create', 'deployment', '--image=x', ...D, '--', 'sleep']],
  // the verbs around them
  ['create secret foo', ['create', 'secret', 'foo']],
  ['create foo', ['create', 'foo']],
];

describe('kctl create <generator> prints what kubectl prints', () => {
  it.each(CASES)('%s', async (_what, args) => {
    const want = kubectl(args);
    const got = await kctl(setup(), args, { cwd: dir, env: ENV });
    const name = (s: string): string => s.replace(/See 'kubectl /g, "See 'kctl ");
    expect({ ...got, stderr: got.stderr }).toEqual({ ...want, stderr: name(want.stderr) });
    expect(got.code === 0 ? got.stdout.length : got.stderr.length).toBeGreaterThan(0);
  });
});
