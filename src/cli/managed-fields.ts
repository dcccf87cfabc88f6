// The field manager of kctl's own writes: each write records an Update entry in metadata.managedFields for
// kubectl's default manager of the verb (kubectl-create, kubectl-patch, kubectl-label...), on the defaulted
// object, as the API server does for kubectl's requests (apply/server-side/field-manager.ts).
import type { KubeObject } from '../api/types.js';
import type { CliContext } from './context.js';

export async function recordFieldManager(
  ctx: CliContext,
  old: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  subresource?: string,
): Promise<KubeObject> {
  const [{ updateManagedFields }, { applyDefaults }] = await Promise.all([
    import('../apply/server-side/field-manager.js'),
    import('../api/defaults.js'),
  ]);
  return updateManagedFields({ old, new: applyDefaults(structuredClone(next)), manager, time: ctx.clock.now(), ...(subresource ? { subresource } : {}) });
}
