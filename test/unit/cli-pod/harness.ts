// In-process kctl for the pod verbs (logs, exec, port-forward, top): MemoryStore + FakeRuntime + FakeClock,
// in-memory streams, and pods written the way the kubelet writes them (status, containerID docker://ID, the
// kctl.io/ports annotation).
import { Readable, Writable } from 'node:stream';
import type { Container, KubeObject, Pod } from '../../../src/api/types.js';
import { createProgram, main } from '../../../src/cli/main.js';
import type { CliContext, CliIO } from '../../../src/cli/context.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';
import type { StoredPod } from '../../../src/cli/pod-target.js';

export const IMAGE = 'kctl-test/busybox:1';
export const NODE = 'kctl-node';

export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface Env {
  clock: FakeClock;
  store: MemoryStore;
  runtime: FakeRuntime;
}

export function setup(): Env {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  const runtime = new FakeRuntime({ clock, images: [IMAGE] });
  return { clock, store, runtime };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function makeIO(stdin?: string | Readable): { io: CliIO; out: Sink; err: Sink } {
  const out = new Sink();
  const err = new Sink();
  const io: CliIO = { out, err, env: { KCTL_NO_CONTROLLER: '1', NO_COLOR: '1' } };
  if (stdin !== undefined) io.in = typeof stdin === 'string' ? Readable.from([Buffer.from(stdin)]) : stdin;
  return { io, out, err };
}

/** Runs `kctl ARGV` in process through main(), over the env's MemoryStore and FakeRuntime. */
export async function kctl(env: Env, argv: string[], opts: { stdin?: string | Readable } = {}): Promise<Result> {
  const { io, out, err } = makeIO(opts.stdin);
  const code = await main(argv, io, { store: env.store, runtime: env.runtime, clock: env.clock });
  return { code, stdout: out.text, stderr: err.text };
}

/** A CliContext over the env (for calling runX directly with a signal). */
export async function context(env: Env, verb: string): Promise<{ ctx: CliContext; out: Sink; err: Sink }> {
  const { io, out, err } = makeIO();
  const { ctx } = await createProgram(io, { store: env.store, runtime: env.runtime, clock: env.clock }, verb);
  return { ctx, out, err };
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
