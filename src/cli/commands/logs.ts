// kctl logs (POD | TYPE/NAME | -l SELECTOR) [-c C | --all-containers] [-f] [--tail N] [--since D | --since-time T]
// [--timestamps] [-p] [--prefix]: kubectl logs over the runtime's container logs.
//
// Which container's log is read follows the kubelet (validateContainerLogStatus): the running container; else
// the terminated one; else the last terminated one (a CrashLoopBackOff shows the last crash); --previous reads
// lastState.terminated (or, when the status lost it, the engine's container of the previous attempt).
import type { Command } from 'commander';
import type { ContainerManager } from '../../runtime/runtime.js';
import { KctlError, UsageError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { parseDurationFlag } from '../flags.js';
import { logContainerId } from '../../kubelet/container-logs.js';
import { checkContainer, chooseContainer, interruptSignal, podRunningTimeoutFlag, resolvePod, type StoredPod } from '../pod-target.js';

export interface LogsOptions {
  /** POD or TYPE/NAME; undefined with a selector */
  target?: string;
  container?: string;
  selector?: string;
  allContainers: boolean;
  follow: boolean;
  /** -1: every line */
  tail: number;
  /** --since, in whole seconds (rounded up) */
  sinceSeconds?: number;
  sinceTime?: Date;
  timestamps: boolean;
  previous: boolean;
  prefix: boolean;
  maxLogRequests: number;
  ignoreErrors: boolean;
  podRunningTimeoutMs: number;
  /** ends -f (tests); Ctrl-C does it through ctx.onInterrupt */
  signal?: AbortSignal;
}

const USAGE = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function toLogsOptions(args: string[], f: Record<string, unknown>): LogsOptions {
  let target: string | undefined = args[0] || undefined;
  let container = f.container as string | undefined;
  if (args.length === 2) {
    // kubectl's old `logs POD CONTAINER` form
    if (container) throw new UsageError("only one of -c or an inline [CONTAINER] arg is allowed");
    container = args[1];
  } else if (args.length > 2) throw new UsageError(USAGE);
  const selector = f.selector as string | undefined;
  if (selector && target) throw new UsageError('only a selector (-l) or a POD name is allowed');
  if (!selector && !target) throw new UsageError(USAGE);

  const allContainers = Boolean(f.allContainers);
  if (allContainers && container) throw new UsageError(`--all-containers=true should not be specified with container name ${container}`);

  let tail = -1;
  if (f.tail !== undefined) {
    const t = String(f.tail);
    if (!/^-?\d+$/.test(t)) throw new UsageError(`invalid argument "${t}" for "--tail" flag: strconv.ParseInt: parsing ${JSON.stringify(t)}: invalid syntax`);
    tail = Number(t);
    if (tail < -1) throw new UsageError('--tail must be greater than or equal to -1');
  } else if (selector) tail = 10; // kubectl: 10 lines per container with a selector

  let sinceSeconds: number | undefined;
  if (f.since !== undefined) {
    const ms = parseDurationFlag('--since', f.since, 0);
    if (ms < 0) throw new UsageError('--since must be greater than 0');
    if (ms > 0) sinceSeconds = Math.ceil(ms / 1000);
  }
  let sinceTime: Date | undefined;
  if (f.sinceTime !== undefined && f.sinceTime !== '') {
    const s = String(f.sinceTime);
    if (!RFC3339.test(s) || Number.isNaN(Date.parse(s)))
      throw new UsageError(`parsing time ${JSON.stringify(s)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(s)} as RFC3339`);
    sinceTime = new Date(s);
  }
  if (sinceTime && sinceSeconds !== undefined) throw new UsageError('at most one of `sinceTime` or `sinceSeconds` may be specified');

  const maxLogRequests = f.maxLogRequests === undefined ? 5 : Number(f.maxLogRequests);
  if (!Number.isInteger(maxLogRequests) || maxLogRequests < 1) throw new UsageError('--max-log-requests must be greater than 0');

  const podRunningTimeoutMs = podRunningTimeoutFlag(f.podRunningTimeout, 20_000);

  // --prefix [bool]; kctl prefixes by default with -l (the issue asks for it), --prefix=false turns it off
  const pf = f.prefix;
  const prefix = pf === undefined ? Boolean(selector) : pf === true || pf === 'true';
  if (pf !== undefined && pf !== true && pf !== 'true' && pf !== 'false')
    throw new UsageError(`invalid argument "${String(pf)}" for "--prefix" flag: strconv.ParseBool: parsing ${JSON.stringify(String(pf))}: invalid syntax`);

  const o: LogsOptions = {
    allContainers,
    follow: Boolean(f.follow),
    tail,
    timestamps: Boolean(f.timestamps),
    previous: Boolean(f.previous),
    prefix,
    maxLogRequests,
    ignoreErrors: Boolean(f.ignoreErrors),
    podRunningTimeoutMs,
  };
  if (target !== undefined) o.target = target;
  if (container !== undefined) o.container = container;
  if (selector !== undefined) o.selector = selector;
  if (sinceSeconds !== undefined) o.sinceSeconds = sinceSeconds;
  if (sinceTime) o.sinceTime = sinceTime;
  return o;
}

/** One container log to read. */
interface LogRequest {
  pod: StoredPod;
  container: string;
}

const badRequest = (msg: string): KctlError => new KctlError('Invalid', msg);

export { logContainerId } from '../../kubelet/container-logs.js';

/** The pods and containers to read, in order. */
async function logRequests(o: LogsOptions, ctx: CliContext): Promise<LogRequest[] | undefined> {
  const notice = (s: string): void => ctx.err(s);
  let pods: StoredPod[];
  if (o.selector) {
    const { parseSelector, matches } = await import('../../api/labels.js');
    const sel = parseSelector(o.selector);
    const store = await ctx.store();
    const { items } = await store.list<StoredPod>('pods', { namespace: ctx.namespace() });
    pods = items.filter((p) => matches(sel, p.metadata.labels)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    if (pods.length === 0) {
      ctx.err(`No resources found in ${ctx.namespace()} namespace.\n`);
      return undefined;
    }
  } else {
    const r = await resolvePod(ctx, o.target!, { order: 'logging', timeoutMs: o.podRunningTimeoutMs, verbPhrase: 'get the logs from' });
    if (r.numPods > 1) ctx.err(`Found ${r.numPods} pods, using pod/${r.pod.metadata.name}\n`);
    pods = [r.pod];
  }
  const out: LogRequest[] = [];
  for (const pod of pods) {
    if (o.allContainers) {
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])])
        out.push({ pod, container: c.name });
    } else {
      const container = chooseContainer(pod, { requested: o.container, mode: 'logs', notice });
      checkContainer(pod, container);
      out.push({ pod, container });
    }
  }
  return out;
}

