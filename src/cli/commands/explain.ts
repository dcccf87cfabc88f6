// kctl explain TYPE[.field.path]: documentation read from the JSON schemas kctl validates with.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../../util/errors.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Get documentation for a resource')
    .argument('[resource]', 'TYPE or TYPE.field.path, e.g. deployment.spec.strategy')
    .option('--recursive', 'Print the fields of fields (Currently only 1 level deep)')
    .option('--api-version <version>', 'Use given api-version (group/version) of the resource.')
    .action(async (resource: string | undefined, f: { recursive?: boolean; apiVersion?: string }) => {
      if (!resource)
        throw new UsageError('You must specify the type of resource to explain. Use "kctl api-resources" for a complete list of supported resources.');
      const { explain, SCHEMAS_DIR_URL } = await import('../../api/explain.js');
      const { readFile } = await import('node:fs/promises');
      const text = await explain(resource, {
        recursive: f.recursive,
        apiVersion: f.apiVersion,
        readSchema: (file) => readFile(new URL(file, SCHEMAS_DIR_URL), 'utf8'),
      });
      ctx.out(text.endsWith('\n') ? text : text + '\n');
    });
}
