// After a verb changed desired state, make sure the reconcile loop runs (unless KCTL_NO_CONTROLLER=1, or the
// caller injected its own store, as in-process tests do).
import type { CliContext } from './context.js';

export async function afterMutation(ctx: CliContext): Promise<void> {
  if (/^(1|true|yes)$/i.test(ctx.io.env.KCTL_NO_CONTROLLER ?? '') || ctx.injectedStore) return;
  const { ensureControllerRunning } = await import('../cluster/process.js');
  const r = await ensureControllerRunning(ctx);
  if (r === 'started' && ctx.verbosity > 0) ctx.err(`started the kctl controller in the background (logs: kctl controller logs)\n`);
}
