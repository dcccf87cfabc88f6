// What every CLI write path checks before it stores a changed object (patch, label, annotate, set ...): the same
// schema and semantic validation apply runs, so `patch -p '{"metadata":{"labels":"x"}}'` is refused, not stored.
// Unknown fields are warnings, as the API server's default field validation for these requests.
import type { KubeObject } from '../api/types.js';
import { ValidationError } from '../util/errors.js';
import type { CliContext } from './context.js';

export async function validateForWrite(ctx: CliContext, obj: KubeObject): Promise<void> {
  const { validateObject } = await import('../api/validate.js');
  const found = await validateObject(obj, { mode: 'warn', warnUnsupported: false });
  for (const w of found.filter((f) => f.severity === 'warning')) ctx.warn(w.message);
  const bad = found.filter((f) => f.severity !== 'warning');
  if (bad.length > 0) throw new ValidationError(String(obj.kind), String(obj.metadata?.name ?? ''), bad);
}
