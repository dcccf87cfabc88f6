import { describe, expect, it } from 'vitest';
import type { Container } from 'kubernetes-types/core/v1.js';
import {
  LineSplitter,
  StreamDemuxer,
  dockerSince,
  eventFromDocker,
  expandVars,
  memoryBytes,
  milliCpu,
  milliCpuToShares,
  podHostname,
  portMappingsFrom,
  sandboxFromInspect,
  stateOf,
  statsFrom,
  statusFromInspect,
  summaryFromList,
  toContainerCreateOptions,
  toSandboxCreateOptions,
  type ConvertInput,
  type DockerCreateOptions,
} from '../../../src/runtime/docker/convert.js';
import { parseQuantity as parseExact, quantityNumber } from '../../../src/api/quantity.js';

/** The quantity as a number, as the Docker adapter once parsed it. */
const parseQuantity = (q: string | number): number => quantityNumber(parseExact(q));
import type { ContainerConfig } from '../../../src/runtime/runtime.js';
import { containerLabels, sandboxLabels } from '../../../src/runtime/names.js';

const pod = { uid: '3f2a9c1e-77aa-4bcd-9e01-0123456789ab', name: 'web', namespace: 'default' };
const SB = 'sandbox123';

function convert(container: Partial<Container>, cfg: Partial<ContainerConfig> = {}, input: Partial<ConvertInput> = {}) {
  return toContainerCreateOptions({
    name: 'kctl_app_web_default_3f2a9c1e_0',
    sandboxId: SB,
    labels: { l: 'v' },
    podName: 'web',
    cfg: { attempt: 0, container: { name: 'app', image: 'img:1', ...container }, ...cfg },
    ...input,
  });
}
const opts = (c: Partial<Container>, cfg: Partial<ContainerConfig> = {}, input: Partial<ConvertInput> = {}): DockerCreateOptions =>
  convert(c, cfg, input).options;

describe('quantities', () => {
  it.each([
    ['128Mi', 134217728],
    ['1Gi', 1073741824],
    ['1G', 1e9],
    ['500M', 5e8],
    ['64k', 64000],
    ['1.5Gi', 1610612736],
    ['100', 100],
    ['1e3', 1000],
    ['250m', 0.25],
    ['0.5', 0.5],
    [256, 256],
  ])('parseQuantity(%s) = %s', (q, want) => {
    expect(parseQuantity(q)).toBeCloseTo(want, 9);
  });

  // negative quantities are well-formed (the API's validation refuses negative limits before convert runs)
  it.each(['', 'Mi', '12MB', 'abc', '1.2.3'])('refuses %j', (q) => {
    expect(() => parseQuantity(q)).toThrow(/quantit/);
  });

  it.each([
    ['100m', 100],
    ['0.25', 250],
    ['2', 2000],
    ['1.0001', 1001],
    ['1m', 1],
  ])('milliCpu(%s) = %s', (q, want) => {
    expect(milliCpu(q)).toBe(want);
  });

  it.each([
    [0, 2],
    [1, 2],
    [100, 102],
    [250, 256],
    [1000, 1024],
  ])('milliCpuToShares(%s) = %s (kubelet)', (m, want) => {
    expect(milliCpuToShares(m)).toBe(want);
  });

  it('rounds memory up to a whole byte', () => {
    expect(memoryBytes('1.5')).toBe(2);
  });
});

