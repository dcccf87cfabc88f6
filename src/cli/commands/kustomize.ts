// `kctl kustomize [DIR]`: prints what `kubectl kustomize DIR` prints (src/kustomize builds it), warnings on
// stderr, kustomize's message and exit 1 where kustomize refuses.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { KctlError, ManifestError, UsageError } from '../../util/errors.js';

const RESTRICTORS = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'] as const;
type Restrictor = (typeof RESTRICTORS)[number];

export async function runKustomize(ctx: CliContext, dir: string, o: { loadRestrictor?: string; enableHelm?: boolean }): Promise<void> {
  const restrictor = (o.loadRestrictor ?? 'LoadRestrictionsRootOnly') as Restrictor;
  if (!RESTRICTORS.includes(restrictor)) {
    throw new UsageError(`illegal flag value --load-restrictor ${o.loadRestrictor}; legal values: ${RESTRICTORS.join(', ')}`);
  }
  if (o.enableHelm) throw new KctlError('Usage', '--enable-helm is not supported by kctl: render charts with `helm template` and list the output under resources');
  const { kustomize, toKustomizeYaml, KustomizeError } = await import('../../kustomize/index.js');
  const { resolve } = await import('node:path');
  let result;
  try {
    result = kustomize(resolve(ctx.io.cwd ?? process.cwd(), dir), { loadRestrictor: restrictor });
  } catch (e) {
    if (e instanceof KustomizeError) throw new ManifestError(e.message, e.source, e);
    throw e;
  }
  for (const w of result.warnings) ctx.err(`${w}\n`);
  ctx.out(toKustomizeYaml(result.objects));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('kustomize')
    .description('Build a kustomization target from a directory')
    .argument('[dir]', 'the kustomization directory', '.')
    .option('--load-restrictor <restrictor>', 'if set to \'LoadRestrictionsNone\', local kustomizations may load files from outside their root.')
    .option('--enable-helm', 'Enable use of the Helm chart inflator generator (not supported by kctl).')
    .action((dir: string, o: { loadRestrictor?: string; enableHelm?: boolean }) => runKustomize(ctx, dir, o));
}
