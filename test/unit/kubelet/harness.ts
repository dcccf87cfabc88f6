// Test harness for the kubelet: MemoryStore + FakeRuntime + FakeClock, an array event sink and an in-memory
// volume host.
import type { Container, KubeObject, Pod } from '../../../src/api/types.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeRuntime } from '../../../src/runtime/fake/fake-runtime.js';
import { FakeClock } from '../../../src/util/clock.js';
import { Kubelet, type KubeletConfig, type PodNetworking } from '../../../src/kubelet/kubelet.js';
import { MemoryEventSink } from '../../../src/kubelet/events.js';
import type { VolumeHost } from '../../../src/kubelet/volumes.js';
import type { ProbeTransport } from '../../../src/kubelet/probe-transport.js';

export const NODE = 'node1';
export const KEY = 'pods/default/web';

export class FakeVolumeHost implements VolumeHost {
  readonly dirs = new Map<string, number>();
  readonly files = new Map<string, { data: string; mode: number }>();
  readonly removed: string[] = [];
  async ensureDir(path: string, mode: number): Promise<void> {
    this.dirs.set(path, mode);
  }
  async writeFile(path: string, data: Uint8Array, mode: number): Promise<void> {
    this.files.set(path, { data: Buffer.from(data).toString('utf8'), mode });
  }
  /** payloads written by writePayload, by volume dir (their files also land in `files`) */
  readonly payloads = new Map<string, { path: string; data: string; mode: number }[]>();
  async writePayload(dir: string, files: { path: string; data: Uint8Array; mode: number }[]): Promise<boolean> {
    const next = files.map((f) => ({ path: f.path, data: Buffer.from(f.data).toString('utf8'), mode: f.mode }));
    if (JSON.stringify(this.payloads.get(dir)) === JSON.stringify(next)) return false;
    for (const k of [...this.files.keys()]) if (k.startsWith(`${dir}/`)) this.files.delete(k);
    this.payloads.set(dir, next);
    for (const f of next) this.files.set(`${dir}/${f.path}`, { data: f.data, mode: f.mode });
    return true;
  }
  async list(path: string): Promise<string[]> {
    const base = path.endsWith('/') ? path : `${path}/`;
    const names = new Set<string>();
    for (const k of [...this.dirs.keys(), ...this.files.keys()]) if (k.startsWith(base)) names.add(k.slice(base.length).split('/')[0]!);
    return [...names].filter(Boolean).sort();
  }
  async removeAll(path: string): Promise<void> {
    this.removed.push(path);
    for (const k of [...this.payloads.keys()]) if (k.startsWith(path)) this.payloads.delete(k);
    for (const k of [...this.dirs.keys()]) if (k.startsWith(path)) this.dirs.delete(k);
    for (const k of [...this.files.keys()]) if (k.startsWith(path)) this.files.delete(k);
  }
}

export interface Harness {
  clock: FakeClock;
  store: MemoryStore;
  runtime: FakeRuntime;
  events: MemoryEventSink;
  volumes: FakeVolumeHost;
  enqueued: string[];
  kubelet: Kubelet;
  /** a new Kubelet on the same store and runtime (a controller restart) */
  restart(): Kubelet;
}

export function setup(
  opts: { config?: Partial<KubeletConfig>; images?: string[]; registry?: string[]; transport?: ProbeTransport; networking?: PodNetworking } = {},
): Harness {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const store = new MemoryStore({ clock });
  const runtime = new FakeRuntime({ clock, images: opts.images ?? ['busybox:1.36', 'nginx:1.25'], registry: opts.registry ?? [] });
  const events = new MemoryEventSink();
  const volumes = new FakeVolumeHost();
  const enqueued: string[] = [];
  const make = (): Kubelet =>
    new Kubelet({
      store,
      runtime,
      clock,
      events,
      nodeName: NODE,
      enqueue: (k) => enqueued.push(k),
      config: { dataDir: '/kctl', ...opts.config },
      volumeHost: volumes,
      ...(opts.transport ? { probeTransport: opts.transport } : {}),
      ...(opts.networking ? { networking: opts.networking } : {}),
    });
  const h: Harness = { clock, store, runtime, events, volumes, enqueued, kubelet: make(), restart: () => (h.kubelet = make()) };
  return h;
}

export function podObject(spec: Partial<NonNullable<Pod['spec']>> & { containers?: Container[] }, name = 'web'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
  };
}

export async function createPod(h: Harness, spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web'): Promise<Pod> {
  return (await h.store.create(podObject(spec, name))) as unknown as Pod;
}

export async function getPod(h: Harness, name = 'web'): Promise<Pod> {
  return (await h.store.get({ resource: 'pods', namespace: 'default', name })) as unknown as Pod;
}

/** reconcile, then let background stops/pulls/probes finish */
export async function pass(h: Harness, key = KEY): Promise<{ requeueAfterMs?: number }> {
  const r = await h.kubelet.reconcile(key);
  await h.kubelet.whenIdle();
  return r;
}

export const MUTATING = ['runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'pullImage'];

export function mutatingCalls(h: Harness): string[] {
  return h.runtime.callNames().filter((m) => MUTATING.includes(m));
}

export function containerStatus(p: Pod, name = 'web') {
  return p.status?.containerStatuses?.find((s) => s.name === name);
}

export function condition(p: Pod, type: string) {
  return p.status?.conditions?.find((c) => c.type === type);
}

/** id of the running (else newest) engine container of a Kubernetes container */
export async function containerId(h: Harness, name = 'web'): Promise<string> {
  const list = (await h.runtime.listContainers()).filter((c) => c.containerName === name).sort((a, b) => b.attempt - a.attempt);
  return (list.find((c) => c.state === 'running') ?? list[0])!.id;
}
