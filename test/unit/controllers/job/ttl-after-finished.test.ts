import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../../src/store/memory-store.js';
import { FakeClock } from '../../../../src/util/clock.js';
import { TTLAfterFinishedController, finishAndExpireTime } from '../../../../src/controllers/ttl-after-finished/ttl-after-finished-controller.js';

const done = (ttl: number | undefined, type = 'Complete') => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default' },
  spec: { ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}), template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  status: { conditions: [{ type, status: 'True', lastTransitionTime: '2026-01-01T00:00:10Z' }], ...(type === 'Complete' ? { completionTime: '2026-01-01T00:00:10Z' } : {}) },
});

describe('TTLAfterFinishedController', () => {
  it.each([
    [done(undefined), undefined],
    [done(30), [Date.parse('2026-01-01T00:00:10Z'), Date.parse('2026-01-01T00:00:40Z')]],
    [done(0, 'Failed'), [Date.parse('2026-01-01T00:00:10Z'), Date.parse('2026-01-01T00:00:10Z')]],
    [{ ...done(5), status: {} }, undefined],
  ])('finish and expiry of %#', (j, want) => {
    expect(finishAndExpireTime(j as never)).toEqual(want);
  });

  it('waits until the TTL ran out, then deletes the Job (foreground)', async () => {
    const clock = new FakeClock('2026-01-01T00:00:20Z');
    const store = new MemoryStore({ clock });
    const created = await store.create(done(30) as never);
    await store.updateStatus({ ...created, status: done(30).status } as never);
    const ttl = new TTLAfterFinishedController({ store, clock });
    expect(await ttl.resyncKeys()).toEqual(['jobs/default/pi']);
    expect(await ttl.reconcile('jobs/default/pi')).toEqual({ requeueAfterMs: 20_000 });
    clock.advance(20_000);
    expect(await ttl.reconcile('jobs/default/pi')).toEqual({});
    const j = await store.tryGet({ resource: 'jobs', namespace: 'default', name: 'pi' });
    // foreground: marked with the foregroundDeletion finalizer for the garbage collector
    expect(j?.metadata.deletionTimestamp).toBeDefined();
    expect(j?.metadata.finalizers).toEqual(['foregroundDeletion']);
  });
});
