// kctl apply -f: client-side three-way apply (last-applied annotation), per-object writes that continue on
// error, kubectl's `deployment.apps/web created|configured|unchanged` lines. Every write records its field
// manager in metadata.managedFields (kubectl-client-side-apply, or --field-manager) as the API server does.
// --server-side: server-side apply through the same field manager the API server uses (apply/server-side/),
// `serverside-applied`, conflicts as kubectl prints them, --force-conflicts.
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import { notEnforcedWarnings } from '../../api/kind-support.js';
import type { KubeObject } from '../../api/types.js';
import { isAlreadyExists, isConflict, KctlError, MultiError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption, dryRunSuffix, parseBoolFlag, parseDryRun, parseDurationFlag, parseValidate, type DryRun } from '../flags.js';
import { loadAndValidate, loadAndValidatePartial, targetNamespace, type ManifestFlags, type ResolvedManifest } from '../manifests.js';
import { printObjects } from '../output.js';
import { afterMutation } from '../mutation.js';
import { recordFieldManager } from '../managed-fields.js';

export interface ApplyOptions extends ManifestFlags {
  dryRun: DryRun;
  output?: string;
  validate: ReturnType<typeof parseValidate>;
  /** --wait (kctl): after applying, wait until what was applied is ready; --timeout bounds it (0: no limit) */
  wait?: boolean;
  timeoutMs?: number;
  /** --continue-on-error (kctl): apply the valid documents of a batch with broken ones, as kubectl does */
  continueOnError?: boolean;
  /** --server-side, --force-conflicts, --field-manager */
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
}

/** kubectl's advice after an apply conflict (pkg/cmd/apply/apply.go). */
const CONFLICT_ADVICE = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

/** A conflict as kubectl reports it: a plain `error: ...` (kubectl wraps the Status error), no source prefix. */
class ApplyConflictReport extends KctlError {}

/** kubectl retries a patch that hit a conflict a few times (maxPatchRetry) before giving up. */
const MAX_RETRY = 5;

export function toApplyOptions(flags: Record<string, unknown>): ApplyOptions {
  return {
    filename: flags.filename as string[] | undefined,
    recursive: Boolean(flags.recursive),
    dryRun: parseDryRun(flags.dryRun as string | undefined),
    output: flags.output as string | undefined,
    validate: parseValidate(flags.validate as string | undefined),
    wait: parseBoolFlag('--wait', flags.wait, false),
    timeoutMs: parseDurationFlag('--timeout', flags.timeout, 5 * 60_000),
    continueOnError: parseBoolFlag('--continue-on-error', flags.continueOnError, false),
    serverSide: parseBoolFlag('--server-side', flags.serverSide, false),
    forceConflicts: parseBoolFlag('--force-conflicts', flags.forceConflicts, false),
    fieldManager: flags.fieldManager as string | undefined,
  };
}

