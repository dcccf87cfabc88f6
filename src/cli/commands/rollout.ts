// kctl rollout status|history|undo|pause|resume|restart: kubectl's rollout verbs over the store (the deployment
// controller does the rolling; these read its status and edit the Deployment).
import type { Command } from 'commander';
import { qualifiedKind, qualifiedResource } from '../../api/kinds.js';
import { KctlError, MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, dryRunSuffix, parseBoolFlag, parseDryRun, parseDurationFlag, parseIntFlag, type DryRun } from '../flags.js';
import { afterMutation } from '../mutation.js';
import { groupKindString, resolveTargets, type Target } from '../rollout/targets.js';

// ---------------------------------------------------------------------------------------------------
// status

export interface RolloutStatusOptions {
  args: string[];
  filename?: string[];
  recursive?: boolean;
  /** --watch (default true): false prints the current status once */
  watch: boolean;
  /** --revision: pin to this revision (0: the latest) */
  revision: number;
  /** --timeout: 0 waits forever */
  timeoutMs: number;
  /** --fail-fast (kctl): end at once when a new pod cannot start */
  failFast: boolean;
  /** ends the wait quietly (Ctrl-C; tests) */
  signal?: AbortSignal;
}

export function toRolloutStatusOptions(args: string[], f: Record<string, unknown>): RolloutStatusOptions {
  const revision = parseIntFlag('--revision', f.revision, 0);
  if (revision < 0) throw new KctlError('Usage', `revision must be a positive integer: ${revision}`);
  return {
    args,
    filename: f.filename as string[] | undefined,
    recursive: Boolean(f.recursive),
    watch: parseBoolFlag('-w, --watch', f.watch, true),
    revision,
    timeoutMs: parseDurationFlag('--timeout', f.timeout, 0),
    failFast: parseBoolFlag('--fail-fast', f.failFast, false),
  };
}

