// Pods and what pod templates share: containers, probes, env, mounts, volumes, topology spread (PodDescriber).
import { formatLabels, formatLabelSelector } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { age } from '../age.js';
import { cmpQuantity, formatQuantity, quantityString, tryParseQuantity } from '../../api/quantity.js';
import { goSort } from '../sort.js';
import { a, describeEvents, type DescribeRelated, eventsFor, formatRFC1123Z, goList, intOrString, n, o, type Obj, PrefixWriter, printAnnotationsMultiline, printBool, printController, printLabelsMultiline, printTolerationsMultiline, s, strMap } from './helpers.js';

function describeProbe(p: Obj): string {
  const attrs = `delay=${n(p.initialDelaySeconds)}s timeout=${n(p.timeoutSeconds)}s period=${n(p.periodSeconds)}s #success=${n(
    p.successThreshold,
  )} #failure=${n(p.failureThreshold)}`;
  if (p.exec) return `exec ${goList(o(p.exec).command)} ${attrs}`;
  if (p.httpGet) {
    const h = o(p.httpGet);
    const port = intOrString(h.port);
    const host = s(h.host);
    const hostPort = port !== '' ? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`) : host;
    const scheme = s(h.scheme).toLowerCase();
    let path = s(h.path);
    if (path !== '' && !path.startsWith('/')) path = `/${path}`;
    const url = `${scheme ? `${scheme}:` : ''}${scheme || hostPort ? `//${hostPort}` : ''}${path}`;
    return `http-get ${url} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${s(o(p.tcpSocket).host)}:${intOrString(o(p.tcpSocket).port)} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${n(o(p.grpc).port)} ${s(o(p.grpc).service)} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeState(w: PrefixWriter, name: string, state: Obj): void {
  if (state.running) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${formatRFC1123Z(o(state.running).startedAt)}\n`);
  } else if (state.waiting) {
    w.write(2, `${name}:\tWaiting\n`);
    if (s(o(state.waiting).reason) !== '') w.write(3, `Reason:\t${s(o(state.waiting).reason)}\n`);
  } else if (state.terminated) {
    const t = o(state.terminated);
    w.write(2, `${name}:\tTerminated\n`);
    if (s(t.reason) !== '') w.write(3, `Reason:\t${s(t.reason)}\n`);
    if (s(t.message) !== '') w.write(3, `Message:\t${s(t.message)}\n`);
    w.write(3, `Exit Code:\t${n(t.exitCode)}\n`);
    if (n(t.signal) > 0) w.write(3, `Signal:\t${n(t.signal)}\n`);
    w.write(3, `Started:\t${formatRFC1123Z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${formatRFC1123Z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${name}:\tWaiting\n`);
  }
}

const sortedResourceNames = (list: Obj): string[] => Object.keys(list).sort();

function describeResources(w: PrefixWriter, resources: Obj, level: number): void {
  const limits = o(resources.limits);
  const requests = o(resources.requests);
  if (Object.keys(limits).length) w.write(level, 'Limits:\n');
  for (const k of sortedResourceNames(limits)) w.write(level + 1, `${k}:\t${formatQuantity(limits[k])}\n`);
  if (Object.keys(requests).length) w.write(level, 'Requests:\n');
  for (const k of sortedResourceNames(requests)) w.write(level + 1, `${k}:\t${formatQuantity(requests[k])}\n`);
}

function fieldPathValue(pod: KubeObject | undefined, path: string): string {
  if (!pod) return '';
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return s((pod.metadata as unknown as Obj)[m[1]!] && o((pod.metadata as unknown as Obj)[m[1]!])[m[2]!]);
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return s(pod.metadata.namespace);
    case 'metadata.uid':
      return s(pod.metadata.uid);
    case 'spec.nodeName':
      return s(o(pod.spec).nodeName);
    case 'spec.serviceAccountName':
      return s(o(pod.spec).serviceAccountName);
    case 'status.hostIP':
      return s(o(pod.status).hostIP);
    case 'status.podIP':
      return s(o(pod.status).podIP);
    case 'status.podIPs':
      return a(o(pod.status).podIPs).map((x) => s(o(x).ip)).join(',');
    case 'metadata.labels':
      return formatLabels(pod.metadata.labels).replace(/^<none>$/, '');
    default:
      return '';
  }
}

function describeContainers(
  w: PrefixWriter,
  label: string,
  containers: Obj[],
  statuses: Obj[] | undefined,
  pod: KubeObject | undefined,
  space: string,
): void {
  const byName = new Map((statuses ?? []).map((cs) => [s(cs.name), cs]));
  w.write(0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const c of containers) {
    const st = byName.get(s(c.name));
    w.write(1, `${space ? ' ' : ''}${s(c.name)}:\n`);
    if (st) w.write(2, `Container ID:\t${s(st.containerID)}\n`);
    w.write(2, `Image:\t${s(c.image)}\n`);
    if (st) w.write(2, `Image ID:\t${s(st.imageID)}\n`);
    const ports = a(c.ports).map(o);
    const portStr = ports.map((p) => `${n(p.containerPort)}/${s(p.protocol) || 'TCP'}`).join(', ');
    if (portStr.includes(',')) w.write(2, `Ports:\t${portStr}\n`);
    else w.write(2, `Port:\t${portStr || '<none>'}\n`);
    const hostStr = ports.map((p) => `${n(p.hostPort)}/${s(p.protocol) || 'TCP'}`).join(', ');
    if (hostStr.includes(',')) w.write(2, `Host Ports:\t${hostStr}\n`);
    else w.write(2, `Host Port:\t${hostStr || '<none>'}\n`);
    const sp = o(o(c.securityContext).seccompProfile);
    if (c.securityContext && o(c.securityContext).seccompProfile) {
      w.write(2, `SeccompProfile:\t${s(sp.type)}\n`);
      if (sp.type === 'Localhost') w.write(3, `LocalhostProfile:\t${s(sp.localhostProfile)}\n`);
    }
    if (a(c.command).length) {
      w.write(2, 'Command:\n');
      for (const x of a(c.command)) for (const line of s(x).split('\n')) w.write(3, `${line}\n`);
    }
    if (a(c.args).length) {
      w.write(2, 'Args:\n');
      for (const x of a(c.args)) for (const line of s(x).split('\n')) w.write(3, `${line}\n`);
    }
    if (st) {
      describeState(w, 'State', o(st.state));
      if (o(st.lastState).terminated) describeState(w, 'Last State', o(st.lastState));
      w.write(2, `Ready:\t${printBool(st.ready)}\n`);
      w.write(2, `Restart Count:\t${n(st.restartCount)}\n`);
    }
    describeResources(w, o(c.resources), 2);
    if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(o(c.livenessProbe))}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(o(c.readinessProbe))}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(o(c.startupProbe))}\n`);
    const envFrom = a(c.envFrom).map(o);
    if (envFrom.length) {
      w.write(2, 'Environment Variables from:\n');
      for (const e of envFrom) {
        const ref = e.configMapRef ? o(e.configMapRef) : e.secretRef ? o(e.secretRef) : {};
        const from = e.configMapRef ? 'ConfigMap' : e.secretRef ? 'Secret' : '';
        const opt = ref.optional === true;
        if (s(e.prefix) === '') w.write(3, `${s(ref.name)}\t${from}\tOptional: ${opt}\n`);
        else w.write(3, `${s(ref.name)}\t${from} with prefix '${s(e.prefix)}'\tOptional: ${opt}\n`);
      }
    }
    const env = a(c.env).map(o);
    w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
    for (const e of env) {
      if (!e.valueFrom) {
        s(e.value)
          .split('\n')
          .forEach((line, i) => w.write(3, i === 0 ? `${s(e.name)}:\t${line}\n` : `\t${line}\n`));
        continue;
      }
      const vf = o(e.valueFrom);
      if (vf.fieldRef) {
        const fr = o(vf.fieldRef);
        w.write(3, `${s(e.name)}:\t${fieldPathValue(pod, s(fr.fieldPath))} (${s(fr.apiVersion)}:${s(fr.fieldPath)})\n`);
      } else if (vf.resourceFieldRef) {
        const rf = o(vf.resourceFieldRef);
        const res = s(rf.resource);
        const [kind, name] = res.split('.') as [string, string];
        const q = o(o(c.resources)[kind])[name];
        let val = q === undefined ? '0' : formatQuantity(q);
        if (val === '0' && (res === 'limits.cpu' || res === 'limits.memory')) val = 'node allocatable';
        w.write(3, `${s(e.name)}:\t${val} (${res})\n`);
      } else if (vf.secretKeyRef) {
        const r = o(vf.secretKeyRef);
        w.write(3, `${s(e.name)}:\t<set to the key '${s(r.key)}' in secret '${s(r.name)}'>\tOptional: ${r.optional === true}\n`);
      } else if (vf.configMapKeyRef) {
        const r = o(vf.configMapKeyRef);
        w.write(3, `${s(e.name)}:\t<set to the key '${s(r.key)}' of config map '${s(r.name)}'>\tOptional: ${r.optional === true}\n`);
      }
    }
    const mounts = a(c.volumeMounts).map(o);
    w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
    for (const m of goSort([...mounts], (x, y) => s(x.mountPath) < s(y.mountPath))) {
      const flags = [m.readOnly === true ? 'ro' : 'rw'];
      if (s(m.subPath) !== '') flags.push(`path=${JSON.stringify(s(m.subPath))}`);
      w.write(3, `${s(m.mountPath)} from ${s(m.name)} (${flags.join(',')})\n`);
    }
    const devices = a(c.volumeDevices).map(o);
    if (devices.length) {
      w.write(2, `Devices:${mounts.length === 0 ? '\t<none>' : ''}\n`);
      for (const d of goSort([...devices], (x, y) => s(x.devicePath) < s(y.devicePath)))
        w.write(3, `${s(d.devicePath)} from ${s(d.name)}\n`);
    }
  }
}

function describeVolumes(w: PrefixWriter, volumes: Obj[], space: string): void {
  if (volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const vol of volumes) {
    w.write(1, `${space ? ' ' : ''}${s(vol.name)}:\n`);
    if (vol.hostPath) {
      const hp = o(vol.hostPath);
      w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${s(hp.path)}\n    HostPathType:\t${typeof hp.type === 'string' ? hp.type : '<none>'}\n`);
    } else if (vol.emptyDir) {
      const ed = o(vol.emptyDir);
      const q = tryParseQuantity(ed.sizeLimit);
      const limit = q && q.nano > 0n ? quantityString(q) : '<unset>';
      w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${s(ed.medium)}\n    SizeLimit:\t${limit}\n`);
    } else if (vol.secret) {
      const sv = o(vol.secret);
      w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${s(sv.secretName)}\n    Optional:\t${sv.optional === true}\n`);
    } else if (vol.configMap) {
      const cm = o(vol.configMap);
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${s(cm.name)}\n    Optional:\t${cm.optional === true}\n`);
    } else if (vol.persistentVolumeClaim) {
      const pvc = o(vol.persistentVolumeClaim);
      w.write(2, `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${s(pvc.claimName)}\n    ReadOnly:\t${pvc.readOnly === true}\n`);
    } else if (vol.nfs) {
      const nfs = o(vol.nfs);
      w.write(2, `Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t${s(nfs.server)}\n    Path:\t${s(nfs.path)}\n    ReadOnly:\t${nfs.readOnly === true}\n`);
    } else if (vol.downwardAPI) {
      w.write(2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
      for (const it of a(o(vol.downwardAPI).items).map(o)) {
        if (it.fieldRef) w.write(3, `${s(o(it.fieldRef).fieldPath)} -> ${s(it.path)}\n`);
        if (it.resourceFieldRef) w.write(3, `${s(o(it.resourceFieldRef).resource)} -> ${s(it.path)}\n`);
      }
    } else if (vol.projected) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const src of a(o(vol.projected).sources).map(o)) {
        if (src.secret) w.write(2, `SecretName:\t${s(o(src.secret).name)}\n    Optional:\t${o(src.secret).optional === true}\n`);
        else if (src.downwardAPI) w.write(2, 'DownwardAPI:\ttrue\n');
        else if (src.configMap) w.write(2, `ConfigMapName:\t${s(o(src.configMap).name)}\n    Optional:\t${o(src.configMap).optional === true}\n`);
        else if (src.serviceAccountToken) w.write(2, `TokenExpirationSeconds:\t${n(o(src.serviceAccountToken).expirationSeconds)}\n`);
      }
    } else {
      w.write(1, '<unknown>\n');
    }
  }
}

