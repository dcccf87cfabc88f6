// Nodes: conditions, capacity, the pods on the node and their requests and limits, the Lease.
import type { KubeObject } from '../../api/types.js';
import { age } from '../age.js';
import { nodeRoles } from '../columns.js';
import { addQuantity, cmpQuantity, formatQuantity, type Quantity, quantityMilliValue, quantityString, quantityValue, tryParseQuantity } from '../../api/quantity.js';
import { a, describeEvents, type DescribeRelated, eventsFor, formatRFC1123Z, o, type Obj, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, s } from './helpers.js';

const q0 = (x: unknown): Quantity => tryParseQuantity(x) ?? { nano: 0n, format: 'DecimalSI' };

/** resourcehelper.PodRequestsAndLimits (containers summed, init containers as their maximum, sidecars added). */
function podRequestsAndLimits(pod: KubeObject): [Map<string, Quantity>, Map<string, Quantity>] {
  const spec = o(pod.spec);
  const calc = (field: 'requests' | 'limits'): Map<string, Quantity> => {
    const total = new Map<string, Quantity>();
    const add = (m: Map<string, Quantity>, list: Obj): void => {
      for (const [k, val] of Object.entries(list)) {
        const q = tryParseQuantity(val);
        if (!q) continue;
        m.set(k, m.has(k) ? addQuantity(m.get(k)!, q) : q);
      }
    };
    const maxInto = (m: Map<string, Quantity>, other: Map<string, Quantity>): void => {
      for (const [k, q] of other) if (!m.has(k) || cmpQuantity(q, m.get(k)!) > 0) m.set(k, q);
    };
    for (const c of a(spec.containers).map(o)) add(total, o(o(c.resources)[field]));
    const restartable = new Map<string, Quantity>();
    const initMax = new Map<string, Quantity>();
    for (const c of a(spec.initContainers).map(o)) {
      const list = o(o(c.resources)[field]);
      let eff: Map<string, Quantity>;
      if (c.restartPolicy === 'Always') {
        add(total, list);
        add(restartable, list);
        eff = new Map(restartable);
      } else {
        eff = new Map<string, Quantity>();
        add(eff, list);
        for (const [k, q] of restartable) eff.set(k, eff.has(k) ? addQuantity(eff.get(k)!, q) : q);
      }
      maxInto(initMax, eff);
    }
    maxInto(total, initMax);
    if (spec.overhead) add(total, o(spec.overhead));
    return total;
  };
  return [calc('requests'), calc('limits')];
}

