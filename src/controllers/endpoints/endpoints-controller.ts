// The endpoints controller (upstream pkg/controller/endpoint + pkg/controller/endpointslice, one loop): for every
// Service with a selector, an Endpoints object of the same name and its EndpointSlices, kept in step with the
// pods the selector picks (see endpoints.ts and endpoint-slices.ts for the rules).
//
// Keys are Service keys (`services/<ns>/<name>`). A pod change enqueues the Services that select the pod now or
// listed it last time (a relabelled pod leaves them); an Endpoints/EndpointSlice change enqueues its Service (a
// hand-edited or deleted object is put back). Writes happen only when something differs, so a second pass
// writes nothing.
//
// - Service without selector (or ExternalName): its Endpoints are the user's; nothing is written.
// - Service gone: the Endpoints and slices this controller manages (by label) are deleted.
import type { KubeObject } from '../../api/types.js';
import { deepEqual } from '../../store/object-semantics.js';
import { objectKey, parseObjectKey, type Store, type WatchEvent } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { ConflictError, isAlreadyExists, isNotFound } from '../../util/errors.js';
import { DONE, type Reconciler, type Result } from '../../reconcile/reconciler.js';
import { NOP_LOGGER, type Logger } from '../../reconcile/logger.js';
import { RefIndex } from '../../reconcile/owner-index.js';
import {
  desiredSliceContents,
  isManagedSliceOf,
  planSlices,
  SERVICE_NAME_LABEL,
  SLICE_CONTROLLER_NAME,
  SLICE_MANAGED_BY,
  type EndpointSliceObj,
} from './endpoint-slices.js';
import {
  desiredEndpoints,
  ENDPOINTS_CONTROLLER_NAME,
  ENDPOINTS_MANAGED_BY,
  managesEndpoints,
  selectsPod,
  type EndpointsObj,
  type PodObj,
  type ServiceObj,
} from './endpoints.js';

export interface EndpointsControllerOptions {
  store: Store;
  clock?: Clock;
  log?: Logger;
  /** at most this many endpoints per EndpointSlice (default 100) */
  maxEndpointsPerSlice?: number;
}

const svcKey = (namespace: string, name: string): string => objectKey({ resource: 'services', namespace, name });
const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';

export class EndpointsController implements Reconciler {
  readonly name = 'endpoints';
  readonly watches = ['services', 'pods', 'endpoints', 'endpointslices'] as const;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly maxPerSlice: number | undefined;
  /** Services seen (from events and passes): key → selector, to map a pod change to Services */
  private readonly services = new Map<string, ServiceObj>();
  /** Service key → the pods (`ns/name`) its last pass included, and back */
  private readonly podServices = new RefIndex();

  constructor(opts: EndpointsControllerOptions) {
    this.store = opts.store;
    this.log = opts.log ?? NOP_LOGGER;
    this.maxPerSlice = opts.maxEndpointsPerSlice;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    const ns = nsOf(o);
    switch (o.kind) {
      case 'Service': {
        const key = svcKey(ns, o.metadata.name);
        if (ev.type === 'DELETED') this.services.delete(key);
        else this.services.set(key, o as ServiceObj);
        return [key];
      }
      case 'Pod': {
        const keys = new Set(this.podServices.ownersOf(`${ns}/${o.metadata.name}`));
        for (const [key, svc] of this.services) if (selectsPod(svc, o as PodObj)) keys.add(key);
        return [...keys];
      }
      case 'Endpoints':
        return [svcKey(ns, o.metadata.name)];
      case 'EndpointSlice': {
        const name = o.metadata.labels?.[SERVICE_NAME_LABEL];
        return name ? [svcKey(ns, name)] : [];
      }
      default:
        return [];
    }
  }

