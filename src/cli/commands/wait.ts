// kctl wait --for=delete|create|condition=NAME[=VALUE]|jsonpath='{EXPR}'[=VALUE] (TYPE NAME | TYPE/NAME | TYPE -l |
// TYPE --all | -f) [--timeout=30s]: kubectl's wait over the store, printing `pod/x condition met` per object.
import type { Command } from 'commander';
import type { KindInfo } from '../../api/kinds.js';
import { qualifiedKind } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { isNotFound, KctlError, MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption, parseDurationFlag } from '../flags.js';
import { printObjects } from '../output.js';
import type { WaitFor } from '../rollout/conditions.js';
import { resolveTargets, type Target } from '../rollout/targets.js';

export interface WaitOptions {
  args: string[];
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all: boolean;
  allNamespaces: boolean;
  for: WaitFor;
  /** the raw --for value */
  forText: string;
  /** 0: check once; kubectl turns a negative --timeout into a week */
  timeoutMs: number;
  output?: string;
  /** ends the wait early, as a timeout (tests) */
  signal?: AbortSignal;
}

const WEEK_MS = 168 * 3_600_000;

export async function toWaitOptions(args: string[], f: Record<string, unknown>): Promise<WaitOptions> {
  const { parseWaitFor } = await import('../rollout/conditions.js');
  const forText = typeof f.for === 'string' ? f.for : '';
  const timeout = parseDurationFlag('--timeout', f.timeout, 30_000);
  return {
    args,
    filename: f.filename as string[] | undefined,
    recursive: Boolean(f.recursive),
    selector: f.selector as string | undefined,
    fieldSelector: f.fieldSelector as string | undefined,
    all: Boolean(f.all),
    allNamespaces: Boolean(f.allNamespaces),
    for: parseWaitFor(forText),
    forText,
    timeoutMs: timeout < 0 ? WEEK_MS : timeout,
    output: f.output as string | undefined,
  };
}

const refOf = (t: Target) => ({ resource: t.kind.plural, namespace: t.obj.metadata.namespace, name: t.obj.metadata.name });
const timeoutOn = (kind: KindInfo, name: string): KctlError => new KctlError('Timeout', `timed out waiting for the condition on ${kind.plural}/${name}`);
const notMet = (kind: KindInfo, name: string): KctlError => new KctlError('Invalid', `condition not met for ${kind.plural}/${name}`);

