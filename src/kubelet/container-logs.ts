// Which engine container a log request reads (the kubelet's validateContainerLogStatus), shared by
// `kctl logs` and the API server's pods/log: the running container; else the terminated one; else the last
// terminated one (a CrashLoopBackOff shows the last crash); `previous` reads lastState.terminated (or, when
// the status lost it, the engine's container of the previous attempt). Errors are the kubelet's BadRequest
// wording, as KctlError('Invalid').
import type { Container, KubeObject, Pod } from '../api/types.js';
import type { ContainerManager } from '../runtime/containers.js';
import { KctlError } from '../util/errors.js';

type NamedPod = Pod & KubeObject;

/** A container of the pod by name: app, init or ephemeral. */
export function findContainer(pod: Pod, name: string): Container | undefined {
  return (
    pod.spec?.containers?.find((c) => c.name === name) ??
    pod.spec?.initContainers?.find((c) => c.name === name) ??
    (pod.spec?.ephemeralContainers?.find((c) => c.name === name) as Container | undefined)
  );
}

/** `container x is not valid for pod p` (the API server's BadRequest) unless the pod has that container. */
export function checkContainer(pod: NamedPod, name: string): Container {
  const c = findContainer(pod, name);
  if (!c) throw new KctlError('Invalid', `container ${name} is not valid for pod ${pod.metadata.name}`);
  return c;
}

/** The engine id in a containerID (`docker://<id>`); undefined when empty. */
export function runtimeIdOf(containerID: string | undefined): string | undefined {
  if (!containerID) return undefined;
  const i = containerID.indexOf('://');
  const id = i >= 0 ? containerID.slice(i + 3) : containerID;
  return id || undefined;
}

/** The status of a container (app, then init, then ephemeral) by name. */
export function containerStatusOf(pod: Pod, name: string) {
  return (
    pod.status?.containerStatuses?.find((s) => s.name === name) ??
    pod.status?.initContainerStatuses?.find((s) => s.name === name) ??
    pod.status?.ephemeralContainerStatuses?.find((s) => s.name === name)
  );
}

const badRequest = (msg: string): KctlError => new KctlError('Invalid', msg);

export type LogRuntime = Pick<ContainerManager, 'listContainers'>;

/**
 * The engine id of the container whose log `kubectl logs` shows (kubelet validateContainerLogStatus);
 * undefined: nothing to show (an unscheduled pod, as the API server answers with an empty log).
 */
export async function logContainerId(runtime: () => Promise<LogRuntime>, pod: NamedPod, container: string, previous: boolean): Promise<string | undefined> {
  checkContainer(pod, container);
  if (!pod.spec?.nodeName) return undefined;
  const podName = pod.metadata.name;
  const st = containerStatusOf(pod, container);
  if (!st) {
    const none = (pod.status?.containerStatuses?.length ?? 0) + (pod.status?.initContainerStatuses?.length ?? 0) === 0;
    // before the kubelet's first status the pod is being set up: what its first status will say
    if (none && (pod.status?.phase ?? 'Pending') === 'Pending')
      throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
    throw badRequest(`container "${container}" in pod "${podName}" is not available`);
  }
  const { running, terminated, waiting } = st.state ?? {};
  const last = st.lastState?.terminated;
  if (previous) {
    const id = runtimeIdOf(last?.containerID);
    if (id) return id;
    // the status lost it (the container was gone when the kubelet looked): ask the engine by labels
    const prev = await previousFromRuntime(await runtime(), pod, container, runtimeIdOf(st.containerID), st.restartCount ?? 0);
    if (prev) return prev;
    throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
  }
  if (running) {
    const id = runtimeIdOf(st.containerID);
    if (id) return id;
  }
  if (terminated) {
    const id = runtimeIdOf(terminated.containerID) ?? runtimeIdOf(last?.containerID);
    if (id) return id;
    throw badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (last) {
    const id = runtimeIdOf(last.containerID);
    if (id) return id;
    throw badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (waiting.reason === 'ImagePullBackOff')
      throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting.reason ?? ''}`);
  }
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** The engine's container of the attempt before the current one (labels kctl.io/pod-uid + kctl.io/container-name). */
async function previousFromRuntime(rt: LogRuntime, pod: NamedPod, container: string, currentId: string | undefined, restartCount: number): Promise<string | undefined> {
  const uid = pod.metadata.uid;
  if (!uid) return undefined;
  const { CONTAINER_NAME } = await import('../runtime/names.js');
  const all = await rt.listContainers({ podUid: uid, labels: { [CONTAINER_NAME]: container } });
  const current = all.find((c) => c.id === currentId)?.attempt ?? restartCount;
  const older = all.filter((c) => c.attempt < current && c.state === 'exited').sort((a, b) => b.attempt - a.attempt);
  return older[0]?.id;
}