export function describePodTemplate(w: PrefixWriter, template: Obj | undefined): void {
  w.write(0, 'Pod Template:\n');
  if (!template) {
    w.write(1, '<unset>');
    return;
  }
  const meta = o(template.metadata);
  const spec = o(template.spec);
  printLabelsMultiline(w, '  Labels', strMap(meta.labels));
  if (Object.keys(o(meta.annotations)).length) printAnnotationsMultiline(w, '  Annotations', strMap(meta.annotations));
  if (s(spec.serviceAccountName) !== '') w.write(1, `Service Account:\t${s(spec.serviceAccountName)}\n`);
  if (a(spec.initContainers).length) describeContainers(w, 'Init Containers', a(spec.initContainers).map(o), undefined, undefined, '  ');
  describeContainers(w, 'Containers', a(spec.containers).map(o), undefined, undefined, '  ');
  describeVolumes(w, a(spec.volumes).map(o), '  ');
  describeTopologySpreadConstraints(w, a(spec.topologySpreadConstraints).map(o), '  ');
  if (s(spec.priorityClassName) !== '') w.write(1, `Priority Class Name:\t${s(spec.priorityClassName)}\n`);
  printLabelsMultiline(w, '  Node-Selectors', strMap(spec.nodeSelector));
  printTolerationsMultiline(w, '  Tolerations', spec.tolerations);
}

