// Pure mapping between kctl's runtime types and the Docker Engine API's JSON (podman kube-play's
// "kube spec → container spec", kept small). No I/O, no dockerode: the Docker shapes are declared here
// structurally (the subset kctl uses), and docker-runtime.ts passes them to dockerode as they are.
import { integerValue, milliValue } from '../../api/quantity.js';
import { posix } from 'node:path';
import type { Capabilities, Container, PodSecurityContext, SecurityContext } from 'kubernetes-types/core/v1.js';
import {
  RuntimeError,
  type ContainerConfig,
  type ContainerState,
  type ContainerStats,
  type ContainerStatus,
  type ContainerSummary,
  type EngineVolume,
  type EnvVar,
  type PortMapping,
  type Protocol,
  type RuntimeEvent,
  type RuntimeEventType,
  type SandboxPort,
  type SandboxStatus,
} from '../runtime.js';
import {
  ATTEMPT,
  CONTAINER_NAME,
  PORTS,
  SANDBOX_ID,
  parseContainerName,
  podRefFromLabels,
  type PodRef,
} from '../names.js';

// ---------------------------------------------------------------------------------------------------
// Docker Engine API shapes (v1.41 subset)

export interface DockerPortBinding {
  HostIp?: string;
  HostPort?: string;
}
export type DockerPortMap = Record<string, DockerPortBinding[] | null | undefined>;

export interface DockerHostConfig {
  NetworkMode?: string;
  IpcMode?: string;
  PidMode?: string;
  PortBindings?: DockerPortMap;
  RestartPolicy?: { Name: string; MaximumRetryCount?: number };
  Binds?: string[];
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  ReadonlyRootfs?: boolean;
  Privileged?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  SecurityOpt?: string[];
  GroupAdd?: string[];
  Init?: boolean;
}

export interface DockerCreateOptions {
  name: string;
  Image: string;
  Hostname?: string;
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  Labels: Record<string, string>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  StopSignal?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  HostConfig: DockerHostConfig;
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[] }> };
}

/** The part of GET /containers/{id}/json kctl reads. */
export interface DockerInspect {
  Id: string;
  Name: string;
  Created: string;
  Image?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null; User?: string };
  State?: {
    Status?: string;
    Running?: boolean;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    OOMKilled?: boolean;
    Pid?: number;
  };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: {
    Ports?: DockerPortMap | null;
    Networks?: Record<string, { IPAddress?: string; Aliases?: string[] | null } | null> | null;
  };
}

/** One item of GET /containers/json. */
export interface DockerListItem {
  Id: string;
  Names?: string[];
  Image?: string;
  Created?: number;
  State?: string;
  Labels?: Record<string, string> | null;
}

