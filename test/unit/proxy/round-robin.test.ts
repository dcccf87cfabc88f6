import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/clock.js';
import { RoundRobin, type Backend } from '../../../src/proxy/round-robin.js';

const be = (id: string): Backend => ({ id, host: '127.0.0.1', port: 1 });
const ids = (rr: RoundRobin, n: number, ip = '127.0.0.1'): string[] => Array.from({ length: n }, () => rr.pick(ip)?.id ?? '-');

describe('RoundRobin', () => {
  it('rotates over the endpoints', () => {
    const rr = new RoundRobin({ clock: new FakeClock() });
    expect(rr.pick('127.0.0.1')).toBeUndefined();
    rr.setBackends([be('a'), be('b'), be('c')]);
    expect(ids(rr, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('keeps its place when the set changes; a removed endpoint gets nothing more', () => {
    const rr = new RoundRobin({ clock: new FakeClock() });
    rr.setBackends([be('a'), be('b'), be('c')]);
    expect(ids(rr, 2)).toEqual(['a', 'b']);
    rr.setBackends([be('a'), be('b'), be('c'), be('d')]);
    expect(ids(rr, 3)).toEqual(['c', 'd', 'a']);
    rr.setBackends([be('b'), be('c'), be('d')]); // a (picked last) left: the rotation goes on from its place
    expect(ids(rr, 4)).toEqual(['c', 'd', 'b', 'c']);
  });

  it('skips endpoints already tried for this connection', () => {
    const rr = new RoundRobin({ clock: new FakeClock() });
    rr.setBackends([be('a'), be('b'), be('c')]);
    expect(rr.pick('x', new Set(['a']))?.id).toBe('b');
    expect(rr.pick('x', new Set(['c', 'a']))?.id).toBe('b');
    expect(rr.pick('x', new Set(['a', 'b', 'c']))).toBeUndefined();
  });

  it('skips an endpoint a connect failed on for the penalty, unless nothing else is left', () => {
    const clock = new FakeClock();
    const rr = new RoundRobin({ clock, failurePenaltyMs: 1_000 });
    rr.setBackends([be('a'), be('b')]);
    rr.reportFailure('a');
    expect(ids(rr, 3)).toEqual(['b', 'b', 'b']);
    expect(rr.pick('x', new Set(['b']))?.id).toBe('a'); // the last resort
    clock.advance(1_000);
    expect(ids(rr, 2).sort()).toEqual(['a', 'b']);
    rr.reportFailure('b');
    rr.reportSuccess('b');
    expect(ids(rr, 2).sort()).toEqual(['a', 'b']);
  });

  it('ClientIP affinity: a client sticks to its endpoint until the timeout or the endpoint leaves', () => {
    const clock = new FakeClock();
    const rr = new RoundRobin({ clock, affinityTimeoutSeconds: 10 });
    rr.setBackends([be('a'), be('b'), be('c')]);
    expect(ids(rr, 3, '10.0.0.1')).toEqual(['a', 'a', 'a']);
    expect(ids(rr, 2, '10.0.0.2')).toEqual(['b', 'b']);
    clock.advance(9_999);
    expect(rr.pick('10.0.0.1')?.id).toBe('a'); // each use refreshes it
    clock.advance(10_000);
    expect(rr.pick('10.0.0.1')?.id).toBe('c'); // expired: next in rotation
    rr.setBackends([be('a'), be('b')]); // c left
    expect(rr.pick('10.0.0.1')?.id).not.toBe('c');
    // a failed endpoint loses its clients
    const sticky = rr.pick('10.0.0.3')!.id;
    rr.reportFailure(sticky);
    expect(rr.pick('10.0.0.3')?.id).not.toBe(sticky);
    clock.advance(2_000); // the penalty is over
    rr.setAffinity(undefined);
    expect(new Set(ids(rr, 4, '10.0.0.9')).size).toBe(2);
  });
});
