// One ContainerRuntime out of its slice objects: both adapters (docker/, fake/) implement each slice in its own
// module and put the methods together here, so neither repeats a 27-method forwarding class.
import type { ContainerRuntime } from './runtime.js';
import type { PodSandboxManager } from './sandboxes.js';
import type { ContainerManager } from './containers.js';
import type { ContainerStatsManager, RuntimeVersioner } from './stats.js';
import type { ImageManager } from './images.js';
import type { EngineNetworks, EngineVolumes, HelperContainers } from './engine-objects.js';

/** The object implementing each slice (one object may implement several). */
export interface RuntimeSlices {
  sandboxes: PodSandboxManager;
  containers: ContainerManager;
  stats: ContainerStatsManager;
  versioner: RuntimeVersioner;
  images: ImageManager;
  networks: EngineNetworks;
  volumes: EngineVolumes;
  helpers: HelperContainers;
}

type MethodLists = { readonly [K in keyof RuntimeSlices]: readonly (keyof RuntimeSlices[K])[] };

/** Every method of every slice. */
export const SLICE_METHODS = {
  sandboxes: ['runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'podSandboxStatus', 'listPodSandboxes'],
  containers: ['createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'listContainers', 'inspectContainer', 'logs', 'exec', 'execStream', 'events'],
  stats: ['stats'],
  versioner: ['info', 'version'],
  images: ['imageExists', 'pullImage'],
  networks: ['ensureNetwork', 'removeNetwork'],
  volumes: ['createVolume', 'removeVolume', 'listVolumes'],
  helpers: ['runHelper', 'listHelpers', 'removeHelper'],
} as const satisfies MethodLists;

// compile-time: a method added to a slice interface but not listed above is an error here
type Unlisted = { [K in keyof RuntimeSlices]: Exclude<keyof RuntimeSlices[K], (typeof SLICE_METHODS)[K][number]> }[keyof RuntimeSlices];
const allListed: [Unlisted] extends [never] ? true : Unlisted = true;
void allListed;

/** Puts every slice's methods on `target` (a class merged with the ContainerRuntime interface), each bound to its implementer. */
export function assembleRuntime(target: ContainerRuntime, slices: RuntimeSlices): void {
  const t = target as unknown as Record<string, unknown>;
  for (const [slice, methods] of Object.entries(SLICE_METHODS) as [keyof RuntimeSlices, readonly string[]][]) {
    const impl = slices[slice] as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const m of methods) t[m] = impl[m]!.bind(impl);
  }
}