/** One message of GET /events. */
export interface DockerEventMessage {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

// ---------------------------------------------------------------------------------------------------
// Quantities (the one parser is api/quantity.ts)

/** Memory quantity → bytes (rounded up, as the API server does). */
export const memoryBytes = integerValue;
/** CPU quantity → millicores (rounded up to 1m). */
export const milliCpu = milliValue;

/** The kubelet's MilliCPUToShares: requests → cgroup cpu.shares (min 2). */
export function milliCpuToShares(milli: number): number {
  return Math.max(2, Math.floor((milli * 1024) / 1000));
}

// ---------------------------------------------------------------------------------------------------
// $(VAR) expansion (k8s.io/kubernetes third_party/forked/golang/expansion)

/** Expands `$(NAME)` from `vars`; `$$` escapes `$`; unknown references stay as written. */
export function expandVars(s: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '$' || i + 1 >= s.length) {
      out += ch;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = s.indexOf(')', i + 2);
      if (close < 0) {
        out += s.slice(i);
        break;
      }
      const name = s.slice(i + 2, close);
      const v = vars.get(name);
      out += v ?? `$(${name})`;
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Pod container → POST /containers/create

export interface ConvertInput {
  /** engine container name (names.ts) */
  name: string;
  sandboxId: string;
  cfg: ContainerConfig;
  /** all labels of the container (names.ts containerLabels merged with cfg.labels) */
  labels: Record<string, string>;
  /** permit securityContext.privileged */
  allowPrivileged?: boolean;
  /** the image's configured USER, needed only to check runAsNonRoot when runAsUser is unset */
  imageUser?: string;
  /** pod name, for messages */
  podName?: string;
  /** engine volume name → its mountpoint on the engine's host (for subPath mounts of named volumes) */
  volumeMountpoints?: Record<string, string>;
}

export interface ConvertResult {
  options: DockerCreateOptions;
  /** fields kctl cannot honour and ignores (shown as events/warnings by the caller) */
  warnings: string[];
}

const configError = (message: string): RuntimeError =>
  new RuntimeError('Runtime', message, { reason: 'CreateContainerConfigError' });

const nonEmpty = (a: string[] | undefined): a is string[] => Array.isArray(a) && a.length > 0;

/** The environment as the container will see it from kctl (image ENV is merged by the engine): last wins. */
export function resolveEnv(c: Container, resolved: EnvVar[] | undefined, warnings: string[]): EnvVar[] {
  let list: EnvVar[];
  if (resolved) list = resolved;
  else {
    list = [];
    for (const e of c.env ?? []) {
      if (e.valueFrom) warnings.push(`env ${e.name}: valueFrom was not resolved by the caller; ignored`);
      else list.push({ name: e.name, value: e.value ?? '' });
    }
    if (c.envFrom?.length) warnings.push('envFrom was not resolved by the caller; ignored');
  }
  const byName = new Map<string, string>();
  for (const e of list) {
    byName.delete(e.name); // keep the position of the last definition
    byName.set(e.name, e.value);
  }
  return [...byName].map(([name, value]) => ({ name, value }));
}

function userOf(
  c: Container,
  sc: SecurityContext | undefined,
  psc: PodSecurityContext | undefined,
  input: ConvertInput,
  warnings: string[],
): string | undefined {
  const uid = sc?.runAsUser ?? psc?.runAsUser;
  const gid = sc?.runAsGroup ?? psc?.runAsGroup;
  const nonRoot = sc?.runAsNonRoot ?? psc?.runAsNonRoot;
  const who = `(pod: "${input.podName ?? '?'}", container: ${c.name})`;
  if (nonRoot) {
    if (uid === 0) throw configError(`container's runAsUser breaks non-root policy ${who}`);
    if (uid === undefined) {
      const iu = (input.imageUser ?? '').split(':')[0] ?? '';
      if (iu === '' || iu === 'root' || iu === '0')
        throw configError(`container has runAsNonRoot and image will run as root ${who}`);
      if (!/^\d+$/.test(iu))
        throw configError(`container has runAsNonRoot and image has non-numeric user (${iu}), cannot verify user is non-root ${who}`);
    }
  }
  if (uid === undefined) {
    if (gid !== undefined) warnings.push('runAsGroup without runAsUser is not supported by the Docker engine; ignored');
    return undefined;
  }
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}

function capabilityList(caps: string[] | undefined): string[] | undefined {
  if (!caps?.length) return undefined;
  return caps.map((c) => (c.toUpperCase() === 'ALL' ? 'ALL' : c.toUpperCase().replace(/^CAP_/, '')));
}

function securityOpts(sc: SecurityContext | undefined, psc: PodSecurityContext | undefined, warnings: string[]): string[] {
  const out: string[] = [];
  if (sc?.allowPrivilegeEscalation === false) out.push('no-new-privileges');
  const seccomp = sc?.seccompProfile ?? psc?.seccompProfile;
  if (seccomp?.type === 'Unconfined') out.push('seccomp=unconfined');
  else if (seccomp?.type === 'Localhost') warnings.push('seccompProfile Localhost is not supported; the engine default applies');
  if (sc?.seLinuxOptions ?? psc?.seLinuxOptions) warnings.push('seLinuxOptions are not supported; ignored');
  if (sc?.appArmorProfile ?? psc?.appArmorProfile) warnings.push('appArmorProfile is not supported; ignored');
  if (sc?.procMount && sc.procMount !== 'Default') warnings.push('procMount is not supported; ignored');
  return out;
}

function bindsOf(
  c: Container,
  volumes: Record<string, string> | undefined,
  env: ReadonlyMap<string, string>,
  engine: { volumes?: Record<string, EngineVolume>; mountpoints?: Record<string, string> } = {},
): string[] | undefined {
  const binds: string[] = [];
  for (const m of c.volumeMounts ?? []) {
    const ev = volumes?.[m.name] === undefined ? engine.volumes?.[m.name] : undefined;
    const sub = m.subPathExpr ? expandVars(m.subPathExpr, env) : m.subPath;
    if (ev?.type === 'tmpfs') {
      // the pod's tmpfs volume: no subPath into it (its mountpoint is the engine's, not a host folder)
      if (sub) throw configError(`volume "${m.name}": subPath is not supported on a medium: Memory emptyDir`);
      binds.push(`${ev.name}:${m.mountPath}:${m.readOnly ? 'ro' : 'rw'}`);
      continue;
    }
    if (ev?.type === 'volume' && !sub) {
      binds.push(`${ev.name}:${m.mountPath}:${m.readOnly ? 'ro' : 'rw'}`);
      continue;
    }
    // a subPath of a named volume is a folder of its mountpoint on the engine's host (API 1.41 has no Subpath)
    const host = ev?.type === 'volume' ? engine.mountpoints?.[ev.name] : volumes?.[m.name];
    if (host === undefined) throw configError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    let src = host;
    if (sub) {
      const norm = posix.normalize(sub);
      if (posix.isAbsolute(sub) || norm === '..' || norm.startsWith('../'))
        throw configError(`subPath "${sub}" of volume "${m.name}" must be a relative path inside the volume`);
      src = posix.join(host, norm);
    }
    if (src.includes(':') || m.mountPath.includes(':'))
      throw configError(`volume "${m.name}": paths containing ':' cannot be mounted`);
    const opts = [m.readOnly ? 'ro' : 'rw'];
    if (m.mountPropagation === 'HostToContainer') opts.push('rslave');
    else if (m.mountPropagation === 'Bidirectional') opts.push('rshared');
    binds.push(`${src}:${m.mountPath}:${opts.join(',')}`);
  }
  return binds.length ? binds : undefined;
}

/** A pod's container → Docker create options, joined to the sandbox's network and IPC namespaces. */
export function toContainerCreateOptions(input: ConvertInput): ConvertResult {
  const { cfg } = input;
  const c = cfg.container;
  const warnings: string[] = [];
  if (!c.image) throw configError(`container "${c.name}" has no image`);
  const sc = c.securityContext;
  const psc = cfg.podSecurityContext;

  const env = resolveEnv(c, cfg.env, warnings);
  const envMap = new Map(env.map((e) => [e.name, e.value]));
  const hc: DockerHostConfig = {
    NetworkMode: `container:${input.sandboxId}`,
    IpcMode: `container:${input.sandboxId}`,
    RestartPolicy: { Name: 'no' }, // the kubelet restarts, never the engine
  };
  if (cfg.shareProcessNamespace) hc.PidMode = `container:${input.sandboxId}`;

  // resources
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  if (limits.memory !== undefined) {
    hc.Memory = memoryBytes(limits.memory);
    hc.MemorySwap = hc.Memory; // no swap, as the kubelet
  }
  if (limits.cpu !== undefined) hc.NanoCpus = milliCpu(limits.cpu) * 1_000_000;
  const cpuReq = requests.cpu ?? limits.cpu;
  if (cpuReq !== undefined) hc.CpuShares = milliCpuToShares(milliCpu(cpuReq));
  for (const k of new Set([...Object.keys(limits), ...Object.keys(requests)]))
    if (k !== 'cpu' && k !== 'memory') warnings.push(`resource ${k} is not supported; ignored`);

  // security
  if (sc?.privileged) {
    if (!input.allowPrivileged) throw configError(`securityContext.privileged: Forbidden: disallowed by cluster policy`);
    hc.Privileged = true;
  }
  if (sc?.readOnlyRootFilesystem) hc.ReadonlyRootfs = true;
  const caps: Capabilities | undefined = sc?.capabilities;
  const add = capabilityList(caps?.add);
  const drop = capabilityList(caps?.drop);
  if (add) hc.CapAdd = add;
  if (drop) hc.CapDrop = drop;
  const so = securityOpts(sc, psc, warnings);
  if (so.length) hc.SecurityOpt = so;
  const groups = [...(psc?.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc?.supplementalGroups ?? [])];
  if (groups.length) hc.GroupAdd = [...new Set(groups.map(String))];
  if (psc?.fsGroup !== undefined && c.volumeMounts?.length)
    warnings.push('fsGroup is applied as a supplementary group only; volume ownership is not changed');

  const engine: Parameters<typeof bindsOf>[3] = {};
  if (cfg.engineVolumes) engine.volumes = cfg.engineVolumes;
  if (input.volumeMountpoints) engine.mountpoints = input.volumeMountpoints;
  const binds = bindsOf(c, cfg.volumes, envMap, engine);
  if (binds) hc.Binds = binds;

  const options: DockerCreateOptions = {
    name: input.name,
    Image: c.image,
    Labels: { ...input.labels },
    HostConfig: hc,
  };
  // Kubernetes semantics: command replaces ENTRYPOINT (and drops the image CMD); args replaces CMD.
  if (nonEmpty(c.command)) options.Entrypoint = c.command.map((s) => expandVars(s, envMap));
  if (nonEmpty(c.args)) options.Cmd = c.args.map((s) => expandVars(s, envMap));
  else if (nonEmpty(c.command)) options.Cmd = [];
  if (env.length) options.Env = env.map((e) => `${e.name}=${e.value}`);
  if (c.workingDir) options.WorkingDir = c.workingDir;
  const user = userOf(c, sc, psc, input, warnings);
  if (user !== undefined) options.User = user;
  if (c.tty) options.Tty = true;
  if (c.stdin) options.OpenStdin = true;
  if (c.stdinOnce) options.StdinOnce = true;
  if (cfg.stopSignal) options.StopSignal = cfg.stopSignal;
  if (c.volumeDevices?.length) warnings.push('volumeDevices are not supported; ignored');
  return { options, warnings };
}

// ---------------------------------------------------------------------------------------------------
// Pod sandbox

export interface SandboxInput {
  name: string;
  image: string;
  hostname: string;
  labels: Record<string, string>;
  network: string;
  aliases?: string[];
  ports?: SandboxPort[];
  /** engine volumes held mounted (at /kctl/hold/<name>) for the pod's life */
  holdVolumes?: string[];
}

/** "8080/tcp" */
export function portKey(p: { containerPort: number; protocol?: Protocol }): string {
  return `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`;
}

/** The pod name as a hostname: at most 63 characters, no trailing '-' or '.' (as the kubelet). */
export function podHostname(podName: string): string {
  return podName.slice(0, 63).replace(/[-.]+$/, '');
}

/** Ports deduplicated by containerPort/protocol (the first one wins). */
export function uniquePorts(ports: SandboxPort[] | undefined): SandboxPort[] {
  const seen = new Map<string, SandboxPort>();
  for (const p of ports ?? []) {
    if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
      throw configError(`containerPort ${p.containerPort} must be between 1 and 65535`);
    const k = portKey(p);
    if (!seen.has(k)) seen.set(k, p);
  }
  return [...seen.values()];
}

/** The pause container: publishes every pod port on 127.0.0.1 with an ephemeral host port. */
export function toSandboxCreateOptions(s: SandboxInput): DockerCreateOptions {
  const ports = uniquePorts(s.ports);
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: DockerPortMap = {};
  for (const p of ports) {
    exposed[portKey(p)] = {};
    bindings[portKey(p)] = [{ HostIp: '127.0.0.1', HostPort: '' }];
  }
  const labels = { ...s.labels };
  if (ports.length) labels[PORTS] = portsLabel(ports);
  const o: DockerCreateOptions = {
    name: s.name,
    Image: s.image,
    Hostname: s.hostname,
    Labels: labels,
    HostConfig: {
      NetworkMode: s.network,
      IpcMode: 'shareable',
      RestartPolicy: { Name: 'no' },
      PortBindings: bindings,
      ...(s.holdVolumes?.length ? { Binds: s.holdVolumes.map((v) => `${v}:/kctl/hold/${v}:ro`) } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [s.network]: s.aliases?.length ? { Aliases: [...s.aliases] } : {} } },
  };
  if (ports.length) o.ExposedPorts = exposed;
  return o;
}

/** The PORTS label value: the requested ports, compact JSON. */
export function portsLabel(ports: SandboxPort[]): string {
  return JSON.stringify(
    ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol ?? 'TCP', ...(p.name ? { name: p.name } : {}) })),
  );
}

