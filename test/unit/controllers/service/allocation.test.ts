import { describe, expect, it } from 'vitest';
import {
  allocateClusterIP,
  inRange,
  intToIp,
  ipToInt,
  parseCidr,
  SERVICE_CLUSTER_IP_RANGE,
} from '../../../../src/controllers/service/ip-allocator.js';
import { allocateNodePort } from '../../../../src/controllers/service/port-allocator.js';
import { nodePortOwners, type ServiceObj } from '../../../../src/api/service-ports.js';
import { planServiceAllocation, serviceAllocationErrors } from '../../../../src/controllers/service/allocation.js';
import { service, type SvcOpts } from '../endpoints/fixtures.js';

const RANGE = parseCidr(SERVICE_CLUSTER_IP_RANGE);
const svc = (name: string, o: SvcOpts = {}): ServiceObj => service(name, { created: '2026-01-01T00:00:00Z', ...o });

describe('ClusterIP allocator', () => {
  it('parses the range', () => {
    expect(RANGE).toEqual({ cidr: '10.96.0.0/12', base: ipToInt('10.96.0.0'), size: 1 << 20 });
    expect(intToIp(ipToInt('10.111.255.254')!)).toBe('10.111.255.254');
    expect(() => parseCidr('10.96.0.0')).toThrow(/invalid service CIDR/);
  });

  it.each([
    ['10.96.0.1', true],
    ['10.111.255.254', true],
    ['10.96.0.0', false],
    ['10.111.255.255', false],
    ['10.112.0.1', false],
    ['192.168.1.1', false],
    ['10.96.0', false],
  ])('inRange(%s) = %s', (ip, want) => {
    expect(inRange(RANGE, ip)).toBe(want);
  });

  it('picks an address above the static band from a random offset, never one in use', () => {
    expect(allocateClusterIP(RANGE, new Set(), () => 0)).toBe('10.96.1.0');
    expect(allocateClusterIP(RANGE, new Set(['10.96.1.0']), () => 0)).toBe('10.96.1.1');
    expect(allocateClusterIP(RANGE, new Set(), () => 0.9999999)).toBe('10.111.255.254');
    expect(allocateClusterIP(RANGE, new Set(['10.111.255.254']), () => 0.9999999)).toBe('10.96.1.0'); // wraps
    for (let i = 0; i < 20; i++) {
      const ip = allocateClusterIP(RANGE, new Set())!;
      expect(inRange(RANGE, ip) && ipToInt(ip)! - RANGE.base >= 256).toBe(true);
    }
  });

  it('falls back to the static band, never the network, .1 or broadcast; undefined when full', () => {
    const small = parseCidr('10.0.0.0/28'); // 16 addresses: band 16 → all of it is "static"
    const used = new Set<string>();
    for (;;) {
      const ip = allocateClusterIP(small, used, () => 0.5);
      if (!ip) break;
      used.add(ip);
    }
    expect([...used].sort((x, y) => ipToInt(x)! - ipToInt(y)!)).toEqual(Array.from({ length: 13 }, (_, i) => `10.0.0.${i + 2}`));
  });
});

describe('NodePort allocator', () => {
  it('picks a port in the dynamic band (30086-32767) from a random offset, never one in use', () => {
    expect(allocateNodePort(new Set(), () => 0)).toBe(30086);
    expect(allocateNodePort(new Set([30086]), () => 0)).toBe(30087);
    expect(allocateNodePort(new Set(), () => 0.9999999)).toBe(32767);
    expect(allocateNodePort(new Set([32767]), () => 0.9999999)).toBe(30086); // wraps within the band
    for (let i = 0; i < 20; i++) {
      const p = allocateNodePort(new Set())!;
      expect(p >= 30086 && p <= 32767).toBe(true);
    }
  });

  it('uses the static band only when the dynamic one is full; undefined when everything is', () => {
    const used = new Set<number>();
    for (let p = 30086; p <= 32767; p++) used.add(p);
    expect(allocateNodePort(used, () => 0)).toBe(30000);
    const s = allocateNodePort(used)!;
    expect(s).toBeGreaterThanOrEqual(30000);
    expect(s).toBeLessThan(30086);
    for (let p = 30000; p < 30086; p++) used.add(p);
    expect(allocateNodePort(used)).toBeUndefined();
  });
});

