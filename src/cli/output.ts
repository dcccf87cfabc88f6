// Writes objects in the -o format the user asked for (printers do the formatting; this adds the context).
import type { KubeObject } from '../api/types.js';
import type { PrintOptions } from '../printers/output.js';
import type { CliContext } from './context.js';

export async function printObjects(
  ctx: CliContext,
  objs: KubeObject[] | KubeObject,
  opts: Omit<PrintOptions, 'now' | 'readFile'> & { now?: Date },
): Promise<void> {
  const printers = await import('../printers/output.js');
  const text = await printers.printObjects(objs, {
    ...opts,
    now: opts.now ?? ctx.clock.now(),
    color: ctx.color,
    readFile: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
  });
  ctx.out(text);
}
