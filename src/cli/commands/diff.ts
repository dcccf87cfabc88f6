// kctl diff -f: the live object against what `apply` would make of it. Exit 0: no differences, 1:
// differences, >1: kctl failed (kubectl's contract, relied on by CI scripts).
import type { Command } from 'commander';
import { KctlError, MultiError, SilentExit } from '../../util/errors.js';
import { LAST_APPLIED } from '../../api/meta.js';
import type { KubeObject } from '../../api/types.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption, parseValidate } from '../flags.js';
import { loadAndValidatePartial, targetNamespace } from '../manifests.js';

export interface DiffOptions {
  filename?: string[];
  recursive?: boolean;
  validate: ReturnType<typeof parseValidate>;
}

export async function runDiff(o: DiffOptions, ctx: CliContext): Promise<void> {
  let changed = false;
  let deferred: KctlError[] = [];
  try {
    // kubectl diff goes on past a broken document; its errors come after the diffs (exit > 1)
    const { manifests, errors } = await loadAndValidatePartial(ctx, o, { mode: o.validate, verb: 'diff' });
    if (manifests.length === 0 && errors.length === 0) throw new KctlError('Invalid', 'no objects passed to diff');
    deferred = errors;
    const { applyObject } = await import('../../apply/last-applied.js');
    const { unifiedDiff, diffFileName } = await import('../../apply/diff.js');
    const { applyDefaults } = await import('../../api/defaults.js');
    const store = await ctx.store();
    const suffix = Math.random().toString().slice(2, 11);
    for (const m of manifests) {
      const ns = targetNamespace(ctx, m);
      const live = await store.tryGet({ resource: m.kind.plural, namespace: ns, name: m.object.metadata.name });
      // the server would default what it stores; diff what it would store (kubectl diff uses a server dry run)
      const result = applyDefaults(applyObject(live, m.object, { namespace: ns, commandName: 'kctl' }).result);
      const [l, r] = m.kind.kind === 'Secret' ? maskSecrets(live, result) : [live, result];
      const text = unifiedDiff(l, r, {
        name: diffFileName(result),
        liveDir: `/tmp/LIVE-${suffix}`,
        mergedDir: `/tmp/MERGED-${suffix}`,
        time: ctx.clock.now(),
      });
      if (text) {
        changed = true;
        ctx.out(text);
      }
    }
    if (deferred.length > 0) throw deferred.length === 1 ? deferred[0]! : new MultiError(deferred);
  } catch (e) {
    for (const x of e instanceof MultiError ? [e, ...e.errors] : [e]) if (x instanceof KctlError) x.exitCodeOverride = 2;
    throw e;
  }
  if (changed) throw new SilentExit(1);
}

/**
 * kubectl diff's masker: Secret values print as `***`, or `*** (before)` / `*** (after)` where they differ, so a
 * diff shows which keys changed without showing a value. The last-applied annotation (a copy of the data) goes.
 */
export function maskSecrets(live: KubeObject | undefined, merged: KubeObject): [KubeObject | undefined, KubeObject] {
  const strip = (o: KubeObject): KubeObject => {
    const c = structuredClone(o);
    if (c.metadata.annotations) {
      delete c.metadata.annotations[LAST_APPLIED];
      if (Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
    }
    return c;
  };
  const l = live && strip(live);
  const r = strip(merged);
  const ld = (l?.data ?? {}) as Record<string, string>;
  const rd = (r.data ?? {}) as Record<string, string>;
  for (const key of new Set([...Object.keys(ld), ...Object.keys(rd)])) {
    const same = ld[key] === rd[key];
    if (key in ld) ld[key] = same ? '***' : '*** (before)';
    if (key in rd) rd[key] = same ? '***' : '*** (after)';
  }
  return [l, r];
}

export function register(program: Command, ctx: CliContext): void {
  kustomizeOption(program.command('diff'))
    .description('Diff the live version against a would-be applied version')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files contains the configuration to diff (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--validate [mode]', 'Must be one of: strict (or true), warn, ignore (or false).')
    .action(async (f: Record<string, unknown>) =>
      runDiff({ filename: f.filename as string[] | undefined, recursive: Boolean(f.recursive), validate: parseValidate(f.validate as string | undefined) }, ctx),
    );
}