describe('planServiceAllocation', () => {
  it('gives a ClusterIP Service its address, clusterIPs, IP family and nothing else', () => {
    const plan = planServiceAllocation(svc('web'), []);
    expect(plan.errors).toEqual([]);
    expect(plan.status).toBeUndefined();
    const ip = plan.spec!.clusterIP!;
    expect(inRange(RANGE, ip)).toBe(true);
    expect(plan.spec).toMatchObject({ clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    expect(plan.spec!.ports![0]!.nodePort).toBeUndefined();
    // applied: nothing left to do
    expect(planServiceAllocation({ ...svc('web'), spec: plan.spec }, [])).toEqual({ errors: [] });
  });

  it('does not hand out an address another Service has', () => {
    const first = planServiceAllocation(svc('web'), []).spec!;
    const taken = { ...svc('other'), spec: { ...svc('other').spec, clusterIP: first.clusterIP, clusterIPs: [first.clusterIP!] } };
    expect(planServiceAllocation(svc('web'), [taken]).spec!.clusterIP).not.toBe(first.clusterIP);
  });

  it('gives NodePort Services a nodePort per port, keeps a requested one', () => {
    const s = svc('web', {
      type: 'NodePort',
      ports: [
        { name: 'http', port: 80, nodePort: 30080 },
        { name: 'admin', port: 81 },
      ],
    });
    const plan = planServiceAllocation(s, []);
    expect(plan.errors).toEqual([]);
    const [http, admin] = plan.spec!.ports!;
    expect(http!.nodePort).toBe(30080);
    expect(admin!.nodePort).toBeGreaterThanOrEqual(30086);
  });

  it('refuses a nodePort an older Service holds, with Kubernetes’ message; the older one keeps it', () => {
    const older = svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }], created: '2026-01-01T00:00:00Z' });
    const younger = svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }], created: '2026-01-01T00:00:05Z' });
    expect(planServiceAllocation(younger, [older]).errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ]);
    expect(planServiceAllocation(older, [younger]).errors).toEqual([]);
    expect(nodePortOwners([younger, older])).toEqual(new Map([[30080, 'default/a']]));
    // at write time every existing Service counts as older
    expect(serviceAllocationErrors(older, [younger]).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ]);
    expect(serviceAllocationErrors(younger, [younger])).toEqual([]); // an update of itself
  });

  it('an allocated nodePort avoids those of every other Service and of its own ports', () => {
    const random = () => 0;
    const two = svc('a', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] });
    expect(planServiceAllocation(two, [], { random }).spec!.ports!.map((p) => p.nodePort)).toEqual([30086, 30087]);
    const other = svc('x', { type: 'NodePort', ports: [{ port: 80, nodePort: 30086 }] });
    expect(planServiceAllocation(two, [other], { random }).spec!.ports!.map((p) => p.nodePort)).toEqual([30087, 30088]);
  });

  it('reuses the nodePort of the same port number with another protocol', () => {
    const s = svc('dns', {
      type: 'NodePort',
      ports: [
        { name: 'tcp', port: 53, protocol: 'TCP', nodePort: 30053 },
        { name: 'udp', port: 53, protocol: 'UDP' },
      ],
    });
    expect(planServiceAllocation(s, []).spec!.ports!.map((p) => p.nodePort)).toEqual([30053, 30053]);
  });

  it('headless Services get clusterIPs [None]; a requested address is checked', () => {
    expect(planServiceAllocation(svc('db', { clusterIP: 'None' }), []).spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    expect(planServiceAllocation(svc('x', { clusterIP: '10.96.0.10' }), []).spec).toMatchObject({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] });
    expect(planServiceAllocation(svc('x', { clusterIP: '192.168.0.10' }), []).errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'spec.clusterIPs: Invalid value: []string{"192.168.0.10"}: failed to allocate IP 192.168.0.10: the provided IP (192.168.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    ]);
    const holder = svc('a', { clusterIP: '10.96.0.10', created: '2025-12-31T00:00:00Z' });
    expect(planServiceAllocation(svc('x', { clusterIP: '10.96.0.10' }), [holder]).errors.map((e) => e.message)).toEqual([
      'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    ]);
  });

  it('LoadBalancer: nodePorts and the ingress IP in status; cleared when the type changes back', () => {
    const lb = svc('web', { type: 'LoadBalancer', ports: [{ port: 80 }] });
    const plan = planServiceAllocation(lb, [], { ingressIP: '127.0.0.1' });
    expect(plan.status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } });
    expect(plan.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    const allocated = { ...lb, spec: plan.spec, status: plan.status } as ServiceObj;
    expect(planServiceAllocation(allocated, [])).toEqual({ errors: [] });
    const back = { ...allocated, spec: { ...allocated.spec, type: 'ClusterIP' } } as ServiceObj;
    const p2 = planServiceAllocation(back, []);
    expect(p2.status).toEqual({ loadBalancer: {} });
    expect(p2.spec!.ports![0]!.nodePort).toBeUndefined();
  });

  it('leaves ExternalName Services alone', () => {
    const ext = { ...svc('x'), spec: { type: 'ExternalName', externalName: 'example.com' } } as ServiceObj;
    expect(planServiceAllocation(ext, [])).toEqual({ errors: [] });
  });
});