/** kubectl's checks of the server-side flags (ApplyFlags.ToOptions / Validate). */
function validateServerSide(o: ApplyOptions): void {
  if (o.forceConflicts && !o.serverSide) throw new KctlError('Invalid', '--force-conflicts only works with --server-side');
  if (o.serverSide && o.dryRun === 'client')
    throw new KctlError('Invalid', "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
}

export async function runApply(o: ApplyOptions, ctx: CliContext): Promise<void> {
  validateServerSide(o);
  // all-or-nothing by default (kctl's stronger guarantee); kubectl's partial apply when asked for
  let manifests: ResolvedManifest[];
  const errors: KctlError[] = [];
  if (o.continueOnError) {
    const r = await loadAndValidatePartial(ctx, o, { mode: o.validate, verb: 'apply' });
    manifests = r.manifests;
    errors.push(...r.errors);
    if (manifests.length === 0 && errors.length === 0) throw new KctlError('Invalid', 'no objects passed to apply');
  } else manifests = await loadAndValidate(ctx, o, { mode: o.validate, verb: 'apply' });
  for (const w of notEnforcedWarnings(manifests.map((m) => m.kind))) ctx.warn(w);
  const { applyObject, setDefaultNamespace } = await import('../../apply/last-applied.js');
  const ssa = { ...(await import('../../apply/server-side/field-manager.js')), ...(await import('../../apply/server-side/handover.js')) };
  /** the object as the API server stores it from this write: defaulted, its field manager recorded */
  const tracked = (old: KubeObject | undefined, next: KubeObject): Promise<KubeObject> =>
    recordFieldManager(ctx, old, next, o.fieldManager ?? ssa.FIELD_MANAGERS.clientSideApply);
  const store = await ctx.store();
  const printed: KubeObject[] = [];
  let wrote = false;
  const applied: { resource: string; namespace?: string; name: string }[] = [];
  for (const m of manifests) {
    const ns = targetNamespace(ctx, m);
    const ref = { resource: m.kind.plural, namespace: ns, name: m.object.metadata.name };
    try {
      for (let attempt = 0; ; attempt++) {
        const current = await store.tryGet(ref);
        if (o.serverSide) {
          let r: ReturnType<typeof ssa.kubectlServerSideApply>;
          try {
            r = ssa.kubectlServerSideApply({
              live: current,
              applied: setDefaultNamespace(m.object, ns),
              manager: o.fieldManager ?? ssa.FIELD_MANAGERS.serverSideApply,
              force: o.forceConflicts ?? false,
              time: ctx.clock.now(),
            });
          } catch (e) {
            if (e instanceof ssa.ApplyConflictError) throw new ApplyConflictReport('Internal', `${e.message}\n${CONFLICT_ADVICE}`);
            if (e instanceof Error && !(e instanceof KctlError)) throw new KctlError('Invalid', e.message);
            throw e;
          }
          let result = r.object;
          try {
            if (o.dryRun === 'none' && r.changed) {
              result = current
                ? await store.update({ ...result, metadata: { ...result.metadata, resourceVersion: current.metadata.resourceVersion } })
                : await store.create(result);
            }
          } catch (e) {
            if ((isConflict(e) || isAlreadyExists(e)) && attempt < MAX_RETRY) continue;
            throw e;
          }
          if (o.dryRun === 'none' && r.changed) wrote = true;
          if (o.dryRun === 'none') applied.push(ref);
          if (o.output) printed.push(result);
          else ctx.out(`${qualifiedKind(m.kind)}/${m.object.metadata.name} serverside-applied${dryRunSuffix(o.dryRun)}\n`);
          break;
        }
        const r = applyObject(current, m.object, { namespace: ns, commandName: 'kctl' });
        for (const w of r.warnings) ctx.warn(w);
        let result = r.result;
        try {
          if (o.dryRun === 'none' && r.action === 'created') result = await store.create(await tracked(undefined, result));
          else if (o.dryRun === 'none' && r.action === 'configured') {
            // the write is conditional on the version we merged against
            const next = await tracked(current, result);
            result = await store.update({ ...next, metadata: { ...next.metadata, resourceVersion: current!.metadata.resourceVersion } });
          }
        } catch (e) {
          if ((isConflict(e) || isAlreadyExists(e)) && attempt < MAX_RETRY) continue;
          throw e;
        }
        if (o.dryRun === 'none' && r.action !== 'unchanged') wrote = true;
        if (o.dryRun === 'none') applied.push(ref);
        if (o.output) printed.push(result);
        else ctx.out(`${qualifiedKind(m.kind)}/${m.object.metadata.name} ${r.action}${dryRunSuffix(o.dryRun)}\n`);
        break;
      }
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      if (!e.source && !(e instanceof ApplyConflictReport)) e.source = m.sourced.source.replace(/#\d+$/, '');
      errors.push(e);
    }
  }
  if (o.output && printed.length > 0) await printObjects(ctx, printed, { output: o.output, eachObject: true });
  if (wrote) await afterMutation(ctx);
  if (o.wait && applied.length > 0) {
    try {
      await (await import('../rollout/ready.js')).waitForReady(ctx, applied, o.timeoutMs ?? 0);
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      errors.push(e);
    }
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
}

export function register(program: Command, ctx: CliContext): void {
  kustomizeOption(program.command('apply'))
    .description('Apply a configuration to a resource by file name or stdin')
    .option('-f, --filename <file>', 'The files that contain the configurations to apply (repeatable; - for stdin)', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .option('--validate [mode]', 'Must be one of: strict (or true), warn, ignore (or false).')
    .option('--wait [bool]', 'kctl: after applying, wait until what was applied is ready (Deployments: rollout complete; Pods: Ready; others: exist).')
    .option('--continue-on-error [bool]', 'kctl: apply the valid objects of a batch that has invalid ones (kubectl\'s behaviour); default: nothing is written unless every object is valid.')
    .option('--server-side [bool]', 'If true, apply runs in the server instead of the client.')
    .option('--force-conflicts [bool]', 'If true, server-side apply will force the changes against conflicts.')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership.')
    .option('--timeout <duration>', 'kctl: with --wait, how long to wait before giving up (default 5m; 0 waits without limit).')
    .action(async (flags: Record<string, unknown>) => runApply(toApplyOptions(flags), ctx));
}
