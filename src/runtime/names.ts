// Deterministic container names and ownership labels (cri-dockerd core/naming.go, kctl's shape).
//
//   app container:  kctl_<container>_<pod>_<namespace>_<uid8>_<attempt>
//   pod sandbox:    kctl_POD_<pod>_<namespace>_<uid8>_<attempt>
//
// Kubernetes names never contain '_' (DNS-1123), so the name splits back into its parts. The same pod and
// attempt always give the same name, which makes creation idempotent: a second create is a 409 Conflict
// from the engine instead of a duplicate container. The labels are what a restarted controller adopts by.

import { ATTEMPT, CLUSTER, CONTAINER_NAME, CONTAINER_TYPE, MANAGED_BY, POD_NAME, POD_NAMESPACE, POD_UID, PORTS, SANDBOX_ID, TEST_RUN } from '../api/meta.js';

export { ATTEMPT, CLUSTER, CONTAINER_NAME, CONTAINER_TYPE, MANAGED_BY, POD_NAME, POD_NAMESPACE, POD_UID, PORTS, SANDBOX_ID, TEST_RUN };

/** Value of MANAGED_BY on everything kctl makes in the engine. */
export const MANAGED_BY_VALUE = 'kctl';
/** Container-name slot used for the sandbox, as the kubelet's dockershim did. */
export const SANDBOX_CONTAINER_NAME = 'POD';
export const NAME_PREFIX = 'kctl';

export type ContainerType = 'sandbox' | 'container';

/** Identity of the pod a container belongs to. */
export interface PodRef {
  uid: string;
  name: string;
  namespace: string;
}

/** Parts of a kctl container name. */
export interface ParsedName {
  /** Kubernetes container name, or 'POD' for the sandbox */
  containerName: string;
  podName: string;
  namespace: string;
  uid8: string;
  attempt: number;
  type: ContainerType;
}

/** First 8 hex characters of the pod uid (dashes dropped). */
export function uid8(uid: string): string {
  return uid.replace(/-/g, '').slice(0, 8);
}

function checkPart(what: string, v: string): void {
  if (!v || v.includes('_') || !/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/.test(v))
    throw new Error(`invalid ${what} for a container name: ${JSON.stringify(v)}`);
}

function checkAttempt(attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 0) throw new Error(`invalid attempt ${attempt}`);
}

/** `kctl_<container>_<pod>_<ns>_<uid8>_<attempt>` */
export function containerName(pod: PodRef, container: string, attempt: number): string {
  checkPart('container name', container);
  checkPart('pod name', pod.name);
  checkPart('namespace', pod.namespace);
  checkAttempt(attempt);
  return [NAME_PREFIX, container, pod.name, pod.namespace, uid8(pod.uid), String(attempt)].join('_');
}

/** `kctl_POD_<pod>_<ns>_<uid8>_<attempt>` */
export function sandboxName(pod: PodRef, attempt: number): string {
  return containerName(pod, SANDBOX_CONTAINER_NAME, attempt);
}

/** Splits a kctl container name (a leading '/' as Docker reports it is ignored); undefined when not ours. */
export function parseContainerName(name: string): ParsedName | undefined {
  const parts = name.replace(/^\//, '').split('_');
  if (parts.length !== 6 || parts[0] !== NAME_PREFIX) return undefined;
  const [, c, pod, ns, u, a] = parts as [string, string, string, string, string, string];
  if (!/^\d+$/.test(a) || !c || !pod || !ns || !u) return undefined;
  return {
    containerName: c,
    podName: pod,
    namespace: ns,
    uid8: u,
    attempt: Number(a),
    type: c === SANDBOX_CONTAINER_NAME ? 'sandbox' : 'container',
  };
}

/** Labels every container of a pod carries; `testRun` (KCTL_TEST_RUN) adds kctl.io/test-run. */
function podLabels(pod: PodRef, container: string, type: 'sandbox' | 'container', attempt: number, testRun?: string, cluster?: string): Record<string, string> {
  checkAttempt(attempt);
  return {
    ...managedLabels(testRun, cluster),
    [POD_UID]: pod.uid,
    [POD_NAME]: pod.name,
    [POD_NAMESPACE]: pod.namespace,
    [CONTAINER_NAME]: container,
    [CONTAINER_TYPE]: type,
    [ATTEMPT]: String(attempt),
  };
}

/** Labels of a pod's sandbox. */
export function sandboxLabels(pod: PodRef, attempt: number, testRun?: string, cluster?: string): Record<string, string> {
  return podLabels(pod, SANDBOX_CONTAINER_NAME, 'sandbox', attempt, testRun, cluster);
}

/** Labels of an app (or init) container of a pod. */
export function containerLabels(
  pod: PodRef,
  container: string,
  attempt: number,
  sandboxId: string,
  testRun?: string,
  cluster?: string,
): Record<string, string> {
  return { ...podLabels(pod, container, 'container', attempt, testRun, cluster), [SANDBOX_ID]: sandboxId };
}

/** The pod a set of labels points at; undefined when the labels are not kctl's. */
export function podRefFromLabels(labels: Record<string, string>): PodRef | undefined {
  if (labels[MANAGED_BY] !== MANAGED_BY_VALUE) return undefined;
  const uid = labels[POD_UID];
  const name = labels[POD_NAME];
  const namespace = labels[POD_NAMESPACE];
  if (!uid || !name || !namespace) return undefined;
  return { uid, name, namespace };
}

/** Labels of every engine object kctl makes; with the home's cluster id where the object is the home's own. */
export function managedLabels(testRun?: string, cluster?: string): Record<string, string> {
  const l: Record<string, string> = { [MANAGED_BY]: MANAGED_BY_VALUE };
  if (testRun) l[TEST_RUN] = testRun;
  if (cluster) l[CLUSTER] = cluster;
  return l;
}
