// ContainerKiller: stops in the background, the drain before SIGTERM shared by a pod's stops and kept on the
// injected clock (no real timer).
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { ContainerKiller, DRAIN_KEEP_MS } from '../../../src/kubelet/container-kill.js';
import { DEFAULT_KUBELET_CONFIG, type KubeletContext, type KubeletRuntime, type PodObject } from '../../../src/kubelet/context.js';
import { PodRecords } from '../../../src/kubelet/pod-record.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';

function setup() {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const stops: [string, number][] = [];
  const drains: { name: string; deadline: number; release: () => void }[] = [];
  const enqueued: string[] = [];
  const events: string[] = [];
  const runtime = {
    stopContainer: async (id: string, grace: number) => void stops.push([id, grace]),
  } as unknown as KubeletRuntime;
  const records = new PodRecords();
  const ctx: KubeletContext = {
    store: new MemoryStore({ clock }),
    runtime,
    clock,
    config: { ...DEFAULT_KUBELET_CONFIG },
    networking: {
      network: () => 'kctl',
      aliases: () => [],
      serviceEnv: async () => ({}),
      drain: (p: Pod, deadline: number) => new Promise<void>((release) => drains.push({ name: p.metadata!.name!, deadline, release })),
    },
    records,
    hooks: { runtime, transport: { httpGet: async () => ({ ok: true }), tcpConnect: async () => true } as never, clock },
    log: () => undefined,
    info: () => undefined,
    event: async (_pod, _type, reason, message) => void events.push(`${reason}: ${message}`),
    enqueue: (k) => void enqueued.push(k),
    nodeAllocatable: async () => ({ cpu: 1, memory: 1 }),
  };
  return { clock, stops, drains, enqueued, events, records, killer: new ContainerKiller(ctx) };
}

const deleting = (): PodObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 10 },
    spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }] },
  }) as PodObject;

/** lets the background stops run up to their next wait */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('ContainerKiller', () => {
  it("drains a deleted pod once for all its containers' stops, before any SIGTERM, within half the grace period", async () => {
    const t = setup();
    const pod = deleting();
    t.killer.startKill('pods/default/web', pod, { id: 'c-a', name: 'a', graceSeconds: 10, message: 'Stopping container a' });
    t.killer.startKill('pods/default/web', pod, { id: 'c-b', name: 'b', graceSeconds: 10, message: 'Stopping container b' });
    t.killer.startKill('pods/default/web', pod, { id: 'c-a', name: 'a', graceSeconds: 10, message: 'again' }); // already stopping
    await settle();
    expect(t.drains.map((d) => [d.name, d.deadline])).toEqual([['web', t.clock.now().getTime() + 5_000]]);
    expect(t.stops).toEqual([]);
    expect(t.killer.killingIds()).toEqual(['c-a', 'c-b']);
    expect(t.events).toEqual(['Killing: Stopping container a', 'Killing: Stopping container b']);

    t.clock.advance(3_000); // the drain took 3 s of the fake clock: the SIGTERM's grace is what is left
    t.drains[0]!.release();
    await Promise.all(t.killer.pending());
    expect(t.stops).toEqual([
      ['c-a', 7],
      ['c-b', 7],
    ]);
    expect(t.killer.killingIds()).toEqual([]);
    expect(t.enqueued).toEqual(['pods/default/web', 'pods/default/web']);
  });

  it('keeps a finished drain for later stops of the pod until DRAIN_KEEP_MS have passed on the injected clock', async () => {
    const t = setup();
    const pod = deleting();
    t.killer.startKill('k', pod, { id: 'c-a', name: 'a', graceSeconds: 10, message: '' });
    await settle();
    t.drains[0]!.release();
    await Promise.all(t.killer.pending());
    await settle();
    expect(t.records.get('u1')?.drain).toBeDefined();

    t.clock.advance(DRAIN_KEEP_MS - 1);
    t.killer.startKill('k', pod, { id: 'c-b', name: 'b', graceSeconds: 10, message: '' });
    await Promise.all(t.killer.pending());
    expect(t.drains).toHaveLength(1); // shared: no second drain
    expect(t.stops.map((s) => s[0])).toEqual(['c-a', 'c-b']);

    t.clock.advance(1); // the fake clock alone drops it: no real timer involved
    expect(t.records.get('u1')?.drain).toBeUndefined();
    t.killer.startKill('k', pod, { id: 'c-c', name: 'a', graceSeconds: 10, message: '' });
    await settle();
    expect(t.drains).toHaveLength(2);
    t.drains[1]!.release();
    await Promise.all(t.killer.pending());
    expect(t.stops.map((s) => s[0])).toEqual(['c-a', 'c-b', 'c-c']);
  });

  it('stops an orphan (no pod) without drain or event, and a restart request lasts until cleared', async () => {
    const t = setup();
    t.killer.startKill('k', undefined, { id: 'o1', name: 'x', graceSeconds: 2, message: '' });
    t.killer.startKill('k', deleting(), { id: 'c-a', name: 'a', graceSeconds: 10, message: 'm', restart: true });
    expect(t.killer.isKilling('o1')).toBe(true);
    expect(t.killer.restartRequestedIds()).toEqual(['c-a']);
    await settle();
    t.drains[0]!.release();
    await Promise.all(t.killer.pending());
    expect(t.stops).toEqual([
      ['o1', 2],
      ['c-a', 10],
    ]);
    expect(t.events).toEqual(['Killing: m']);
    expect(t.drains).toHaveLength(1);
    expect(t.killer.restartRequestedIds()).toEqual(['c-a']);
    t.killer.clearRestart('c-a');
    expect(t.killer.restartRequestedIds()).toEqual([]);
  });
});
