// `kctl get` of the 1.32 kinds prints the columns the API server's table convertors return (printers.go), with
// kubectl's headers, for the objects of test/fixtures/manifests/kinds-1.32.yaml.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnsFor } from '../../../src/printers/columns.js';
import { formatHPAMetrics } from '../../../src/printers/columns-kinds.js';
import { kctl, setup } from '../cli-create/harness.js';

const fixture = fileURLToPath(new URL('../../fixtures/manifests/kinds-1.32.yaml', import.meta.url));
const env = setup();
beforeAll(async () => {
  expect((await kctl(env, ['apply', '-f', fixture])).code).toBe(0);
  env.clock.advance(90_000);
});

/** Rows of a `kctl get` table, split on kubectl's column gaps (every cell here is non-empty). */
async function table(...args: string[]): Promise<string[][]> {
  const r = await kctl(env, ['get', ...args]);
  expect(r.stderr).toBe('');
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/\s{3,}/));
}

describe('get columns of the 1.32 kinds', () => {
  it.each([
    [['ing'], ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']],
    [['ingressclass'], ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']],
    [['netpol'], ['NAME', 'POD-SELECTOR', 'AGE']],
    [['pdb'], ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']],
    [['hpa'], ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']],
    [['rc', '-o', 'wide'], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
    [['podtemplates'], ['NAME', 'CONTAINERS', 'IMAGES', 'POD LABELS']],
    [['quota'], ['NAME', 'AGE', 'REQUEST', 'LIMIT']],
    [['limits'], ['NAME', 'CREATED AT']],
    [['roles'], ['NAME', 'CREATED AT']],
    [['clusterroles'], ['NAME', 'CREATED AT']],
    [['crd'], ['NAME', 'CREATED AT']],
    [['rolebindings', '-o', 'wide'], ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']],
    [['clusterrolebindings'], ['NAME', 'ROLE', 'AGE']],
    [['pc'], ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']],
    [['runtimeclasses'], ['NAME', 'HANDLER', 'AGE']],
    [['leases'], ['NAME', 'HOLDER', 'AGE']],
    [['csr'], ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']],
    [['mutatingwebhookconfigurations'], ['NAME', 'WEBHOOKS', 'AGE']],
    [['validatingadmissionpolicies'], ['NAME', 'VALIDATIONS', 'PARAMKIND', 'AGE']],
    [['validatingadmissionpolicybindings'], ['NAME', 'POLICYNAME', 'PARAMREF', 'AGE']],
    [['apiservices'], ['NAME', 'SERVICE', 'AVAILABLE', 'AGE']],
    [['flowschemas'], ['NAME', 'PRIORITYLEVEL', 'MATCHINGPRECEDENCE', 'DISTINGUISHERMETHOD', 'AGE', 'MISSINGPL']],
    [['prioritylevelconfigurations'], ['NAME', 'TYPE', 'NOMINALCONCURRENCYSHARES', 'QUEUES', 'HANDSIZE', 'QUEUELENGTHLIMIT', 'AGE']],
    [['csidrivers'], ['NAME', 'ATTACHREQUIRED', 'PODINFOONMOUNT', 'STORAGECAPACITY', 'TOKENREQUESTS', 'REQUIRESREPUBLISH', 'MODES', 'AGE']],
    [['csinodes'], ['NAME', 'DRIVERS', 'AGE']],
    [['csistoragecapacities'], ['NAME', 'STORAGECLASSNAME', 'CAPACITY']],
    [['volumeattachments'], ['NAME', 'ATTACHER', 'PV', 'NODE', 'ATTACHED', 'AGE']],
  ])('get %j has kubectl\'s header', async (args, header) => {
    const r = await kctl(env, ['get', ...args]);
    expect(r.stdout.split('\n')[0]!.trim().split(/\s{2,}/)).toEqual(header);
  });

  it('fills the cells as the API server does', async () => {
    expect((await table('ing'))[1]).toEqual(['web', 'nginx', 'web.example.com', '80', '90s']);
    expect((await table('ingressclass'))[1]).toEqual(['nginx', 'k8s.io/ingress-nginx', '<none>', '90s']);
    expect((await table('netpol'))[1]).toEqual(['deny-all', '<none>', '90s']);
    expect((await table('pdb'))[1]).toEqual(['web', '1', 'N/A', '0', '90s']);
    expect((await table('hpa'))[1]).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', '5', '0', '90s']);
    expect((await table('rc', '-o', 'wide'))[1]).toEqual(['rc', '2', '0', '0', '90s', 'c', 'busybox', 'app=rc']);
    expect((await table('podtemplates'))[1]).toEqual(['tmpl', 'c', 'busybox', 'app=tmpl']);
    expect((await table('limits'))[1]).toEqual(['limits', '2026-01-01T00:00:00Z']);
    expect((await table('rolebindings', '-o', 'wide'))[1]).toEqual(['editor', 'Role/editor', '90s', 'devs', 'default/default']);
    expect((await table('clusterrolebindings', '-o', 'wide'))[1]).toEqual(['reader', 'ClusterRole/reader', '90s', 'alice']);
    expect((await table('pc'))[1]).toEqual(['high', '1000000', 'false', '90s', 'PreemptLowerPriority']);
    expect((await table('runtimeclasses'))[1]).toEqual(['gvisor', 'runsc', '90s']);
    expect((await table('leases'))[1]).toEqual(['leader', 'node-a', '90s']);
    expect((await table('csr'))[1]).toEqual(['alice', '90s', 'kubernetes.io/kube-apiserver-client', '<none>', 'Pending']);
    expect((await table('apiservices'))[1]).toEqual(['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'Unknown', '90s']);
    expect((await table('flowschemas'))[1]).toEqual(['batch-jobs', 'batch', '1000', '<none>', '90s', '?']);
    expect((await table('prioritylevelconfigurations'))[1]).toEqual(['batch', 'Limited', '10', '<none>', '<none>', '<none>', '90s']);
    expect((await table('csidrivers'))[1]).toEqual(['hostpath.csi.k8s.io', 'false', 'true', 'false', '<unset>', 'false', 'Persistent', '90s']);
    expect((await table('csistoragecapacities'))[1]).toEqual(['capacity-a', 'standard', '10Gi']);
    expect((await table('volumeattachments'))[1]).toEqual(['attach-a', 'hostpath.csi.k8s.io', 'pv-a', 'node-a', 'false', '90s']);
    expect((await table('validatingadmissionpolicies'))[1]).toEqual(['replicas-limit', '1', '<unset>', '90s']);
  });

  it('get all lists the 1.32 kinds of category all once each, in discovery order', async () => {
    const r = await kctl(env, ['get', 'all']);
    const names = r.stdout.split('\n').filter((l) => /^\S+\//.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['replicationcontroller/rc', 'horizontalpodautoscaler.autoscaling/web']);
  });

  it('quota cells come from status (used/hard), requests and limits apart', () => {
    const [, , req, lim] = columnsFor('ResourceQuota');
    const q = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q' },
      status: { hard: { 'limits.cpu': '2', pods: '10', 'requests.memory': '1Gi' }, used: { pods: '3' } },
    } as never;
    expect(req!.get(q, { now: new Date() })).toBe('pods: 3/10, requests.memory: 0/1Gi');
    expect(lim!.get(q, { now: new Date() })).toBe('limits.cpu: 0/2');
  });

  it('formats HPA targets as kubectl 1.32 (name: current/target, two at most)', () => {
    const metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ];
    const current = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12, averageValue: '60m' } } }];
    expect(formatHPAMetrics(metrics, current)).toBe('cpu: 12%/50%, memory: <unknown>/500Mi + 1 more...');
    expect(formatHPAMetrics([], [])).toBe('<none>');
    expect(formatHPAMetrics([{ type: 'External', external: { metric: { name: 'q' }, target: { type: 'AverageValue', averageValue: '30' } } }], [])).toBe('<unknown>/30 (avg)');
  });
});
