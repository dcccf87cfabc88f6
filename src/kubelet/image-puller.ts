// Image pulls (upstream pkg/kubelet/images: the image manager and its puller): in the background, one per
// pod and image, with the pod's registry credentials; a failure sets the pull back-off (ImagePullBackOff)
// and the ErrImagePull waiting reason of the containers using the image. The pod is enqueued when a pull ends.
import type { KubeObject, Secret } from '../api/types.js';
import { RuntimeError, isEngineUnreachable, type PullProgress } from '../runtime/runtime.js';
import { nextBackoff } from './backoff.js';
import type { KubeletContext, PodObject } from './context.js';
import { allContainers } from './helpers.js';
import { pullBackoffKey } from './pod-actions.js';
import { credentialsFor, pullWithCredentials } from './pull-secrets.js';

/** At most one pull progress log line per image this often. */
const PULL_LOG_MS = 2000;

export class ImagePuller {
  /** every pull running, for whenIdle (a pull outlives a forgotten record) */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly ctx: KubeletContext) {}

  /** The pulls still running (whenIdle). */
  pending(): Promise<void>[] {
    return [...this.running];
  }

  /** Whether a pull runs for the pod. */
  isPulling(uid: string): boolean {
    return (this.ctx.records.get(uid)?.pulls.size ?? 0) > 0;
  }

  /** Consumes a pull made for the pod and not used yet: true once per finished pull of the image. */
  takeFreshPull(uid: string, image: string): boolean {
    const rec = this.ctx.records.get(uid);
    return rec?.freshPulls.delete(image) ?? false;
  }

  /** Starts pulling `image` for the pod unless a pull of it runs already; events as upstream's puller. */
  startPull(podKey: string, pod: PodObject, image: string, container: string): void {
    const { ctx } = this;
    const uid = pod.metadata.uid!;
    const rec = ctx.records.ensure(uid);
    if (rec.pulls.has(image)) return;
    const t0 = ctx.clock.now().getTime();
    void ctx.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, container);
    let lastLog = t0;
    const onProgress = (pr: PullProgress): void => {
      const now = ctx.clock.now().getTime();
      if (now - lastLog < PULL_LOG_MS) return;
      lastLog = now;
      const size = pr.total ? ` ${pr.current ?? 0}/${pr.total} bytes` : '';
      ctx.info(`kubelet: pulling image "${image}": ${pr.status}${pr.id ? ` ${pr.id}` : ''}${size}`);
    };
    const names = allContainers(pod)
      .filter((x) => x.container.image === image)
      .map((x) => x.container.name);
    const p = this.pullImage(pod, image, onProgress)
      .then(
        async () => {
          const secs = ((ctx.clock.now().getTime() - t0) / 1000).toFixed(3);
          rec.freshPulls.add(image);
          rec.backoff.delete(pullBackoffKey(uid, image));
          for (const n of names) if (rec.lastFailures.get(n)?.reason === 'ErrImagePull') rec.lastFailures.delete(n);
          await ctx.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting)`, container);
        },
        async (e: unknown) => {
          if (!(e instanceof RuntimeError) || isEngineUnreachable(e)) ctx.log(`kubelet: pull ${image}: ${(e as Error).message}`);
          const msg = (e as Error).message;
          const now = ctx.clock.now().getTime();
          const bk = pullBackoffKey(uid, image);
          rec.backoff.set(bk, nextBackoff(rec.backoff.get(bk), now, now, { baseMs: ctx.config.backoffBaseMs, maxMs: ctx.config.backoffMaxMs }));
          for (const n of names) rec.lastFailures.set(n, { reason: 'ErrImagePull', message: msg });
          for (const n of names) rec.shownWaiting.delete(n);
          rec.freshPullFailures.add(image);
          const detail = msg.replace(/^failed to pull image "[^"]*": /i, '');
          await ctx.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${detail}`, container);
          await ctx.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', container);
        },
      )
      .finally(() => {
        rec.pulls.delete(image);
        this.running.delete(p);
        ctx.enqueue(podKey);
      });
    rec.pulls.set(image, p);
    this.running.add(p);
  }

  /**
   * A pull with the registry credentials of the pod's imagePullSecrets (none named: its ServiceAccount's, as
   * upstream's admission copies them). Missing secrets get upstream's warning event and the pull goes on.
   */
  private async pullImage(pod: PodObject, image: string, onProgress: (p: PullProgress) => void): Promise<void> {
    const { ctx } = this;
    const ns = pod.metadata.namespace ?? 'default';
    let refs = pod.spec?.imagePullSecrets ?? [];
    if (!refs.length) {
      const sa = await ctx.store.tryGet<KubeObject>({ resource: 'serviceaccounts', namespace: ns, name: pod.spec?.serviceAccountName || 'default' });
      refs = (sa?.imagePullSecrets as { name?: string }[] | undefined) ?? [];
    }
    const secrets: Secret[] = [];
    const missing: string[] = [];
    for (const r of refs) {
      if (!r.name) continue;
      const s = await ctx.store.tryGet<KubeObject>({ resource: 'secrets', namespace: ns, name: r.name });
      if (s) secrets.push(s as Secret);
      else missing.push(r.name);
    }
    if (missing.length)
      await ctx.event(
        pod,
        'Warning',
        'FailedToRetrieveImagePullSecret',
        `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
      );
    return pullWithCredentials(ctx.runtime, image, credentialsFor(image, secrets), onProgress);
  }
}