function describeTopologySpreadConstraints(w: PrefixWriter, tscs: Obj[], space: string): void {
  if (tscs.length === 0) return;
  const sorted = goSort([...tscs], (x, y) => s(x.topologyKey) < s(y.topologyKey));
  w.write(0, `${space}Topology Spread Constraints:\t`);
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, `${space}\t`);
    let line = `${s(t.topologyKey)}:${s(t.whenUnsatisfiable)} when max skew ${n(t.maxSkew)} is exceeded`;
    if (t.labelSelector) line += ` for selector ${formatLabelSelector(o(t.labelSelector) as never)}`;
    w.write(0, `${line}\n`);
  });
}

/** qos.GetPodQOS: status.qosClass, else computed from the containers' requests and limits. */
function podQOS(pod: KubeObject): string {
  const stq = s(o(pod.status).qosClass);
  if (stq) return stq;
  const spec = o(pod.spec);
  const cs = [...a(spec.containers), ...a(spec.initContainers)].map(o);
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const r = o(c.resources);
    const req = o(r.requests);
    const lim = o(r.limits);
    for (const k of ['cpu', 'memory']) {
      const rq = tryParseQuantity(req[k]);
      const lq = tryParseQuantity(lim[k]);
      if ((rq && rq.nano !== 0n) || (lq && lq.nano !== 0n)) any = true;
      if (!lq || lq.nano === 0n) guaranteed = false;
      else if (rq && cmpQuantity(rq, lq) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function describePod(w: PrefixWriter, pod: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(pod.spec);
  const st = o(pod.status);
  w.write(0, `Name:\t${pod.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(pod.metadata.namespace)}\n`);
  if (typeof spec.priority === 'number') w.write(0, `Priority:\t${spec.priority}\n`);
  if (s(spec.priorityClassName) !== '') w.write(0, `Priority Class Name:\t${s(spec.priorityClassName)}\n`);
  if (s(spec.runtimeClassName) !== '') w.write(0, `Runtime Class Name:\t${s(spec.runtimeClassName)}\n`);
  if (s(spec.serviceAccountName) !== '') w.write(0, `Service Account:\t${s(spec.serviceAccountName)}\n`);
  if (s(spec.nodeName) === '') w.write(0, 'Node:\t<none>\n');
  else w.write(0, `Node:\t${s(spec.nodeName)}/${s(st.hostIP)}\n`);
  if (st.startTime) w.write(0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', pod.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', pod.metadata.annotations);
  if (pod.metadata.deletionTimestamp && st.phase !== 'Failed' && st.phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${age(pod.metadata.deletionTimestamp, now)})\n`);
    w.write(0, `Termination Grace Period:\t${n(pod.metadata.deletionGracePeriodSeconds)}s\n`);
  } else {
    w.write(0, `Status:\t${s(st.phase)}\n`);
  }
  if (s(st.reason) !== '') w.write(0, `Reason:\t${s(st.reason)}\n`);
  if (s(st.message) !== '') w.write(0, `Message:\t${s(st.message)}\n`);
  const sp = o(o(spec.securityContext).seccompProfile);
  if (o(spec.securityContext).seccompProfile) {
    w.write(0, `SeccompProfile:\t${s(sp.type)}\n`);
    if (sp.type === 'Localhost') w.write(0, `LocalhostProfile:\t${s(sp.localhostProfile)}\n`);
  }
  const ips = a(st.podIPs).map(o);
  const podIP = s(st.podIP) || (ips.length ? s(ips[0]!.ip) : '');
  w.write(0, `IP:\t${podIP}\n`);
  const allIPs = ips.length ? ips.map((x) => s(x.ip)) : podIP ? [podIP] : [];
  if (allIPs.length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of allIPs) w.write(1, `IP:\t${ip}\n`);
  }
  const ctl = printController(pod);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  if (s(st.nominatedNodeName) !== '') w.write(0, `NominatedNodeName:\t${s(st.nominatedNodeName)}\n`);
  if (spec.resources) {
    w.write(0, 'Resources:\n');
    describeResources(w, o(spec.resources), 1);
  }
  if (a(spec.initContainers).length)
    describeContainers(w, 'Init Containers', a(spec.initContainers).map(o), a(st.initContainerStatuses).map(o), pod, '');
  describeContainers(w, 'Containers', a(spec.containers).map(o), a(st.containerStatuses).map(o), pod, '');
  if (a(spec.ephemeralContainers).length)
    describeContainers(w, 'Ephemeral Containers', a(spec.ephemeralContainers).map(o), a(st.ephemeralContainerStatuses).map(o), pod, '');
  const conds = a(st.conditions).map(o);
  const gates = a(spec.readinessGates).map(o);
  if (gates.length) {
    w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of gates) {
      const c = conds.find((x) => x.type === g.conditionType);
      w.write(1, `${s(g.conditionType)} \t${c ? s(c.status) : '<none>'} \n`);
    }
  }
  if (conds.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conds) w.write(1, `${s(c.type)} \t${s(c.status)} \n`);
  }
  describeVolumes(w, a(spec.volumes).map(o), '');
  w.write(0, `QoS Class:\t${podQOS(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', strMap(spec.nodeSelector));
  printTolerationsMultiline(w, 'Tolerations', spec.tolerations);
  describeTopologySpreadConstraints(w, a(spec.topologySpreadConstraints).map(o), '');
  if (showEvents) describeEvents(w, eventsFor(pod, rel.events, true), now);
}
