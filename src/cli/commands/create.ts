// kctl create -f: create each object; an existing one is an AlreadyExists error for that object only.
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { KctlError, MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, dryRunSuffix, parseDryRun, parseValidate, type DryRun } from '../flags.js';
import { loadAndValidate, targetNamespace, type ManifestFlags } from '../manifests.js';
import { afterMutation } from '../mutation.js';
import { printObjects } from '../output.js';

export interface CreateOptions extends ManifestFlags {
  dryRun: DryRun;
  output?: string;
  validate: ReturnType<typeof parseValidate>;
  saveConfig: boolean;
}

export async function runCreate(o: CreateOptions, ctx: CliContext): Promise<void> {
  const manifests = await loadAndValidate(ctx, o, { mode: o.validate, verb: 'create' });
  const { withLastApplied, setDefaultNamespace } = await import('../../apply/last-applied.js');
  const store = await ctx.store();
  const errors: KctlError[] = [];
  const printed: KubeObject[] = [];
  let wrote = false;
  for (const m of manifests) {
    try {
      let obj = setDefaultNamespace(m.object, targetNamespace(ctx, m));
      if (o.saveConfig) obj = withLastApplied(obj);
      if (o.dryRun === 'none') {
        obj = await store.create(obj);
        wrote = true;
      } else if (await store.tryGet({ resource: m.kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name })) {
        const { AlreadyExistsError } = await import('../../util/errors.js');
        const { qualifiedResource } = await import('../../api/kinds.js');
        throw new AlreadyExistsError(qualifiedResource(m.kind), obj.metadata.name);
      }
      if (o.output) printed.push(obj);
      else ctx.out(`${qualifiedKind(m.kind)}/${obj.metadata.name} created${dryRunSuffix(o.dryRun)}\n`);
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      if (!e.source) e.source = m.sourced.source.replace(/#\d+$/, '');
      errors.push(e);
    }
  }
  if (o.output && printed.length > 0) await printObjects(ctx, printed, { output: o.output, eachObject: true });
  if (wrote) await afterMutation(ctx);
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .description('Create a resource from a file or from stdin')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files to use to create the resource (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .option('--save-config', 'If true, the configuration of current object will be saved in its annotation.')
    .option('--validate [mode]', 'Must be one of: strict (or true), warn, ignore (or false).')
    .action(async (flags: Record<string, unknown>) =>
      runCreate(
        {
          filename: flags.filename as string[] | undefined,
          recursive: Boolean(flags.recursive),
          dryRun: parseDryRun(flags.dryRun as string | undefined),
          output: flags.output as string | undefined,
          validate: parseValidate(flags.validate as string | undefined),
          saveConfig: Boolean(flags.saveConfig),
        },
        ctx,
      ),
    );
}
