// kctl api-resources: the kinds kctl serves, in kubectl's columns.
import type { Command } from 'commander';
import { apiVersionOf, isPreferredVersion, KINDS } from '../../api/kinds.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../../util/errors.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('api-resources')
    .description('Print the supported API resources on the server')
    .option('--namespaced [bool]', 'If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.')
    .option('--api-group <group>', 'Limit to resources in the specified API group.')
    .option('--no-headers', 'When using the default or custom-column output format, don\'t print headers.')
    .option('-o, --output <format>', 'Output format. One of: (wide, name).')
    .option('--sort-by <field>', "If non-empty, sort list of resources using specified field. One of 'name' or 'kind'.")
    .action(async (f: { namespaced?: string | boolean; apiGroup?: string; headers?: boolean; output?: string; sortBy?: string }) => {
      if (f.output && f.output !== 'wide' && f.output !== 'name') throw new UsageError(`--output ${f.output} is not available`);
      // the preferred version of each resource, as kubectl lists discovery
      let kinds = KINDS.filter(isPreferredVersion);
      if (f.namespaced !== undefined) {
        const want = f.namespaced !== 'false' && f.namespaced !== false;
        kinds = kinds.filter((k) => k.namespaced === want);
      }
      if (f.apiGroup !== undefined) kinds = kinds.filter((k) => k.group === (f.apiGroup === 'core' ? '' : f.apiGroup));
      // kubectl lists the core group first, then groups by name; within a group by resource name
      // (kubectl's sortableResource: byte-wise string comparison, ties by resource name)
      const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
      const key = (k: (typeof kinds)[number]): string => (f.sortBy === 'kind' ? k.kind : f.sortBy === 'name' ? k.plural : k.group);
      kinds.sort((a, b) => cmp(key(a), key(b)) || cmp(a.plural, b.plural));
      if (f.output === 'name') {
        for (const k of kinds) ctx.out(`${k.plural}${k.group ? '.' + k.group : ''}\n`);
        return;
      }
      const { tableTabwrite } = await import('../../printers/tabwriter.js');
      const rows: string[][] = [];
      const wide = f.output === 'wide';
      if (f.headers !== false) rows.push(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
      for (const k of kinds)
        rows.push([k.plural, k.shortNames.join(','), apiVersionOf(k), String(k.namespaced), k.kind, ...(wide ? [`[${k.verbs.join(' ')}]`, k.categories.join(',')] : [])]);
      ctx.out(tableTabwrite(rows.map((r) => r.join('\t') + '\n').join('')));
    });
}
