// kctl patch TYPE NAME -p PATCH [--type strategic|merge|json]: `deployment.apps/web patched` or `(no change)`.
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import { isConflict, KctlError, MultiError, UsageError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, dryRunSuffix, parseDryRun, type DryRun } from '../flags.js';
import { afterMutation } from '../mutation.js';
import { printObjects } from '../output.js';
import { selectObjects } from '../select.js';
import { validateForWrite } from '../validate-write.js';
import { recordFieldManager } from '../managed-fields.js';

export interface PatchOptions {
  args: string[];
  filename?: string[];
  patch: string;
  type?: string;
  dryRun: DryRun;
  output?: string;
  subresource?: 'status';
}

export async function runPatch(o: PatchOptions, ctx: CliContext): Promise<void> {
  const { patchObject, toPatchType } = await import('../../apply/patch.js');
  const type = toPatchType(o.type);
  const store = await ctx.store();
  const { selected, errors } = await selectObjects(ctx, o.args, { filename: o.filename }, 'patch');
  const targets = selected.flatMap((s) => s.objects.map((obj) => ({ s, obj })));
  if (targets.length === 0 && errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
  if (targets.length === 0) throw new UsageError('you must provide one or more resources');
  // like kubectl, every target is patched; the errors (missing objects, broken documents) are reported after
  const failures: KctlError[] = [...errors];
  let wrote = false;
  for (const { s, obj: first } of targets) {
    const ref = { resource: s.kind.plural, namespace: first.metadata.namespace, name: first.metadata.name };
    try {
      for (let attempt = 0; ; attempt++) {
        const obj = attempt === 0 ? first : await store.get(ref);
        const r = patchObject(obj, o.patch, { type, subresource: o.subresource });
        let result = r.result;
        if (r.changed) await validateForWrite(ctx, result);
        if (r.changed && o.dryRun === 'none') {
          try {
            const tracked = await recordFieldManager(ctx, obj, result, 'kubectl-patch', o.subresource);
            result = o.subresource === 'status' ? await store.updateStatus(tracked) : await store.update(tracked);
            wrote = true;
          } catch (e) {
            // a patch is applied to whatever is current: re-read and re-apply on a conflict, like the API server
            if (isConflict(e) && attempt < 5) continue;
            throw e;
          }
        }
        if (o.output) await printObjects(ctx, [result], { output: o.output });
        else ctx.out(`${qualifiedKind(s.kind)}/${obj.metadata.name} ${r.changed ? 'patched' : 'patched (no change)'}${dryRunSuffix(o.dryRun)}\n`);
        break;
      }
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      failures.push(e);
    }
  }
  if (wrote) await afterMutation(ctx);
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new MultiError(failures);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('patch')
    .description('Update fields of a resource')
    .argument('[args...]', 'TYPE NAME or TYPE/NAME')
    .option('-p, --patch <patch>', 'The patch to be applied to the resource JSON file.')
    .option('--patch-file <file>', 'A file containing a patch to be applied to the resource.')
    .option('--type <type>', 'The type of patch being provided; one of [json merge strategic]')
    .option('-f, --filename <file>', 'A file identifying the resource to update (repeatable)', collect)
    .option('--subresource <name>', 'If specified, patch will operate on the subresource of the requested object (status).')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .action(async (args: string[], f: Record<string, unknown>) => {
      let patch = f.patch as string | undefined;
      if (f.patchFile) {
        const { readFile } = await import('node:fs/promises');
        patch = await readFile(String(f.patchFile), 'utf8').catch(() => {
          throw new UsageError(`unable to read patch file "${String(f.patchFile)}"`);
        });
      }
      if (patch === undefined) throw new UsageError('must specify --patch or --patch-file containing the contents of the patch');
      if (f.subresource !== undefined && f.subresource !== 'status') throw new UsageError(`invalid subresource value: "${String(f.subresource)}". Must be one of [status]`);
      await runPatch(
        {
          args,
          filename: f.filename as string[] | undefined,
          patch,
          type: f.type as string | undefined,
          dryRun: parseDryRun(f.dryRun as string | undefined),
          output: f.output as string | undefined,
          subresource: f.subresource as 'status' | undefined,
        },
        ctx,
      );
    });
}
