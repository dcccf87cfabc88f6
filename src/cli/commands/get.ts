// kctl get: tables as kubectl prints them, -o formats, selectors, -A.
import { Option, type Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { KctlError, MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption, parseDurationFlag } from '../flags.js';
import { printObjects } from '../output.js';
import { fieldMatcher, noResourcesMessage, selectObjects, type SelectFlags, type Selected } from '../select.js';

export interface GetOptions extends SelectFlags {
  args: string[];
  output?: string;
  noHeaders: boolean;
  showLabels: boolean;
  labelColumns?: string[];
  sortBy?: string;
  ignoreNotFound: boolean;
  watch: boolean;
  watchOnly: boolean;
  /** --watch-timeout (kctl, hidden; for tests and scripts): end a watch after this long, exit 0 */
  watchTimeoutMs?: number;
  /** ends a watch (Ctrl-C; in-process tests) */
  signal?: AbortSignal;
}

export function toGetOptions(args: string[], f: Record<string, unknown>): GetOptions {
  return {
    args,
    output: f.output as string | undefined,
    noHeaders: f.headers === false,
    showLabels: Boolean(f.showLabels),
    labelColumns: f.labelColumns as string[] | undefined,
    sortBy: f.sortBy as string | undefined,
    selector: f.selector as string | undefined,
    fieldSelector: f.fieldSelector as string | undefined,
    allNamespaces: Boolean(f.allNamespaces),
    filename: f.filename as string[] | undefined,
    recursive: Boolean(f.recursive),
    ignoreNotFound: Boolean(f.ignoreNotFound),
    watch: Boolean(f.watch),
    watchOnly: Boolean(f.watchOnly),
    ...(f.watchTimeout !== undefined ? { watchTimeoutMs: parseDurationFlag('--watch-timeout', f.watchTimeout, 0) } : {}),
  };
}

export async function runGet(o: GetOptions, ctx: CliContext): Promise<void> {
  // validate -o before touching the store, as kubectl does
  if (o.output) (await import('../../printers/output.js')).parseOutputFlag(o.output);
  if (o.watch || o.watchOnly) return runGetWatch(o, ctx);
  const { selected, errors } = await selectObjects(ctx, o.args, o, 'get');
  const objects: KubeObject[] = selected.flatMap((s) => s.objects);
  const singleNamed =
    selected.length === 1 && selected[0]!.named && o.args.length > 0 && o.args.length <= 2 && !o.args[0]!.includes(',') && objects.length === 1 && selected[0]!.objects.length === 1 && !o.filename?.length;
  const printOpts = printOptionsOf(o, selected);
  // kubectl: only the table printers say "No resources found"; the others (printGeneric) print an empty list,
  // and with --ignore-not-found nothing at all when nothing was found
  const human = !o.output || /^wide$/.test(o.output);
  if (objects.length > 0) await printObjects(ctx, singleNamed ? objects[0]! : objects, printOpts);
  else if (!human && !o.ignoreNotFound && !(selected.some((s) => s.named) && errors.length > 0)) await printObjects(ctx, [], printOpts);
  else if (human && !o.ignoreNotFound && errors.length === 0) ctx.err(noResourcesMessage(ctx, o.allNamespaces ?? false, selected.map((s) => s.kind)));
  const realErrors = o.ignoreNotFound ? [] : errors;
  if (realErrors.length > 0) throw realErrors.length === 1 ? realErrors[0]! : new MultiError(realErrors);
}

/** What the printer needs from get's flags; several types asked for print with kind prefixes (`pod/web`). */
function printOptionsOf(o: GetOptions, selected: Selected[]) {
  return {
    output: o.output,
    noHeaders: o.noHeaders,
    showLabels: o.showLabels,
    labelColumns: o.labelColumns,
    allNamespaces: o.allNamespaces,
    sortBy: o.sortBy,
    withKind: selected.length > 1 ? true : undefined,
  };
}

async function runGetWatch(o: GetOptions, ctx: CliContext): Promise<void> {
  const store = await ctx.store();
  let from = 0;
  let listing: Awaited<ReturnType<typeof selectObjects>>;
  // the revision the listing reflects: retry while writes slip in between (then accept a duplicate line)
  for (let attempt = 0; ; attempt++) {
    from = await store.revision();
    listing = await selectObjects(ctx, o.args, o, 'get');
    if ((await store.revision()) === from || attempt >= 4) break;
  }
  const { selected, errors } = listing;
  if (errors.length > 0) throw errors[0];
  if (new Set(selected.map((s) => s.kind)).size > 1)
    throw new KctlError('Invalid', 'watch is only supported on individual resources and resource collections - more than 1 resource was found');
  const kind = selected[0]!.kind;
  const names = selected[0]!.named ? new Set(selected[0]!.objects.map((x) => x.metadata.name)) : undefined;
  const table = !o.output || /^wide$/i.test(o.output);
  const printOpts = printOptionsOf(o, selected);
  const { WatchTable } = await import('../rollout/watch-table.js');
  const rows = new WatchTable(kind, { ...printOpts, wide: Boolean(o.output && /^wide$/i.test(o.output)) });
  const print = async (objs: KubeObject[]): Promise<void> => {
    if (table) ctx.out(rows.print(objs, ctx.clock.now()));
    else for (const x of objs) await printObjects(ctx, x, printOpts);
  };
  let initial = selected[0]!.objects;
  if (o.sortBy && initial.length > 0) initial = (await (await import('../../printers/output.js')).rowSorter(o.sortBy))(initial);
  if (!o.watchOnly) await print(initial);
  if (o.watchTimeoutMs !== undefined && o.watchTimeoutMs <= 0) return;

  const { matches, parseSelector } = await import('../../api/labels.js');
  const sel = o.selector ? parseSelector(o.selector) : undefined;
  const fieldOk = fieldMatcher(o.fieldSelector);
  const namespace = kind.namespaced && !o.allNamespaces && !o.filename?.length ? ctx.namespace() : undefined;
  const ac = new AbortController();
  const timer = o.watchTimeoutMs !== undefined ? ctx.clock.setTimer(Math.max(0, o.watchTimeoutMs), () => ac.abort()) : undefined;
  const onAbort = (): void => ac.abort();
  if (o.signal?.aborted) ac.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  // Ctrl-C ends the watch like the timeout: what was printed stands, exit 0
  const unhook = ctx.onInterrupt(onAbort);
  const { isTooOld } = await import('../../store/store.js');
  try {
    while (!ac.signal.aborted) {
      try {
        for await (const ev of store.watch({ resource: kind.plural, namespace, fromRevision: from, signal: ac.signal })) {
          if (ac.signal.aborted) break;
          from = ev.revision;
          const x = ev.object;
          if (names && !names.has(x.metadata.name)) continue;
          if (sel && !matches(sel, x.metadata.labels)) continue;
          if (!fieldOk(x)) continue;
          await print([x]);
        }
        break;
      } catch (e) {
        if (ac.signal.aborted || !isTooOld(e)) throw e;
        // fell behind the store's history: go on from now
        from = await store.revision();
      }
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  } finally {
    timer?.cancel();
    unhook();
    o.signal?.removeEventListener('abort', onAbort);
    ac.abort();
  }
}

export function register(program: Command, ctx: CliContext): void {
  kustomizeOption(program.command('get'))
    .description('Display one or many resources')
    .argument('[args...]', 'TYPE[,TYPE...] [NAME...] or TYPE/NAME...')
    .option('-o, --output <format>', 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on, supports \'=\', \'==\', \'!=\', \'in\', \'notin\'.')
    .option('--field-selector <selector>', 'Selector (field query) to filter on, e.g. status.phase=Running')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces.')
    .option('--no-headers', "When using the default or custom-column output format, don't print headers.")
    .option('--show-labels', 'When printing, show all labels as the last column.')
    .option('-L, --label-columns <label>', 'Accepts a comma separated list of labels that are going to be presented as columns.', collect)
    .option('--sort-by <jsonpath>', 'If non-empty, sort list types using this field specification.')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files identifying the resource to get from a server.', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--ignore-not-found', 'If the requested object does not exist the command will return exit code 0.')
    .option('-w, --watch', 'After listing/getting the requested object, watch for changes.')
    .option('--watch-only', 'Watch for changes to the requested object(s), without listing/getting first.')
    .addOption(new Option('--watch-timeout <duration>', 'kctl: end -w/--watch-only after this long (exit 0)').hideHelp())
    .action(async (args: string[], f: Record<string, unknown>) => runGet(toGetOptions(args, f), ctx));
}
