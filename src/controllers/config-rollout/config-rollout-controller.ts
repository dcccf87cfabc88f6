// Beyond Kubernetes: a Deployment or StatefulSet annotated `kctl.io/restart-on-config-change: "true"` rolls by
// itself when a ConfigMap or Secret its pod template references (env, envFrom, volumes, projected) changes.
//
// The workload's own annotation `kctl.io/config-hash` holds the hash last seen (config-hash.ts). The first
// pass only records it; when the hash differs later, the pod template gets the new hash too — a template
// change, so the workload's own controller rolls the pods as after `kctl rollout restart`. Only the template
// is written: this controller does not care how Deployments or StatefulSets roll.
import { CONFIG_HASH, CONFIG_HASHES, RESTART_ON_CONFIG_CHANGE } from '../../api/meta.js';
import { ReferenceIndex, podSpecReferences } from '../../api/pod-refs.js';
import type { KubeObject, PodSpec } from '../../api/types.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import type { EventSink } from '../../reconcile/events.js';
import { configChanged, configHash, configHashes, type ReferencedObjects } from './config-hash.js';

export interface ConfigRolloutControllerOptions {
  store: Store;
  /** a recorder with source.component "config-rollout-controller" */
  events?: EventSink;
  log?: Logger;
}

const WORKLOADS: Record<string, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets' };

interface Workload extends KubeObject {
  spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec } };
}

const enabled = (o: KubeObject): boolean => o.metadata.annotations?.[RESTART_ON_CONFIG_CHANGE] === 'true';

export class ConfigRolloutController implements Reconciler {
  readonly name = 'config-rollout';
  readonly watches: readonly string[] = ['deployments', 'statefulsets', 'configmaps', 'secrets'];
  private readonly store: Store;
  private readonly events: EventSink | undefined;
  private readonly log: Logger;
  /** annotated workloads by the ConfigMaps/Secrets their templates reference */
  private readonly index = new ReferenceIndex();

  constructor(opts: ConfigRolloutControllerOptions) {
    this.store = opts.store;
    this.events = opts.events;
    this.log = opts.log ?? NOP_LOGGER;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    const ns = o.metadata.namespace ?? 'default';
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') return this.index.keysFor(o.kind, ns, o.metadata.name);
    const resource = WORKLOADS[o.kind];
    if (!resource) return [];
    const key = objectKey({ resource, namespace: ns, name: o.metadata.name });
    if (ev.type === 'DELETED' || !enabled(o)) {
      this.index.delete(key);
      return [];
    }
    this.index.set(key, ns, podSpecReferences((o as Workload).spec?.template?.spec));
    return [key];
  }

  async resyncKeys(): Promise<string[]> {
    const keys: string[] = [];
    for (const resource of Object.values(WORKLOADS))
      for (const o of (await this.store.list<KubeObject>(resource)).items)
        if (enabled(o)) keys.push(objectKey({ resource, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name }));
    return keys;
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    const w = await this.store.tryGet<Workload>(ref);
    if (!w || !enabled(w) || w.metadata.deletionTimestamp) return DONE;
    const ns = w.metadata.namespace ?? 'default';
    const refs = podSpecReferences(w.spec?.template?.spec);
    const objs: ReferencedObjects = { configMaps: {}, secrets: {} };
    for (const n of refs.configMaps) objs.configMaps[n] = await this.store.tryGet<KubeObject>({ resource: 'configmaps', namespace: ns, name: n });
    for (const n of refs.secrets) objs.secrets[n] = await this.store.tryGet<KubeObject>({ resource: 'secrets', namespace: ns, name: n });
    const hash = configHash(refs, objs);
    const seen = w.metadata.annotations?.[CONFIG_HASH];
    if (seen === hash) return DONE;
    const hashes = configHashes(refs, objs);
    let before: Record<string, string> | undefined;
    try {
      before = JSON.parse(w.metadata.annotations?.[CONFIG_HASHES] ?? 'null') as Record<string, string> | undefined;
    } catch {
      before = undefined; // hand-edited: start over from what is referenced now
    }

    const next = structuredClone(w);
    next.metadata.annotations = { ...next.metadata.annotations, [CONFIG_HASH]: hash, [CONFIG_HASHES]: JSON.stringify(hashes) };
    const roll = configChanged(before ?? undefined, hashes) && next.spec?.template !== undefined;
    if (roll) {
      const t = next.spec!.template!;
      t.metadata = { ...t.metadata, annotations: { ...t.metadata?.annotations, [CONFIG_HASH]: hash } };
    }
    // a conflict (someone wrote the workload meanwhile) makes the runner requeue at once
    const updated = await this.store.update<Workload>(next);
    if (roll) {
      const what = `${w.kind.toLowerCase()} ${ns}/${w.metadata.name}`;
      this.log.info(`config-rollout: ${what}: a referenced ConfigMap or Secret changed; restarting its pods`);
      await this.events?.event(updated, 'Normal', 'ConfigChanged', `A referenced ConfigMap or Secret changed: pod template annotated ${CONFIG_HASH}=${hash}`);
    }
    return DONE;
  }
}