/** Ports read back from the PORTS label; undefined when absent or unreadable. */
export function portsFromLabel(v: string | undefined): SandboxPort[] | undefined {
  if (!v) return undefined;
  try {
    const a = JSON.parse(v) as unknown;
    if (!Array.isArray(a)) return undefined;
    return a.filter((p): p is SandboxPort => typeof p === 'object' && p !== null && Number.isInteger((p as SandboxPort).containerPort));
  } catch {
    return undefined;
  }
}

/** Host side of each requested port, from NetworkSettings.Ports (only 127.0.0.1 bindings count). */
export function portMappingsFrom(requested: SandboxPort[] | undefined, actual: DockerPortMap | null | undefined): PortMapping[] {
  const out: PortMapping[] = [];
  for (const p of uniquePorts(requested)) {
    const b = actual?.[portKey(p)]?.find((x) => x.HostIp === '127.0.0.1' && x.HostPort);
    if (!b) continue;
    const m: PortMapping = {
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
      hostIp: '127.0.0.1',
      hostPort: Number(b.HostPort),
    };
    if (p.name) m.name = p.name;
    out.push(m);
  }
  return out;
}

/** Every 127.0.0.1 binding in NetworkSettings.Ports (when the requested list is not known). */
export function allPortMappings(actual: DockerPortMap | null | undefined): PortMapping[] {
  const req: SandboxPort[] = [];
  for (const k of Object.keys(actual ?? {})) {
    const [port, proto] = k.split('/');
    req.push({ containerPort: Number(port), protocol: (proto ?? 'tcp').toUpperCase() as Protocol });
  }
  return portMappingsFrom(req, actual).sort((a, b) => a.containerPort - b.containerPort);
}