  async resyncKeys(): Promise<string[]> {
    const keys = new Set<string>();
    for (const s of (await this.store.list<ServiceObj>('services')).items) keys.add(svcKey(nsOf(s), s.metadata.name));
    // managed objects whose Service is gone (deleted while no controller ran)
    for (const e of (await this.store.list<EndpointsObj>('endpoints')).items)
      if (e.metadata.labels?.[ENDPOINTS_MANAGED_BY] === ENDPOINTS_CONTROLLER_NAME) keys.add(svcKey(nsOf(e), e.metadata.name));
    for (const s of (await this.store.list<EndpointSliceObj>('endpointslices')).items) {
      const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (name && s.metadata.labels?.[SLICE_MANAGED_BY] === SLICE_CONTROLLER_NAME) keys.add(svcKey(nsOf(s), name));
    }
    return [...keys];
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    if (ref.resource !== 'services' || !ref.namespace) return DONE;
    const ns = ref.namespace;
    const svc = await this.store.tryGet<ServiceObj>(ref);
    const epRef = { resource: 'endpoints', namespace: ns, name: ref.name };
    const slices = (await this.store.list<EndpointSliceObj>('endpointslices', { namespace: ns })).items.filter((s) => isManagedSliceOf(s, ns, ref.name));

    if (!svc || !managesEndpoints(svc)) {
      if (svc) this.services.set(key, svc);
      else this.services.delete(key);
      this.podServices.delete(key);
      if (!svc) {
        // the Service is gone: remove what this controller made for it
        const ep = await this.store.tryGet<EndpointsObj>(epRef);
        if (ep && ep.metadata.labels?.[ENDPOINTS_MANAGED_BY] === ENDPOINTS_CONTROLLER_NAME) await this.deleteIgnoringNotFound(epRef, ep.metadata.uid);
      }
      for (const s of slices) await this.deleteIgnoringNotFound({ resource: 'endpointslices', namespace: ns, name: s.metadata.name }, s.metadata.uid);
      return DONE;
    }
    this.services.set(key, svc);

    const pods = (await this.store.list<PodObj>('pods', { namespace: ns })).items;
    this.podServices.set(key, pods.filter((p) => selectsPod(svc, p)).map((p) => `${nsOf(p)}/${p.metadata.name}`));

    // ---- Endpoints
    const existing = await this.store.tryGet<EndpointsObj>(epRef);
    const want = desiredEndpoints(svc, pods, existing);
    if (!existing) {
      try {
        await this.store.create<EndpointsObj>(want);
        this.log.info(`endpoints: created ${ns}/${ref.name} (${count(want)})`);
      } catch (e) {
        // created meanwhile (by a user?): the next pass (at once) compares with it
        if (isAlreadyExists(e)) throw new ConflictError('endpoints', ref.name, 'the object was created meanwhile');
        throw e;
      }
    } else if (!deepEqual(want.subsets ?? [], existing.subsets ?? []) || !deepEqual(want.metadata.labels ?? {}, existing.metadata.labels ?? {})) {
      await this.store.update<EndpointsObj>(want);
      this.log.info(`endpoints: updated ${ns}/${ref.name} (${count(want)})`);
    }

    // ---- EndpointSlices
    const plan = planSlices(svc, desiredSliceContents(svc, pods, this.maxPerSlice), slices);
    for (const s of plan.update) await this.store.update<EndpointSliceObj>(s);
    for (const s of plan.create) await this.store.create<EndpointSliceObj>(s);
    for (const s of plan.delete) await this.deleteIgnoringNotFound({ resource: 'endpointslices', namespace: ns, name: s.metadata.name }, s.metadata.uid);
    const n = plan.create.length + plan.update.length + plan.delete.length;
    if (n) this.log.debug(`endpoints: ${ns}/${ref.name}: slices +${plan.create.length} ~${plan.update.length} -${plan.delete.length}`);
    return DONE;
  }

  private async deleteIgnoringNotFound(ref: { resource: string; namespace: string; name: string }, uid: string | undefined): Promise<void> {
    try {
      await this.store.delete(ref, uid ? { uid } : {});
      this.log.info(`endpoints: deleted ${ref.resource}/${ref.namespace}/${ref.name}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

}

function count(ep: EndpointsObj): string {
  let ready = 0;
  let notReady = 0;
  for (const ss of ep.subsets ?? []) {
    ready += ss.addresses?.length ?? 0;
    notReady += ss.notReadyAddresses?.length ?? 0;
  }
  return `${ready} ready, ${notReady} not ready`;
}
