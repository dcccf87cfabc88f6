// $KCTL_HOME/kubeconfig and `kctl kubeconfig [--path|--merge|--remove]`: kctl's context goes into a user's
// kubeconfig next to the others, and out again, as kind does it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigYaml, mergeKubeconfig, removeFromKubeconfig, writeKubeconfig } from '../../../src/apiserver/kubeconfig.js';
import { harness, kctl } from '../../helpers/cli-harness.js';

const fakePki = { ca: { cert: 'CA', key: 'k' }, admin: { cert: 'CERT', key: 'KEY' } };
const other = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }],
  users: [{ name: 'me', user: { token: 't' } }],
  contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'me' } }],
  'current-context': 'prod',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kctl-kubeconfig-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubeconfig', () => {
  it('names cluster kctl, user kctl-admin, context kctl, with the CA and the client certificate', () => {
    const doc = parse(kubeconfigYaml('https://127.0.0.1:6443', fakePki));
    expect(doc).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      'current-context': 'kctl',
      clusters: [{ name: 'kctl', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64') } }],
      users: [{ name: 'kctl-admin', user: { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') } }],
      contexts: [{ name: 'kctl', context: { cluster: 'kctl', user: 'kctl-admin' } }],
    });
  });

  it('merges next to other contexts (replacing an older kctl entry) and removes only its own', () => {
    const ours = parse(kubeconfigYaml('https://127.0.0.1:6443', fakePki));
    const stale = mergeKubeconfig(other, parse(kubeconfigYaml('https://127.0.0.1:1111', fakePki)));
    const merged = mergeKubeconfig(stale, ours);
    expect((merged.clusters as { name: string }[]).map((c) => c.name)).toEqual(['prod', 'kctl']);
    expect((merged.clusters as { cluster: { server: string } }[])[1]!.cluster.server).toBe('https://127.0.0.1:6443');
    expect(merged['current-context']).toBe('kctl');
    const { doc, removed } = removeFromKubeconfig(merged);
    expect(removed).toBe(true);
    expect(doc).toEqual({ ...other, 'current-context': '', preferences: {} });
    expect(removeFromKubeconfig(other).removed).toBe(false);
  });

  it('kctl kubeconfig --merge / --remove / --path', async () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    await writeKubeconfig(home, 'https://127.0.0.1:6443', fakePki);
    expect(statSync(join(home, 'kubeconfig')).mode & 0o777).toBe(0o600);
    const user = join(dir, 'user-config');
    writeFileSync(user, JSON.stringify(other));
    const h = harness();
    const env = { KCTL_HOME: home, HOME: dir };
    expect(await kctl(h, ['kubeconfig', '--path'], { env })).toEqual({ code: 0, stdout: `${join(home, 'kubeconfig')}\n`, stderr: '' });
    expect((await kctl(h, ['kubeconfig'], { env })).stdout).toBe(readFileSync(join(home, 'kubeconfig'), 'utf8'));
    const m = await kctl(h, ['kubeconfig', '--merge'], { env: { ...env, KUBECONFIG: user } });
    expect(m).toEqual({ code: 0, stdout: `Set kubectl context to "kctl" in ${user}\n`, stderr: '' });
    const merged = parse(readFileSync(user, 'utf8'));
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(['prod', 'kctl']);
    expect(statSync(user).mode & 0o777).toBe(0o600);
    const r = await kctl(h, ['kubeconfig', '--remove', '--kubeconfig', user], { env });
    expect(r.stdout).toBe(`Removed context "kctl" from ${user}\n`);
    expect(parse(readFileSync(user, 'utf8')).contexts.map((c: { name: string }) => c.name)).toEqual(['prod']);
    // default target: ~/.kube/config
    expect((await kctl(h, ['kubeconfig', '--merge'], { env })).stdout).toBe(`Set kubectl context to "kctl" in ${join(dir, '.kube', 'config')}\n`);
  });
});