export async function runWait(o: WaitOptions, ctx: CliContext): Promise<void> {
  const flags = { filename: o.filename, recursive: o.recursive, selector: o.selector, fieldSelector: o.fieldSelector, all: o.all, allNamespaces: o.allNamespaces };
  // a broken document in -f does not stop the others (kubectl's builder continues); its errors come at the end
  let deferred: KctlError[] = [];
  const select = async () => {
    const r = await resolveTargets(ctx, o.args, flags, 'wait', { requireSelection: true, missing: 'You must provide one or more resources by argument or filename.' });
    deferred = r.errors.filter((e) => e.source !== undefined);
    return { targets: r.targets, errors: r.errors.filter((e) => e.source === undefined) };
  };
  const { watchUntil } = await import('../rollout/watch-until.js');
  const { waitConditionMet } = await import('../rollout/conditions.js');
  const store = await ctx.store();
  const deadline = ctx.clock.now().getTime() + o.timeoutMs;
  const left = (): number => Math.max(1, deadline - ctx.clock.now().getTime());
  const print = async (kind: KindInfo, obj: KubeObject): Promise<void> => {
    if (o.output && o.output !== 'name') await printObjects(ctx, obj, { output: o.output });
    else ctx.out(`${qualifiedKind(kind)}/${obj.metadata.name}${o.output === 'name' ? '' : ' condition met'}\n`);
  };

  let { targets, errors } = await select();
  if (o.for.type === 'create' && errors.length > 0) {
    // kubectl polls until every named object exists, then reports each as met
    if (!errors.every(isNotFound)) throw errors[0];
    const r =
      o.timeoutMs === 0
        ? { done: false as const }
        : await watchUntil(ctx, { timeoutMs: left(), signal: o.signal }, async () => {
            const again = await select();
            if (again.errors.some((e) => !isNotFound(e))) throw again.errors.find((e) => !isNotFound(e));
            return again.errors.length === 0 ? again : undefined;
          });
    if (!r.done) throw new KctlError('Timeout', 'timed out waiting for the condition');
    ({ targets, errors } = r.value);
  }
  if (o.for.type === 'delete') errors = errors.filter((e) => !isNotFound(e));
  if (errors.length > 0) throw errors[0];
  if (targets.length === 0 && deferred.length > 0) throw deferred.length === 1 ? deferred[0]! : new MultiError(deferred);
  if (targets.length === 0 && o.for.type !== 'delete') throw new KctlError('Invalid', 'no matching resources found');

  for (const t of targets) {
    const { kind, obj } = t;
    const ref = refOf(t);
    if (o.for.type === 'create') {
      await print(kind, obj);
      continue;
    }
    if (o.for.type === 'delete') {
      let last: KubeObject = obj;
      const gone = async (): Promise<true | undefined> => {
        const cur = await store.tryGet(ref);
        if (!cur || cur.metadata.uid !== obj.metadata.uid) return true;
        last = cur;
        return undefined;
      };
      if (o.timeoutMs === 0) {
        if (!(await gone())) throw notMet(kind, obj.metadata.name);
      } else {
        const r = await watchUntil(ctx, { namespace: ref.namespace, resources: [kind.plural], timeoutMs: left(), signal: o.signal }, gone);
        if (!r.done) throw timeoutOn(kind, obj.metadata.name);
      }
      await print(kind, last);
      continue;
    }
    const w = o.for;
    const met = async (): Promise<KubeObject | undefined> => {
      const cur = await store.tryGet(ref);
      return cur && waitConditionMet(cur, w) ? cur : undefined;
    };
    let result: KubeObject | undefined;
    if (o.timeoutMs === 0) {
      const cur = await store.tryGet(ref);
      if (!cur) throw new KctlError('NotFound', `${kind.group ? `${kind.plural}.${kind.group}` : kind.plural} "${obj.metadata.name}" not found`);
      if (!waitConditionMet(cur, w)) throw notMet(kind, obj.metadata.name);
      result = cur;
    } else {
      const r = await watchUntil(ctx, { namespace: ref.namespace, resources: [kind.plural], timeoutMs: left(), signal: o.signal }, met);
      if (!r.done) throw timeoutOn(kind, obj.metadata.name);
      result = r.value;
    }
    await print(kind, result);
  }
  if (deferred.length > 0) throw deferred.length === 1 ? deferred[0]! : new MultiError(deferred);
}

export function register(program: Command, ctx: CliContext): void {
  kustomizeOption(program.command('wait'))
    .description('Experimental: Wait for a specific condition on one or many resources')
    .argument('[args...]', "([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]")
    .option('--for <condition>', "The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]. The default condition-value is true. Condition values are compared after Unicode simple case folding, which is a more general form of case-insensitivity.")
    .option('--timeout <duration>', "The length of time to wait before giving up. Zero means check once and don't wait, negative means wait for a week.")
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--field-selector <selector>', 'Selector (field query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces.')
    .option('-f, --filename <file>', 'identifying the resource.', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .addHelpText(
      'after',
      `
Examples:
  # Wait for the pod "busybox1" to contain the status condition of type "Ready"
  kctl wait --for=condition=Ready pod/busybox1

  # Wait for the deployment "web" to be available, up to 2 minutes
  kctl wait --for=condition=Available deployment/web --timeout=2m

  # Wait for the pod "busybox1" to contain the status phase to be "Running"
  kctl wait --for=jsonpath='{.status.phase}'=Running pod/busybox1

  # Wait for the pod "busybox1" to be deleted, with a timeout of 60s
  kctl delete pod/busybox1 --wait=false
  kctl wait --for=delete pod/busybox1 --timeout=60s
`,
    )
    .action(async (args: string[], f: Record<string, unknown>) => runWait(await toWaitOptions(args, f), ctx));
}
