// Kinds kctl stores without enforcing say so once per apply, in kubectl's warning format; removed API versions
// are refused with kubectl's wording and a hint naming the version to use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../../src/api/kinds.js';
import { NOT_ENFORCED, removedVersionHint } from '../../../src/api/kind-support.js';
import { kctl, setup } from '../cli-create/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'kctl-kind-support-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

const NETPOL = (name: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}}\nspec: {podSelector: {}}\n`;

describe('kinds stored but not enforced', () => {
  it('warn once per kind on apply and create, in kubectl\'s warning format', async () => {
    const env = setup();
    const f = write('np.yaml', [NETPOL('a'), NETPOL('b'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {maxUnavailable: 1}\n'].join('---\n'));
    const r = await kctl(env, ['apply', '-f', f], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'Warning: networking.k8s.io/v1 NetworkPolicy is stored but not enforced by kctl\n' +
        'Warning: policy/v1 PodDisruptionBudget is stored but not enforced by kctl\n',
    );
    expect(r.stdout).toBe('networkpolicy.networking.k8s.io/a created\nnetworkpolicy.networking.k8s.io/b created\nconfigmap/c created\npoddisruptionbudget.policy/p created\n');
    const c = await kctl(env, ['create', '-f', write('np2.yaml', NETPOL('z'))], { cwd: dir });
    expect(c.stderr).toBe('Warning: networking.k8s.io/v1 NetworkPolicy is stored but not enforced by kctl\n');
  });

  it('kinds kctl runs, and pure data kinds, apply silently', async () => {
    const env = setup();
    const r = await kctl(env, ['apply', '-f', write('lease.yaml', 'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l}\n')], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('the not-enforced set names only kinds kctl knows', () => {
    const known = new Set(KINDS.map((k) => `${k.group ? `${k.group}/` : ''}${k.version} ${k.kind}`));
    expect([...NOT_ENFORCED].filter((k) => !known.has(k))).toEqual([]);
  });
});

describe('removed API versions', () => {
  it('are refused with kubectl\'s error and a hint naming the version to use', async () => {
    const env = setup();
    const f = write('cj.yaml', 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: nightly}\nspec: {}\n');
    const r = await kctl(env, ['apply', '-f', f], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: cj.yaml:1:1: resource mapping not found for name: "nightly" namespace: "" from "cj.yaml": no matches for kind "CronJob" in version "batch/v1beta1"\n' +
        'ensure CRDs are installed first\n' +
        'hint: batch/v1beta1 CronJob is no longer served since Kubernetes v1.25: use apiVersion: batch/v1\n',
    );
  });

  it.each([
    ['extensions/v1beta1', 'Ingress', 'extensions/v1beta1 Ingress is no longer served since Kubernetes v1.16: use apiVersion: networking.k8s.io/v1'],
    ['policy/v1beta1', 'PodDisruptionBudget', 'policy/v1beta1 PodDisruptionBudget is no longer served since Kubernetes v1.25: use apiVersion: policy/v1'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'autoscaling/v2beta2 HorizontalPodAutoscaler is no longer served since Kubernetes v1.26: use apiVersion: autoscaling/v2'],
    ['policy/v1beta1', 'PodSecurityPolicy', 'policy/v1beta1 PodSecurityPolicy is no longer served since Kubernetes v1.25, with no replacement'],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is no longer served since Kubernetes v1.32: use apiVersion: flowcontrol.apiserver.k8s.io/v1'],
  ])('%s %s', (apiVersion, kind, hint) => {
    expect(removedVersionHint(apiVersion, kind)).toBe(hint);
  });

  it('give no hint for versions that never existed or kinds served in that version', () => {
    expect(removedVersionHint('example.com/v1', 'Widget')).toBeUndefined();
    expect(removedVersionHint('batch/v1', 'CronJob')).toBeUndefined();
    expect(removedVersionHint('batch/v1beta1', 'Job')).toBeUndefined();
  });
});
