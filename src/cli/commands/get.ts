// kctl get: tables as kubectl prints them, -o formats, selectors, -A.
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect } from '../flags.js';
import { printObjects } from '../output.js';
import { noResourcesMessage, selectObjects, type SelectFlags } from '../select.js';

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
  };
}

export async function runGet(o: GetOptions, ctx: CliContext): Promise<void> {
  // validate -o before touching the store, as kubectl does
  if (o.output) (await import('../../printers/output.js')).parseOutputFlag(o.output);
  const { selected, errors } = await selectObjects(ctx, o.args, o, 'get');
  const objects: KubeObject[] = selected.flatMap((s) => s.objects);
  const singleNamed = selected.length === 1 && selected[0]!.named && o.args.length <= 2 && !o.args[0]!.includes(',') && objects.length === 1 && selected[0]!.objects.length === 1 && !o.filename?.length;
  const printOpts = {
    output: o.output,
    noHeaders: o.noHeaders,
    showLabels: o.showLabels,
    labelColumns: o.labelColumns,
    allNamespaces: o.allNamespaces,
    sortBy: o.sortBy,
  };
  const structured = Boolean(o.output && /^(json|yaml)$/i.test(o.output));
  const named = selected.some((s) => s.named);
  if (objects.length > 0) await printObjects(ctx, singleNamed ? objects[0]! : objects, printOpts);
  else if (structured && !named) await printObjects(ctx, [], printOpts); // kubectl prints an empty List
  else if (!named) ctx.err(noResourcesMessage(ctx, o.allNamespaces ?? false, selected.map((s) => s.kind)));
  const realErrors = o.ignoreNotFound ? [] : errors;
  if (realErrors.length > 0) throw realErrors.length === 1 ? realErrors[0]! : new MultiError(realErrors);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('get')
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
    .action(async (args: string[], f: Record<string, unknown>) => runGet(toGetOptions(args, f), ctx));
}
