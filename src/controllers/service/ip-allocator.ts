// ClusterIP allocation (upstream pkg/registry/core/service/ipallocator), as a pure function of the addresses in use.
//
// kctl's ClusterIPs are for display and for tools that expect one: nothing ever connects to them. The host reaches
// a Service through its nodePort on 127.0.0.1 (src/proxy/), and pods through their published loopback ports, so
// the range below needs no route and collides with nothing real. It is Kubernetes' default service CIDR.
//
// As upstream, the first addresses of the range form a "static band" that dynamic allocation uses only when the
// rest is full (so that addresses users choose themselves rarely collide with allocated ones), the network and
// broadcast addresses are never handed out, and the first host address (10.96.0.1) is left to the `kubernetes`
// Service. As upstream, the search starts at a random offset and probes upward (tests inject the random source).

/** The virtual range ClusterIPs come from (Kubernetes' default --service-cluster-ip-range). */
export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';

export interface IPRange {
  cidr: string;
  /** first address of the range as a 32-bit number (the network address) */
  base: number;
  /** number of addresses in the range (network and broadcast included) */
  size: number;
}

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses an IPv4 CIDR (`10.96.0.0/12`); throws on anything else. */
export function parseCidr(cidr: string): IPRange {
  const [ip, bitsText] = cidr.split('/');
  const addr = ip === undefined ? undefined : ipToInt(ip);
  const bits = Number(bitsText);
  if (addr === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}`);
  const size = 2 ** (32 - bits);
  const base = addr - (addr % size);
  return { cidr, base, size };
}

/** A source of numbers in [0, 1) (Math.random; tests inject a fixed one). */
export type Random = () => number;

/** upstream calculateRangeOffset: min(max(16, size/16), 256) addresses at the start of the range. */
export function staticBandSize(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

/** Whether the address can be a ClusterIP of the range (inside it, not its network or broadcast address). */
export function inRange(range: IPRange, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== undefined && n > range.base && n < range.base + range.size - 1;
}

/**
 * A free ClusterIP: the dynamic band first (from a random offset upward, wrapping), then the static band.
 * Undefined when the range is full. `used` holds the addresses other Services have.
 */
export function allocateClusterIP(range: IPRange, used: ReadonlySet<string>, random: Random = Math.random): string | undefined {
  const first = 2; // .0 is the network address, .1 is the `kubernetes` Service's
  const last = range.size - 2; // the broadcast address is not handed out
  const band = Math.min(staticBandSize(range.size), last);
  const scan = (lo: number, hi: number): string | undefined => {
    const n = hi - lo + 1;
    if (n <= 0) return undefined;
    const start = Math.min(n - 1, Math.floor(random() * n));
    for (let i = 0; i < n; i++) {
      const ip = intToIp(range.base + lo + ((start + i) % n));
      if (!used.has(ip)) return ip;
    }
    return undefined;
  };
  return scan(band, last) ?? scan(first, band - 1);
}
