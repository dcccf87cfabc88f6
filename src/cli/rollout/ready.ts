// `kctl apply --wait` (kctl extension): after applying, wait until what was applied is ready. Deployments: their
// rollout is complete (rollout status's "successfully rolled out"; its progress-deadline error ends the wait);
// Pods: the Ready condition is True (phase Failed ends the wait); everything else: it exists.
import type { KubeObject } from '../../api/types.js';
import type { ObjectRef } from '../../store/store.js';
import { KctlError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { conditionMet } from './conditions.js';
import { deploymentStatus } from './status.js';
import { watchUntil } from './watch-until.js';

/** Whether one object is ready; throws when it never will be. */
export function isReady(obj: KubeObject): boolean {
  switch (obj.kind) {
    case 'Deployment':
      return deploymentStatus(obj).done;
    case 'Pod': {
      const phase = (obj.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Failed') throw new KctlError('Invalid', `pod "${obj.metadata.name}" failed`);
      return conditionMet(obj, 'Ready', 'True');
    }
    default:
      return true;
  }
}

/**
 * Waits for every ref in turn, sharing one deadline (timeoutMs <= 0: none). Times out with kubectl wait's
 * `timed out waiting for the condition on deployments/web`.
 */
export async function waitForReady(ctx: CliContext, refs: readonly ObjectRef[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const store = await ctx.store();
  const deadline = timeoutMs > 0 ? ctx.clock.now().getTime() + timeoutMs : undefined;
  for (const ref of refs) {
    const left = deadline === undefined ? 0 : Math.max(1, deadline - ctx.clock.now().getTime());
    const r = await watchUntil(ctx, { namespace: ref.namespace, resources: [ref.resource], timeoutMs: left, signal }, async () => {
      const cur = await store.tryGet(ref);
      return cur && isReady(cur) ? true : undefined;
    });
    if (!r.done) {
      if (r.reason === 'aborted') return;
      throw new KctlError('Timeout', `timed out waiting for the condition on ${ref.resource}/${ref.name}`);
    }
  }
}
