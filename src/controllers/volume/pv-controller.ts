// The PersistentVolume controller (upstream pkg/controller/volume/persistentvolume + pvcprotection + pvprotection,
// and an external provisioner for kctl's StorageClass, in one loop). Keys: `persistentvolumeclaims/<ns>/<name>`,
// `persistentvolumes/<name>`, and once at start `storageclasses/local` (the default class, created when absent).
//
// Claim: gets the pvc-protection finalizer and, with no class asked for, the default class (upstream's
// DefaultStorageClass admission / retroactive default assignment); then binds to a matching PV, or kctl's
// provisioner makes a Docker volume and a PV `pvc-<uid>` for it. Deleted: the finalizer goes once no scheduled pod
// uses it. Volume: Available / Bound / Released; released with reclaimPolicy Delete removes the Docker volume and
// the PV, Retain keeps both. Writes happen only when something differs: a second pass writes nothing.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { VOLUME_PV_LABEL } from '../../api/meta.js';
import type { KubeObject } from '../../api/types.js';
import { isRuntimeConflict, type EngineVolumes } from '../../runtime/runtime.js';
import { deepEqual } from '../../store/object-semantics.js';
import { objectKey, parseObjectKey, type ObjectRef, type Store, type WatchEvent } from '../../store/store.js';
import { ignoreNotFound, isAlreadyExists, isNotFound } from '../../util/errors.js';
import type { EventSink, EventType } from '../events.js';
import { DONE, NOP_LOGGER, type Logger, type Reconciler, type Result } from '../reconciler.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_STORAGE_PROVISIONER,
  DEFAULT_STORAGE_CLASS_NAME,
  LOCAL_PROVISIONER,
  MSG_NO_CLASS,
  PVC_PROTECTION_FINALIZER,
  PV_PROTECTION_FINALIZER,
  boundClaimStatus,
  claimClass,
  claimRefMatches,
  claimVolumeName,
  claimsOfPod,
  defaultStorageClass,
  engineVolumeOf,
  externalProvisioningMessage,
  findMatchingVolume,
  pickDefaultClass,
  podUsesClaim,
  provisionedVolume,
  provisionedVolumeName,
  type PVCObj,
  type PVObj,
  type StorageClassObj,
} from './binding.js';

/** label on the Docker volumes the provisioner makes: the PV they back */
export { VOLUME_PV_LABEL } from '../../api/meta.js';
/** retry while a Docker volume is still used by a container */
export const VOLUME_IN_USE_RETRY_MS = 2_000;

export interface PersistentVolumeControllerOptions {
  store: Store;
  runtime: EngineVolumes;
  /** source.component "persistentvolume-controller" */
  events?: EventSink;
  /** the provisioner's own events (Provisioning, ProvisioningSucceeded), source.component "kctl.io/local" */
  provisionerEvents?: EventSink;
  log?: Logger;
  /** create the default StorageClass `local` at start when absent (default true) */
  ensureDefaultClass?: boolean;
}

