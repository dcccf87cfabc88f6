// Pure rollout arithmetic and ReplicaSet bookkeeping of the Deployment controller (upstream
// pkg/controller/deployment/util/deployment_util.go, pkg/controller/controller_utils.go ComputeHash and the
// ReplicaSet sort orders). Nothing here does I/O; functions named set*/copy* mutate only the object passed in.
import * as meta from '../../api/meta.js';
import type { Deployment, KubeObject, PodTemplateSpec, ReplicaSet } from './types.js';
import { DEPLOYMENT_REVISION, LAST_APPLIED, POD_TEMPLATE_HASH } from '../../api/meta.js';
import { deepEqual } from '../../store/object-semantics.js';

// TODO(lead): move these keys to src/api/meta.ts (every annotation key lives there).
/** desired replicas of the Deployment when it last scaled this ReplicaSet (proportional scaling) */
export const DESIRED_REPLICAS_ANNOTATION = meta.DESIRED_REPLICAS;
/** maximum replicas (desired + maxSurge) of the Deployment when it last scaled this ReplicaSet */
export const MAX_REPLICAS_ANNOTATION = meta.MAX_REPLICAS;
/** earlier revisions of a ReplicaSet that was rolled back to ("1,3") */
export const REVISION_HISTORY_ANNOTATION = meta.REVISION_HISTORY;
/** the deprecated extensions/v1beta1 rollback request (never copied to a ReplicaSet) */
export const ROLLBACK_TO_ANNOTATION = meta.ROLLBACK_TO;
/** upstream maxRevHistoryLengthInChars */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Deployment annotations never copied to its ReplicaSets (upstream annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED,
  DEPLOYMENT_REVISION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);

type IntOrString = number | string;

// ---------------------------------------------------------------- maxSurge / maxUnavailable

/**
 * upstream intstr.GetScaledValueFromIntOrPercent: an int as is; "N%" of total, rounded up or down.
 * Throws for a string that is not a percentage.
 */
export function getScaledValueFromIntOrPercent(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const body = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(body)) throw new Error(`invalid value "${v}": ${body} is not an integer`);
  const scaled = (Number(body) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * upstream ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down (absent: 0); when both come to 0,
 * maxUnavailable is 1 (surging might be impossible, e.g. for lack of room).
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

type DeploymentLike = Pick<Deployment, 'metadata' | 'spec' | 'status'>;
type ReplicaSetLike = Pick<ReplicaSet, 'metadata' | 'spec' | 'status'>;

export const replicasOf = (d: { spec?: { replicas?: number } }): number => d.spec?.replicas ?? 1;
/** A ReplicaSet's spec.replicas (0 when unset: a ReplicaSet the controller made always has it). */
export const rsReplicas = (rs: ReplicaSetLike | undefined): number => rs?.spec?.replicas ?? 0;

export function isRollingUpdate(d: DeploymentLike): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** upstream MaxUnavailable: 0 for Recreate or 0 replicas; never more than the replicas. */
export function maxUnavailable(d: DeploymentLike): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desired);
  return Math.min(unavailable, desired);
}

/** upstream MinAvailable. */
export function minAvailable(d: DeploymentLike): number {
  if (!isRollingUpdate(d)) return 0;
  return replicasOf(d) - maxUnavailable(d);
}

/** upstream MaxSurge: 0 for Recreate. */
export function maxSurge(d: DeploymentLike): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

// ---------------------------------------------------------------- pod-template-hash

/** FNV-1a, 32 bits (Go hash/fnv New32a). */
export function fnv32a(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** upstream rand.SafeEncodeString: each character mapped into bcdfghjklmnpqrstvwxz2456789 (no vowels). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level (undefined fields dropped): a stable rendering to hash. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/**
 * upstream controller.ComputeHash: FNV-32a of the pod template (kctl: its canonical JSON; upstream: a spew dump
 * of the Go struct), then collisionCount as 8 little-endian bytes when set; the decimal sum rendered with
 * SafeEncodeString — so names look like upstream's (`web-7d4b9c8f5`: 1 to 10 of [4-9bcdf]).
 */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  const body = Buffer.from(canonicalJson(template ?? {}), 'utf8');
  let data: Uint8Array = body;
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = Buffer.alloc(8);
    extra.writeUInt32LE(collisionCount >>> 0, 0);
    data = Buffer.concat([body, extra]);
  }
  return safeEncodeString(String(fnv32a(data)));
}

/** A template without the pod-template-hash label (and without labels when none remain). */
function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const c: PodTemplateSpec = structuredClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return c;
}

