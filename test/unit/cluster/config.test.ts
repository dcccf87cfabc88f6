import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFrom, loadConfig, settingsHelp } from '../../../src/cluster/config.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('cluster config', () => {
  it('has the documented defaults', () => {
    expect(configFrom('/h', {}, {}, { hostName: 'Box.Local' })).toEqual({
      home: '/h',
      resyncPeriodMs: 30_000,
      backoffBaseMs: 10_000,
      backoffMaxMs: 300_000,
      backoffResetMs: 600_000,
      jobBackoffBaseMs: 10_000,
      jobBackoffMaxMs: 360_000,
      allocatable: {},
      dockerHost: undefined,
      allowPrivileged: false,
      proxyBindAddress: '127.0.0.1',
      nodeName: 'box.local',
      testRun: undefined,
      apiPort: 6443,
      apiPortExplicit: false,
    });
  });

  it.each([
    [{ KCTL_API_PORT: '0' }, {}, { apiPort: 0, apiPortExplicit: true }],
    [{ KCTL_API_PORT: '16443' }, { apiPort: 7000 }, { apiPort: 16443, apiPortExplicit: true }],
    [{}, { apiPort: 7000 }, { apiPort: 7000, apiPortExplicit: true }],
    [{ KCTL_API_PORT: 'off' }, {}, { apiPort: undefined, apiPortExplicit: true }],
  ])('API port %j %j', (env, file, want) => {
    expect(configFrom('/h', env, file, { hostName: 'h' })).toMatchObject(want);
  });

  it('refuses a bad API port', () => {
    expect(() => configFrom('/h', { KCTL_API_PORT: '70000' }, {}, { hostName: 'h' })).toThrow(
      'invalid KCTL_API_PORT "70000": must be a port number (0: any free port) or off',
    );
  });

  it('reads config.json and lets the environment win', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kctl-config-'));
    dirs.push(home);
    await writeFile(
      join(home, 'config.json'),
      JSON.stringify({ resyncPeriodMs: 5000, backoffBaseMs: 100, allocatable: { cpu: '1500m', memory: '2Gi' }, allowPrivileged: true, dockerHost: 'unix:///tmp/d.sock' }),
    );
    const c = await loadConfig(home, { KCTL_BACKOFF_BASE_MS: '50', KCTL_BACKOFF_MAX_MS: '400', KCTL_ALLOCATABLE_MEMORY: '1Gi', KCTL_NODE_NAME: 'My_Node' });
    expect(c).toMatchObject({
      resyncPeriodMs: 5000,
      backoffBaseMs: 50,
      backoffMaxMs: 400,
      allocatable: { cpu: '1500m', memory: '1Gi' },
      allowPrivileged: true,
      dockerHost: 'unix:///tmp/d.sock',
      nodeName: 'my-node',
    });
  });

  it('works without config.json', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kctl-config-'));
    dirs.push(home);
    expect((await loadConfig(home, { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, { hostName: 'h' })).dockerHost).toBe('tcp://127.0.0.1:2375');
  });

  it.each([
    [{ KCTL_BACKOFF_BASE_MS: 'soon' }, {}, 'invalid KCTL_BACKOFF_BASE_MS "soon": must be an integer >= 1 (milliseconds)'],
    [{ KCTL_BACKOFF_BASE_MS: '500', KCTL_BACKOFF_MAX_MS: '100' }, {}, 'invalid KCTL_BACKOFF_MAX_MS 100: must be >= the back-off base (500)'],
    [{ KCTL_ALLOCATABLE_MEMORY: 'lots' }, {}, 'invalid KCTL_ALLOCATABLE_MEMORY "lots": must be a positive quantity (e.g. 2, 1500m, 4Gi)'],
    [{}, { allocatable: { cpu: '-1' } }, 'invalid config.json allocatable.cpu "-1": must be a positive quantity (e.g. 2, 1500m, 4Gi)'],
    [{ KCTL_ALLOCATABLE_PODS: '1.5' }, {}, 'invalid KCTL_ALLOCATABLE_PODS "1.5": must be a positive integer'],
    [{ KCTL_ALLOW_PRIVILEGED: 'maybe' }, {}, 'invalid KCTL_ALLOW_PRIVILEGED "maybe": must be true or false'],
    [{}, { resyncPeriodMs: '30s' }, 'invalid config.json resyncPeriodMs "30s": must be an integer >= 0 (milliseconds)'],
  ])('rejects %j %j', (env, file, msg) => {
    expect(() => configFrom('/h', env, file, { hostName: 'h' })).toThrow(msg);
  });

  it('rejects a config.json that is not an object', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kctl-config-'));
    dirs.push(home);
    await writeFile(join(home, 'config.json'), '[1]');
    await expect(loadConfig(home, {})).rejects.toThrow(`${join(home, 'config.json')}: must be a JSON object`);
    await writeFile(join(home, 'config.json'), '{oops');
    await expect(loadConfig(home, {})).rejects.toThrow(join(home, 'config.json'));
  });

  it('documents every setting in the help text', () => {
    const h = settingsHelp();
    for (const name of ['KCTL_RESYNC_PERIOD_MS', 'KCTL_BACKOFF_BASE_MS', 'KCTL_BACKOFF_MAX_MS', 'KCTL_ALLOCATABLE_CPU', 'KCTL_ALLOCATABLE_MEMORY', 'DOCKER_HOST', 'KCTL_ALLOW_PRIVILEGED', 'KCTL_PROXY_BIND_ADDRESS'])
      expect(h).toContain(name);
  });
});
