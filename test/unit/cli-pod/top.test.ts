// kctl top pod|node in process: the engine's stats (FakeRuntime.setStats) printed as kubectl's metrics printer.
// kubectl's cells are all tab-terminated, so every line carries the last column's padding (trailing spaces).
import { beforeEach, describe, expect, it } from 'vitest';
import { IMAGE, NODE, createPod, kctl, runPod, setup, type Env } from './harness.js';
import { renderPodMetrics } from '../../../src/cli/commands/top.js';

let env: Env;
const Mi = 1024 * 1024;
beforeEach(() => {
  env = setup();
});

const TWO = [
  { name: 'web', image: IMAGE, command: ['httpd'] },
  { name: 'side', image: IMAGE, command: ['httpd'] },
];

async function pods(): Promise<void> {
  const web = await runPod(env, { name: 'web', labels: { app: 'web' }, containers: TWO });
  env.runtime.setStats(web.ids.web!, { cpuMillicores: 4, memoryBytes: 8 * Mi + 512 * 1024 });
  env.runtime.setStats(web.ids.side!, { cpuMillicores: 1, memoryBytes: 2 * Mi });
  const db = await runPod(env, { name: 'db', labels: { app: 'db' } });
  env.runtime.setStats(db.ids.web!, { cpuMillicores: 120, memoryBytes: 300 * Mi });
  const other = await runPod(env, { name: 'batch', namespace: 'kube-system' });
  env.runtime.setStats(other.ids.web!, { cpuMillicores: 7, memoryBytes: 1 * Mi });
}

describe('kctl top pod', () => {
  it('sums the containers of each pod: NAME CPU(cores) MEMORY(bytes), sorted by name', async () => {
    await pods();
    expect(await kctl(env, ['top', 'pod'])).toEqual({
      code: 0,
      stdout: ['NAME   CPU(cores)   MEMORY(bytes)   ', 'db     120m         300Mi           ', 'web    5m           10Mi            ', ''].join('\n'),
      stderr: '',
    });
    expect((await kctl(env, ['top', 'pods', 'web'])).stdout).toBe(['NAME   CPU(cores)   MEMORY(bytes)   ', 'web    5m           10Mi            ', ''].join('\n'));
    expect((await kctl(env, ['top', 'po', '-l', 'app=db', '--no-headers'])).stdout).toBe('db    120m   300Mi   \n');
  });

  it('--containers, -A, --sort-by and --sum', async () => {
    await pods();
    expect((await kctl(env, ['top', 'pod', '--containers'])).stdout).toBe(
      [
        'POD   NAME   CPU(cores)   MEMORY(bytes)   ',
        'db    web    120m         300Mi           ',
        'web   side   1m           2Mi             ',
        'web   web    4m           8Mi             ',
        '',
      ].join('\n'),
    );
    expect((await kctl(env, ['top', 'pod', '-A', '--sort-by', 'cpu'])).stdout).toBe(
      [
        'NAMESPACE     NAME    CPU(cores)   MEMORY(bytes)   ',
        'default       db      120m         300Mi           ',
        'kube-system   batch   7m           1Mi             ',
        'default       web     5m           10Mi            ',
        '',
      ].join('\n'),
    );
    expect((await kctl(env, ['top', 'pod', '--sum'])).stdout).toBe(
      [
        'NAME   CPU(cores)   MEMORY(bytes)   ',
        'db     120m         300Mi           ',
        'web    5m           10Mi            ',
        '       ________     ________        ',
        '       125m         310Mi           ',
        '',
      ].join('\n'),
    );
    expect((await kctl(env, ['top', 'pod', '--sort-by', 'disk'])).stderr).toBe("error: --sort-by accepts only cpu or memory\nSee 'kctl --help' for usage.\n");
  });

  it('pods without running containers have no metrics, as with metrics-server', async () => {
    expect(await kctl(env, ['top', 'pod'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    await createPod(env, { name: 'young' });
    expect(await kctl(env, ['top', 'pod'])).toEqual({ code: 1, stdout: '', stderr: 'error: metrics not available yet\n' });
    env.clock.advance(5 * 60_000 + 1_500);
    expect(await kctl(env, ['top', 'pod'])).toEqual({ code: 1, stdout: '', stderr: 'error: Metrics not available for pod default/young, age: 5m1.5s\n' });
    expect(await kctl(env, ['top', 'pod', 'young'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/young" not found\n',
    });
  });

  it('renders nothing for no metrics (the caller prints why)', () => {
    expect(renderPodMetrics([], { containers: false, allNamespaces: false, noHeaders: false, sum: false })).toBe('');
  });
});

describe('kctl top node', () => {
  async function node(name = NODE, allocatable = { cpu: '4', memory: '8Gi' }, capacity = { cpu: '8', memory: '16Gi' }): Promise<void> {
    const n = await env.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    await env.store.updateStatus({ ...n, status: { allocatable, capacity } });
  }

  it('sums the node\'s containers; percent of allocatable (or capacity with --show-capacity)', async () => {
    await node();
    await pods();
    expect(await kctl(env, ['top', 'node'])).toEqual({
      code: 0,
      stdout: ['NAME        CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   ', 'kctl-node   132m         3%       311Mi           3%          ', ''].join('\n'),
      stderr: '',
    });
    expect((await kctl(env, ['top', 'nodes', NODE, '--show-capacity', '--no-headers'])).stdout).toBe('kctl-node   132m   1%    311Mi   1%    \n');
  });

  it('errors as kubectl', async () => {
    expect(await kctl(env, ['top', 'node'])).toEqual({ code: 1, stdout: '', stderr: 'error: metrics not available yet\n' });
    expect(await kctl(env, ['top', 'no', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): nodes "nope" not found\n' });
  });
});
