// The objects a workload verb acts on (TYPE NAME..., TYPE/NAME..., TYPE -l, TYPE --all, -f), through select.ts,
// plus the checks kubectl's builder makes for verbs that need names.
import type { KindInfo } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { KctlError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { selectObjects, type SelectFlags } from '../select.js';

export interface Target {
  kind: KindInfo;
  obj: KubeObject;
}

export interface TargetFlags extends SelectFlags {
  /** --all: every object of the type */
  all?: boolean;
}

/** "Deployment.apps", "Pod": schema.GroupKind.String(), as kubectl's "not implemented" errors name kinds. */
export const groupKindString = (k: KindInfo): string => (k.group ? `${k.kind}.${k.group}` : k.kind);

/** Whether args name objects (TYPE NAME or TYPE/NAME), as opposed to a bare TYPE. */
export const namesGiven = (args: readonly string[]): boolean => args.length > 1 || args.some((a) => a.includes('/'));

/**
 * Resolves the targets. `requireSelection`: a bare TYPE needs -l or --all (kubectl's
 * ResourceTypeOrNameArgs(allowEmptySelector=false): `resource(s) were provided, but no name was specified`).
 * Returns the objects found and the errors (NotFound) for names that were not.
 */
export async function resolveTargets(
  ctx: CliContext,
  args: string[],
  flags: TargetFlags,
  verb: string,
  opts: { requireSelection?: boolean; missing?: string } = {},
): Promise<{ targets: Target[]; errors: KctlError[] }> {
  const fromFile = (flags.filename?.length ?? 0) > 0;
  if (args.length === 0 && !fromFile) throw new KctlError('Usage', opts.missing ?? 'required resource not specified');
  if (!fromFile) {
    if (flags.all && flags.selector) throw new KctlError('Usage', 'cannot set --all and --selector at the same time');
    if (namesGiven(args) && flags.all) throw new KctlError('Usage', 'cannot set --all and resource names at the same time');
    if (opts.requireSelection && !namesGiven(args) && !flags.all && !flags.selector)
      throw new KctlError('Usage', 'resource(s) were provided, but no name was specified');
  }
  const { selected, errors } = await selectObjects(ctx, args, flags, verb);
  const targets = selected.flatMap((s) => s.objects.map((obj) => ({ kind: s.kind, obj })));
  return { targets, errors };
}
