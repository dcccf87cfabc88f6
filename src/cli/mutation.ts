// After a verb changed desired state, make sure the reconcile loop runs (unless KCTL_NO_CONTROLLER=1).
import type { CliContext } from './context.js';

export async function afterMutation(ctx: CliContext): Promise<void> {
  void ctx;
}