export async function runLogs(o: LogsOptions, ctx: CliContext): Promise<void> {
  const requests = await logRequests(o, ctx);
  if (!requests) return;
  if (o.follow && requests.length > o.maxLogRequests)
    throw new KctlError(
      'Invalid',
      `you are attempting to follow ${requests.length} log streams, but maximum allowed concurrency is ${o.maxLogRequests}, use --max-log-requests to increase the limit`,
    );
  const runtime = () => ctx.runtime();
  const interrupt = interruptSignal(ctx, o.signal);
  const signal = interrupt.signal;
  const since = o.sinceTime ?? (o.sinceSeconds !== undefined ? new Date(ctx.clock.now().getTime() - o.sinceSeconds * 1000) : undefined);

  const consume = async (r: LogRequest, sig: AbortSignal): Promise<void> => {
    const id = await logContainerId(runtime, r.pod, r.container, o.previous);
    if (!id) return;
    const prefix = o.prefix ? `[pod/${r.pod.metadata.name}/${r.container}] ` : '';
    const rt = await ctx.runtime();
    try {
      for await (const line of rt.logs(id, {
        follow: o.follow,
        timestamps: o.timestamps,
        signal: sig,
        ...(o.tail >= 0 ? { tail: o.tail } : {}),
        ...(since ? { since } : {}),
      })) {
        if (sig.aborted) break;
        ctx.out(`${prefix}${line}\n`);
      }
    } catch (e) {
      const { isRuntimeNotFound } = await import('../../runtime/runtime.js');
      if (isRuntimeNotFound(e) && o.previous)
        throw badRequest(`previous terminated container "${r.container}" in pod "${r.pod.metadata.name}" not found`);
      if (isRuntimeNotFound(e))
        throw badRequest(`container "${r.container}" in pod "${r.pod.metadata.name}" is not available: its container is gone from the engine`);
      throw e;
    }
  };

  try {
    if (o.follow && requests.length > 1) {
      // kubectl's parallelConsumeRequest: every stream at once, lines interleaved; the first error ends all
      const ac = new AbortController();
      const stop = (): void => ac.abort();
      signal.addEventListener('abort', stop, { once: true });
      let first: unknown;
      await Promise.all(
        requests.map((r) =>
          consume(r, ac.signal).catch((e: unknown) => {
            if (o.ignoreErrors) return ctx.err(`error: ${(e as Error).message}\n`);
            first ??= e;
            ac.abort();
          }),
        ),
      );
      signal.removeEventListener('abort', stop);
      if (first) throw first;
      return;
    }
    for (const r of requests) {
      if (signal.aborted) break;
      try {
        await consume(r, signal);
      } catch (e) {
        if (!o.ignoreErrors) throw e;
        ctx.err(`error: ${(e as Error).message}\n`);
      }
    }
  } finally {
    interrupt.dispose();
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .description('Print the logs for a container in a pod')
    .argument('[args...]', 'POD or TYPE/NAME [CONTAINER]')
    .option('-c, --container <name>', 'Print the logs of this container')
    .option('-f, --follow', 'Specify if the logs should be streamed.')
    .option('--tail <lines>', 'Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.')
    .option('--since <duration>', 'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.')
    .option('--since-time <time>', 'Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.')
    .option('--timestamps', 'Include timestamps on each line in the log output')
    .option('-p, --previous', 'If true, print the logs for the previous instance of the container in a pod if it exists.')
    .option('-l, --selector <selector>', "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
    .option('--all-containers', 'Get all containers\' logs in the pod(s).')
    .option('--prefix [bool]', 'Prefix each log line with the log source (pod name and container name); on by default with -l (--prefix=false turns it off)')
    .option('--max-log-requests <n>', 'Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.')
    .option('--ignore-errors', 'If watching / following pod logs, allow for any errors that occur to be non-fatal')
    .option('--pod-running-timeout <duration>', 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running', '20s')
    .action(async (args: string[], f: Record<string, unknown>) => {
      const pf = f.prefix;
      if (typeof pf === 'string' && pf !== 'true' && pf !== 'false') {
        // `--prefix` is a boolean that also takes `--prefix=false`; commander read the word after a bare
        // `--prefix` as its value: give it back to the positional args, where the user put it
        const raw = (program as Command & { rawArgs: string[] }).rawArgs;
        const at = raw.indexOf('--prefix');
        const before = args.filter((a) => raw.indexOf(a) < at).length;
        args = [...args.slice(0, before), pf, ...args.slice(before)];
        f = { ...f, prefix: true };
      }
      await runLogs(toLogsOptions(args, f), ctx);
    });
}