describe('expandVars ($(VAR) as Kubernetes)', () => {
  const vars = new Map([
    ['A', 'alpha'],
    ['B', 'beta'],
  ]);
  it.each([
    ['$(A)', 'alpha'],
    ['x-$(A)-$(B)-y', 'x-alpha-beta-y'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['cost: 5$', 'cost: 5$'],
    ['', ''],
  ])('%j → %j', (s, want) => {
    expect(expandVars(s, vars)).toBe(want);
  });
});

describe('toContainerCreateOptions', () => {
  it('joins the sandbox namespaces and never lets the engine restart the container', () => {
    const o = opts({});
    expect(o).toEqual({
      name: 'kctl_app_web_default_3f2a9c1e_0',
      Image: 'img:1',
      Labels: { l: 'v' },
      HostConfig: { NetworkMode: `container:${SB}`, IpcMode: `container:${SB}`, RestartPolicy: { Name: 'no' } },
    });
  });

  it.each([
    ['neither: image defaults', {}, undefined, undefined],
    ['command only: replaces ENTRYPOINT and drops the image CMD', { command: ['/bin/app', '-v'] }, ['/bin/app', '-v'], []],
    ['args only: replaces CMD, keeps ENTRYPOINT', { args: ['--port', '80'] }, undefined, ['--port', '80']],
    ['both', { command: ['sh', '-c'], args: ['echo hi'] }, ['sh', '-c'], ['echo hi']],
    ['empty lists count as unset', { command: [], args: [] }, undefined, undefined],
    ['$(VAR) expanded from env', { command: ['echo', '$(GREETING)'], args: ['$(NOPE)', '$$(GREETING)'] }, ['echo', 'hi'], ['$(NOPE)', '$(GREETING)']],
  ])('command/args: %s', (_what, c, entrypoint, cmd) => {
    const o = opts(c as Partial<Container>, { env: [{ name: 'GREETING', value: 'hi' }] });
    expect(o.Entrypoint).toEqual(entrypoint);
    expect(o.Cmd).toEqual(cmd);
  });

  it.each([
    ['resolved env is used as given, last definition wins', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'A', value: '3' }] }, {}, ['B=2', 'A=3']],
    ['without resolved env: literal values from the spec', {}, { env: [{ name: 'X', value: 'x' }, { name: 'EMPTY' }] }, ['X=x', 'EMPTY=']],
    ['no env at all', {}, {}, undefined],
  ])('env: %s', (_what, cfg, c, want) => {
    expect(opts(c as Partial<Container>, cfg as Partial<ContainerConfig>).Env).toEqual(want);
  });

  it('warns about env it cannot resolve itself', () => {
    const r = convert({ env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], envFrom: [{ configMapRef: { name: 'cm' } }] });
    expect(r.options.Env).toBeUndefined();
    expect(r.warnings).toEqual(['env P: valueFrom was not resolved by the caller; ignored', 'envFrom was not resolved by the caller; ignored']);
  });

  it.each([
    ['memory limit → Memory and MemorySwap (no swap)', { limits: { memory: '64Mi' } }, { Memory: 67108864, MemorySwap: 67108864 }],
    ['cpu limit → NanoCpus; requests default to it for shares', { limits: { cpu: '500m' } }, { NanoCpus: 500_000_000, CpuShares: 512 }],
    ['cpu request → CpuShares', { requests: { cpu: '250m' } }, { CpuShares: 256 }],
    ['both', { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '1' } }, { NanoCpus: 2e9, CpuShares: 1024, Memory: 2 ** 30, MemorySwap: 2 ** 30 }],
    ['numbers from YAML', { limits: { memory: 1048576 as unknown as string } }, { Memory: 1048576, MemorySwap: 1048576 }],
  ])('resources: %s', (_what, resources, want) => {
    const hc = opts({ resources }).HostConfig;
    expect(hc).toMatchObject(want);
    for (const k of ['Memory', 'NanoCpus', 'CpuShares'] as const) if (!(k in want)) expect(hc[k]).toBeUndefined();
  });

  it('ignores other resources with a warning', () => {
    expect(convert({ resources: { limits: { 'nvidia.com/gpu': '1' } } }).warnings).toEqual(['resource nvidia.com/gpu is not supported; ignored']);
  });

  it.each([
    ['runAsUser', { securityContext: { runAsUser: 1000 } }, {}, '1000'],
    ['runAsUser + runAsGroup', { securityContext: { runAsUser: 1000, runAsGroup: 3000 } }, {}, '1000:3000'],
    ['pod level', {}, { podSecurityContext: { runAsUser: 7, runAsGroup: 8 } }, '7:8'],
    ['container overrides pod', { securityContext: { runAsUser: 1 } }, { podSecurityContext: { runAsUser: 7, runAsGroup: 8 } }, '1:8'],
    ['none', {}, {}, undefined],
  ])('user: %s', (_what, c, cfg, want) => {
    expect(opts(c as Partial<Container>, cfg as Partial<ContainerConfig>).User).toBe(want);
  });

  it('warns that runAsGroup alone cannot be applied', () => {
    const r = convert({ securityContext: { runAsGroup: 5 } });
    expect(r.options.User).toBeUndefined();
    expect(r.warnings).toEqual(['runAsGroup without runAsUser is not supported by the Docker engine; ignored']);
  });

  it.each([
    ['runAsUser 0', { runAsNonRoot: true, runAsUser: 0 }, undefined, `container's runAsUser breaks non-root policy (pod: "web", container: app)`],
    ['image user root', { runAsNonRoot: true }, 'root', 'container has runAsNonRoot and image will run as root (pod: "web", container: app)'],
    ['image user unset', { runAsNonRoot: true }, '', 'container has runAsNonRoot and image will run as root (pod: "web", container: app)'],
    ['image user by name', { runAsNonRoot: true }, 'nobody', 'container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "web", container: app)'],
  ])('runAsNonRoot refuses %s', (_what, securityContext, imageUser, message) => {
    expect(() => convert({ securityContext }, {}, imageUser === undefined ? {} : { imageUser })).toThrow(message);
  });

  it.each([
    ['numeric non-root image user', { runAsNonRoot: true }, '1000:1000'],
    ['explicit non-root runAsUser', { runAsNonRoot: true, runAsUser: 10 }, undefined],
  ])('runAsNonRoot accepts %s', (_what, securityContext, imageUser) => {
    expect(() => convert({ securityContext }, {}, imageUser === undefined ? {} : { imageUser })).not.toThrow();
  });

  it('refuses privileged unless allowed', () => {
    expect(() => convert({ securityContext: { privileged: true } })).toThrow('securityContext.privileged: Forbidden: disallowed by cluster policy');
    try {
      convert({ securityContext: { privileged: true } });
    } catch (e) {
      expect(e).toMatchObject({ code: 'Runtime', reason: 'CreateContainerConfigError' });
    }
    expect(opts({ securityContext: { privileged: true } }, {}, { allowPrivileged: true }).HostConfig.Privileged).toBe(true);
  });

  it.each([
    ['readOnlyRootFilesystem', { readOnlyRootFilesystem: true }, { ReadonlyRootfs: true }],
    ['capabilities', { capabilities: { add: ['NET_ADMIN', 'cap_sys_time'], drop: ['all'] } }, { CapAdd: ['NET_ADMIN', 'SYS_TIME'], CapDrop: ['ALL'] }],
    ['allowPrivilegeEscalation false', { allowPrivilegeEscalation: false }, { SecurityOpt: ['no-new-privileges'] }],
    ['seccomp Unconfined', { seccompProfile: { type: 'Unconfined' } }, { SecurityOpt: ['seccomp=unconfined'] }],
  ])('securityContext %s', (_what, securityContext, want) => {
    expect(opts({ securityContext }).HostConfig).toMatchObject(want);
  });

  it('adds fsGroup and supplementalGroups as groups', () => {
    expect(opts({}, { podSecurityContext: { fsGroup: 2000, supplementalGroups: [3000, 2000] } }).HostConfig.GroupAdd).toEqual(['2000', '3000']);
  });

  it('warns about security fields it cannot apply', () => {
    const r = convert({ securityContext: { seLinuxOptions: { level: 's0' }, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } });
    expect(r.warnings).toEqual([
      'seccompProfile Localhost is not supported; the engine default applies',
      'seLinuxOptions are not supported; ignored',
    ]);
  });

  it.each([
    ['read-write', [{ name: 'cache', mountPath: '/cache' }], ['/host/cache:/cache:rw']],
    ['read-only', [{ name: 'cache', mountPath: '/c', readOnly: true }], ['/host/cache:/c:ro']],
    ['subPath', [{ name: 'cache', mountPath: '/s', subPath: 'a/b' }], ['/host/cache/a/b:/s:rw']],
    ['subPathExpr', [{ name: 'cache', mountPath: '/s', subPathExpr: 'logs/$(POD)' }], ['/host/cache/logs/web:/s:rw']],
    ['propagation', [{ name: 'cache', mountPath: '/p', mountPropagation: 'HostToContainer' }], ['/host/cache:/p:rw,rslave']],
    ['two volumes', [{ name: 'cache', mountPath: '/a' }, { name: 'tmp', mountPath: '/b' }], ['/host/cache:/a:rw', '/host/tmp:/b:rw']],
  ])('volumeMounts %s → Binds', (_what, volumeMounts, want) => {
    const o = opts({ volumeMounts }, { volumes: { cache: '/host/cache', tmp: '/host/tmp' }, env: [{ name: 'POD', value: 'web' }] });
    expect(o.HostConfig.Binds).toEqual(want);
  });

  it.each([
    ['an unknown volume', [{ name: 'nope', mountPath: '/x' }], 'cannot find volume "nope" to mount into container "app"'],
    ['a subPath escaping the volume', [{ name: 'cache', mountPath: '/x', subPath: '../etc' }], 'subPath "../etc" of volume "cache" must be a relative path inside the volume'],
    ['an absolute subPath', [{ name: 'cache', mountPath: '/x', subPath: '/etc' }], 'subPath "/etc" of volume "cache" must be a relative path inside the volume'],
  ])('refuses %s', (_what, volumeMounts, message) => {
    expect(() => convert({ volumeMounts }, { volumes: { cache: '/host/cache' } })).toThrow(message);
  });

  it.each([
    ['workingDir', { workingDir: '/srv' }, {}, { WorkingDir: '/srv' }],
    ['tty and stdin', { tty: true, stdin: true, stdinOnce: true }, {}, { Tty: true, OpenStdin: true, StdinOnce: true }],
    ['stop signal', {}, { stopSignal: 'SIGQUIT' }, { StopSignal: 'SIGQUIT' }],
  ])('%s', (_what, c, cfg, want) => {
    expect(opts(c as Partial<Container>, cfg as Partial<ContainerConfig>)).toMatchObject(want);
  });

  it('shares the PID namespace when the pod asks', () => {
    expect(opts({}, { shareProcessNamespace: true }).HostConfig.PidMode).toBe(`container:${SB}`);
    expect(opts({}).HostConfig.PidMode).toBeUndefined();
  });

  it('refuses a container without an image', () => {
    expect(() => convert({ image: '' })).toThrow('container "app" has no image');
  });
});

