// Settings of the controller process (`kctl controller`): environment variables override $KCTL_HOME/config.json,
// which overrides the defaults. Every setting, with its names and default, is in SETTINGS below (printed by
// `kctl controller --help`).
//
//   env                        config.json              default
//   KCTL_RESYNC_PERIOD_MS      resyncPeriodMs           30000    every loop re-examines all its objects this often
//   KCTL_BACKOFF_BASE_MS       backoffBaseMs            10000    CrashLoopBackOff / ImagePullBackOff first delay
//   KCTL_BACKOFF_MAX_MS        backoffMaxMs             300000   ... doubling up to this
//   KCTL_BACKOFF_RESET_MS      backoffResetMs           600000   ... reset after a container ran this long
//   KCTL_JOB_BACKOFF_BASE_MS   jobBackoffBaseMs         10000    delay before a Job replaces a failed pod
//   KCTL_JOB_BACKOFF_MAX_MS    jobBackoffMaxMs          360000   ... doubling per failure up to this
//   KCTL_ALLOCATABLE_CPU       allocatable.cpu          capacity node allocatable cpu ("2", "1500m"), at most capacity
//   KCTL_ALLOCATABLE_MEMORY    allocatable.memory       capacity node allocatable memory ("4Gi")
//   KCTL_ALLOCATABLE_PODS      allocatable.pods         110      pods the node takes
//   DOCKER_HOST                dockerHost               unix:///var/run/docker.sock
//   KCTL_ALLOW_PRIVILEGED      allowPrivileged          false    permit securityContext.privileged
//   KCTL_PROXY_BIND_ADDRESS    proxyBindAddress         127.0.0.1 where NodePort/LoadBalancer listeners bind
//   KCTL_NODE_NAME             nodeName                 host name lower-cased and DNS-safe, else kctl-node
//   KCTL_TEST_RUN              testRun                  (none)   label kctl.io/test-run on every container (tests)
//   KCTL_API_PORT              apiPort                  6443     the Kubernetes API on 127.0.0.1 (6443 falls back to
//                                                                another port when taken; 0: any free port; off: none)
//
// `node:fs` and `node:os` are allowed here (an edge of the architecture): this is where settings are read.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isQuantity, milliValue } from '../api/quantity.js';
import { KctlError } from '../util/errors.js';
import { nodeNameFromHostname, type AllocatableSetting } from '../scheduler/node.js';

export interface ClusterConfig {
  /** $KCTL_HOME */
  home: string;
  resyncPeriodMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  backoffResetMs: number;
  /** the Job controller's failure back-off (upstream DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff) */
  jobBackoffBaseMs: number;
  jobBackoffMaxMs: number;
  allocatable: AllocatableSetting;
  /** undefined: the runtime's default ($DOCKER_HOST, else the local socket) */
  dockerHost: string | undefined;
  allowPrivileged: boolean;
  proxyBindAddress: string;
  nodeName: string;
  testRun: string | undefined;
  /** the API server's port (0: any free one); undefined: no API server */
  apiPort: number | undefined;
  /** false when apiPort is the default (it may fall back to another port when taken) */
  apiPortExplicit: boolean;
}

export interface SettingInfo {
  env: string;
  /** dotted key in config.json */
  key: string;
  default: string;
  description: string;
}

export const SETTINGS: readonly SettingInfo[] = [
  { env: 'KCTL_RESYNC_PERIOD_MS', key: 'resyncPeriodMs', default: '30000', description: 'every control loop re-examines all its objects this often (ms)' },
  { env: 'KCTL_BACKOFF_BASE_MS', key: 'backoffBaseMs', default: '10000', description: 'first CrashLoopBackOff/ImagePullBackOff delay (ms)' },
  { env: 'KCTL_BACKOFF_MAX_MS', key: 'backoffMaxMs', default: '300000', description: 'back-off doubles up to this (ms)' },
  { env: 'KCTL_BACKOFF_RESET_MS', key: 'backoffResetMs', default: '600000', description: 'back-off resets after a container ran this long (ms)' },
  { env: 'KCTL_JOB_BACKOFF_BASE_MS', key: 'jobBackoffBaseMs', default: '10000', description: 'delay before a Job replaces a failed pod (ms)' },
  { env: 'KCTL_JOB_BACKOFF_MAX_MS', key: 'jobBackoffMaxMs', default: '360000', description: 'the Job back-off doubles per failure up to this (ms)' },
  { env: 'KCTL_ALLOCATABLE_CPU', key: 'allocatable.cpu', default: 'capacity', description: 'node allocatable cpu, e.g. 2 or 1500m (capped at capacity)' },
  { env: 'KCTL_ALLOCATABLE_MEMORY', key: 'allocatable.memory', default: 'capacity', description: 'node allocatable memory, e.g. 4Gi (capped at capacity)' },
  { env: 'KCTL_ALLOCATABLE_PODS', key: 'allocatable.pods', default: '110', description: 'pods the node takes' },
  { env: 'DOCKER_HOST', key: 'dockerHost', default: 'unix:///var/run/docker.sock', description: 'the Docker engine' },
  { env: 'KCTL_ALLOW_PRIVILEGED', key: 'allowPrivileged', default: 'false', description: 'permit securityContext.privileged' },
  { env: 'KCTL_PROXY_BIND_ADDRESS', key: 'proxyBindAddress', default: '127.0.0.1', description: 'address Service listeners bind' },
  { env: 'KCTL_NODE_NAME', key: 'nodeName', default: 'host name', description: 'name of the local Node' },
  { env: 'KCTL_API_PORT', key: 'apiPort', default: '6443', description: 'port of the Kubernetes API on 127.0.0.1 (0: any free port; off: no API server)' },
];

