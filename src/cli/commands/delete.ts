// kctl delete: by TYPE NAME, TYPE/NAME, -f, -l or --all; prints `deployment.apps "web" deleted`.
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import { isNotFound, KctlError, MultiError, UsageError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption, dryRunSuffix, parseDryRun, parseDurationMs, type DryRun } from '../flags.js';
import { afterMutation } from '../mutation.js';
import { noResourcesMessage, selectObjects, type SelectFlags } from '../select.js';

export interface DeleteOptions extends SelectFlags {
  args: string[];
  all: boolean;
  ignoreNotFound: boolean;
  dryRun: DryRun;
  cascade: 'background' | 'foreground' | 'orphan';
  gracePeriod?: number;
  wait: boolean;
  timeoutMs: number;
  output?: string;
}

export function toDeleteOptions(args: string[], f: Record<string, unknown>): DeleteOptions {
  const cascadeRaw = f.cascade === undefined || f.cascade === true || f.cascade === 'true' ? 'background' : f.cascade === 'false' ? 'orphan' : String(f.cascade);
  if (!['background', 'foreground', 'orphan'].includes(cascadeRaw))
    throw new UsageError(`invalid cascade value (${cascadeRaw}). Must be "background", "foreground", or "orphan".`);
  const filename = f.filename as string[] | undefined;
  const all = Boolean(f.all);
  const selector = f.selector as string | undefined;
  if (!filename?.length && args.length === 0)
    throw new UsageError('You must provide one or more resources by argument or filename.');
  const namesGiven = args.length > 1 || args.some((a) => a.includes('/'));
  if (!filename?.length && !namesGiven && !all && !selector)
    throw new UsageError(`resource(s) were provided, but no name was specified`);
  if (all && namesGiven) throw new UsageError('cannot set --all and resource names at the same time');
  // the resource builder's check (kubectl prints it with the trailing space)
  if (all && (selector || f.fieldSelector)) throw new KctlError('Usage', "setting 'all' parameter but found a non empty selector. ");
  let gracePeriod = f.gracePeriod === undefined ? undefined : Number(f.gracePeriod);
  if (f.now) gracePeriod = 1;
  if (f.force && gracePeriod === undefined) gracePeriod = 0;
  const timeoutMs = f.timeout ? parseDurationMs(String(f.timeout)) : 0;
  return {
    args,
    filename,
    recursive: Boolean(f.recursive),
    selector,
    fieldSelector: f.fieldSelector as string | undefined,
    allNamespaces: Boolean(f.allNamespaces),
    all,
    ignoreNotFound: Boolean(f.ignoreNotFound),
    dryRun: parseDryRun(f.dryRun as string | undefined),
    cascade: cascadeRaw as DeleteOptions['cascade'],
    gracePeriod,
    wait: f.wait !== 'false' && f.wait !== false,
    timeoutMs,
    output: f.output as string | undefined,
  };
}

const PROPAGATION = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const;

export async function runDelete(o: DeleteOptions, ctx: CliContext): Promise<void> {
  const store = await ctx.store();
  const { selected, errors } = await selectObjects(ctx, o.args, o, 'delete');
  const failures: KctlError[] = o.ignoreNotFound ? errors.filter((e) => !isNotFound(e)) : [...errors];
  let count = 0;
  let wrote = false;
  const pending: { resource: string; namespace?: string; name: string; uid?: string }[] = [];
  // kubectl warns once when -n was given but a cluster-scoped object is deleted
  let warnClusterScope = ctx.namespaceExplicit() && !o.allNamespaces;
  for (const s of selected) {
    for (const obj of s.objects) {
      count++;
      if (warnClusterScope && !s.kind.namespaced) {
        ctx.err('warning: deleting cluster-scoped resources, not scoped to the provided namespace\n');
        warnClusterScope = false;
      }
      const ref = { resource: s.kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
      try {
        if (o.dryRun === 'none') {
          // orphan/foreground leave a finalizer that the controller's garbage collector completes
          await store.delete(ref, { gracePeriodSeconds: o.gracePeriod, propagationPolicy: PROPAGATION[o.cascade] });
          wrote = true;
          pending.push({ ...ref, uid: obj.metadata.uid });
        }
        if (o.output === 'name') ctx.out(`${qualifiedKind(s.kind)}/${obj.metadata.name}\n`);
        else ctx.out(`${qualifiedKind(s.kind)} "${obj.metadata.name}" deleted${dryRunSuffix(o.dryRun)}\n`);
      } catch (e) {
        if (isNotFound(e) && o.ignoreNotFound) continue;
        if (!(e instanceof KctlError)) throw e;
        failures.push(e);
      }
    }
  }
  if (count === 0 && failures.length === 0 && errors.length === 0 && !o.ignoreNotFound)
    ctx.err(noResourcesMessage(ctx, Boolean(o.allNamespaces), selected.map((s) => s.kind)));
  if (wrote) await afterMutation(ctx);
  if (wrote && o.wait) await waitForDeletion(ctx, pending, o.timeoutMs);
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new MultiError(failures);
}

/** kubectl delete waits until the objects are gone (finalizers, graceful pod termination). */
async function waitForDeletion(
  ctx: CliContext,
  refs: { resource: string; namespace?: string; name: string; uid?: string }[],
  timeoutMs: number,
): Promise<void> {
  const store = await ctx.store();
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
  const { finishWithoutController } = await import('../delete-finalize.js');
  for (const ref of refs) {
    for (let first = true; ; first = false) {
      const cur = await store.tryGet(ref);
      if (!cur || (ref.uid && cur.metadata.uid !== ref.uid)) break;
      // nobody else will finish it: do the garbage collector's part here, or say why and stop
      if (first && (await finishWithoutController(ctx, cur, ref.resource))) continue;
      if (Date.now() > deadline)
        throw new KctlError('Timeout', `timed out waiting for the condition on ${ref.resource}/${ref.name}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export function register(program: Command, ctx: CliContext): void {
  kustomizeOption(program.command('delete'))
    .description('Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[args...]', 'TYPE NAME..., TYPE/NAME..., or TYPE with -l/--all')
    .option('-f, --filename <file>', 'containing the resource to delete (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--field-selector <selector>', 'Selector (field query) to filter on')
    .option('--all', 'Delete all resources, in the namespace of the specified resource types.')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces.')
    .option('--ignore-not-found', 'Treat "resource not found" as a successful delete.')
    .option('--cascade [mode]', 'Must be "background", "orphan", or "foreground".')
    .option('--grace-period <seconds>', 'Period of time in seconds given to the resource to terminate gracefully.')
    .option('--now', 'If true, resources are signaled for immediate shutdown (same as --grace-period=1).')
    .option('--force', 'If true, immediately remove resources from API and bypass graceful deletion.')
    .option('--wait [bool]', 'If true, wait for resources to be gone before returning.')
    .option('--timeout <duration>', 'The length of time to wait before giving up on a delete, zero means forever.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output mode. Use "-o name" for shorter output (resource/name).')
    .action(async (args: string[], flags: Record<string, unknown>) => runDelete(toDeleteOptions(args, flags), ctx));
}
