// What every command gets: injected streams, environment, clock and a lazily opened store.
import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../util/clock.js';
import type { Store } from '../store/store.js';
import type { ContainerRuntime } from '../runtime/runtime.js';

export interface CliIO {
  out: Writable & { isTTY?: boolean };
  err: Writable & { isTTY?: boolean };
  in?: Readable;
  env: Record<string, string | undefined>;
  /** subscribes to Ctrl-C; bin/kctl.js wires process SIGINT, tests can leave it out */
  onInterrupt?(fn: () => void): () => void;
  /** working directory for relative -f paths (default process.cwd()) */
  cwd?: string;
}

export interface CliDeps {
  /** Overrides the store (tests pass a MemoryStore); default FileStore in $KCTL_HOME. */
  store?: Store;
  clock?: Clock;
  /** Overrides the container runtime (tests pass a FakeRuntime); default DockerRuntime (DOCKER_HOST). */
  runtime?: ContainerRuntime;
}

export interface CliContext {
  io: CliIO;
  clock: Clock;
  /** $KCTL_HOME (default ~/.kctl) */
  home: string;
  /** opens the store on first use; commands that don't need it never pay for it */
  store(): Promise<Store>;
  /** the container engine, connected on first use (logs, exec, port-forward, top) */
  runtime(): Promise<ContainerRuntime>;
  /** colour only on a TTY and when NO_COLOR is unset */
  color: boolean;
  /** the runtime the caller passed (tests), which `kctl controller` runs its cluster over; default none (Docker) */
  injectedRuntime?: ContainerRuntime;
  /** true when the caller passed its own store (tests): no background controller is started */
  injectedStore: boolean;
  /** -v / --v=N */
  verbosity: number;
  /** the namespace from -n, or "default" */
  namespace(): string;
  /** whether -n was given explicitly */
  namespaceExplicit(): boolean;
  /** runs fn on Ctrl-C (SIGINT) instead of dying at once; returns the unsubscribe. Long-running verbs use it. */
  onInterrupt(fn: () => void): () => void;
  out(s: string): void;
  err(s: string): void;
  warn(s: string): void;
}
