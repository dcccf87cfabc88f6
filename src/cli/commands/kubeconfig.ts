// kctl kubeconfig: kctl's kubeconfig for kubectl and other Kubernetes clients (the controller's API server).
//
//   kctl kubeconfig              print $KCTL_HOME/kubeconfig (as `kind get kubeconfig`)
//   kctl kubeconfig --path       print its path (export KUBECONFIG=$(kctl kubeconfig --path))
//   kctl kubeconfig --merge      put cluster kctl, user kctl-admin and context kctl into ~/.kube/config (or the first
//                                file of $KUBECONFIG, or --kubeconfig) and make kctl the current context; other
//                                contexts are kept (as `kind export kubeconfig`)
//   kctl kubeconfig --remove     take them out again (as `kind delete cluster` does)
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { KctlError, UsageError } from '../../util/errors.js';

interface Flags {
  path?: boolean;
  merge?: boolean;
  remove?: boolean;
  kubeconfig?: string;
}

/** The kubeconfig file a merge writes: --kubeconfig, else the first entry of $KUBECONFIG, else ~/.kube/config. */
export function userKubeconfigPath(ctx: Pick<CliContext, 'io' | 'home'>, flag: string | undefined): string {
  if (flag) return resolve(ctx.io.cwd ?? '.', flag);
  const ours = join(ctx.home, 'kubeconfig');
  const first = (ctx.io.env.KUBECONFIG ?? '').split(delimiter).find((p) => p && resolve(p) !== resolve(ours));
  if (first) return first;
  return join(ctx.io.env.HOME || homedir(), '.kube', 'config');
}

export async function runKubeconfig(ctx: CliContext, f: Flags): Promise<void> {
  if ([f.path, f.merge, f.remove].filter(Boolean).length > 1) throw new UsageError('only one of --path, --merge and --remove may be given');
  const { exportKubeconfig, kubeconfigPath, removeKubeconfig } = await import('../../apiserver/kubeconfig.js');
  const ours = kubeconfigPath(ctx.home);
  if (f.path) return ctx.out(`${ours}\n`);
  const target = userKubeconfigPath(ctx, f.kubeconfig);
  try {
    if (f.merge) {
      await exportKubeconfig(ctx.home, target);
      return ctx.out(`Set kubectl context to "kctl" in ${target}\n`);
    }
    if (f.remove) {
      const removed = await removeKubeconfig(target);
      return ctx.out(removed ? `Removed context "kctl" from ${target}\n` : `no context "kctl" in ${target}\n`);
    }
    ctx.out(await readFile(ours, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new KctlError('Internal', `no kubeconfig at ${ours} yet: the controller writes it when it starts (kctl controller)`);
    if (e instanceof KctlError) throw e;
    throw new KctlError('Internal', (e as Error).message);
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('kubeconfig')
    .description("Print kctl's kubeconfig, or merge its context into (or remove it from) ~/.kube/config")
    .option('--path', 'Print the path of $KCTL_HOME/kubeconfig')
    .option('--merge', 'Add cluster "kctl", user "kctl-admin" and context "kctl" to ~/.kube/config and switch to it')
    .option('--remove', 'Remove them from ~/.kube/config again')
    .option('--kubeconfig <file>', 'The kubeconfig to merge into or remove from (default: the first of $KUBECONFIG, else ~/.kube/config)')
    .addHelpText('after', '\nexport KUBECONFIG=$(kctl kubeconfig --path) points kubectl at kctl without touching ~/.kube/config.\n')
    .action(async (f: Flags) => runKubeconfig(ctx, f));
}
