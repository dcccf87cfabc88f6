// Services, Endpoints and EndpointSlices.
import { SERVICE_NAME_LABEL } from '../../api/meta.js';
import { formatLabels } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { formatEndpoints } from '../columns.js';
import { a, describeEvents, type DescribeRelated, eventsFor, intOrString, n, o, type Obj, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, s, strMap } from './helpers.js';

/** formatEndpointSlices: a Service port's ready endpoints, at most three then ` + N more...`. */
function formatEndpointSlices(slices: KubeObject[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const sl of slices) {
    const ports = a((sl as Obj).ports).map(o);
    const eps = a((sl as Obj).endpoints).map(o);
    const ready = (e: Obj): boolean => o(e.conditions).ready === undefined || o(e.conditions).ready === null || o(e.conditions).ready === true;
    if (ports.length === 0) {
      for (const e of eps) {
        if (list.length === max) more = true;
        if (!ready(e)) continue;
        if (!more) list.push(s(a(e.addresses)[0]));
        count++;
      }
    } else {
      for (const p of ports) {
        if (s(p.name) !== portName) continue;
        for (const e of eps) {
          if (list.length === max) more = true;
          const addr = s(a(e.addresses)[0]);
          if (!ready(e)) continue;
          if (!more) list.push(addr.includes(':') ? `[${addr}]:${n(p.port)}` : `${addr}:${n(p.port)}`);
          count++;
        }
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export function describeService(w: PrefixWriter, svc: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(svc.spec);
  w.write(0, `Name:\t${svc.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(svc.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', svc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations);
  w.write(0, `Selector:\t${formatLabels(strMap(spec.selector))}\n`);
  w.write(0, `Type:\t${s(spec.type) || 'ClusterIP'}\n`);
  if (typeof spec.ipFamilyPolicy === 'string') w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  const fams = a(spec.ipFamilies).map(s);
  w.write(0, `IP Families:\t${fams.length ? fams.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${s(spec.clusterIP)}\n`);
  const ips = a(spec.clusterIPs).map(s);
  w.write(0, `IPs:\t${ips.length ? ips.join(',') : '<none>'}\n`);
  const ext = a(spec.externalIPs).map(s);
  if (ext.length) w.write(0, `External IPs:\t${ext.join(',')}\n`);
  if (s(spec.loadBalancerIP) !== '') w.write(0, `Desired LoadBalancer IP:\t${s(spec.loadBalancerIP)}\n`);
  if (s(spec.externalName) !== '') w.write(0, `External Name:\t${s(spec.externalName)}\n`);
  const ingress = a(o(o(svc.status).loadBalancer).ingress).map(o);
  if (ingress.length)
    w.write(
      0,
      `LoadBalancer Ingress:\t${ingress
        .map((i) => (s(i.ip) !== '' ? s(i.ip) + (typeof i.ipMode === 'string' ? ` (${i.ipMode})` : '') : s(i.hostname)))
        .join(', ')}\n`,
    );
  const slices = rel.endpointSlices?.filter(
    (sl) => sl.metadata.namespace === svc.metadata.namespace && sl.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name,
  );
  for (const p of a(spec.ports).map(o)) {
    const name = s(p.name) || '<unset>';
    const proto = s(p.protocol) || 'TCP';
    w.write(0, `Port:\t${name}\t${n(p.port)}/${proto}\n`);
    w.write(0, `TargetPort:\t${p.targetPort === undefined ? n(p.port) : intOrString(p.targetPort)}/${proto}\n`);
    if (n(p.nodePort) !== 0) w.write(0, `NodePort:\t${name}\t${n(p.nodePort)}/${proto}\n`);
    const eps =
      slices !== undefined || rel.endpoints === undefined
        ? formatEndpointSlices(slices ?? [], s(p.name))
        : formatEndpoints(rel.endpoints, new Set([s(p.name)])) || '<none>';
    w.write(0, `Endpoints:\t${eps}\n`);
  }
  w.write(0, `Session Affinity:\t${s(spec.sessionAffinity)}\n`);
  if (s(spec.externalTrafficPolicy) !== '') w.write(0, `External Traffic Policy:\t${s(spec.externalTrafficPolicy)}\n`);
  if (typeof spec.internalTrafficPolicy === 'string') w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (n(spec.healthCheckNodePort) !== 0) w.write(0, `HealthCheck NodePort:\t${n(spec.healthCheckNodePort)}\n`);
  const ranges = a(spec.loadBalancerSourceRanges).map(s);
  if (ranges.length) w.write(0, `LoadBalancer Source Ranges:\t${ranges.join(',')}\n`);
  if (showEvents) describeEvents(w, eventsFor(svc, rel.events), now);
}

export function describeEndpoints(w: PrefixWriter, ep: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${ep.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(ep.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', ep.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ep.metadata.annotations);
  w.write(0, 'Subsets:\n');
  for (const ss of a((ep as Obj).subsets).map(o)) {
    w.write(1, `Addresses:\t${a(ss.addresses).map((x) => s(o(x).ip)).join(',') || '<none>'}\n`);
    w.write(1, `NotReadyAddresses:\t${a(ss.notReadyAddresses).map((x) => s(o(x).ip)).join(',') || '<none>'}\n`);
    const ports = a(ss.ports).map(o);
    if (ports.length) {
      w.write(1, 'Ports:\n');
      w.write(2, 'Name\tPort\tProtocol\n');
      w.write(2, '----\t----\t--------\n');
      for (const p of ports) w.write(2, `${s(p.name) || '<unset>'}\t${n(p.port)}\t${s(p.protocol)}\n`);
    }
    w.write(0, '\n');
  }
  if (showEvents) describeEvents(w, eventsFor(ep, rel.events), now);
}

export function describeEndpointSlice(w: PrefixWriter, eps: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const x = eps as Obj;
  w.write(0, `Name:\t${eps.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(eps.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', eps.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', eps.metadata.annotations);
  w.write(0, `AddressType:\t${s(x.addressType)}\n`);
  const ports = a(x.ports).map(o);
  if (ports.length === 0) w.write(0, 'Ports: <unset>\n');
  else {
    w.write(0, 'Ports:\n');
    w.write(1, 'Name\tPort\tProtocol\n');
    w.write(1, '----\t----\t--------\n');
    for (const p of ports)
      w.write(1, `${s(p.name) || '<unset>'}\t${typeof p.port === 'number' ? p.port : '<unset>'}\t${s(p.protocol)}\n`);
  }
  const endpoints = a(x.endpoints).map(o);
  if (endpoints.length === 0) w.write(0, 'Endpoints: <none>\n');
  else {
    w.write(0, 'Endpoints:\n');
    for (const e of endpoints) {
      w.write(1, `- Addresses:\t${a(e.addresses).map(s).join(', ') || '<none>'}\n`);
      w.write(2, 'Conditions:\n');
      const ready = o(e.conditions).ready;
      w.write(3, `Ready:\t${typeof ready === 'boolean' ? String(ready) : '<unset>'}\n`);
      w.write(2, `Hostname:\t${typeof e.hostname === 'string' ? e.hostname : '<unset>'}\n`);
      if (e.targetRef) w.write(2, `TargetRef:\t${s(o(e.targetRef).kind)}/${s(o(e.targetRef).name)}\n`);
      w.write(2, `NodeName:\t${typeof e.nodeName === 'string' ? e.nodeName : '<unset>'}\n`);
      w.write(2, `Zone:\t${typeof e.zone === 'string' ? e.zone : '<unset>'}\n`);
    }
  }
  if (showEvents) describeEvents(w, eventsFor(eps, rel.events), now);
}
