// NodePort allocation (upstream pkg/registry/core/service/portallocator), as a pure function of the ports in use.
//
// As upstream: the range is 30000-32767; a "static band" at its start (min(max(16, size/32), 128) ports:
// 30000-30085) is used by dynamic allocation only when the rest is full, so ports users pick themselves from the
// low end rarely collide with allocated ones. The search starts at a random offset and probes upward, so that two
// kctl homes on one machine (each with its own controller) rarely pick the same host port.
import type { Random } from './ip-allocator.js';
import { NODE_PORT_RANGE } from '../../api/service-ports.js';


/** upstream calculateRangeOffset for ports: min(max(16, size/32), 128). */
export function portStaticBandSize(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

/** A free nodePort (dynamic band first, then the static band), or undefined when every port is taken. */
export function allocateNodePort(used: ReadonlySet<number>, random: Random = Math.random, range: { min: number; max: number } = NODE_PORT_RANGE): number | undefined {
  const size = range.max - range.min + 1;
  const band = Math.min(portStaticBandSize(size), size);
  const scan = (lo: number, hi: number): number | undefined => {
    const n = hi - lo + 1;
    if (n <= 0) return undefined;
    const start = Math.min(n - 1, Math.floor(random() * n));
    for (let i = 0; i < n; i++) {
      const p = range.min + lo + ((start + i) % n);
      if (!used.has(p)) return p;
    }
    return undefined;
  };
  return scan(band, size - 1) ?? scan(0, band - 1);
}
