// In-process kctl for the pod verbs (logs, exec, port-forward, top): the shared harness (test/helpers/cli-harness.ts)
// with a FakeRuntime, and pods written the way the kubelet writes them (status, containerID docker://ID, the
// kctl.io/ports annotation).
import type { Container, KubeObject, Pod } from '../../../src/api/types.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import type { StoredPod } from '../../../src/cli/pod-target.js';
import { harness, type Harness } from '../../helpers/cli-harness.js';

export { context, kctl, makeIO, Sink, type Result } from '../../helpers/cli-harness.js';

export const IMAGE = 'kctl-test/busybox:1';
export const NODE = 'kctl-node';

export type Env = Harness & { runtime: FakeRuntime };

export function setup(): Env {
  return harness({ runtime: (clock) => new FakeRuntime({ clock, images: [IMAGE] }) }) as Env;
}

export interface PodSpecInput {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: Container[];
  initContainers?: Container[];
  nodeName?: string | null;
}

/** Creates the Pod object (as `kctl apply` would, scheduled to NODE). */
export async function createPod(env: Env, p: PodSpecInput = {}): Promise<StoredPod> {
  const obj: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name ?? 'web',
      namespace: p.namespace ?? 'default',
      ...(p.labels ? { labels: p.labels } : {}),
      ...(p.annotations ? { annotations: p.annotations } : {}),
    },
    spec: {
      ...(p.nodeName === null ? {} : { nodeName: p.nodeName ?? NODE }),
      containers: p.containers ?? [{ name: 'web', image: IMAGE, command: ['httpd'] }],
      ...(p.initContainers ? { initContainers: p.initContainers } : {}),
    },
  };
  return (await env.store.create(obj)) as StoredPod;
}

export interface Started {
  pod: StoredPod;
  sandbox: string;
  /** engine ids by container name (the current attempt) */
  ids: Record<string, string>;
}

/**
 * Runs the pod in the FakeRuntime and writes what the kubelet would: Running, Ready, containerStatuses with
 * docker:// ids, and the kctl.io/ports annotation (or `ports` to point it at real local listeners).
 */
export async function runPod(env: Env, p: PodSpecInput = {}, opts: { ports?: { containerPort: number; hostPort: number; name?: string }[] } = {}): Promise<Started> {
  let pod = await createPod(env, p);
  const ref = { uid: pod.metadata.uid!, name: pod.metadata.name, namespace: pod.metadata.namespace! };
  const declared = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((x) => ({ containerPort: x.containerPort, ...(x.name ? { name: x.name } : {}) })));
  const sandbox = await env.runtime.runPodSandbox({ pod: ref, attempt: 0, ports: declared });
  const ids: Record<string, string> = {};
  for (const c of pod.spec?.containers ?? []) {
    const id = await env.runtime.createContainer(sandbox, { container: c, attempt: 0 });
    await env.runtime.startContainer(id);
    ids[c.name] = id;
  }
  const published =
    opts.ports?.map((x) => ({ containerPort: x.containerPort, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: x.hostPort, ...(x.name ? { name: x.name } : {}) })) ??
    (await env.runtime.podSandboxStatus(sandbox)).ports.map((x) => ({ containerPort: x.containerPort, protocol: x.protocol, hostIP: '127.0.0.1', hostPort: x.hostPort }));
  if (published.length > 0) {
    pod.metadata.annotations = { ...pod.metadata.annotations, 'kctl.io/ports': JSON.stringify(published) };
    pod = (await env.store.update(pod)) as StoredPod;
  }
  const now = env.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status: Pod['status'] = {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: true,
      started: true,
      restartCount: 0,
      containerID: `docker://${ids[c.name]}`,
      state: { running: { startedAt: now } },
      lastState: {},
    })),
  };
  pod = (await env.store.updateStatus({ ...pod, status })) as StoredPod;
  return { pod, sandbox, ids };
}

/** Replaces the pod's status (read-modify-write). */
export async function setStatus(env: Env, name: string, status: Pod['status'], namespace = 'default'): Promise<StoredPod> {
  const pod = await env.store.get<StoredPod>({ resource: 'pods', namespace, name });
  return (await env.store.updateStatus({ ...pod, status })) as StoredPod;
}
