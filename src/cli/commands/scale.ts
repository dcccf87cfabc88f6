// kctl scale --replicas=N (TYPE NAME | TYPE/NAME | TYPE -l | TYPE --all | -f): kubectl's scale verb on
// Deployments, ReplicaSets and StatefulSets, with the --current-replicas/--resource-version preconditions.
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { KctlError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, dryRunSuffix, parseDryRun, parseDurationFlag, parseIntFlag, type DryRun } from '../flags.js';
import { afterMutation } from '../mutation.js';
import { printObjects } from '../output.js';
import { resolveTargets } from '../rollout/targets.js';

export interface ScaleOptions {
  args: string[];
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  all: boolean;
  replicas: number;
  /** precondition; -1: none */
  currentReplicas: number;
  /** precondition; '': none */
  resourceVersion: string;
  dryRun: DryRun;
  output?: string;
  /** --timeout: wait this long for the new size to be reached (0: don't wait) */
  timeoutMs: number;
}

/** Kinds with a scale subresource. */
export const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

export function toScaleOptions(args: string[], f: Record<string, unknown>): ScaleOptions {
  if (f.replicas === undefined) throw new KctlError('Usage', 'required flag(s) "replicas" not set');
  const replicas = parseIntFlag('--replicas', f.replicas, -1);
  const currentReplicas = parseIntFlag('--current-replicas', f.currentReplicas, -1);
  if (replicas < 0) throw new KctlError('Usage', 'The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  if (currentReplicas < -1) throw new KctlError('Usage', 'The --current-replicas must specify an integer of -1 or greater');
  return {
    args,
    filename: f.filename as string[] | undefined,
    recursive: Boolean(f.recursive),
    selector: f.selector as string | undefined,
    all: Boolean(f.all),
    replicas,
    currentReplicas,
    resourceVersion: typeof f.resourceVersion === 'string' ? f.resourceVersion : '',
    dryRun: parseDryRun(f.dryRun as string | boolean | undefined),
    output: f.output as string | undefined,
    timeoutMs: parseDurationFlag('--timeout', f.timeout, 0),
  };
}

/** kubectl's ScalePrecondition.validate: `Expected replicas to be 3, was 2`. */
export function checkScalePrecondition(obj: KubeObject, currentReplicas: number, resourceVersion: string): void {
  const actual = (obj.spec as { replicas?: number } | undefined)?.replicas ?? 0;
  if (currentReplicas !== -1 && actual !== currentReplicas) throw new KctlError('Invalid', `Expected replicas to be ${currentReplicas}, was ${actual}`);
  if (resourceVersion && obj.metadata.resourceVersion !== resourceVersion)
    throw new KctlError('Invalid', `Expected resource version to be ${resourceVersion}, was ${obj.metadata.resourceVersion ?? ''}`);
}

function withReplicas(obj: KubeObject, replicas: number): KubeObject {
  const next = structuredClone(obj);
  next.spec = { ...(next.spec as object), replicas };
  return next;
}

export async function runScale(o: ScaleOptions, ctx: CliContext): Promise<void> {
  const { targets, errors } = await resolveTargets(
    ctx,
    o.args,
    { filename: o.filename, recursive: o.recursive, selector: o.selector, all: o.all },
    'scale',
    { requireSelection: true, missing: 'You must provide one or more resources by argument or filename.' },
  );
  if (errors.length > 0) throw errors[0];
  if (o.resourceVersion && targets.length > 1) throw new KctlError('Invalid', 'cannot use --resource-version with multiple resources');
  if (targets.length === 0) throw new KctlError('Invalid', 'no objects passed to scale');
  const { updateWithRetry } = await import('../rollout/update.js');
  const store = await ctx.store();
  let wrote = false;
  const scaled: { ref: { resource: string; namespace?: string; name: string }; generation: number }[] = [];
  try {
    for (const { kind, obj } of targets) {
      // kubectl asks the scale subresource, which only scalable kinds have
      if (!SCALABLE.has(kind.kind)) throw new KctlError('NotFound', 'the server could not find the requested resource');
      const ref = { resource: kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
      // client dry-run shows the object as it would be: the new count (kubectl >= 1.26)
      let printed = o.dryRun === 'client' ? withReplicas(obj, o.replicas) : obj;
      if (o.dryRun === 'client') checkScalePrecondition(obj, o.currentReplicas, o.resourceVersion);
      if (o.dryRun !== 'client') {
        const r = await updateWithRetry(
          store,
          ref,
          (cur) => {
            checkScalePrecondition(cur, o.currentReplicas, o.resourceVersion);
            if ((cur.spec as { replicas?: number } | undefined)?.replicas === o.replicas) return undefined;
            return withReplicas(cur, o.replicas);
          },
          { dryRun: o.dryRun === 'server' },
        );
        if (r.wrote) wrote = true;
        printed = r.object;
        scaled.push({ ref, generation: r.object.metadata.generation ?? 0 });
      }
      if (o.output) await printObjects(ctx, printed, { output: o.output });
      else ctx.out(`${qualifiedKind(kind)}/${obj.metadata.name} scaled${dryRunSuffix(o.dryRun)}\n`);
    }
  } finally {
    if (wrote) await afterMutation(ctx);
  }
  if (o.timeoutMs > 0 && o.dryRun === 'none') await waitForReplicas(ctx, scaled, o.replicas, o.timeoutMs);
}

/** kubectl's WaitForScaleHasDesiredReplicas: status.replicas reached and the new generation observed. */
async function waitForReplicas(
  ctx: CliContext,
  scaled: { ref: { resource: string; namespace?: string; name: string }; generation: number }[],
  replicas: number,
  timeoutMs: number,
): Promise<void> {
  const { watchUntil } = await import('../rollout/watch-until.js');
  const store = await ctx.store();
  const deadline = ctx.clock.now().getTime() + timeoutMs;
  for (const s of scaled) {
    const left = deadline - ctx.clock.now().getTime();
    const r = await watchUntil(ctx, { namespace: s.ref.namespace, resources: [s.ref.resource], timeoutMs: Math.max(1, left) }, async () => {
      const cur = await store.tryGet(s.ref);
      if (!cur) throw new KctlError('NotFound', `${s.ref.resource} "${s.ref.name}" not found`);
      const st = (cur.status ?? {}) as { replicas?: number; observedGeneration?: number };
      return (st.replicas ?? 0) === replicas && (st.observedGeneration ?? 0) >= (cur.metadata.generation ?? 0) ? true : undefined;
    });
    if (!r.done) throw new KctlError('Timeout', 'timed out waiting for the condition');
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('scale')
    .description('Set a new size for a deployment, replica set, or stateful set')
    .argument('[args...]', '(TYPE NAME | TYPE/NAME) or TYPE with -l/--all')
    .option('--replicas <count>', 'The new desired number of replicas. Required.')
    .option('--current-replicas <count>', 'Precondition for current size. Requires that the current size of the resource match this value in order to scale. -1 (default) for no condition.')
    .option('--resource-version <version>', 'Precondition for resource version. Requires that the current resource version match this value in order to scale.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files identifying the resource to set a new size', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--timeout <duration>', "The length of time to wait before giving up on a scale operation, zero means don't wait. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).")
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .action(async (args: string[], f: Record<string, unknown>) => runScale(toScaleOptions(args, f), ctx));
}