/** upstream EqualIgnoreHash: templates equal once the pod-template-hash label is ignored. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return deepEqual(withoutHash(a), withoutHash(b));
}

// ---------------------------------------------------------------- ReplicaSet orders and sums

const created = (o: { metadata?: { creationTimestamp?: string } }): number => {
  const t = o.metadata?.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
};
const byName = (a: ReplicaSetLike, b: ReplicaSetLike): number => {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

/** upstream ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function compareByCreationTimestamp(a: ReplicaSetLike, b: ReplicaSetLike): number {
  return created(a) - created(b) || byName(a, b);
}
/** upstream ReplicaSetsBySizeOlder: largest first; ties: older first (scale down the old first). */
export function compareBySizeOlder(a: ReplicaSetLike, b: ReplicaSetLike): number {
  return rsReplicas(b) - rsReplicas(a) || compareByCreationTimestamp(a, b);
}
/** upstream ReplicaSetsBySizeNewer: largest first; ties: newer first (scale up the new first). */
export function compareBySizeNewer(a: ReplicaSetLike, b: ReplicaSetLike): number {
  return rsReplicas(b) - rsReplicas(a) || compareByCreationTimestamp(b, a);
}
/** upstream ReplicaSetsByRevision: lowest revision first; ties by creation. */
export function compareByRevision(a: ReplicaSetLike, b: ReplicaSetLike): number {
  return revisionOf(a) - revisionOf(b) || compareByCreationTimestamp(a, b);
}