export function describeNode(w: PrefixWriter, node: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(node.spec);
  const st = o(node.status);
  w.write(0, `Name:\t${node.metadata.name}\n`);
  const roles = nodeRoles(node);
  w.write(0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', node.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${formatRFC1123Z(node.metadata.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  if (rel.lease) {
    const ls = o(rel.lease.spec);
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${typeof ls.holderIdentity === 'string' ? ls.holderIdentity : '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${ls.acquireTime ? formatRFC1123Z(ls.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${ls.renewTime ? formatRFC1123Z(ls.renewTime) : '<unset>'}\n`);
  } else {
    w.write(0, `Lease:\tFailed to get lease: leases.coordination.k8s.io "${node.metadata.name}" not found\n`);
  }
  const conds = a(st.conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conds)
      w.write(
        1,
        `${s(c.type)} \t${s(c.status)} \t${formatRFC1123Z(c.lastHeartbeatTime)} \t${formatRFC1123Z(c.lastTransitionTime)} \t${s(c.reason)} \t${s(
          c.message,
        )}\n`,
      );
  }
  w.write(0, 'Addresses:\n');
  for (const ad of a(st.addresses).map(o)) w.write(1, `${s(ad.type)}:\t${s(ad.address)}\n`);
  const printResourceList = (list: Obj): void => {
    for (const k of Object.keys(list).sort()) w.write(0, `  ${k}:\t${formatQuantity(list[k])}\n`);
  };
  if (Object.keys(o(st.capacity)).length) {
    w.write(0, 'Capacity:\n');
    printResourceList(o(st.capacity));
  }
  if (Object.keys(o(st.allocatable)).length) {
    w.write(0, 'Allocatable:\n');
    printResourceList(o(st.allocatable));
  }
  const ni = o(st.nodeInfo);
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${s(ni.machineID)}\n`);
  w.write(0, `  System UUID:\t${s(ni.systemUUID)}\n`);
  w.write(0, `  Boot ID:\t${s(ni.bootID)}\n`);
  w.write(0, `  Kernel Version:\t${s(ni.kernelVersion)}\n`);
  w.write(0, `  OS Image:\t${s(ni.osImage)}\n`);
  w.write(0, `  Operating System:\t${s(ni.operatingSystem)}\n`);
  w.write(0, `  Architecture:\t${s(ni.architecture)}\n`);
  w.write(0, `  Container Runtime Version:\t${s(ni.containerRuntimeVersion)}\n`);
  w.write(0, `  Kubelet Version:\t${s(ni.kubeletVersion)}\n`);
  w.write(0, `  Kube-Proxy Version:\t${s(ni.kubeProxyVersion)}\n`);
  if (s(spec.podCIDR) !== '') w.write(0, `PodCIDR:\t${s(spec.podCIDR)}\n`);
  if (a(spec.podCIDRs).length) w.write(0, `PodCIDRs:\t${a(spec.podCIDRs).map(s).join(',')}\n`);
  if (s(spec.providerID) !== '') w.write(0, `ProviderID:\t${s(spec.providerID)}\n`);

  const pods = (rel.pods ?? []).filter((p) => {
    const ph = s(o(p.status).phase);
    return s(o(p.spec).nodeName) === node.metadata.name && ph !== 'Succeeded' && ph !== 'Failed';
  });
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const alloc = Object.keys(o(st.allocatable)).length ? o(st.allocatable) : o(st.capacity);
  const allocCpu = quantityMilliValue(q0(alloc.cpu));
  const allocMem = quantityValue(q0(alloc.memory));
  const allocEph = quantityValue(q0(alloc['ephemeral-storage']));
  const pct = (x: bigint, total: bigint): number => (total === 0n ? 0 : Math.trunc((Number(x) / Number(total)) * 100));
  const Z: Quantity = { nano: 0n, format: 'DecimalSI' };
  for (const p of pods) {
    const [req, lim] = podRequestsAndLimits(p);
    const cr = req.get('cpu') ?? Z;
    const cl = lim.get('cpu') ?? Z;
    const mr = req.get('memory') ?? Z;
    const ml = lim.get('memory') ?? Z;
    w.write(
      1,
      `${s(p.metadata.namespace)}\t${p.metadata.name}\t\t${quantityString(cr)} (${pct(quantityMilliValue(cr), allocCpu)}%)\t${quantityString(cl)} (${pct(
        quantityMilliValue(cl),
        allocCpu,
      )}%)\t${quantityString(mr)} (${pct(quantityValue(mr), allocMem)}%)\t${quantityString(ml)} (${pct(quantityValue(ml), allocMem)}%)\t${age(
        p.metadata.creationTimestamp,
        now,
      )}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const reqs = new Map<string, Quantity>();
  const lims = new Map<string, Quantity>();
  for (const p of pods) {
    const [r, l] = podRequestsAndLimits(p);
    for (const [k, q] of r) reqs.set(k, reqs.has(k) ? addQuantity(reqs.get(k)!, q) : q);
    for (const [k, q] of l) lims.set(k, lims.has(k) ? addQuantity(lims.get(k)!, q) : q);
  }
  const row = (name: string, total: bigint, milli: boolean): void => {
    const r = reqs.get(name) ?? Z;
    const l = lims.get(name) ?? Z;
    const val = (q: Quantity): bigint => (milli ? quantityMilliValue(q) : quantityValue(q));
    w.write(1, `${name}\t${quantityString(r)} (${pct(val(r), total)}%)\t${quantityString(l)} (${pct(val(l), total)}%)\n`);
  };
  row('cpu', allocCpu, true);
  row('memory', allocMem, false);
  row('ephemeral-storage', allocEph, false);
  const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
  const keys = Object.keys(alloc);
  for (const k of keys.filter((x) => x.startsWith('hugepages-')).sort()) row(k, quantityValue(q0(alloc[k])), false);
  for (const k of keys.filter((x) => !x.startsWith('hugepages-') && !standard.has(x) && !x.startsWith('requests.') && !x.startsWith('limits.')).sort())
    w.write(1, `${k}\t${quantityString(reqs.get(k) ?? Z)}\t${quantityString(lims.get(k) ?? Z)}\n`);
  if (showEvents) {
    // kubelet reports node events with the node name as uid; controllers use the real uid
    const uids = [s(node.metadata.uid), node.metadata.name];
    describeEvents(w, eventsFor(node, rel.events, false, uids), now);
  }
}