export async function runRolloutStatus(o: RolloutStatusOptions, ctx: CliContext): Promise<void> {
  const { targets, errors } = await resolveTargets(ctx, o.args, { filename: o.filename, recursive: o.recursive }, 'rollout status');
  if (errors.length > 0) throw errors[0];
  if (targets.length !== 1)
    throw new KctlError('Invalid', `rollout status is only supported on individual resources and resource collections - ${targets.length} resources were found`);
  const { kind, obj } = targets[0]!;
  const { statusViewerFor, deploymentFailure, failureMessage, RolloutError } = await import('../rollout/status.js');
  const viewer = statusViewerFor(kind.kind, groupKindString(kind));
  const { watchUntil } = await import('../rollout/watch-until.js');
  const store = await ctx.store();
  const ref = { resource: kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
  let last: string | undefined;
  const r = await watchUntil(
    ctx,
    {
      namespace: obj.metadata.namespace,
      resources: o.failFast ? [kind.plural, 'replicasets', 'pods'] : [kind.plural],
      timeoutMs: o.timeoutMs,
      signal: o.signal,
    },
    async () => {
      const cur = await store.tryGet(ref);
      // kubectl aborts rather than silently watching a new object of the same name
      if (!cur || cur.metadata.uid !== obj.metadata.uid) throw new KctlError('Invalid', 'object has been deleted');
      const st = viewer(cur, o.revision);
      if (st.message !== last) ctx.out(st.message);
      last = st.message;
      if (st.done || !o.watch) return true;
      if (o.failFast && kind.kind === 'Deployment') {
        const namespace = cur.metadata.namespace;
        const [rss, pods] = await Promise.all([store.list('replicasets', { namespace }), store.list('pods', { namespace })]);
        const failure = deploymentFailure(cur, rss.items, pods.items);
        if (failure) throw new RolloutError(failureMessage(kind.kind, cur.metadata.name, failure));
      }
      return undefined;
    },
  );
  if (!r.done && r.reason === 'timeout') throw new KctlError('Timeout', 'timed out waiting for the condition');
}

// ---------------------------------------------------------------------------------------------------
// history

export interface RolloutHistoryOptions {
  args: string[];
  filename?: string[];
  recursive?: boolean;
  revision: number;
}

export function toRolloutHistoryOptions(args: string[], f: Record<string, unknown>): RolloutHistoryOptions {
  const revision = parseIntFlag('--revision', f.revision, 0);
  if (revision < 0) throw new KctlError('Usage', `revision must be a positive integer: ${revision}`);
  return { args, filename: f.filename as string[] | undefined, recursive: Boolean(f.recursive), revision };
}

export async function runRolloutHistory(o: RolloutHistoryOptions, ctx: CliContext): Promise<void> {
  const { targets, errors } = await resolveTargets(ctx, o.args, { filename: o.filename, recursive: o.recursive }, 'rollout history');
  if (errors.length > 0) throw errors[0];
  const { viewDeploymentHistory } = await import('../rollout/history.js');
  const store = await ctx.store();
  for (const { kind, obj } of targets) {
    let info: string;
    if (kind.kind === 'Deployment') {
      const rss = await store.list('replicasets', { namespace: obj.metadata.namespace });
      info = viewDeploymentHistory(obj, rss.items, o.revision);
    } else if (kind.kind === 'StatefulSet' || kind.kind === 'DaemonSet') {
      const { viewStatefulSetHistory } = await import('../rollout/controller-revisions.js');
      const revs = await store.list('controllerrevisions', { namespace: obj.metadata.namespace });
      info = viewStatefulSetHistory(obj, revs.items, o.revision);
    } else throw new KctlError('Invalid', `no history viewer has been implemented for ${JSON.stringify(groupKindString(kind))}`);
    const withRevision = o.revision > 0 ? `with revision #${o.revision}` : '';
    ctx.out(`${qualifiedKind(kind)}/${obj.metadata.name} ${withRevision}\n${info}\n`);
  }
}

// ---------------------------------------------------------------------------------------------------
// undo

export interface RolloutUndoOptions {
  args: string[];
  filename?: string[];
  recursive?: boolean;
  toRevision: number;
  dryRun: DryRun;
}

export function toRolloutUndoOptions(args: string[], f: Record<string, unknown>): RolloutUndoOptions {
  return {
    args,
    filename: f.filename as string[] | undefined,
    recursive: Boolean(f.recursive),
    toRevision: parseIntFlag('--to-revision', f.toRevision, 0),
    dryRun: parseDryRun(f.dryRun as string | boolean | undefined),
  };
}

export async function runRolloutUndo(o: RolloutUndoOptions, ctx: CliContext): Promise<void> {
  const { targets, errors } = await resolveTargets(ctx, o.args, { filename: o.filename, recursive: o.recursive }, 'rollout undo');
  const { planRollback } = await import('../rollout/rollback.js');
  const { describePodTemplate } = await import('../rollout/history.js');
  const { updateWithRetry } = await import('../rollout/update.js');
  const store = await ctx.store();
  let wrote = false;
  try {
    for (const { kind, obj } of targets) {
      if (kind.kind !== 'Deployment' && kind.kind !== 'StatefulSet' && kind.kind !== 'DaemonSet')
        throw new KctlError('Invalid', `no rollbacker has been implemented for ${JSON.stringify(groupKindString(kind))}`);
      const ref = { resource: kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
      // an update of the owner does not change its ReplicaSets / ControllerRevisions: read them once
      const history = (await store.list(kind.kind === 'Deployment' ? 'replicasets' : 'controllerrevisions', { namespace: obj.metadata.namespace })).items;
      const { planStatefulSetRollback } = await import('../rollout/controller-revisions.js');
      let message = '';
      const r = await updateWithRetry(
        store,
        ref,
        (cur) => {
          if (kind.kind === 'StatefulSet' || kind.kind === 'DaemonSet') {
            const plan = planStatefulSetRollback(cur, history, o.toRevision);
            if (plan.action === 'skipped') {
              message = plan.message;
              return undefined;
            }
            message = o.dryRun === 'client' ? describePodTemplate(o_(plan.statefulSet.spec).template).replace(/\n$/, '') : plan.action;
            return plan.statefulSet;
          }
          const plan = planRollback(cur, history, o.toRevision);
          if (plan.action === 'skipped') {
            message = plan.message;
            return undefined;
          }
          // kubectl's client dry run shows the template it would restore instead of "rolled back"
          message = o.dryRun === 'client' ? describePodTemplate((plan.target.spec as { template?: unknown } | undefined)?.template).replace(/\n$/, '') : plan.action;
          return plan.deployment;
        },
        { first: obj, dryRun: o.dryRun !== 'none' },
      );
      if (r.wrote) wrote = true;
      const suffix = message.startsWith('skipped') ? '' : dryRunSuffix(o.dryRun);
      ctx.out(`${qualifiedKind(kind)}/${obj.metadata.name} ${message}${suffix}\n`);
    }
  } finally {
    if (wrote) await afterMutation(ctx);
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
}

const o_ = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

// ---------------------------------------------------------------------------------------------------
// pause, resume, restart

export type ObjectEdit = 'pause' | 'resume' | 'restart';

export interface RolloutEditOptions {
  args: string[];
  filename?: string[];
  recursive?: boolean;
  selector?: string;
}

const EDIT_DONE: Record<ObjectEdit, string> = { pause: 'paused', resume: 'resumed', restart: 'restarted' };

export function toRolloutEditOptions(args: string[], f: Record<string, unknown>): RolloutEditOptions {
  return { args, filename: f.filename as string[] | undefined, recursive: Boolean(f.recursive), selector: f.selector as string | undefined };
}

export async function runRolloutEdit(edit: ObjectEdit, o: RolloutEditOptions, ctx: CliContext): Promise<void> {
  const { targets, errors } = await resolveTargets(ctx, o.args, { filename: o.filename, recursive: o.recursive, selector: o.selector }, `rollout ${edit}`);
  const { pauseObject, resumeObject, restartObject } = await import('../rollout/mutations.js');
  const { updateWithRetry } = await import('../rollout/update.js');
  const store = await ctx.store();
  const failures: KctlError[] = [...errors];
  let wrote = false;
  for (const { kind, obj } of targets as Target[]) {
    const ref = { resource: kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name };
    try {
      const r = await updateWithRetry(
        store,
        ref,
        (cur) => {
          try {
            return edit === 'pause' ? pauseObject(cur) : edit === 'resume' ? resumeObject(cur) : restartObject(cur, ctx.clock.now());
          } catch (e) {
            // kubectl: `error: deployments.apps "web" is already paused`
            if (e instanceof KctlError) throw e;
            throw new KctlError('Invalid', `${qualifiedResource(kind)} ${JSON.stringify(obj.metadata.name)} ${(e as Error).message}`);
          }
        },
        { first: obj },
      );
      if (r.wrote) wrote = true;
      ctx.out(`${qualifiedKind(kind)}/${obj.metadata.name} ${EDIT_DONE[edit]}\n`);
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      failures.push(e);
    }
  }
  if (wrote) await afterMutation(ctx);
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new MultiError(failures);
}

// ---------------------------------------------------------------------------------------------------
// wiring

export function register(program: Command, ctx: CliContext): void {
  const rollout = program
    .command('rollout')
    .description('Manage the rollout of one or many resources')
    .addHelpText(
      'after',
      `
Valid resource types include:

  * deployments
  * daemonsets
  * statefulsets
`,
    );
  const fileFlags = (c: Command): Command =>
    c
      .option('-f, --filename <file>', 'Filename, directory, or URL to files identifying the resource to get from a server.', collect)
      .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.');

  fileFlags(
    rollout
      .command('status')
      .description('Show the status of the rollout')
      .argument('[args...]', '(TYPE NAME | TYPE/NAME)')
      .option('-w, --watch [bool]', "Watch the status of the rollout until it's done.")
      .option('--revision <n>', 'Pin to a specific revision for showing its status. Defaults to 0 (last revision).')
      .option('--timeout <duration>', 'The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).')
      .option('--fail-fast [bool]', 'kctl: end at once (exit 1) when a pod of the new ReplicaSet is in CrashLoopBackOff, ErrImagePull or ImagePullBackOff, naming the pod and the reason, instead of waiting for the progress deadline.'),
  ).action(async (args: string[], f: Record<string, unknown>) => runRolloutStatus(toRolloutStatusOptions(args, f), ctx));

  fileFlags(
    rollout
      .command('history')
      .description('View rollout history')
      .argument('[args...]', '(TYPE NAME | TYPE/NAME)')
      .option('--revision <n>', 'See the details, including podTemplate of the revision specified'),
  ).action(async (args: string[], f: Record<string, unknown>) => runRolloutHistory(toRolloutHistoryOptions(args, f), ctx));

  fileFlags(
    rollout
      .command('undo')
      .description('Undo a previous rollout')
      .argument('[args...]', '(TYPE NAME | TYPE/NAME)')
      .option('--to-revision <n>', 'The revision to rollback to. Default to 0 (last revision).')
      .option('--dry-run [strategy]', 'Must be "none", "server", or "client".'),
  ).action(async (args: string[], f: Record<string, unknown>) => runRolloutUndo(toRolloutUndoOptions(args, f), ctx));

  const edits: [ObjectEdit, string][] = [
    ['pause', 'Mark the provided resource as paused'],
    ['resume', 'Resume a paused resource'],
    ['restart', 'Restart a resource'],
  ];
  for (const [edit, description] of edits) {
    const c = fileFlags(rollout.command(edit).description(description).argument('[args...]', 'RESOURCE'));
    if (edit === 'restart') c.option('-l, --selector <selector>', 'Selector (label query) to filter on');
    c.action(async (args: string[], f: Record<string, unknown>) => runRolloutEdit(edit, toRolloutEditOptions(args, f), ctx));
  }
  for (const c of rollout.commands) c.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
}
