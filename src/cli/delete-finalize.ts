// `kctl delete` waits for objects to be gone; when no controller runs (KCTL_NO_CONTROLLER=1, or it was stopped),
// nobody would finish a deletion that has finalizers. The CLI then runs the garbage collector's own passes itself
// (--cascade=orphan/foreground) and, when something still needs a process that is not running, says so and stops.
import type { KubeObject } from '../api/types.js';
import { KctlError } from '../util/errors.js';
import type { CliContext } from './context.js';

async function controllerRunning(ctx: CliContext): Promise<boolean> {
  const { readControllerPid, isProcessAlive } = await import('../cluster/process.js');
  const pid = await readControllerPid(ctx.home);
  return pid !== undefined && isProcessAlive(pid);
}

/**
 * For an object still present after its delete: returns false when a running controller will finish it (the caller
 * waits), true when this call finished it. Throws when it cannot finish and no process will.
 */
export async function finishWithoutController(ctx: CliContext, cur: KubeObject, resource: string): Promise<boolean> {
  // an injected store (in-process callers) brings its own loop
  if (ctx.injectedStore || (await controllerRunning(ctx))) return false;
  const store = await ctx.store();
  const { GarbageCollector } = await import('../controllers/gc/garbage-collector.js');
  const { objectKey, refOf } = await import('../store/store.js');
  const gc = new GarbageCollector({ store });
  const ref = refOf(cur);
  const gone = async (): Promise<boolean> => {
    const now = await store.tryGet(ref);
    return !now || now.metadata.uid !== cur.metadata.uid;
  };
  // the collector's passes over everything it follows, until the object is gone or nothing changes
  for (let pass = 0; pass < 20 && !(await gone()); pass++) {
    const before = await store.revision();
    for (const key of new Set([objectKey(ref), ...(await gc.resyncKeys())])) await gc.reconcile(key);
    if ((await store.revision()) === before) break;
  }
  if (await gone()) return true;
  const waitingOn = cur.metadata.finalizers?.length ? `finalizers ${JSON.stringify(cur.metadata.finalizers)}` : 'the kubelet';
  throw new KctlError(
    'Timeout',
    `${resource} "${cur.metadata.name}" is being deleted and waits for ${waitingOn}, but the kctl controller is not running (start it with "kctl controller", or delete with --wait=false)`,
  );
}
