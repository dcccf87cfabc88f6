// The waiting loop behind rollout status, wait, scale --timeout and apply --wait (client-go's UntilWithSync, over
// the Store port): evaluate now, then again after every change to the resources that matter, until the check
// returns a result, the timeout passes (on the injected Clock) or the caller's signal aborts. Level-based: the
// check re-reads the store, so a missed or coalesced event only delays it.
import type { KubeObject } from '../../api/types.js';
import { KINDS } from '../../api/kinds.js';
import { isTooOld } from '../../store/store.js';
import type { CliContext } from '../context.js';

export interface WatchUntilOptions {
  /** only changes in this namespace wake the check (omit: all namespaces) */
  namespace?: string;
  /** only changes to these resources (plurals) wake the check (omit: all) */
  resources?: readonly string[];
  /** give up after this long; <= 0 waits without limit */
  timeoutMs: number;
  /** ends the wait early (Ctrl-C, tests): reported like a timeout */
  signal?: AbortSignal;
}

export type WatchUntilResult<T> = { done: true; value: T } | { done: false; reason: 'timeout' | 'aborted' };

const pluralOf = (obj: KubeObject): string | undefined => KINDS.find((k) => k.kind === obj.kind)?.plural;

/** Runs `check` until it returns something other than undefined. Errors thrown by `check` end the wait. */
export async function watchUntil<T>(ctx: CliContext, opts: WatchUntilOptions, check: () => Promise<T | undefined>): Promise<WatchUntilResult<T>> {
  const store = await ctx.store();
  const ac = new AbortController();
  let timedOut = false;
  const timer =
    opts.timeoutMs > 0
      ? ctx.clock.setTimer(opts.timeoutMs, () => {
          timedOut = true;
          ac.abort();
        })
      : undefined;
  const onAbort = (): void => ac.abort();
  if (opts.signal?.aborted) ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stopped = (): WatchUntilResult<T> => ({ done: false, reason: timedOut ? 'timeout' : 'aborted' });
  try {
    for (;;) {
      const from = await store.revision();
      const first = await check();
      if (first !== undefined) return { done: true, value: first };
      if (ac.signal.aborted) return stopped();
      try {
        for await (const ev of store.watch({ namespace: opts.namespace, fromRevision: from, signal: ac.signal })) {
          if (ac.signal.aborted) break;
          if (opts.resources && !opts.resources.includes(pluralOf(ev.object) ?? '')) continue;
          const v = await check();
          if (v !== undefined) return { done: true, value: v };
        }
        return stopped();
      } catch (e) {
        if (ac.signal.aborted) return stopped();
        if (!isTooOld(e)) throw e;
        // fell behind the store's history: start over from a fresh read
      }
    }
  } finally {
    timer?.cancel();
    opts.signal?.removeEventListener('abort', onAbort);
    ac.abort();
  }
}