export const DEFAULTS = {
  resyncPeriodMs: 30_000,
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
  backoffResetMs: 600_000,
  jobBackoffBaseMs: 10_000,
  jobBackoffMaxMs: 360_000,
  proxyBindAddress: '127.0.0.1',
  apiPort: 6443,
} as const;

export const CONFIG_FILE = 'config.json';

type Env = Record<string, string | undefined>;

function invalid(where: string, value: unknown, want: string): KctlError {
  return new KctlError('Invalid', `invalid ${where} ${JSON.stringify(value)}: ${want}`);
}

function msSetting(env: Env, file: Record<string, unknown>, envName: string, key: string, dflt: number, min = 0): number {
  const e = env[envName];
  if (e !== undefined && e !== '') {
    const n = Number(e);
    if (!Number.isInteger(n) || n < min) throw invalid(envName, e, `must be an integer >= ${min} (milliseconds)`);
    return n;
  }
  const f = file[key];
  if (f !== undefined) {
    if (typeof f !== 'number' || !Number.isInteger(f) || f < min) throw invalid(`${CONFIG_FILE} ${key}`, f, `must be an integer >= ${min} (milliseconds)`);
    return f;
  }
  return dflt;
}

function boolSetting(env: Env, file: Record<string, unknown>, envName: string, key: string): boolean {
  const e = env[envName];
  if (e !== undefined && e !== '') {
    if (/^(1|true|yes)$/i.test(e)) return true;
    if (/^(0|false|no)$/i.test(e)) return false;
    throw invalid(envName, e, 'must be true or false');
  }
  const f = file[key];
  if (f === undefined) return false;
  if (typeof f !== 'boolean') throw invalid(`${CONFIG_FILE} ${key}`, f, 'must be true or false');
  return f;
}

function stringSetting(env: Env, file: Record<string, unknown>, envName: string, key: string): string | undefined {
  const e = env[envName];
  if (e !== undefined && e !== '') return e;
  const f = file[key];
  if (f === undefined) return undefined;
  if (typeof f !== 'string') throw invalid(`${CONFIG_FILE} ${key}`, f, 'must be a string');
  return f;
}

function quantitySetting(env: Env, fileAlloc: Record<string, unknown>, envName: string, key: string): string | undefined {
  const e = env[envName];
  const where = e !== undefined && e !== '' ? envName : `${CONFIG_FILE} allocatable.${key}`;
  const v = e !== undefined && e !== '' ? e : fileAlloc[key];
  if (v === undefined) return undefined;
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !isQuantity(s) || milliValue(s) <= 0) throw invalid(where, v, 'must be a positive quantity (e.g. 2, 1500m, 4Gi)');
  if (key === 'pods' && !/^\d+$/.test(s)) throw invalid(where, v, 'must be a positive integer');
  return s;
}

/** KCTL_API_PORT / apiPort: a port number, 0 (any free port) or off. */
function apiPortSetting(env: Env, file: Record<string, unknown>): { apiPort: number | undefined; apiPortExplicit: boolean } {
  const e = env.KCTL_API_PORT;
  const fromEnv = e !== undefined && e !== '';
  const v: unknown = fromEnv ? e : file.apiPort;
  if (v === undefined) return { apiPort: DEFAULTS.apiPort, apiPortExplicit: false };
  const where = fromEnv ? 'KCTL_API_PORT' : `${CONFIG_FILE} apiPort`;
  if (v === 'off' || v === false) return { apiPort: undefined, apiPortExplicit: true };
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw invalid(where, v, 'must be a port number (0: any free port) or off');
  return { apiPort: n, apiPortExplicit: true };
}

/** Where the Docker engine is and which test run kctl's engine objects belong to: the controller's settings
 *  (with config.json) and, from the environment alone, what the CLI verbs that talk to the engine use. */
