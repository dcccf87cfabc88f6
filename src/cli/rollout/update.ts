// Read-modify-write with the resourceVersion precondition, retried on conflict (kubectl's patches are applied by
// the API server to whatever is current; kctl re-reads and re-applies the same edit instead).
import type { KubeObject } from '../../api/types.js';
import type { ObjectRef, Store } from '../../store/store.js';
import { isConflict } from '../../util/errors.js';

/** kubectl retries a conflicting patch a few times (maxPatchRetry). */
export const MAX_CONFLICT_RETRIES = 5;

/**
 * Applies `edit` to the current object and writes the result (update, or updateStatus when `status`). `edit`
 * returns undefined for "nothing to write"; it may throw. Returns the stored result, or the unchanged current
 * object, with `wrote`.
 */
export async function updateWithRetry<T extends KubeObject = KubeObject>(
  store: Store,
  ref: ObjectRef,
  edit: (current: T) => T | undefined,
  opts: { first?: T; dryRun?: boolean; status?: boolean; validate?: (next: T) => Promise<void> } = {},
): Promise<{ object: T; wrote: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const current = attempt === 0 && opts.first ? opts.first : await store.get<T>(ref);
    const next = edit(current);
    if (next === undefined) return { object: current, wrote: false };
    await opts.validate?.(next);
    if (opts.dryRun) return { object: next, wrote: false };
    const toWrite = { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } } as T;
    try {
      const stored = opts.status ? await store.updateStatus(toWrite) : await store.update(toWrite);
      return { object: stored, wrote: true };
    } catch (e) {
      if (isConflict(e) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
  }
}
