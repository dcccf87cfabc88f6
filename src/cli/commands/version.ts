import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../../util/errors.js';

/** kctl's version; the Kubernetes API it speaks is the one its schemas were generated from. */
export const KCTL_VERSION = 'v0.1.0';
export const KUBERNETES_API_VERSION = 'v1.30';

export function runVersion(ctx: CliContext, o: { output?: string; client?: boolean }): void {
  const info = {
    clientVersion: { gitVersion: KCTL_VERSION, platform: `${process.platform}/${process.arch}` },
    serverVersion: { gitVersion: KUBERNETES_API_VERSION, platform: 'kctl (local store)' },
  };
  if (o.client) delete (info as Partial<typeof info>).serverVersion;
  if (o.output === 'json') return ctx.out(JSON.stringify(info, null, 2) + '\n');
  if (o.output === 'yaml') {
    let s = '';
    for (const [k, v] of Object.entries(info)) s += `${k}:\n  gitVersion: ${v.gitVersion}\n  platform: ${v.platform}\n`;
    return ctx.out(s);
  }
  if (o.output) throw new UsageError(`--output must be 'yaml' or 'json'`);
  ctx.out(`Client Version: ${KCTL_VERSION}\n`);
  if (!o.client) ctx.out(`Server Version: ${KUBERNETES_API_VERSION} (kctl local)\n`);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('Print the client and server version information')
    .option('-o, --output <format>', "One of 'yaml' or 'json'.")
    .option('--client', 'If true, shows client version only (no server required).')
    .action((o: { output?: string; client?: boolean }) => runVersion(ctx, o));
}
