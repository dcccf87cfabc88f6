// Small pure helpers of the kubelet (upstream pkg/kubelet/container/helpers.go and friends).
import { createHash } from 'node:crypto';
import type { Container, Pod } from '../api/types.js';
import { objectKey } from '../store/store.js';

// Label and annotation keys the kubelet owns.

/**
 * Host side of every port the pod's sandbox publishes, on the Pod as a metadata annotation (JSON array of
 * PodPortMapping, sorted by containerPort then protocol). Written by the kubelet with a plain metadata
 * update, only when it changes; removed while the pod has no running sandbox. The host (and the Service
 * proxy) reaches the pod only through these 127.0.0.1 ports, never through status.podIP.
 */
export { PORTS as PORTS_ANNOTATION } from '../api/meta.js';
import { PORTS as PORTS_ANNOTATION } from '../api/meta.js';
/** On containers: hash of the container spec they were created from; a change restarts the container. */
export { CONTAINER_HASH as CONTAINER_HASH_LABEL } from '../api/meta.js';
import { CONTAINER_HASH as CONTAINER_HASH_LABEL } from '../api/meta.js';
/** On containers: the pod's termination grace period, to stop orphans whose pod object is gone. */
export { TERMINATION_GRACE as GRACE_LABEL } from '../api/meta.js';
import { TERMINATION_GRACE as GRACE_LABEL } from '../api/meta.js';
/** On containers: 'init' for init containers, 'app' otherwise. */
export { CONTAINER_KIND as CONTAINER_KIND_LABEL } from '../api/meta.js';
import { CONTAINER_KIND as CONTAINER_KIND_LABEL } from '../api/meta.js';

export type { PodPortMapping } from '../api/pod-ports.js';

export { deepEqual } from '../util/deep-equal.js';

/** RFC 3339 in UTC without fractional seconds, as metav1.Time serializes. */
export function rfc3339(d: Date | string | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds since the epoch of an ISO time, or undefined. */
export function timeMs(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** Go's time.Duration.String() for whole seconds: 10s, 1m20s, 5m0s, 1h0m0s. */
export function goDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}

/** `name_namespace(uid)`: upstream format.Pod, used in kubelet messages. */
export function podDesc(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? 'default'}(${pod.metadata?.uid ?? ''})`;
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

/**
 * Hash of a container spec (upstream HashContainer): a container whose running instance was made from a
 * different hash is restarted. Everything in the spec counts except resources (resized in place upstream).
 */
export function hashContainer(c: Container): string {
  const { resources: _r, ...rest } = c;
  return createHash('sha256').update(stableStringify(rest)).digest('hex').slice(0, 8);
}

/** `image` without a registry digest or tag → is the tag `latest` or absent? */
function tagOf(image: string): string | undefined {
  if (image.includes('@')) return undefined; // digest: pinned
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : '';
}

/** The API server's default rule: Always for `:latest` or no tag, IfNotPresent otherwise (digests too). */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const tag = tagOf(image);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function imagePullPolicyOf(c: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const p = c.imagePullPolicy;
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return p;
  return defaultImagePullPolicy(c.image ?? '');
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export function restartPolicyOf(pod: Pod): RestartPolicy {
  const p = pod.spec?.restartPolicy;
  return p === 'OnFailure' || p === 'Never' ? p : 'Always';
}

/** upstream shouldRestartOnFailure: anything but Never. */
export const shouldRestartOnFailure = (pod: Pod): boolean => restartPolicyOf(pod) !== 'Never';

/** Grace period for stopping a container of this pod (deletion's own grace first). */
export function podGraceSeconds(pod: Pod): number {
  const g = pod.metadata?.deletionTimestamp
    ? (pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30)
    : (pod.spec?.terminationGracePeriodSeconds ?? 30);
  return Math.max(0, g);
}

/** upstream minimumGracePeriodInSeconds: containers always get a short window before SIGKILL. */
export const MIN_GRACE_SECONDS = 2;

/** `pods/<ns>/<name>`: a pod's Store key. */
export function podKeyOf(ns: string, name: string): string {
  return objectKey({ resource: 'pods', namespace: ns, name });
}

/** Every containerPort of the pod's containers, as declared (init containers included). */
export function allContainers(pod: Pod): { container: Container; init: boolean }[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((container) => ({ container, init: true })),
    ...(pod.spec?.containers ?? []).map((container) => ({ container, init: false })),
  ];
}
