// The ContainerRuntime port: what kctl needs from a container engine, in kctl's own types, in slices as the CRI
// splits it, so each consumer takes only the slice it uses:
//   sandboxes.ts       PodSandboxManager       run/stop/remove/status/list pod sandboxes
//   containers.ts      ContainerManager        create/start/stop/remove/list/inspect, logs, exec, events
//   stats.ts           ContainerStatsManager   usage of a running container
//                      RuntimeVersioner        engine capacity (info) and version
//   images.ts          ImageManager            image presence and pulls
//   engine-objects.ts  EngineNetworks, EngineVolumes, HelperContainers   what kctl keeps besides pods
// ContainerRuntime is their intersection, for the composition root. Implementations: DockerRuntime (runtime/docker/,
// the only code that speaks dockerode) and FakeRuntime (runtime/fake/, in memory), each split along the same
// slices; test/contracts/runtime-contract.ts holds both to the same behaviour. A new capability goes into the
// slice it belongs to, in both adapters and the contract.
import { KctlError, type ErrorCode } from '../util/errors.js';
import type { PodSandboxManager } from './sandboxes.js';
import type { ContainerManager } from './containers.js';
import type { ContainerStatsManager, RuntimeVersioner } from './stats.js';
import type { ImageManager } from './images.js';
import type { EngineNetworks, EngineVolumes, HelperContainers } from './engine-objects.js';

export type { PodRef } from './names.js';
export type * from './sandboxes.js';
export type * from './containers.js';
export type * from './stats.js';
export type * from './images.js';
export type * from './engine-objects.js';

/** The whole port: every slice (what the composition root hands out piece by piece). */
export type ContainerRuntime = PodSandboxManager &
  ContainerManager &
  ContainerStatsManager &
  RuntimeVersioner &
  ImageManager &
  EngineNetworks &
  EngineVolumes &
  HelperContainers;

/** Why a runtime call failed, for the kubelet's waiting reasons. */
export type RuntimeErrorReason =
  | 'EngineUnreachable'
  | 'ImagePull'
  | 'ImageNotPresent'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'RunContainerError'
  | 'NotRunning'
  | 'Unsupported';

/** A failure from the container engine. `code`: RuntimeNotFound (404), RuntimeConflict (409) or Runtime. */
export class RuntimeError extends KctlError {
  /** HTTP status from the engine, when it answered */
  readonly statusCode?: number;
  readonly reason?: RuntimeErrorReason;
  constructor(
    code: Extract<ErrorCode, 'Runtime' | 'RuntimeNotFound' | 'RuntimeConflict' | 'Timeout'>,
    message: string,
    opts: { statusCode?: number; reason?: RuntimeErrorReason; cause?: unknown } = {},
  ) {
    super(code, message, { cause: opts.cause });
    if (opts.statusCode !== undefined) this.statusCode = opts.statusCode;
    if (opts.reason !== undefined) this.reason = opts.reason;
  }
}

export const isRuntimeNotFound = (e: unknown): boolean => e instanceof KctlError && e.code === 'RuntimeNotFound';
export const isRuntimeConflict = (e: unknown): boolean => e instanceof KctlError && e.code === 'RuntimeConflict';
export const isEngineUnreachable = (e: unknown): boolean =>
  e instanceof RuntimeError && e.reason === 'EngineUnreachable';

/** Default engine network of pods. */
export const DEFAULT_NETWORK = 'kctl';