export function engineSettings(env: Env, file: Record<string, unknown> = {}): Pick<ClusterConfig, 'dockerHost' | 'testRun'> {
  return { dockerHost: stringSetting(env, file, 'DOCKER_HOST', 'dockerHost'), testRun: stringSetting(env, file, 'KCTL_TEST_RUN', 'testRun') };
}

/** Reads $KCTL_HOME/config.json: {} when absent; KctlError when it is not a JSON object. */
export async function readConfigFile(home: string): Promise<Record<string, unknown>> {
  const path = join(home, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KctlError('Invalid', `cannot read ${path}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new KctlError('Invalid', `${path}: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new KctlError('Invalid', `${path}: must be a JSON object`);
  return v as Record<string, unknown>;
}

/** The settings from the environment, config.json and the defaults. `hostName` defaults to os.hostname(). */
export async function loadConfig(home: string, env: Env, opts: { hostName?: string } = {}): Promise<ClusterConfig> {
  return configFrom(home, env, await readConfigFile(home), opts);
}

/** Pure part of loadConfig. */
export function configFrom(home: string, env: Env, file: Record<string, unknown>, opts: { hostName?: string } = {}): ClusterConfig {
  const alloc = file.allocatable ?? {};
  if (typeof alloc !== 'object' || alloc === null || Array.isArray(alloc)) throw invalid(`${CONFIG_FILE} allocatable`, alloc, 'must be an object {cpu, memory, pods}');
  const fileAlloc = alloc as Record<string, unknown>;
  const allocatable: AllocatableSetting = {};
  const cpu = quantitySetting(env, fileAlloc, 'KCTL_ALLOCATABLE_CPU', 'cpu');
  const memory = quantitySetting(env, fileAlloc, 'KCTL_ALLOCATABLE_MEMORY', 'memory');
  const pods = quantitySetting(env, fileAlloc, 'KCTL_ALLOCATABLE_PODS', 'pods');
  if (cpu !== undefined) allocatable.cpu = cpu;
  if (memory !== undefined) allocatable.memory = memory;
  if (pods !== undefined) allocatable.pods = pods;
  const backoffBaseMs = msSetting(env, file, 'KCTL_BACKOFF_BASE_MS', 'backoffBaseMs', DEFAULTS.backoffBaseMs, 1);
  const backoffMaxMs = msSetting(env, file, 'KCTL_BACKOFF_MAX_MS', 'backoffMaxMs', Math.max(DEFAULTS.backoffMaxMs, backoffBaseMs), 1);
  if (backoffMaxMs < backoffBaseMs) throw invalid('KCTL_BACKOFF_MAX_MS', backoffMaxMs, `must be >= the back-off base (${backoffBaseMs})`);
  const nodeName = stringSetting(env, file, 'KCTL_NODE_NAME', 'nodeName');
  const jobBackoffBaseMs = msSetting(env, file, 'KCTL_JOB_BACKOFF_BASE_MS', 'jobBackoffBaseMs', DEFAULTS.jobBackoffBaseMs, 1);
  const jobBackoffMaxMs = msSetting(env, file, 'KCTL_JOB_BACKOFF_MAX_MS', 'jobBackoffMaxMs', Math.max(DEFAULTS.jobBackoffMaxMs, jobBackoffBaseMs), 1);
  if (jobBackoffMaxMs < jobBackoffBaseMs) throw invalid('KCTL_JOB_BACKOFF_MAX_MS', jobBackoffMaxMs, `must be >= the Job back-off base (${jobBackoffBaseMs})`);
  return {
    home,
    resyncPeriodMs: msSetting(env, file, 'KCTL_RESYNC_PERIOD_MS', 'resyncPeriodMs', DEFAULTS.resyncPeriodMs),
    backoffBaseMs,
    backoffMaxMs,
    backoffResetMs: msSetting(env, file, 'KCTL_BACKOFF_RESET_MS', 'backoffResetMs', DEFAULTS.backoffResetMs, 1),
    jobBackoffBaseMs,
    jobBackoffMaxMs,
    allocatable,
    ...engineSettings(env, file),
    allowPrivileged: boolSetting(env, file, 'KCTL_ALLOW_PRIVILEGED', 'allowPrivileged'),
    proxyBindAddress: stringSetting(env, file, 'KCTL_PROXY_BIND_ADDRESS', 'proxyBindAddress') ?? DEFAULTS.proxyBindAddress,
    nodeName: nodeName !== undefined ? nodeNameFromHostname(nodeName) : nodeNameFromHostname(opts.hostName ?? hostname()),
    ...apiPortSetting(env, file),
  };
}

/** "  KCTL_X (config.json x): description [default: y]" lines for --help. */
export function settingsHelp(): string {
  const w = Math.max(...SETTINGS.map((s) => s.env.length));
  return SETTINGS.map((s) => `  ${s.env.padEnd(w)}  ${s.description} [config.json: ${s.key}; default: ${s.default}]`).join('\n');
}
