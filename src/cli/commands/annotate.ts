import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerMetadataVerb } from '../metadata-verb.js';

export function register(program: Command, ctx: CliContext): void {
  registerMetadataVerb(program, ctx, 'annotate');
}