describe('sandbox', () => {
  it('publishes unique ports on 127.0.0.1 with ephemeral host ports and joins the network', () => {
    const o = toSandboxCreateOptions({
      name: 'kctl_POD_web_default_3f2a9c1e_0',
      image: 'kctl.io/pause:1',
      hostname: 'web',
      labels: sandboxLabels(pod, 0),
      network: 'kctl',
      aliases: ['web'],
      ports: [{ containerPort: 80, name: 'http' }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 80, protocol: 'TCP', name: 'dup' }],
    });
    expect(o).toEqual({
      name: 'kctl_POD_web_default_3f2a9c1e_0',
      Image: 'kctl.io/pause:1',
      Hostname: 'web',
      Labels: { ...sandboxLabels(pod, 0), 'kctl.io/ports': '[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":53,"protocol":"UDP"}]' },
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      HostConfig: {
        NetworkMode: 'kctl',
        IpcMode: 'shareable',
        RestartPolicy: { Name: 'no' },
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      },
      NetworkingConfig: { EndpointsConfig: { kctl: { Aliases: ['web'] } } },
    });
  });

  it.each([0, 65536, 1.5])('refuses containerPort %s', (p) => {
    expect(() => toSandboxCreateOptions({ name: 'n', image: 'i', hostname: 'h', labels: {}, network: 'kctl', ports: [{ containerPort: p }] })).toThrow(
      `containerPort ${p} must be between 1 and 65535`,
    );
  });

  it.each([
    ['web', 'web'],
    ['a'.repeat(70), 'a'.repeat(63)],
    [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
    ['web.example', 'web.example'],
  ])('hostname of pod %s', (name, want) => {
    expect(podHostname(name)).toBe(want);
  });

  it('reads back only 127.0.0.1 bindings of the requested ports', () => {
    expect(
      portMappingsFrom([{ containerPort: 80, name: 'web' }, { containerPort: 443 }, { containerPort: 53, protocol: 'UDP' }], {
        '80/tcp': [
          { HostIp: '0.0.0.0', HostPort: '1111' },
          { HostIp: '127.0.0.1', HostPort: '32768' },
        ],
        '443/tcp': null,
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '32770' }],
      }),
    ).toEqual([
      { containerPort: 80, protocol: 'TCP', hostIp: '127.0.0.1', hostPort: 32768, name: 'web' },
      { containerPort: 53, protocol: 'UDP', hostIp: '127.0.0.1', hostPort: 32770 },
    ]);
  });

  it('reads status: ready with podIP and ports while running; notready without them', () => {
    const inspect = {
      Id: 'sb1',
      Name: '/kctl_POD_web_default_3f2a9c1e_2',
      Created: '2026-01-02T03:04:05.123456789Z',
      Config: { Labels: { ...sandboxLabels(pod, 2), 'kctl.io/ports': '[{"containerPort":8080,"protocol":"TCP","name":"http"}]' } },
      State: { Status: 'running', Running: true },
      HostConfig: { NetworkMode: 'kctl-ns' },
      NetworkSettings: {
        Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '40001' }], '9999/tcp': [{ HostIp: '127.0.0.1', HostPort: '40002' }] },
        Networks: { 'kctl-ns': { IPAddress: '172.20.0.5' } },
      },
    };
    expect(sandboxFromInspect(inspect)).toEqual({
      id: 'sb1',
      name: 'kctl_POD_web_default_3f2a9c1e_2',
      pod,
      attempt: 2,
      state: 'ready',
      createdAt: '2026-01-02T03:04:05.123Z',
      network: 'kctl-ns',
      podIP: '172.20.0.5',
      ports: [{ containerPort: 8080, protocol: 'TCP', hostIp: '127.0.0.1', hostPort: 40001, name: 'http' }],
      labels: inspect.Config.Labels,
    });
    // without the label (made by an older kctl): every loopback binding, unnamed
    const bare = sandboxFromInspect({ ...inspect, Config: { Labels: sandboxLabels(pod, 2) } });
    expect(bare.ports.map((p) => [p.containerPort, p.hostPort, p.name])).toEqual([
      [8080, 40001, undefined],
      [9999, 40002, undefined],
    ]);
    const stopped = sandboxFromInspect({ ...inspect, State: { Status: 'exited', Running: false } });
    expect(stopped).toMatchObject({ state: 'notready', ports: [] });
    expect(stopped.podIP).toBeUndefined();
  });
});

