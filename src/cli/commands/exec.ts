// kctl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]: runs a command in a running
// container through the runtime (execStream), passing its exit code through as kubectl does
// (`command terminated with exit code N` on stderr, exit N).
import type { Command } from 'commander';
import { Readable } from 'node:stream';
import { isRuntimeNotFound, RuntimeError } from '../../runtime/runtime.js';
import { KctlError, SilentExit, UsageError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { checkContainer, chooseContainer, containerStatusOf, interruptSignal, podRunningTimeoutFlag, resolvePod, runtimeIdOf } from '../pod-target.js';

export interface ExecOptions {
  target: string;
  command: string[];
  container?: string;
  stdin: boolean;
  tty: boolean;
  quiet: boolean;
  podRunningTimeoutMs: number;
  /** the deprecated `exec POD CMD` form (no `--`) was used: kubectl prints a notice */
  deprecatedForm: boolean;
  signal?: AbortSignal;
}

/**
 * `argsLenAtDash`: how many positional args came before `--` (-1: no `--`), as cobra's ArgsLenAtDash.
 */
export function toExecOptions(args: string[], argsLenAtDash: number, f: Record<string, unknown>): ExecOptions {
  let target: string | undefined;
  let command: string[] = [];
  let deprecatedForm = false;
  if (args.length > 0 && argsLenAtDash !== 0) target = args[0];
  if (argsLenAtDash > -1) {
    if (argsLenAtDash > 1) throw new UsageError(`exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]: only one POD or TYPE/NAME may come before --, got ${argsLenAtDash}`);
    command = args.slice(argsLenAtDash);
  } else if (args.length > 1) {
    deprecatedForm = true;
    command = args.slice(1);
  }
  if (!target) throw new UsageError('pod or type/name must be specified');
  if (command.length === 0) throw new UsageError('you must specify at least one command for the container');
  const podRunningTimeoutMs = podRunningTimeoutFlag(f.podRunningTimeout, 60_000);
  const o: ExecOptions = {
    target,
    command,
    stdin: Boolean(f.stdin),
    tty: Boolean(f.tty),
    quiet: Boolean(f.quiet),
    podRunningTimeoutMs,
    deprecatedForm,
  };
  if (f.container !== undefined) o.container = String(f.container);
  return o;
}

export async function runExec(o: ExecOptions, ctx: CliContext): Promise<void> {
  if (o.deprecatedForm && !o.quiet)
    ctx.err('kctl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kctl exec [POD] -- [COMMAND] instead.\n');
  const { pod } = await resolvePod(ctx, o.target, { order: 'attach', timeoutMs: o.podRunningTimeoutMs, verbPhrase: 'attach to' });
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new KctlError('Invalid', `cannot exec into a container in a completed pod; current phase is ${phase}`);
  const name = chooseContainer(pod, { requested: o.container, mode: 'exec', quiet: o.quiet, notice: (s) => ctx.err(s) });
  checkContainer(pod, name);
  const st = containerStatusOf(pod, name);
  const id = st?.state?.running ? runtimeIdOf(st.containerID) : undefined;
  const notFound = (): KctlError => new KctlError('Invalid', `unable to upgrade connection: container not found ("${name}")`);
  if (!id) throw notFound();

  // kubectl's StreamOptions.SetupTTY: no TTY without stdin; a TTY needs a terminal on stdin
  // stdin is touched only with -i (bin/kctl.js opens it lazily: reading it costs start-up time)
  const input = o.stdin ? (ctx.io.in as (Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }) | undefined) : undefined;
  let tty = o.tty && o.stdin;
  if (tty && !input?.isTTY) {
    if (!o.quiet) ctx.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const out = ctx.io.out as typeof ctx.io.out & { columns?: number; rows?: number };
  const rt = await ctx.runtime();
  const interrupt = interruptSignal(ctx, o.signal);
  const raw = tty && typeof input?.setRawMode === 'function';
  let code: number;
  try {
    if (raw) input!.setRawMode!(true);
    code = await rt.execStream(id, o.command, {
      ...(o.stdin ? { stdin: input ?? emptyStream() } : {}),
      stdout: ctx.io.out,
      stderr: ctx.io.err,
      tty,
      ...(tty && out.columns && out.rows ? { size: { columns: out.columns, rows: out.rows } } : {}),
      signal: interrupt.signal,
    });
  } catch (e) {
    if (isRuntimeNotFound(e) || (e instanceof RuntimeError && e.reason === 'NotRunning')) throw notFound();
    throw e;
  } finally {
    if (raw) input!.setRawMode!(false);
    // the command is over: stop reading our stdin so it does not hold the process open (kubectl exits when
    // the remote process does, whatever is left unread)
    if (o.stdin && input) {
      input.pause();
      (input as Readable & { unref?: () => void }).unref?.();
    }
    interrupt.dispose();
  }
  if (code !== 0) {
    // kubectl's CheckErr for an exec.CodeExitError: this line as it is, and the command's exit code
    ctx.err(`command terminated with exit code ${code}\n`);
    throw new SilentExit(code);
  }
}

const emptyStream = (): NodeJS.ReadableStream => Readable.from([]);

export function register(program: Command, ctx: CliContext): void {
  program
    .command('exec')
    .description('Execute a command in a container')
    .usage('(POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]')
    .argument('[args...]', 'POD or TYPE/NAME, then -- COMMAND [args...]')
    .option('-c, --container <name>', 'Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen')
    .option('-i, --stdin', 'Pass stdin to the container')
    .option('-t, --tty', 'Stdin is a TTY')
    .option('-q, --quiet', 'Only print output from the remote session')
    .option('--pod-running-timeout <duration>', 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running', '1m0s')
    .action(async (args: string[], f: Record<string, unknown>) => {
      // commander drops `--`; the raw argv says how many positional args came before it (cobra's ArgsLenAtDash)
      const raw = (program as Command & { rawArgs: string[] }).rawArgs;
      const dash = raw.indexOf('--');
      const argsLenAtDash = dash < 0 ? -1 : Math.max(0, args.length - (raw.length - dash - 1));
      await runExec(toExecOptions(args, argsLenAtDash, f), ctx);
    });
}
