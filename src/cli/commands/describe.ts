// kctl describe: a readable page per object, with the objects related to it (events, pods, replica sets).
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption } from '../flags.js';
import { noResourcesMessage, selectObjects, type SelectFlags } from '../select.js';

/** Objects describe shows beside the one described (kubectl fetches the same). */
async function related(ctx: CliContext, obj: KubeObject): Promise<{ events: KubeObject[]; pods: KubeObject[]; replicaSets: KubeObject[]; endpoints?: KubeObject }> {
  const store = await ctx.store();
  const ns = obj.metadata.namespace;
  // describe() picks the object's own events (by name, namespace, kind and uid)
  const events = (await store.list('events', ns ? { namespace: ns } : {})).items;
  let pods: KubeObject[] = [];
  let replicaSets: KubeObject[] = [];
  let endpoints: KubeObject | undefined;
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Service', 'Node', 'PersistentVolumeClaim'].includes(obj.kind)) {
    pods = (await store.list('pods', ns ? { namespace: ns } : {})).items;
  }
  if (obj.kind === 'Deployment') replicaSets = (await store.list('replicasets', { namespace: ns! })).items;
  if (obj.kind === 'Service') endpoints = await store.tryGet({ resource: 'endpoints', namespace: ns, name: obj.metadata.name });
  return { events, pods, replicaSets, endpoints };
}

export async function runDescribe(args: string[], flags: SelectFlags, ctx: CliContext): Promise<void> {
  // `describe pods web` also matches name prefixes in kubectl; kctl asks for exact names
  const { selected, errors } = await selectObjects(ctx, args, flags, 'describe');
  const { describe, joinDescriptions, colorizeDescribe } = await import('../../printers/describe/index.js');
  const pages: string[] = [];
  for (const s of selected) for (const obj of s.objects) pages.push(describe(obj, await related(ctx, obj), ctx.clock.now()));
  if (pages.length > 0) {
    const text = joinDescriptions(pages);
    // section headings in bold on a terminal only (ctx.color is false for pipes and with NO_COLOR)
    ctx.out(ctx.color ? await colorizeDescribe(text) : text);
  }
  else if (errors.length === 0) ctx.err(noResourcesMessage(ctx, Boolean(flags.allNamespaces), selected.map((s) => s.kind)));
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
}

export function register(program: Command, ctx: CliContext): void {
  kustomizeOption(program.command('describe'))
    .description('Show details of a specific resource or group of resources')
    .argument('[args...]', 'TYPE [NAME...] or TYPE/NAME')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces.')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files containing the resource to describe', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .action(async (args: string[], f: Record<string, unknown>) =>
      runDescribe(args, { selector: f.selector as string | undefined, allNamespaces: Boolean(f.allNamespaces), filename: f.filename as string[] | undefined, recursive: Boolean(f.recursive) }, ctx),
    );
}