/** The deployment.kubernetes.io/revision annotation as a number (0 when absent or not a number). */
export function revisionOf(o: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = o?.metadata?.annotations?.[DEPLOYMENT_REVISION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

/** upstream MaxRevision. */
export function maxRevision(rss: readonly ReplicaSetLike[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** upstream FilterActiveReplicaSets: the sets with spec.replicas > 0. */
export function filterActiveReplicaSets<T extends ReplicaSetLike>(rss: readonly (T | undefined)[]): T[] {
  return rss.filter((rs): rs is T => !!rs && rsReplicas(rs) > 0);
}

/** Sum of spec.replicas (upstream GetReplicaCountForReplicaSets). */
export const getReplicaCountForReplicaSets = (rss: readonly (ReplicaSetLike | undefined)[]): number =>
  rss.reduce((n, rs) => n + rsReplicas(rs), 0);
/** Sum of status.replicas (upstream GetActualReplicaCountForReplicaSets). */
export const getActualReplicaCountForReplicaSets = (rss: readonly (ReplicaSetLike | undefined)[]): number =>
  rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
/** Sum of status.readyReplicas. */
export const getReadyReplicaCountForReplicaSets = (rss: readonly (ReplicaSetLike | undefined)[]): number =>
  rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
/** Sum of status.availableReplicas. */
export const getAvailableReplicaCountForReplicaSets = (rss: readonly (ReplicaSetLike | undefined)[]): number =>
  rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/** upstream FindNewReplicaSet: the oldest set whose template equals the Deployment's (ignoring the hash label). */
export function findNewReplicaSet<T extends ReplicaSetLike>(d: DeploymentLike, rss: readonly T[]): T | undefined {
  return [...rss].sort(compareByCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** upstream FindOldReplicaSets: every set but the new one (allOld), and those of them with pods (required). */
export function findOldReplicaSets<T extends ReplicaSetLike>(d: DeploymentLike, rss: readonly T[]): { requiredRSs: T[]; allOldRSs: T[] } {
  const newRS = findNewReplicaSet(d, rss);
  const allOldRSs = rss.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
  return { requiredRSs: allOldRSs.filter((rs) => rsReplicas(rs) !== 0), allOldRSs };
}

// ---------------------------------------------------------------- scaling arithmetic

/**
 * upstream NewRSNewReplicas: the replicas the new set may have now. RollingUpdate: up to desired + maxSurge pods
 * in all (maxSurge rounded up, unresolved), never more than desired; Recreate: desired.
 */
export function newRSNewReplicas(d: DeploymentLike, allRSs: readonly (ReplicaSetLike | undefined)[], newRS: ReplicaSetLike): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d)) return desired;
  const surge = getScaledValueFromIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge ?? 0, desired, true);
  const current = getReplicaCountForReplicaSets(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const up = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + up;
}

/** The desired-replicas annotation of a set, if it is a number. */
export function getDesiredReplicasAnnotation(rs: ReplicaSetLike): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}
export function getMaxReplicasAnnotation(rs: ReplicaSetLike): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}
function intAnnotation(rs: ReplicaSetLike, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** Go math.Round: half away from zero. */
const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** upstream getReplicaSetFraction: how many replicas to add to (or remove from) this set when the Deployment scales. */
export function getReplicaSetFraction(rs: ReplicaSetLike, d: DeploymentLike): number {
  if (replicasOf(d) === 0) return -rsReplicas(rs);
  const deploymentMaxReplicas = replicasOf(d) + maxSurge(d);
  let before = getMaxReplicasAnnotation(rs);
  if (!before) before = d.status?.replicas ?? 0;
  if (!before) return 0;
  const size = (rsReplicas(rs) * deploymentMaxReplicas) / before;
  return roundHalfAway(size) - rsReplicas(rs);
}

/**
 * upstream GetProportion: this set's share of `toAdd` (negative: to remove) given `added` already handed out,
 * never beyond what is left.
 */
export function getProportion(rs: ReplicaSetLike | undefined, d: DeploymentLike, toAdd: number, added: number): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * upstream FindActiveOrLatest: the one set with pods when exactly one has; the newest set when none has;
 * undefined when several have.
 */
export function findActiveOrLatest<T extends ReplicaSetLike>(newRS: T | undefined, oldRSs: readonly T[]): T | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => compareByCreationTimestamp(b, a));
  const active = filterActiveReplicaSets([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** upstream IsSaturated: the new set is at full size and fully available. */
export function isSaturated(d: DeploymentLike, rs: ReplicaSetLike | undefined): boolean {
  if (!rs) return false;
  const desired = getDesiredReplicasAnnotation(rs);
  return desired === replicasOf(d) && rsReplicas(rs) === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

/**
 * The sizes upstream scale() gives every active set when a rolling Deployment is resized mid-rollout
 * (proportional scaling): the additional replicas (allowed size − current total) are shared in proportion to
 * each set's size, largest set first (ties: newest first when adding, oldest first when removing), leftovers to
 * the first. Returns name → new size, and the scaling direction.
 */
export function proportionalSizes(
  d: DeploymentLike,
  activeRSs: readonly ReplicaSetLike[],
): { sizes: Map<string, number>; order: ReplicaSetLike[]; operation: 'up' | 'down' | '' } {
  const total = getReplicaCountForReplicaSets(activeRSs);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - total;
  const order = [...activeRSs];
  let operation: 'up' | 'down' | '' = '';
  if (toAdd > 0) {
    order.sort(compareBySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    order.sort(compareBySizeOlder);
    operation = 'down';
  }
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of order) {
    if (toAdd !== 0) {
      const p = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata!.name!, rsReplicas(rs) + p);
      added += p;
    } else sizes.set(rs.metadata!.name!, rsReplicas(rs));
  }
  if (order.length && toAdd !== 0) {
    const first = order[0]!.metadata!.name!;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  return { sizes, order, operation };
}

// ---------------------------------------------------------------- annotations

/** Sets desired-replicas and max-replicas; true when something changed (upstream SetReplicasAnnotations). */
export function setReplicasAnnotations(rs: ReplicaSetLike, desired: number, max: number): boolean {
  const meta = (rs.metadata ??= {});
  const ann = (meta.annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    ann[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    ann[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/** upstream ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSetLike, desired: number, max: number): boolean {
  const ann = rs.metadata?.annotations ?? {};
  return ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || ann[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Copies the Deployment's annotations (but the skipped ones) onto the set; true when something changed. */
export function copyDeploymentAnnotationsToReplicaSet(d: DeploymentLike, rs: ReplicaSetLike): boolean {
  const meta = (rs.metadata ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k)) continue;
    if (meta.annotations?.[k] === v) continue;
    (meta.annotations ??= {})[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * upstream SetNewReplicaSetAnnotations: copy the Deployment's annotations; raise the revision to newRevision
 * when it is lower (a set that already had a revision — a rollback to it — keeps the old number in
 * revision-history, bounded to maxChars); a set about to be created gets the replicas annotations.
 * Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentLike,
  rs: ReplicaSetLike,
  newRevision: number,
  exists: boolean,
  maxChars = MAX_REV_HISTORY_LENGTH_IN_CHARS,
): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const meta = (rs.metadata ??= {});
  const ann = (meta.annotations ??= {});
  const had = ann[DEPLOYMENT_REVISION];
  let oldRevision = 0;
  if (had !== undefined && had !== '') {
    if (!/^\d+$/.test(had)) return changed;
    oldRevision = Number(had);
  }
  if (oldRevision < newRevision) {
    ann[DEPLOYMENT_REVISION] = String(newRevision);
    changed = true;
    if (had !== undefined) {
      const history = ann[REVISION_HISTORY_ANNOTATION] ?? '';
      const olds = history.split(',');
      if (olds[0] === '') ann[REVISION_HISTORY_ANNOTATION] = had;
      else {
        let total = history.length + had.length + 1;
        let start = 0;
        while (total > maxChars && start < olds.length) {
          total -= olds[start]!.length + 1;
          start++;
        }
        if (total <= maxChars) ann[REVISION_HISTORY_ANNOTATION] = [...olds.slice(start), had].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** upstream SetDeploymentRevision: true when the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: Pick<KubeObject, 'metadata'>, revision: string): boolean {
  const ann = (d.metadata.annotations ??= {});
  if (ann[DEPLOYMENT_REVISION] === revision) return false;
  ann[DEPLOYMENT_REVISION] = revision;
  return true;
}
