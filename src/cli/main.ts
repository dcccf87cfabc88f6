// CLI entry: builds the commander program (only the invoked verb's module is loaded) and is the single place
// where errors become stderr lines and exit codes.
import { Command, CommanderError } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Store } from '../store/store.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { CliContext, CliDeps, CliIO } from './context.js';
import { exitCodeOf, formatError } from './errors.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/** Verb → one-line summary (for help without loading every module) and the module that implements it. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  create: { summary: 'Create a resource from a file or from stdin', load: () => import('./commands/create.js') },
  get: { summary: 'Display one or many resources', load: () => import('./commands/get.js') },
  describe: { summary: 'Show details of a specific resource or group of resources', load: () => import('./commands/describe.js') },
  delete: { summary: 'Delete resources by file names, stdin, resources and names, or by resources and label selector', load: () => import('./commands/delete.js') },
  apply: { summary: 'Apply a configuration to a resource by file name or stdin', load: () => import('./commands/apply.js') },
  diff: { summary: 'Diff the live version against a would-be applied version', load: () => import('./commands/diff.js') },
  kustomize: { summary: 'Build a kustomization target from a directory', load: () => import('./commands/kustomize.js') },
  edit: { summary: 'Edit a resource on the server', load: () => import('./commands/edit.js') },
  patch: { summary: 'Update fields of a resource', load: () => import('./commands/patch.js') },
  label: { summary: 'Update the labels on a resource', load: () => import('./commands/label.js') },
  annotate: { summary: 'Update the annotations on a resource', load: () => import('./commands/annotate.js') },
  scale: { summary: 'Set a new size for a deployment, replica set, or stateful set', load: () => import('./commands/scale.js') },
  rollout: { summary: 'Manage the rollout of a resource', load: () => import('./commands/rollout.js') },
  set: { summary: 'Set specific features on objects', load: () => import('./commands/set.js') },
  wait: { summary: 'Experimental: Wait for a specific condition on one or many resources', load: () => import('./commands/wait.js') },
  logs: { summary: 'Print the logs for a container in a pod', load: () => import('./commands/logs.js') },
  exec: { summary: 'Execute a command in a container', load: () => import('./commands/exec.js') },
  'port-forward': { summary: 'Forward one or more local ports to a pod', load: () => import('./commands/port-forward.js') },
  top: { summary: 'Display resource (CPU/memory) usage', load: () => import('./commands/top.js') },
  controller: { summary: 'Run the reconcile loop in the foreground, or manage it (status, stop, logs)', load: () => import('./commands/controller.js') },
  explain: { summary: 'Get documentation for a resource', load: () => import('./commands/explain.js') },
  kubeconfig: { summary: "Print kctl's kubeconfig, or merge its context into ~/.kube/config (--merge, --remove)", load: () => import('./commands/kubeconfig.js') },
  'api-resources': { summary: 'Print the supported API resources on the server', load: () => import('./commands/api-resources.js') },
  version: { summary: 'Print the client and server version information', load: () => import('./commands/version.js') },
  completion: { summary: 'Output shell completion code for the specified shell (bash, zsh)', load: () => import('./commands/completion.js') },
};

export const VERBS = Object.keys(COMMANDS);

function makeContext(io: CliIO, deps: CliDeps, program: Command): CliContext {
  const env = io.env;
  const home = env.KCTL_HOME || join(homedir(), '.kctl');
  let store: Promise<Store> | undefined;
  let runtime: Promise<ContainerRuntime> | undefined;
  const opts = () => program.opts<{ namespace?: string; v?: string }>();
  const color = Boolean(io.out.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return {
    io,
    clock: deps.clock ?? new SystemClock(),
    home,
    color,
    injectedStore: Boolean(deps.store),
    ...(deps.runtime ? { injectedRuntime: deps.runtime } : {}),
    get verbosity() {
      return Number(opts().v ?? 0) || 0;
    },
    store() {
      store ??= deps.store
        ? Promise.resolve(deps.store)
        : import('../store/open.js').then((m) => m.openDefaultStore(home));
      return store;
    },
    runtime() {
      runtime ??= deps.runtime
        ? Promise.resolve(deps.runtime)
        : Promise.all([import('../runtime/docker/docker-runtime.js'), import('../cluster/config.js')]).then(([m, c]) => {
            const s = c.engineSettings(env);
            return new m.DockerRuntime({ host: s.dockerHost, testRun: s.testRun });
          });
      return runtime;
    },
    namespace: () => opts().namespace || 'default',
    namespaceExplicit: () => Boolean(opts().namespace),
    onInterrupt: (fn) => io.onInterrupt?.(fn) ?? (() => {}),
    out: (s) => void io.out.write(s),
    err: (s) => void io.err.write(s),
    warn: (s) => void io.err.write(`Warning: ${s}\n`),
  };
}

/** Builds the program. With `only`, registers just that verb's full definition (fast path). */
export async function createProgram(io: CliIO, deps: CliDeps = {}, only?: string): Promise<{ program: Command; ctx: CliContext }> {
  const program = new Command('kctl');
  const ctx = makeContext(io, deps, program);
  program
    .description('kctl controls Kubernetes workloads on this machine, without a cluster.')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-v, --v <level>', 'number for the log level verbosity', '0')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
  for (const [verb, c] of Object.entries(COMMANDS)) {
    if (only === verb) (await c.load()).register(program, ctx);
    else if (!only) program.command(verb).description(c.summary).allowUnknownOption().allowExcessArguments().action(async () => {
      // help-only placeholder: run the real command by re-entering with the verb's module loaded
      throw new Error('unreachable');
    });
  }
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
  return { program, ctx };
}

function commanderToUsage(e: CommanderError): UsageError | undefined {
  const m = e.message.replace(/^error: /, '');
  switch (e.code) {
    case 'commander.unknownOption': {
      const flag = /'([^']+)'/.exec(m)?.[1] ?? m;
      return new UsageError(`unknown flag: ${flag}`);
    }
    case 'commander.unknownCommand': {
      const cmd = /'([^']+)'/.exec(m)?.[1] ?? m;
      return new UsageError(`unknown command "${cmd}" for "kctl"`);
    }
    default:
      return new UsageError(m);
  }
}

/** The first positional word, skipping global flags and their values (`-n ns get pods` → get). */
function findVerb(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (a === '-n' || a === '--namespace' || a === '-v' || a === '--v') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** pflag takes `-o=yaml` as shorthand `o` with value `yaml` (commander would keep the `=`); up to `--`. */
export function splitShortEquals(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    const m = /^(-[A-Za-z])=([\s\S]*)$/.exec(a);
    if (m) out.push(m[1]!, m[2]!);
    else out.push(a);
  }
  return out;
}

/** Runs kctl with argv (without node and script) and returns the exit code. Never throws. */
export async function main(rawArgv: string[], io: CliIO, deps: CliDeps = {}): Promise<number> {
  const argv = splitShortEquals(rawArgv);
  const verb = findVerb(argv);
  const only = verb && verb in COMMANDS ? verb : undefined;
  let verbosity = 0;
  try {
    const { program, ctx } = await createProgram(io, deps, only);
    try {
      await program.parseAsync(argv, { from: 'user' });
      return 0;
    } finally {
      verbosity = ctx.verbosity;
      if (ctx.verbosity === 0 && !only && argv.length === 0) {
        /* no verb: commander printed help */
      }
    }
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.executeSubCommandAsync') return e.exitCode;
      io.err.write(formatError(commanderToUsage(e), verbosity));
      return 1;
    }
    io.err.write(formatError(e, verbosity));
    return exitCodeOf(e);
  }
}