describe('engine → kctl', () => {
  it.each([
    ['created', 'created'],
    ['running', 'running'],
    ['paused', 'running'],
    ['restarting', 'running'],
    ['exited', 'exited'],
    ['dead', 'exited'],
    ['removing', 'exited'],
    ['weird', 'unknown'],
    [undefined, 'unknown'],
  ])('state %s → %s', (s, want) => {
    expect(stateOf(s)).toBe(want);
  });

  const base = {
    Id: 'c1',
    Name: '/kctl_app_web_default_3f2a9c1e_1',
    Created: '2026-01-02T03:04:05.000000001Z',
    Image: 'sha256:abc',
    Config: { Image: 'img:1', Labels: containerLabels(pod, 'app', 1, 'sb1') },
  };

  it.each([
    ['running', { Status: 'running', Running: true, Pid: 42, StartedAt: '2026-01-02T03:04:06Z', FinishedAt: '0001-01-01T00:00:00Z' }, { state: 'running', pid: 42, startedAt: '2026-01-02T03:04:06.000Z' }],
    ['exit 0', { Status: 'exited', ExitCode: 0, StartedAt: '2026-01-02T03:04:06Z', FinishedAt: '2026-01-02T03:04:07Z' }, { state: 'exited', exitCode: 0, reason: 'Completed', finishedAt: '2026-01-02T03:04:07.000Z' }],
    ['exit 1', { Status: 'exited', ExitCode: 1 }, { state: 'exited', exitCode: 1, reason: 'Error' }],
    ['OOM', { Status: 'exited', ExitCode: 137, OOMKilled: true }, { state: 'exited', exitCode: 137, reason: 'OOMKilled', oomKilled: true }],
    ['start failed', { Status: 'created', ExitCode: 127, Error: 'exec: "nope": executable file not found' }, { state: 'created', message: 'exec: "nope": executable file not found' }],
  ])('inspect %s', (_what, State, want) => {
    const s = statusFromInspect({ ...base, State });
    expect(s).toMatchObject({
      id: 'c1',
      name: 'kctl_app_web_default_3f2a9c1e_1',
      pod,
      containerName: 'app',
      attempt: 1,
      sandboxId: 'sb1',
      image: 'img:1',
      imageId: 'sha256:abc',
      createdAt: '2026-01-02T03:04:05.000Z',
      oomKilled: false,
      ...want,
    });
    if (!('exitCode' in want)) expect(s.exitCode).toBeUndefined();
  });

  it('summarises a list item', () => {
    expect(
      summaryFromList({ Id: 'c2', Names: ['/kctl_app_web_default_3f2a9c1e_0'], Image: 'img:1', Created: 1767323045, State: 'exited', Labels: containerLabels(pod, 'app', 0, 'sb9') }),
    ).toEqual({
      id: 'c2',
      name: 'kctl_app_web_default_3f2a9c1e_0',
      pod,
      containerName: 'app',
      attempt: 0,
      sandboxId: 'sb9',
      image: 'img:1',
      state: 'exited',
      createdAt: '2026-01-02T03:04:05.000Z',
      labels: containerLabels(pod, 'app', 0, 'sb9'),
    });
  });

  it.each([
    ['die', { exitCode: '137' }, { type: 'die', exitCode: 137 }],
    ['start', {}, { type: 'start' }],
    ['oom', {}, { type: 'oom' }],
    ['destroy', {}, { type: 'destroy' }],
  ])('event %s', (Action, attrs, want) => {
    const e = eventFromDocker({
      Type: 'container',
      Action,
      Actor: { ID: 'c1', Attributes: { ...attrs, name: 'kctl_app_web_default_3f2a9c1e_0', image: 'img:1', 'kctl.io/pod-uid': pod.uid } },
      time: 1767323045,
      timeNano: 1767323045123456789,
    });
    expect(e).toMatchObject({ containerId: 'c1', labels: { 'kctl.io/pod-uid': pod.uid }, ...want });
    expect(e!.labels).not.toHaveProperty('name');
    expect(e!.time.getTime()).toBe(1767323045123);
  });

  it.each([
    ['kill', 'container'],
    ['create', 'container'],
    ['start', 'network'],
  ])('ignores %s of %s', (Action, Type) => {
    expect(eventFromDocker({ Type, Action, Actor: { ID: 'x' } })).toBeUndefined();
  });

  it.each([
    [
      'cgroup v1: usage less total_inactive_file; CPU over the interval',
      {
        read: '2026-01-01T00:00:01Z',
        cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000 },
        memory_stats: { usage: 10_000_000, stats: { total_inactive_file: 4_000_000 } },
      },
      { cpuMillicores: 1000, memoryBytes: 6_000_000 },
    ],
    [
      'cgroup v2: inactive_file; no previous sample: no CPU figure',
      { memory_stats: { usage: 5_000, stats: { inactive_file: 1_000 } }, cpu_stats: { cpu_usage: { total_usage: 10 } }, precpu_stats: {} },
      { memoryBytes: 4_000 },
    ],
  ])('stats: %s', (_what, raw, want) => {
    const s = statsFrom(raw);
    expect(s).toMatchObject(want);
    if (!('cpuMillicores' in want)) expect(s.cpuMillicores).toBeUndefined();
  });
});

