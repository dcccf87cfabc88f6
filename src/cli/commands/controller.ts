// kctl controller [status|stop|logs]: the reconcile loop in the foreground, and its management.
//
//   kctl controller              run the loop here (logs to stderr, one line per action; -v 1 for more)
//   kctl controller status       `controller is running (pid N)` (exit 0) or `controller is not running` (exit 1)
//   kctl controller stop         SIGTERM, wait --timeout seconds (default 10), then SIGKILL; exit 0 either way
//   kctl controller logs [-f]    $KCTL_HOME/controller.log (written by a controller started in the background)
//
// Mutating verbs start the controller in the background through ensureControllerRunning (src/cluster/process.ts)
// unless KCTL_NO_CONTROLLER=1. The cluster's runtime is the Docker engine of the settings, or the one the caller
// injected (CliDeps.runtime: tests run it over the in-memory FakeRuntime).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { KctlError, SilentExit, UsageError } from '../../util/errors.js';
import { loadConfig, settingsHelp } from '../../cluster/config.js';
import { LineLogger } from '../../reconcile/logger.js';
import {
  acquireControllerLock,
  clearStartingMarker,
  controllerLogSize,
  controllerPaths,
  controllerStatus,
  followControllerLog,
  onShutdownSignal,
  readControllerLog,
  stopController,
} from '../../cluster/process.js';
import { KCTL_VERSION } from './version.js';

/** Runs the cluster in the foreground until SIGTERM/SIGINT (or `signal`). */
export async function runController(ctx: CliContext, signal?: AbortSignal): Promise<void> {
  const home = ctx.home;
  const log = new LineLogger({ write: (s) => ctx.err(s), clock: ctx.clock, verbosity: ctx.verbosity });
  let lock;
  try {
    const config = await loadConfig(home, ctx.io.env);
    const abort = new AbortController();
    try {
      lock = await acquireControllerLock(home, {
        onCompromised: (e) => {
          log.error(`lost the controller lock (${e.message}); stopping`);
          abort.abort();
        },
      });
    } finally {
      await clearStartingMarker(home);
    }
    const dispose = onShutdownSignal((sig) => {
      log.info(`received ${sig}, stopping (containers keep running)`);
      abort.abort();
    });
    if (signal) {
      if (signal.aborted) abort.abort();
      else signal.addEventListener('abort', () => abort.abort(), { once: true });
    }
    const store = await ctx.store();
    try {
      const runtime = ctx.injectedRuntime;
      const { Cluster } = await import('../../cluster/cluster.js');
      const cluster = new Cluster({ config, store, runtime, clock: ctx.clock, log, kctlVersion: KCTL_VERSION, apiServer: true });
      log.info(`controller pid ${lock.pid}, home ${home}`);
      await cluster.start(abort.signal);
      if (!abort.signal.aborted) await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
      await cluster.stop();
    } finally {
      dispose();
      await store.close().catch(() => undefined);
    }
  } finally {
    await lock?.release();
  }
}

export async function runControllerStatus(ctx: CliContext): Promise<void> {
  const st = await controllerStatus(ctx.home);
  if (st.running) {
    ctx.out(`controller is running (pid ${st.pid})\n`);
    return;
  }
  ctx.out('controller is not running\n');
  throw new SilentExit(1);
}

export async function runControllerStop(ctx: CliContext, o: { timeout?: string }): Promise<void> {
  const secs = o.timeout === undefined ? 10 : Number(o.timeout.replace(/s$/, ''));
  if (!Number.isFinite(secs) || secs < 0) throw new UsageError(`invalid --timeout "${o.timeout}": must be a number of seconds`);
  const r = await stopController(ctx.home, { timeoutMs: secs * 1000 });
  if (!r.wasRunning) ctx.out('controller is not running\n');
  else if (r.killed) ctx.out(`controller did not stop within ${secs}s; killed (pid ${r.pid})\n`);
  else ctx.out(`controller stopped (pid ${r.pid})\n`);
}

export async function runControllerLogs(ctx: CliContext, o: { follow?: boolean; tail?: string }): Promise<void> {
  const tail = o.tail === undefined ? -1 : Number(o.tail);
  if (!Number.isInteger(tail) || tail < -1) throw new UsageError(`invalid --tail "${o.tail}": must be an integer`);
  const size = await controllerLogSize(ctx.home);
  const text = await readControllerLog(ctx.home, tail);
  if (text === undefined && !o.follow)
    // 'Internal', not 'NotFound': this is no API object (the CLI prints NotFound as "Error from server")
    throw new KctlError('Internal', `no controller log at ${controllerPaths(ctx.home).log} (the controller has not run in the background)`);
  if (text) ctx.out(text);
  if (!o.follow) return;
  const abort = new AbortController();
  const dispose = onShutdownSignal(() => abort.abort());
  try {
    await followControllerLog(ctx.home, text === undefined ? 0 : size, (s) => ctx.out(s), abort.signal);
  } finally {
    dispose();
  }
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('controller')
    .description('Run the reconcile loop (controllers, scheduler, kubelet) in the foreground, or manage the background one')
    .addHelpText(
      'after',
      `
Exactly one controller runs per $KCTL_HOME (lock: $KCTL_HOME/controller.lock, pid: controller.pid). Mutating
commands start it in the background (log: controller.log) unless KCTL_NO_CONTROLLER=1. Use -v 1 for debug lines.

Settings (environment, else $KCTL_HOME/config.json):
${settingsHelp()}
`,
    )
    .action(async () => runController(ctx));
  cmd
    .command('status')
    .description('Print whether the controller runs (exit 0) or not (exit 1)')
    .action(async () => runControllerStatus(ctx));
  cmd
    .command('stop')
    .description('Stop the controller: SIGTERM, then SIGKILL after --timeout; containers keep running')
    .option('--timeout <seconds>', 'seconds to wait after SIGTERM before SIGKILL', '10')
    .action(async (o: { timeout?: string }) => runControllerStop(ctx, o));
  cmd
    .command('logs')
    .description("Print the background controller's log")
    .option('-f, --follow', 'Keep printing what is appended')
    .option('--tail <lines>', 'Lines of recent log to print; -1 for all', '-1')
    .action(async (o: { follow?: boolean; tail?: string }) => runControllerLogs(ctx, o));
  for (const c of cmd.commands) c.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
}
