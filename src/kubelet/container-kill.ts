// Stopping containers (upstream kuberuntime_container.go killContainer): in the background, so a pass never
// waits out a grace period. A pod on its way out first drains (no proxy sends it new connections, those it
// proxied finish), then runs its preStop hook, then the runtime's SIGTERM, SIGKILL after what is left of
// the grace period. The pod is enqueued when a stop ends.
import type { PortMapping } from '../runtime/runtime.js';
import type { KubeletContext, PodObject } from './context.js';
import { MIN_GRACE_SECONDS, allContainers } from './helpers.js';
import { runLifecycleHandler } from './lifecycle.js';
import type { ContainerToKill } from './pod-actions.js';

/** How long a finished drain is shared by the pod's later stops. */
export const DRAIN_KEEP_MS = 60_000;

export type Kill = Pick<ContainerToKill, 'id' | 'name' | 'graceSeconds' | 'message' | 'restart'>;

export class ContainerKiller {
  /** background stops, by container id */
  private readonly killing = new Map<string, Promise<void>>();
  /** container ids stopped for a spec change (started again whatever the restart policy) */
  private readonly restartRequested = new Set<string>();

  constructor(private readonly ctx: KubeletContext) {}

  /** Container ids being stopped now. */
  killingIds(): string[] {
    return [...this.killing.keys()];
  }

  isKilling(id: string): boolean {
    return this.killing.has(id);
  }

  /** Container ids stopped for a spec change and not yet replaced. */
  restartRequestedIds(): string[] {
    return [...this.restartRequested];
  }

  /** The container is replaced (or removed): its restart request is done. */
  clearRestart(id: string): void {
    this.restartRequested.delete(id);
  }

  /** The stops still running (whenIdle). */
  pending(): Promise<void>[] {
    return [...this.killing.values()];
  }

  /**
   * Stops a container in the background (once at a time per container). `pod` undefined: an orphan, stopped
   * without events, drain or hook.
   */
  startKill(podKey: string, pod: PodObject | undefined, k: Kill, ports: PortMapping[] = []): void {
    const { ctx } = this;
    if (this.killing.has(k.id)) return;
    if (k.restart) this.restartRequested.add(k.id);
    if (pod) void ctx.event(pod, 'Normal', 'Killing', k.message, k.name);
    const spec = pod ? allContainers(pod).find((x) => x.container.name === k.name)?.container : undefined;
    const preStop = spec?.lifecycle?.preStop;
    const stop = async (): Promise<void> => {
      let grace = k.graceSeconds;
      // drain before SIGTERM: a pod on its way out first leaves every proxy's rotation and its proxied
      // connections finish — for at most half the grace period, so an idle keep-alive connection (closed
      // only by SIGTERM) cannot leave the process no time to shut down
      if (pod?.metadata.deletionTimestamp && ctx.networking) {
        const t0 = ctx.clock.now().getTime();
        await this.drainOnce(pod, t0 + grace * 500);
        grace = Math.max(MIN_GRACE_SECONDS, grace - Math.floor((ctx.clock.now().getTime() - t0) / 1000));
      }
      if (pod && spec && preStop) {
        const t0 = ctx.clock.now().getTime();
        const err = await runLifecycleHandler(ctx.hooks, preStop, spec, k.id, ports, grace * 1000);
        if (err) await ctx.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${err}`, k.name);
        grace = Math.max(MIN_GRACE_SECONDS, grace - Math.floor((ctx.clock.now().getTime() - t0) / 1000));
      }
      await ctx.runtime.stopContainer(k.id, grace);
    };
    const p = stop()
      .catch((e: unknown) => ctx.log(`kubelet: stop container ${k.name} (${k.id}): ${(e as Error).message}`))
      .finally(() => {
        this.killing.delete(k.id);
        ctx.enqueue(podKey);
      });
    this.killing.set(k.id, p);
  }

  /**
   * One drain per pod, shared by its containers' stops; once it ended, stops within DRAIN_KEEP_MS (on the
   * injected clock) reuse it instead of draining again.
   */
  drainOnce(pod: PodObject, deadlineMs: number): Promise<void> {
    const { ctx } = this;
    const rec = ctx.records.ensure(pod.metadata.uid!);
    if (rec.drain) return rec.drain;
    const p = ctx.networking!.drain(pod, deadlineMs).catch((e: unknown) => ctx.log(`kubelet: drain of pod ${pod.metadata.name}: ${(e as Error).message}`));
    rec.drain = p;
    void p.finally(() =>
      ctx.clock.setTimer(DRAIN_KEEP_MS, () => {
        if (rec.drain === p) delete rec.drain;
      }),
    );
    return p;
  }
}