describe('stream framing', () => {
  const frame = (type: number, text: string) => {
    const payload = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = type;
    h.writeUInt32BE(payload.length, 4);
    return Buffer.concat([h, payload]);
  };

  it('demultiplexes frames split at any byte', () => {
    const all = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);
    for (let cut = 1; cut < all.length; cut++) {
      const got: string[] = [];
      const d = new StreamDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
      d.push(all.subarray(0, cut));
      d.push(all.subarray(cut));
      expect(got).toEqual(['stdout:out 1\n', 'stderr:err 1\n', 'stdout:out 2\n']);
      expect(d.pending).toBe(0);
    }
  });

  it('splits lines across chunks, drops \\r, keeps a final partial line, and decodes UTF-8 split mid-character', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    const euro = Buffer.from('€');
    s.push(Buffer.from('a\r\nb'));
    s.push(Buffer.concat([Buffer.from('c\n'), euro.subarray(0, 1)]));
    s.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')]));
    s.flush();
    expect(got).toEqual(['a', 'bc', '€', '', 'last']);
  });

  it.each([
    ['2026-01-01T00:00:00.000Z', '1767225600.000000000'],
    ['2026-01-01T00:00:01.250Z', '1767225601.250000000'],
  ])('dockerSince(%s) = %s', (d, want) => {
    expect(dockerSince(new Date(d))).toBe(want);
  });
});
