// kctl set image (TYPE NAME | TYPE/NAME | TYPE -l | TYPE --all | -f) NAME=IMAGE...: kubectl's `set image` on pods
// and on the pod templates of Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs.
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import { KctlError, MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, dryRunSuffix, parseDryRun, type DryRun } from '../flags.js';
import { afterMutation } from '../mutation.js';
import { printObjects } from '../output.js';
import { resolveTargets } from '../rollout/targets.js';
import { validateForWrite } from '../validate-write.js';

export interface SetImageOptions {
  resources: string[];
  images: Map<string, string>;
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  all: boolean;
  dryRun: DryRun;
  output?: string;
}

export async function toSetImageOptions(args: string[], f: Record<string, unknown>): Promise<SetImageOptions> {
  const { parseImageArgs } = await import('../rollout/mutations.js');
  let parsed: ReturnType<typeof parseImageArgs>;
  try {
    parsed = parseImageArgs(args);
  } catch (e) {
    throw new KctlError('Usage', (e as Error).message);
  }
  const o: SetImageOptions = {
    resources: parsed.resources,
    images: parsed.images,
    filename: f.filename as string[] | undefined,
    recursive: Boolean(f.recursive),
    selector: f.selector as string | undefined,
    all: Boolean(f.all),
    dryRun: parseDryRun(f.dryRun as string | boolean | undefined),
    output: f.output as string | undefined,
  };
  // kubectl's Validate reports every problem at once
  const problems: string[] = [];
  if (o.all && o.selector) problems.push('cannot set --all and --selector at the same time');
  if (o.resources.length < 1 && !o.filename?.length) problems.push('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (o.images.size < 1) problems.push('at least one image update is required');
  else if (o.images.size > 1 && o.images.has('*')) problems.push('all containers are already specified by *, but saw more than one container_name=container_image pairs');
  if (problems.length === 1) throw new KctlError('Usage', problems[0]!);
  if (problems.length > 1) throw new KctlError('Usage', `[${problems.join(', ')}]`);
  return o;
}

export async function runSetImage(o: SetImageOptions, ctx: CliContext): Promise<void> {
  const { targets, errors } = await resolveTargets(
    ctx,
    o.resources,
    { filename: o.filename, recursive: o.recursive, selector: o.selector, all: o.all },
    'set image',
    { requireSelection: true, missing: 'one or more resources must be specified as <resource> <name> or <resource>/<name>' },
  );
  const { setImages } = await import('../rollout/mutations.js');
  const { updateWithRetry } = await import('../rollout/update.js');
  const store = await ctx.store();
  const failures: KctlError[] = [...errors];
  let wrote = false;
  for (const { kind, obj } of targets) {
    const ref = { resource: kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
    try {
      let containerErrors: string[] = [];
      const r = await updateWithRetry(
        store,
        ref,
        (cur) => {
          let res: ReturnType<typeof setImages>;
          try {
            res = setImages(cur, o.images);
          } catch (e) {
            throw new KctlError('Invalid', `${kind.plural}/${cur.metadata.name} ${(e as Error).message}`);
          }
          containerErrors = res.errors;
          return res.changed ? res.object : undefined;
        },
        { first: obj, dryRun: o.dryRun !== 'none', validate: (next) => validateForWrite(ctx, next) },
      );
      for (const m of containerErrors) failures.push(new KctlError('Invalid', m));
      if (r.wrote) wrote = true;
      // kubectl prints nothing for an object whose images were already those
      const changed = r.wrote || (o.dryRun !== 'none' && r.object !== obj);
      if (!changed) continue;
      if (o.output) await printObjects(ctx, r.object, { output: o.output });
      else ctx.out(`${qualifiedKind(kind)}/${obj.metadata.name} image updated${dryRunSuffix(o.dryRun)}\n`);
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      failures.push(e);
    }
  }
  if (wrote) await afterMutation(ctx);
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new MultiError(failures);
}

export function register(program: Command, ctx: CliContext): void {
  const set = program.command('set').description('Set specific features on objects');
  set
    .command('image')
    .description('Update the image of a pod template')
    .argument('[args...]', '(-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files identifying the resource to get from a server.', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .addHelpText('after', `\nExamples:\n  # Set a deployment's "web" container image to "nginx:1.27"\n  kctl set image deployment/web web=nginx:1.27\n\n  # Update all containers of all deployments to "nginx:1.27"\n  kctl set image deployments --all '*=nginx:1.27'\n`)
    .action(async (args: string[], f: Record<string, unknown>) => runSetImage(await toSetImageOptions(args, f), ctx));
  for (const c of set.commands) c.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
}