const NOP_EVENTS: EventSink = { event: async () => undefined, record: async () => undefined };
const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';
const claimKey = (namespace: string, name: string): string => objectKey({ resource: 'persistentvolumeclaims', namespace, name });
const volumeKey = (name: string): string => objectKey({ resource: 'persistentvolumes', name });
const CLASS_KEY = objectKey({ resource: 'storageclasses', name: DEFAULT_STORAGE_CLASS_NAME });
const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class PersistentVolumeController implements Reconciler {
  readonly name = 'persistentvolume';
  readonly watches = ['persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'pods'] as const;
  private readonly store: Store;
  private readonly runtime: EngineVolumes;
  private readonly events: EventSink;
  private readonly provisionerEvents: EventSink;
  private readonly log: Logger;
  private classEnsured: boolean;
  /** claims not bound yet: a new or changed StorageClass or PV may let them bind */
  private readonly pending = new Set<string>();
  /** the last waiting event of a claim or volume, so a pass repeats none (upstream's would bump counts) */
  private readonly lastEvent = new Map<string, string>();

  constructor(opts: PersistentVolumeControllerOptions) {
    this.store = opts.store;
    this.runtime = opts.runtime;
    this.events = opts.events ?? NOP_EVENTS;
    this.provisionerEvents = opts.provisionerEvents ?? this.events;
    this.log = opts.log ?? NOP_LOGGER;
    this.classEnsured = opts.ensureDefaultClass === false;
  }

  keysFor(ev: WatchEvent<KubeObject>): string[] {
    const o = ev.object;
    switch (o.kind) {
      case 'PersistentVolumeClaim': {
        const key = claimKey(nsOf(o), o.metadata.name);
        if (ev.type !== 'DELETED') return [key];
        this.pending.delete(key);
        this.lastEvent.delete(key);
        // its volume is released now
        const pvc = o as PVCObj;
        const keys = [key, volumeKey(provisionedVolumeName(pvc.metadata.uid ?? ''))];
        if (pvc.spec?.volumeName) keys.push(volumeKey(pvc.spec.volumeName));
        return keys;
      }
      case 'PersistentVolume': {
        const pv = o as PVObj;
        const keys = [volumeKey(pv.metadata.name), ...this.pending];
        const ref = pv.spec?.claimRef;
        if (ref?.name) keys.push(claimKey(ref.namespace ?? 'default', ref.name));
        if (ev.type === 'DELETED') this.lastEvent.delete(volumeKey(pv.metadata.name));
        return [...new Set(keys)];
      }
      case 'StorageClass':
        return [...this.pending];
      case 'Pod':
        // a pod gone or finished may free a claim being deleted; a new one may be a first consumer
        return claimsOfPod(o as Pod).map((c) => claimKey(nsOf(o), c));
      default:
        return [];
    }
  }

  async resyncKeys(): Promise<string[]> {
    const keys: string[] = this.classEnsured ? [] : [CLASS_KEY];
    for (const c of (await this.store.list<PVCObj>('persistentvolumeclaims')).items) keys.push(claimKey(nsOf(c), c.metadata.name));
    for (const v of (await this.store.list<PVObj>('persistentvolumes')).items) keys.push(volumeKey(v.metadata.name));
    return keys;
  }

  async reconcile(key: string): Promise<Result> {
    const ref = parseObjectKey(key);
    switch (ref.resource) {
      case 'storageclasses':
        return this.ensureDefaultClass();
      case 'persistentvolumeclaims':
        return this.syncClaim(key, ref);
      case 'persistentvolumes':
        return this.syncVolume(key, ref);
      default:
        return DONE;
    }
  }

  // ------------------------------------------------------------------ the default class

  private async ensureDefaultClass(): Promise<Result> {
    if (this.classEnsured) return DONE;
    const sc = defaultStorageClass();
    if (!(await this.store.tryGet({ resource: 'storageclasses', name: sc.metadata.name }))) {
      try {
        await this.store.create(sc);
        this.log.info(`persistentvolume: created the default StorageClass ${sc.metadata.name}`);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
    }
    this.classEnsured = true;
    return DONE;
  }

  // ------------------------------------------------------------------ claims

  private async syncClaim(key: string, ref: ObjectRef): Promise<Result> {
    let pvc = await this.store.tryGet<PVCObj>(ref);
    if (!pvc) {
      this.pending.delete(key);
      return DONE;
    }
    const ns = nsOf(pvc);
    if (pvc.metadata.deletionTimestamp) {
      this.pending.delete(key);
      const fin = pvc.metadata.finalizers ?? [];
      if (!fin.includes(PVC_PROTECTION_FINALIZER)) return DONE;
      const pods = (await this.store.list<Pod & KubeObject>('pods', { namespace: ns })).items;
      const user = pods.find((p) => podUsesClaim(p, pvc!));
      if (user) {
        this.log.debug(`persistentvolume: claim ${ns}/${pvc.metadata.name} is still used by pod ${user.metadata.name}`);
        return DONE; // the pod's change enqueues the claim again
      }
      await this.store.update<PVCObj>({ ...pvc, metadata: { ...pvc.metadata, finalizers: fin.filter((f) => f !== PVC_PROTECTION_FINALIZER) } });
      this.log.info(`persistentvolume: claim ${ns}/${pvc.metadata.name} is no longer used: removed ${PVC_PROTECTION_FINALIZER}`);
      return DONE;
    }

    // metadata first: the protection finalizer, the default class
    const meta = structuredClone(pvc);
    if (!(meta.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER))
      meta.metadata.finalizers = [...(meta.metadata.finalizers ?? []), PVC_PROTECTION_FINALIZER];
    if (claimClass(meta) === undefined && !meta.spec?.volumeName) {
      const def = pickDefaultClass((await this.store.list<StorageClassObj>('storageclasses')).items);
      if (def) meta.spec = { ...meta.spec, storageClassName: def.metadata.name };
    }
    if (!deepEqual(meta.metadata, pvc.metadata) || !deepEqual(meta.spec, pvc.spec)) pvc = await this.store.update(meta);
    if (!pvc.status?.phase) pvc = await this.store.updateStatus<PVCObj>({ ...pvc, status: { ...pvc.status, phase: 'Pending' } });

    if (pvc.spec?.volumeName) return this.syncBoundClaim(key, pvc);

    const pv = findMatchingVolume(pvc, (await this.store.list<PVObj>('persistentvolumes')).items);
    if (pv) {
      await this.bind(pvc, pv);
      return DONE;
    }
    this.pending.add(key);
    const cls = claimClass(pvc) ?? '';
    if (cls === '') {
      await this.eventOnce(key, pvc, 'Normal', 'FailedBinding', MSG_NO_CLASS);
      return DONE;
    }
    const sc = await this.store.tryGet<StorageClassObj>({ resource: 'storageclasses', name: cls });
    if (!sc) {
      await this.eventOnce(key, pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${cls}" not found`);
      return DONE;
    }
    if (sc.volumeBindingMode === 'WaitForFirstConsumer') {
      const pods = (await this.store.list<Pod & KubeObject>('pods', { namespace: ns })).items;
      if (!pods.some((p) => !p.metadata.deletionTimestamp && claimsOfPod(p).includes(pvc!.metadata.name))) {
        await this.eventOnce(key, pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
        return DONE;
      }
    }
    // dynamic provisioning: the claim names its provisioner (upstream setClaimProvisioner)
    const ann = pvc.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== sc.provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== sc.provisioner) {
      pvc = await this.store.update<PVCObj>({
        ...pvc,
        metadata: { ...pvc.metadata, annotations: { ...ann, [ANN_STORAGE_PROVISIONER]: sc.provisioner, [ANN_BETA_STORAGE_PROVISIONER]: sc.provisioner } },
      });
    }
    await this.eventOnce(key, pvc, 'Normal', 'ExternalProvisioning', externalProvisioningMessage(sc.provisioner));
    if (sc.provisioner !== LOCAL_PROVISIONER) return DONE; // someone else's provisioner (or a static class)
    await this.provision(pvc, sc);
    return DONE;
  }

  /** Makes the Docker volume and the PV `pvc-<uid>` (pre-bound to the claim), then binds them. */
  private async provision(pvc: PVCObj, sc: StorageClassObj): Promise<void> {
    const ns = nsOf(pvc);
    const want = provisionedVolume(pvc, sc);
    await this.provisionerEvents.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${pvc.metadata.name}"`);
    try {
      await this.runtime.createVolume(claimVolumeName(pvc.metadata.uid ?? ''), { [VOLUME_PV_LABEL]: want.metadata.name });
    } catch (e) {
      await this.provisionerEvents.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${errMessage(e)}`);
      throw e;
    }
    let pv: PVObj;
    try {
      pv = await this.store.create(want);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      pv = await this.store.get<PVObj>({ resource: 'persistentvolumes', name: want.metadata.name });
    }
    this.log.info(`persistentvolume: provisioned ${pv.metadata.name} for claim ${ns}/${pvc.metadata.name}`);
    await this.provisionerEvents.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name}`);
    await this.bind(pvc, pv);
  }

  private async syncBoundClaim(key: string, pvc: PVCObj): Promise<Result> {
    const name = pvc.spec!.volumeName!;
    const pv = await this.store.tryGet<PVObj>({ resource: 'persistentvolumes', name });
    const lost = async (reason: string, message: string): Promise<Result> => {
      if (pvc.status?.phase === 'Bound') {
        await this.store.updateStatus<PVCObj>({ ...pvc, status: { ...pvc.status, phase: 'Lost' } });
        await this.events.event(pvc, 'Warning', reason, message);
      } else if (pvc.status?.phase !== 'Lost') this.pending.add(key); // pre-bound by the user: waits for that PV
      return DONE;
    };
    if (!pv) return lost('ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    if (pv.spec?.claimRef && !claimRefMatches(pv, pvc)) return lost('ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    if (pvc.status?.phase === 'Lost') return DONE;
    await this.bind(pvc, pv);
    this.pending.delete(key);
    return DONE;
  }

  /** Binds both ways (upstream bind(): volume first, then claim), writing only what differs. */
  private async bind(pvc: PVCObj, pv: PVObj): Promise<void> {
    const ns = nsOf(pvc);
    // the volume: claimRef (with uid), protection, Bound
    const nextPv = structuredClone(pv);
    const spec = (nextPv.spec ??= {});
    if (!spec.claimRef) {
      nextPv.metadata.annotations = { ...nextPv.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    }
    if (!spec.claimRef?.uid) {
      spec.claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...spec.claimRef, namespace: ns, name: pvc.metadata.name, uid: pvc.metadata.uid ?? '' };
    }
    if (!(nextPv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER))
      nextPv.metadata.finalizers = [...(nextPv.metadata.finalizers ?? []), PV_PROTECTION_FINALIZER];
    let curPv = pv;
    if (!deepEqual(nextPv.metadata, pv.metadata) || !deepEqual(nextPv.spec, pv.spec)) curPv = await this.store.update(nextPv);
    if (curPv.status?.phase !== 'Bound') curPv = await this.store.updateStatus<PVObj>({ ...curPv, status: { phase: 'Bound' } });

    // the claim: volumeName, annotations, status
    const nextPvc = structuredClone(pvc);
    const ann = { ...nextPvc.metadata.annotations };
    if (!nextPvc.spec?.volumeName) {
      nextPvc.spec = { ...nextPvc.spec, volumeName: pv.metadata.name };
      ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
    }
    ann[ANN_BIND_COMPLETED] = 'yes';
    nextPvc.metadata.annotations = ann;
    let cur = pvc;
    if (!deepEqual(nextPvc.metadata, pvc.metadata) || !deepEqual(nextPvc.spec, pvc.spec)) cur = await this.store.update(nextPvc);
    const status = boundClaimStatus(cur, curPv);
    if (!deepEqual(status, cur.status ?? {})) {
      await this.store.updateStatus<PVCObj>({ ...cur, status });
      this.log.info(`persistentvolume: bound claim ${ns}/${pvc.metadata.name} to volume ${pv.metadata.name}`);
    }
    const key = claimKey(ns, pvc.metadata.name);
    this.pending.delete(key);
    this.lastEvent.delete(key);
  }

  // ------------------------------------------------------------------ volumes

  private async syncVolume(key: string, ref: ObjectRef): Promise<Result> {
    let pv = await this.store.tryGet<PVObj>(ref);
    if (!pv) return DONE;
    const deleting = !!pv.metadata.deletionTimestamp;
    if (!deleting && !(pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER))
      pv = await this.store.update<PVObj>({ ...pv, metadata: { ...pv.metadata, finalizers: [...(pv.metadata.finalizers ?? []), PV_PROTECTION_FINALIZER] } });

    const ref2 = pv.spec?.claimRef;
    const claim = ref2?.name && ref2.uid ? await this.store.tryGet<PVCObj>({ resource: 'persistentvolumeclaims', namespace: ref2.namespace ?? 'default', name: ref2.name }) : undefined;
    const claimAlive = !!claim && claim.metadata.uid === ref2?.uid;
    if (deleting) {
      // pv-protection: a volume bound to a live claim stays; otherwise it is reclaimed, then let go
      if (claimAlive) return DONE;
      const r = ref2?.uid && pv.spec?.persistentVolumeReclaimPolicy === 'Delete' ? await this.deleteEngineVolume(key, pv) : 'done';
      if (typeof r !== 'string') return r; // still in use: again later (a volume not kctl's is left alone)
      const fin = pv.metadata.finalizers ?? [];
      if (fin.includes(PV_PROTECTION_FINALIZER)) {
        await ignoreNotFound(() => this.store.update<PVObj>({ ...pv!, metadata: { ...pv!.metadata, finalizers: fin.filter((f) => f !== PV_PROTECTION_FINALIZER) } }));
        this.log.info(`persistentvolume: removed volume ${pv.metadata.name}`);
      }
      return DONE;
    }
    if (!ref2?.name || !ref2.uid) {
      // free, or pre-bound by the user to a claim that binds it in its own sync
      await this.setPhase(pv, 'Available');
      return DONE;
    }
    if (claimAlive) {
      // bound, or provisioned for the claim and waiting for its sync to bind it
      if (claim!.spec?.volumeName === pv.metadata.name) await this.setPhase(pv, 'Bound');
      return DONE;
    }
    // the claim is gone: released, then reclaimed
    if (pv.status?.phase === 'Failed') return DONE;
    pv = await this.setPhase(pv, 'Released');
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain') return DONE;
    if (policy === 'Recycle') {
      await this.fail(key, pv, 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      return DONE;
    }
    const r = await this.deleteEngineVolume(key, pv);
    if (r === 'failed') return DONE;
    if (r !== 'done') return r;
    try {
      await this.store.delete({ resource: 'persistentvolumes', name: pv.metadata.name }, { uid: pv.metadata.uid! });
      this.log.info(`persistentvolume: deleted volume ${pv.metadata.name} (reclaim policy Delete)`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return DONE;
  }

  /**
   * Reclaim policy Delete: removes the PV's Docker volume — only one kctl made for this PV in this home
   * (its labels say so), never a volume a hand-written PV merely names. 'done' when gone; a requeue while a
   * container still holds it; 'failed' (the PV marked Failed) when it is not kctl's to delete.
   */
  private async deleteEngineVolume(key: string, pv: PVObj): Promise<'done' | 'failed' | Result> {
    const vol = engineVolumeOf(pv);
    const ours = vol !== undefined && (await this.runtime.listVolumes({ [VOLUME_PV_LABEL]: pv.metadata.name })).some((v) => v.name === vol);
    if (!ours) {
      if (vol !== undefined && !(await this.runtime.listVolumes()).some((v) => v.name === vol) && pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED])
        return 'done'; // provisioned by kctl and already gone
      await this.fail(key, pv, 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`);
      return 'failed';
    }
    try {
      await this.runtime.removeVolume(vol);
      this.log.info(`persistentvolume: removed the Docker volume ${vol} of ${pv.metadata.name}`);
      return 'done';
    } catch (e) {
      if (!isRuntimeConflict(e)) throw e;
      // a container (still being removed) holds it
      await this.eventOnce(key, pv, 'Warning', 'VolumeFailedDelete', errMessage(e));
      return { requeueAfterMs: VOLUME_IN_USE_RETRY_MS };
    }
  }

  private async setPhase(pv: PVObj, phase: string): Promise<PVObj> {
    if (pv.status?.phase === phase && !pv.status.message && !pv.status.reason) return pv;
    return this.store.updateStatus<PVObj>({ ...pv, status: { phase } });
  }

  private async fail(key: string, pv: PVObj, reason: string, message: string): Promise<void> {
    await this.store.updateStatus<PVObj>({ ...pv, status: { phase: 'Failed', message } });
    await this.eventOnce(key, pv, 'Warning', reason, message);
  }

  private async eventOnce(key: string, obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const sig = `${reason}\n${message}`;
    if (this.lastEvent.get(key) === sig) return;
    this.lastEvent.set(key, sig);
    await this.events.event(obj, type, reason, message);
  }
}
