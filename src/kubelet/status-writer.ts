// Writing what a pass observed (upstream status_manager.go): the kctl.io/ports annotation first, then the
// status generatePodStatus computes, each only when it changed. A conflict with another writer (the
// scheduler's PodScheduled condition, mostly) is written over the fresh object while the spec and deletion
// did not change.
import { isConflict, isNotFound } from '../util/errors.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import type { KubeletConfig, PodObject } from './context.js';
import { PORTS_ANNOTATION } from './helpers.js';
import type { ObservedPod, Waiting } from './pod-actions.js';
import { generatePodStatus, portsAnnotation, statusChanged } from './pod-status.js';

export interface StatusWriterDeps {
  store: Store;
  clock: Clock;
  config: Pick<KubeletConfig, 'hostIP' | 'runtimeName'>;
}

export async function writePodStatus(deps: StatusWriterDeps, pod: PodObject, observed: ObservedPod, waiting: Record<string, Waiting>): Promise<void> {
  const { store } = deps;
  // A terminating pod keeps its last status until it is gone (its containers' end shows in the Killing
  // events); `get pods` shows Terminating from deletionTimestamp alone.
  if (pod.metadata.deletionTimestamp) return;
  let cur = pod;
  for (let attempt = 0; ; attempt++) {
    try {
      const want = portsAnnotation(cur, observed);
      const have = cur.metadata.annotations?.[PORTS_ANNOTATION];
      if (want !== have) {
        const next = structuredClone(cur);
        const ann = { ...(next.metadata.annotations ?? {}) };
        if (want === undefined) delete ann[PORTS_ANNOTATION];
        else ann[PORTS_ANNOTATION] = want;
        if (Object.keys(ann).length) next.metadata.annotations = ann;
        else delete next.metadata.annotations;
        cur = await store.update<PodObject>(next);
      }
      const status = generatePodStatus({
        pod: cur,
        observed,
        now: deps.clock.now(),
        waiting,
        hostIP: deps.config.hostIP,
        runtimeName: deps.config.runtimeName,
      });
      if (statusChanged(cur, status)) await store.updateStatus<PodObject>({ ...cur, status });
      return;
    } catch (e) {
      if (isNotFound(e)) return; // the pod went away meanwhile
      if (!isConflict(e) || attempt >= 2) throw e;
      // Someone else wrote the pod since this pass read it. What the pass observed in the engine still holds
      // while the pod's spec and deletion did not change: write it over the fresh object instead of redoing
      // the whole pass.
      const fresh = await store.tryGet<PodObject>({ resource: 'pods', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name });
      if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
      if (fresh.metadata.generation !== pod.metadata.generation || fresh.metadata.deletionTimestamp) throw e; // re-plan
      cur = fresh;
    }
  }
}
