// `kctl label` and `kctl annotate`: the same flow over two maps of metadata.
import type { Command } from 'commander';
import { qualifiedKind } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import { isConflict, KctlError, MultiError, UsageError } from '../util/errors.js';
import type { CliContext } from './context.js';
import { collect, dryRunSuffix, parseDryRun, type DryRun } from './flags.js';
import { afterMutation } from './mutation.js';
import { printObjects } from './output.js';
import { selectObjects, type SelectFlags } from './select.js';
import { validateForWrite } from './validate-write.js';
import { recordFieldManager } from './managed-fields.js';

type Which = 'label' | 'annotation';

export interface MetadataVerbOptions extends SelectFlags {
  resources: string[];
  pairs: string[];
  overwrite: boolean;
  all: boolean;
  list: boolean;
  dryRun: DryRun;
  resourceVersion?: string;
  output?: string;
}

export async function runMetadataVerb(which: Which, o: MetadataVerbOptions, ctx: CliContext): Promise<void> {
  const apply = await import('../apply/labels.js');
  const changes = which === 'label' ? apply.parseLabelArgs(o.pairs) : apply.parseAnnotationArgs(o.pairs);
  if (!o.list && Object.keys(changes.set).length === 0 && changes.remove.length === 0)
    throw new UsageError(`at least one ${which} update is required`);
  const store = await ctx.store();
  const { selected, errors } = await selectObjects(ctx, o.resources, o, which === 'label' ? 'label' : 'annotate');
  const failures: KctlError[] = [...errors];
  const printed: KubeObject[] = [];
  let wrote = false;
  for (const s of selected) {
    for (const obj0 of s.objects) {
      const ref = { resource: s.kind.plural, namespace: obj0.metadata.namespace, name: obj0.metadata.name };
      try {
        if (o.list) {
          const m = (which === 'label' ? obj0.metadata.labels : obj0.metadata.annotations) ?? {};
          ctx.out(`Listing ${which}s for ${s.kind.kind}.${s.kind.group || ''}/${obj0.metadata.name}:\n`);
          for (const [k, v] of Object.entries(m)) ctx.out(` ${k}=${v}\n`);
          continue;
        }
        // read-modify-write; a concurrent writer makes us re-read (unless --resource-version pinned it)
        for (let attempt = 0; ; attempt++) {
          const obj = attempt === 0 ? obj0 : await store.get(ref);
          const r =
            which === 'label'
              ? apply.applyLabelChanges(obj, changes, { overwrite: o.overwrite, resourceVersion: o.resourceVersion })
              : { ...apply.applyAnnotationChanges(obj, changes, { overwrite: o.overwrite, resourceVersion: o.resourceVersion }), message: 'annotated' };
          if (which === 'label') for (const k of r.notFound) ctx.out(`label "${k}" not found.\n`);
          let result = r.result;
          if (r.changed) await validateForWrite(ctx, result);
          if (r.changed && o.dryRun === 'none') {
            try {
              result = await store.update(await recordFieldManager(ctx, obj, result, which === 'label' ? 'kubectl-label' : 'kubectl-annotate'));
              wrote = true;
            } catch (e) {
              if (isConflict(e) && !o.resourceVersion && attempt < 5) continue;
              throw e;
            }
          }
          if (o.output) printed.push(result);
          else ctx.out(`${qualifiedKind(s.kind)}/${obj.metadata.name} ${r.message}${dryRunSuffix(o.dryRun)}\n`);
          break;
        }
      } catch (e) {
        if (!(e instanceof KctlError)) throw e;
        failures.push(e);
      }
    }
  }
  if (printed.length > 0) await printObjects(ctx, printed, { output: o.output!, eachObject: true });
  if (wrote) await afterMutation(ctx);
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new MultiError(failures);
}

export function registerMetadataVerb(program: Command, ctx: CliContext, verb: 'label' | 'annotate'): void {
  const which: Which = verb === 'label' ? 'label' : 'annotation';
  program
    .command(verb)
    .description(verb === 'label' ? 'Update the labels on a resource' : 'Update the annotations on a resource')
    .argument('[args...]', `TYPE NAME KEY_1=VAL_1 ... KEY_N=VAL_N (KEY- removes)`)
    .option('--overwrite', `If true, allow ${which}s to be overwritten, otherwise reject ${which} updates that overwrite existing ${which}s.`)
    .option('--all', 'Select all resources, in the namespace of the specified resource types')
    .option('-A, --all-namespaces', 'If true, check the specified action in all namespaces.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--field-selector <selector>', 'Selector (field query) to filter on')
    .option('-f, --filename <file>', 'Filename identifying the resource to update (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--list', `If true, display the ${which}s for a given resource.`)
    .option('--resource-version <version>', 'If non-empty, the update will only succeed if this is the current resource-version for the object.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .action(async (args: string[], f: Record<string, unknown>) => {
      const { splitResourcesAndPairs } = await import('../apply/labels.js');
      const { resources, pairs } = splitResourcesAndPairs(args, which);
      let res = resources;
      // `--all` and `-l` need only the type: kubectl accepts `label pods --all k=v`
      if ((f.all || f.selector) && res.length === 0) throw new UsageError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
      if (!f.all && !f.selector && !f.filename && res.length === 1 && !res[0]!.includes('/'))
        throw new UsageError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
      if (f.all && !res[0]!.includes('/')) res = [res[0]!];
      await runMetadataVerb(
        which,
        {
          resources: res,
          pairs,
          overwrite: Boolean(f.overwrite),
          all: Boolean(f.all),
          list: Boolean(f.list),
          selector: f.selector as string | undefined,
          fieldSelector: f.fieldSelector as string | undefined,
          allNamespaces: Boolean(f.allNamespaces),
          filename: f.filename as string[] | undefined,
          recursive: Boolean(f.recursive),
          dryRun: parseDryRun(f.dryRun as string | undefined),
          resourceVersion: f.resourceVersion as string | undefined,
          output: f.output as string | undefined,
        },
        ctx,
      );
    });
}