// ---------------------------------------------------------------------------------------------------
// Engine → kctl

const NEVER = '0001-01-01T00:00:00Z';

/** Docker timestamp (RFC 3339, nanoseconds) → ISO string; undefined for Docker's zero time. */
export function isoTime(t: string | undefined): string | undefined {
  if (!t || t.startsWith('0001-01-01')) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function stateOf(dockerState: string | undefined): ContainerState {
  switch (dockerState) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
    case 'removing':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** Kubernetes terminated reason: OOMKilled, Completed (exit 0) or Error. */
export function terminatedReason(exitCode: number, oomKilled: boolean): string {
  if (oomKilled) return 'OOMKilled';
  return exitCode === 0 ? 'Completed' : 'Error';
}

function podOf(labels: Record<string, string>, name: string): PodRef {
  const fromLabels = podRefFromLabels(labels);
  if (fromLabels) return fromLabels;
  const p = parseContainerName(name);
  return { uid: '', name: p?.podName ?? '', namespace: p?.namespace ?? '' };
}

function attemptOf(labels: Record<string, string>, name: string): number {
  const a = Number(labels[ATTEMPT]);
  return Number.isInteger(a) ? a : (parseContainerName(name)?.attempt ?? 0);
}

export function summaryFromList(item: DockerListItem): ContainerSummary {
  const labels = item.Labels ?? {};
  return {
    ...identityOf(item.Id, (item.Names?.[0] ?? '').replace(/^\//, ''), labels),
    image: item.Image ?? '',
    state: stateOf(item.State),
    createdAt: new Date((item.Created ?? 0) * 1000).toISOString(),
  };
}

/** Who a container is (pod, container name, attempt, sandbox), from kctl's labels or, failing them, its name. */
function identityOf(id: string, name: string, labels: Record<string, string>) {
  return {
    id,
    name,
    pod: podOf(labels, name),
    containerName: labels[CONTAINER_NAME] ?? parseContainerName(name)?.containerName ?? '',
    attempt: attemptOf(labels, name),
    sandboxId: labels[SANDBOX_ID] ?? '',
    labels: { ...labels },
  };
}

export function statusFromInspect(i: DockerInspect): ContainerStatus {
  const labels = i.Config?.Labels ?? {};
  const name = i.Name.replace(/^\//, '');
  const st = i.State ?? {};
  const state = stateOf(st.Status);
  const s: ContainerStatus = {
    ...identityOf(i.Id, name, labels),
    image: i.Config?.Image ?? '',
    state,
    createdAt: isoTime(i.Created) ?? new Date(0).toISOString(),
    oomKilled: st.OOMKilled === true,
  };
  if (i.Image) s.imageId = i.Image;
  const startedAt = isoTime(st.StartedAt);
  const finishedAt = isoTime(st.FinishedAt ?? NEVER);
  if (startedAt) s.startedAt = startedAt;
  if (state === 'exited') {
    s.exitCode = st.ExitCode ?? 0;
    s.reason = terminatedReason(s.exitCode, s.oomKilled);
    if (finishedAt) s.finishedAt = finishedAt;
  }
  if (st.Error) s.message = st.Error;
  if (state === 'running' && st.Pid) s.pid = st.Pid;
  return s;
}

export function sandboxFromInspect(i: DockerInspect, requestedPorts?: SandboxPort[]): SandboxStatus {
  const labels = i.Config?.Labels ?? {};
  const requested = requestedPorts ?? portsFromLabel(labels[PORTS]);
  const name = i.Name.replace(/^\//, '');
  const network = i.HostConfig?.NetworkMode ?? '';
  const ready = i.State?.Running === true;
  const s: SandboxStatus = {
    id: i.Id,
    name,
    pod: podOf(labels, name),
    attempt: attemptOf(labels, name),
    state: ready ? 'ready' : 'notready',
    createdAt: isoTime(i.Created) ?? new Date(0).toISOString(),
    network,
    ports: ready
      ? requested
        ? portMappingsFrom(requested, i.NetworkSettings?.Ports)
        : allPortMappings(i.NetworkSettings?.Ports)
      : [],
    labels: { ...labels },
  };
  const ip = i.NetworkSettings?.Networks?.[network]?.IPAddress;
  if (ready && ip) s.podIP = ip;
  return s;
}

const EVENT_TYPES = new Set<RuntimeEventType>(['start', 'die', 'oom', 'destroy']);
const NON_LABEL_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execDuration']);

/** A Docker container event → RuntimeEvent; undefined for events kctl does not track. */
export function eventFromDocker(m: DockerEventMessage): RuntimeEvent | undefined {
  const action = (m.Action ?? m.status ?? '') as RuntimeEventType;
  if ((m.Type ?? 'container') !== 'container' || !EVENT_TYPES.has(action)) return undefined;
  const attrs = m.Actor?.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (!NON_LABEL_ATTRIBUTES.has(k)) labels[k] = v;
  const e: RuntimeEvent = {
    type: action,
    containerId: m.Actor?.ID ?? m.id ?? '',
    labels,
    time: m.timeNano ? new Date(Math.floor(m.timeNano / 1e6)) : new Date((m.time ?? 0) * 1000),
  };
  if (action === 'die' && attrs.exitCode !== undefined) e.exitCode = Number(attrs.exitCode);
  return e;
}

// ---------------------------------------------------------------------------------------------------
// Stats

export interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** `docker stats` arithmetic: CPU over the sample interval, memory less inactive file cache. */
export function statsFrom(s: DockerStats): ContainerStats {
  const cpu = s.cpu_stats?.cpu_usage?.total_usage ?? 0;
  const pre = s.precpu_stats?.cpu_usage?.total_usage ?? 0;
  const sys = s.cpu_stats?.system_cpu_usage ?? 0;
  const preSys = s.precpu_stats?.system_cpu_usage ?? 0;
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  const out: ContainerStats = {
    memoryBytes: 0,
    time: s.read && !s.read.startsWith('0001') ? new Date(s.read) : new Date(),
  };
  if (pre > 0 && sys > preSys) out.cpuMillicores = Math.round(((cpu - pre) / (sys - preSys)) * cpus * 1000);
  const usage = s.memory_stats?.usage ?? 0;
  const st = s.memory_stats?.stats ?? {};
  const inactive = st.inactive_file ?? st.total_inactive_file ?? 0;
  out.memoryBytes = Math.max(0, usage - (inactive < usage ? inactive : 0));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Log stream framing

/**
 * Splits Docker's multiplexed attach/log stream (8-byte header: stream type, 3 zero bytes, big-endian
 * payload length) into payloads. Feed chunks with push(); call end() at the end of the stream.
 */
export class StreamDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (stream: 'stdin' | 'stdout' | 'stderr', payload: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + len) break;
      const t = this.buf[0];
      const payload = this.buf.subarray(8, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      this.onFrame(t === 2 ? 'stderr' : t === 0 ? 'stdin' : 'stdout', payload);
    }
  }
  /** bytes of an incomplete frame left at the end (should be 0) */
  get pending(): number {
    return this.buf.length;
  }
}

/** Turns a byte stream into lines (without '\n'; a trailing '\r' is dropped too); flush() the last partial line. */
export class LineSplitter {
  private partial = '';
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  }
  flush(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest) this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}

/** Docker's `since` query value for a Date: seconds with nanosecond fraction. */
export function dockerSince(d: Date): string {
  const ms = d.getTime();
  const sec = Math.floor(ms / 1000);
  return `${sec}.${String((ms - sec * 1000) * 1_000_000).padStart(9, '0')}`;
}
