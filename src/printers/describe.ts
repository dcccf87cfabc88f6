// kubectl describe, as k8s.io/kubectl/pkg/describe (v1.32) lays it out: `Key:\tvalue` lines indented by level and
// aligned by a tabwriter (padding 2), the Events table aligned on its own. Related objects (events, pods, replica
// sets, endpoint slices, ...) are passed in; describe() picks the ones that belong to the object, as the describers'
// API queries would.
import type { KubeObject } from '../api/types.js';
import { formatLabels, formatLabelSelector, selectorFromLabelSelector, selectorString } from '../api/labels.js';
import { age, humanDuration, parseTime } from './age.js';
import { describeTabwrite, escapeTerminal } from './tabwriter.js';
import { formatEndpoints, nodeRoles } from './columns.js';
import { addQuantity, formatQuantity, type Quantity, quantityMilliValue, quantityString, quantityValue, tryParseQuantity, cmpQuantity } from './quantity.js';
import { goSort } from './sort.js';
import { goFloatV } from './gofmt.js';

export interface DescribeRelated {
  /** Events (any namespace); those about the object are shown. */
  events?: KubeObject[];
  /** Pods: owned-pod counts (ReplicaSet, StatefulSet, DaemonSet), node usage (Node), users of a PVC. */
  pods?: KubeObject[];
  /** ReplicaSets in the Deployment's namespace (its own are found by owner reference). */
  replicaSets?: KubeObject[];
  /** EndpointSlices (a Service's are found by the kubernetes.io/service-name label). */
  endpointSlices?: KubeObject[];
  /** The Service's Endpoints; used for the Endpoints lines when no EndpointSlices are given. */
  endpoints?: KubeObject;
  /** Secrets in the ServiceAccount's namespace (to mark missing ones and find tokens). */
  secrets?: KubeObject[];
  /** The Node's Lease (kube-node-lease/<node>); null or absent prints kubectl's not-found line. */
  lease?: KubeObject | null;
}

export interface DescribeOptions {
  /** Show the Events section (kubectl --show-events, default true). */
  showEvents?: boolean;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
const strMap = (v: unknown): Record<string, string> | undefined =>
  v && typeof v === 'object' ? (v as Record<string, string>) : undefined;
const has = (v: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined && v[k] !== null;

// ---------------------------------------------------------------- writer

/** describe.PrefixWriter over a tabwriter; flush() formats what was written so far as one block of columns. */
class PrefixWriter {
  private pending = '';
  private done = '';
  write(level: number, text: string): void {
    this.pending += escapeTerminal('  '.repeat(level) + text);
  }
  writeLine(text: string): void {
    this.pending += escapeTerminal(`${text}\n`);
  }
  flush(): void {
    this.done += describeTabwrite(this.pending);
    this.pending = '';
  }
  toString(): string {
    return this.done + describeTabwrite(this.pending);
  }
}

// ---------------------------------------------------------------- formatting helpers

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (x: number): string => String(x).padStart(2, '0');

/** Go's time.RFC1123Z in the local time zone: `Mon, 02 Jan 2006 15:04:05 -0700`; the zero time when missing. */
export function formatRFC1123Z(ts: unknown): string {
  const t = parseTime(ts);
  if (t === undefined) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(t);
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${DAYS[d.getDay()]}, ${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(
    d.getMinutes(),
  )}:${p2(d.getSeconds())} ${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
}

const printBool = (b: unknown): string => (b === true ? 'True' : 'False');
const printBoolPtr = (b: unknown): string => (typeof b === 'boolean' ? printBool(b) : '<unset>');
/** Go %v of a scalar from unstructured JSON. */
const v = (x: unknown): string =>
  x === null || x === undefined ? '<nil>' : typeof x === 'number' ? goFloatV(x) : typeof x === 'boolean' ? String(x) : s(x);
/** Go %v of a []string: `[a b]`. */
const goList = (x: unknown): string => `[${a(x).map(s).join(' ')}]`;
const intOrString = (x: unknown): string => (typeof x === 'number' ? String(x) : s(x));

function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

const MAX_ANNOTATION = 140;
function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration')
    .sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations![k]!.replace(/\n$/, '');
    if (Buffer.byteLength(value) + Buffer.byteLength(k) + 2 > MAX_ANNOTATION || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const line of value.split('\n')) w.write(0, `\t  ${shorten(line, MAX_ANNOTATION - 2)}\n`);
    } else {
      w.write(0, `${k}: ${value}\n`);
    }
  });
}
const shorten = (x: string, max: number): string => {
  const b = Buffer.from(x);
  return b.length > max ? `${b.subarray(0, max).toString()}...` : x;
};

function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: unknown, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const ts = a(tolerations).map(o);
  if (ts.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = goSort([...ts], (x, y) => s(x.key) < s(y.key));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let line = s(t.key);
    if (s(t.value) !== '') line += `=${s(t.value)}`;
    if (s(t.effect) !== '') line += `:${s(t.effect)}`;
    if (t.operator === 'Exists' && s(t.value) === '') line += s(t.key) !== '' || s(t.effect) !== '' ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') line += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${line}\n`);
  });
}

function printTaintsMultiline(w: PrefixWriter, title: string, taints: unknown): void {
  w.write(0, `${title}:\t`);
  const ts = a(taints).map(o);
  if (ts.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const key = (t: Obj): string => `${s(t.effect)},${s(t.key)}`;
  goSort([...ts], (x, y) => key(x) < key(y)).forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    const str = s(t.value) !== '' ? `${s(t.key)}=${s(t.value)}:${s(t.effect)}` : `${s(t.key)}:${s(t.effect)}`;
    w.write(0, `${str}\n`);
  });
}

const controllerOf = (x: KubeObject): Obj | undefined => a(x.metadata.ownerReferences).map(o).find((r) => r.controller === true);
const printController = (x: KubeObject): string => {
  const r = controllerOf(x);
  return r ? `${s(r.kind)}/${s(r.name)}` : '';
};

// ---------------------------------------------------------------- events

const eventSortTime = (e: Obj): number => {
  if (e.series && typeof e.series === 'object') return parseTime(o(e.series).lastObservedTime) ?? 0;
  const last = parseTime(e.lastTimestamp);
  if (last !== undefined) return last;
  return parseTime(e.eventTime) ?? 0;
};

/** The events about `obj`, as describe's field-selector search finds them (Pods match any involved kind). */
export function eventsFor(obj: KubeObject, events: KubeObject[] | undefined, anyKind = false, uids?: string[]): KubeObject[] {
  const want = uids ?? (obj.metadata.uid ? [obj.metadata.uid] : undefined);
  return (events ?? []).filter((e) => {
    const io = o((e as Obj).involvedObject);
    return (
      s(io.name) === obj.metadata.name &&
      s(io.namespace) === (obj.metadata.namespace ?? '') &&
      (anyKind || s(io.kind) === obj.kind) &&
      (!want || want.includes(s(io.uid)))
    );
  });
}

function describeEvents(w: PrefixWriter, events: KubeObject[], now: Date): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = goSort([...events] as Obj[], (x, y) => eventSortTime(x) < eventSortTime(y));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = parseTime(e.eventTime) !== undefined ? age(e.eventTime, now) : age(e.firstTimestamp, now);
    let interval: string;
    if (e.series && typeof e.series === 'object')
      interval = `${age(o(e.series).lastObservedTime, now)} (x${n(o(e.series).count)} over ${first})`;
    else if (n(e.count) > 1) interval = `${age(e.lastTimestamp, now)} (x${n(e.count)} over ${first})`;
    else interval = first;
    const source = s(o(e.source).component) || s(e.reportingController);
    w.write(1, `${s(e.type)}\t${s(e.reason)}\t${interval}\t${source}\t${s(e.message).trim()}\n`);
  }
}

// ---------------------------------------------------------------- containers, volumes, pod templates

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

function describePodTemplate(w: PrefixWriter, template: Obj | undefined): void {
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

// ---------------------------------------------------------------- kinds

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

function describePod(w: PrefixWriter, pod: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
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

/** deploymentutil.EqualIgnoreHash: pod templates equal once pod-template-hash is dropped (nil ≡ empty). */
function equalIgnoreHash(t1: unknown, t2: unknown): boolean {
  const strip = (t: unknown): unknown => {
    const c = JSON.parse(JSON.stringify(t ?? {})) as Obj;
    const labels = o(o(c.metadata).labels);
    delete labels['pod-template-hash'];
    return c;
  };
  return semanticEqual(strip(t1), strip(t2));
}
function semanticEqual(x: unknown, y: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(x) && empty(y)) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, i) => semanticEqual(e, y[i]));
  if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) if (!semanticEqual((x as Obj)[k], (y as Obj)[k])) return false;
    return true;
  }
  return x === y;
}

const ownedBy = (child: KubeObject, owner: KubeObject): boolean => {
  const r = controllerOf(child);
  if (!r) return false;
  if (owner.metadata.uid && r.uid) return r.uid === owner.metadata.uid;
  return r.kind === owner.kind && r.name === owner.metadata.name;
};
const replicasOf = (x: KubeObject): number => (typeof o(x.spec).replicas === 'number' ? (o(x.spec).replicas as number) : 1);
const rsByLabels = (rss: KubeObject[]): string =>
  rss.map((r) => `${r.metadata.name} (${n(o(r.status).replicas)}/${replicasOf(r)} replicas created)`).join(', ') || '<none>';

function selectorText(sel: unknown): string {
  try {
    return selectorString(selectorFromLabelSelector(sel as never));
  } catch (e) {
    return `Failed to get selector: ${(e as Error).message}`;
  }
}

function describeDeployment(w: PrefixWriter, d: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(d.spec);
  const st = o(d.status);
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(d.metadata.namespace)}\n`);
  w.write(0, `CreationTimestamp:\t${formatRFC1123Z(d.metadata.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${replicasOf(d)} desired | ${n(st.updatedReplicas)} updated | ${n(st.replicas)} total | ${n(st.availableReplicas)} available | ${n(
      st.unavailableReplicas,
    )} unavailable\n`,
  );
  const strategy = o(spec.strategy);
  w.write(0, `StrategyType:\t${s(strategy.type)}\n`);
  w.write(0, `MinReadySeconds:\t${n(spec.minReadySeconds)}\n`);
  if (strategy.rollingUpdate) {
    const ru = o(strategy.rollingUpdate);
    w.write(0, `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`);
  }
  describePodTemplate(w, o(spec.template));
  const conds = a(st.conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conds) w.write(1, `${s(c.type)} \t${s(c.status)}\t${s(c.reason)}\n`);
  }
  // GetAllReplicaSets: the Deployment's ReplicaSets by creation time; the new one has the Deployment's template
  const rss = goSort(
    (rel.replicaSets ?? []).filter((r) => r.metadata.namespace === d.metadata.namespace && ownedBy(r, d)),
    (x, y) => {
      const tx = parseTime(x.metadata.creationTimestamp) ?? 0;
      const ty = parseTime(y.metadata.creationTimestamp) ?? 0;
      return tx === ty ? x.metadata.name < y.metadata.name : tx < ty;
    },
  );
  const newRS = rss.find((r) => equalIgnoreHash(o(r.spec).template, spec.template));
  const oldRSs = rss.filter((r) => r !== newRS);
  if (oldRSs.length || newRS) {
    w.write(0, `OldReplicaSets:\t${rsByLabels(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${rsByLabels(newRS ? [newRS] : [])}\n`);
  }
  if (showEvents) describeEvents(w, eventsFor(d, rel.events), now);
}

function podPhaseCounts(owner: KubeObject, pods: KubeObject[] | undefined): string {
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const p of pods ?? []) {
    if (p.metadata.namespace !== owner.metadata.namespace || !ownedBy(p, owner)) continue;
    const ph = s(o(p.status).phase);
    if (ph === 'Running') running++;
    else if (ph === 'Pending') waiting++;
    else if (ph === 'Succeeded') succeeded++;
    else if (ph === 'Failed') failed++;
  }
  return `${running} Running / ${waiting} Waiting / ${succeeded} Succeeded / ${failed} Failed`;
}

function describeReplicaSet(w: PrefixWriter, rs: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(rs.spec);
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(rs.metadata.namespace)}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(spec.selector as never)}\n`);
  printLabelsMultiline(w, 'Labels', rs.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  const ctl = printController(rs);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  w.write(0, `Replicas:\t${n(o(rs.status).replicas)} current / ${replicasOf(rs)} desired\n`);
  w.write(0, 'Pods Status:\t');
  w.write(0, `${podPhaseCounts(rs, rel.pods)}\n`);
  describePodTemplate(w, o(spec.template));
  const conds = a(o(rs.status).conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conds) w.write(1, `${s(c.type)} \t${s(c.status)}\t${s(c.reason)}\n`);
  }
  if (showEvents) describeEvents(w, eventsFor(rs, rel.events), now);
}

function describeStatefulSet(w: PrefixWriter, x: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(x.spec);
  w.write(0, `Name:\t${x.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(x.metadata.namespace)}\n`);
  w.write(0, `CreationTimestamp:\t${formatRFC1123Z(x.metadata.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', x.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', x.metadata.annotations);
  w.write(0, `Replicas:\t${replicasOf(x)} desired | ${n(o(x.status).replicas)} total\n`);
  const us = o(spec.updateStrategy);
  w.write(0, `Update Strategy:\t${s(us.type)}\n`);
  if (us.rollingUpdate) {
    const ru = o(us.rollingUpdate);
    if (typeof ru.partition === 'number') {
      w.write(1, `Partition:\t${ru.partition}\n`);
      if (ru.maxUnavailable !== undefined) w.write(1, `MaxUnavailable:\t${intOrString(ru.maxUnavailable)}\n`);
    }
  }
  w.write(0, `Pods Status:\t${podPhaseCounts(x, rel.pods)}\n`);
  describePodTemplate(w, o(spec.template));
  const vcts = a(spec.volumeClaimTemplates).map(o);
  if (vcts.length === 0) w.write(0, 'Volume Claims:\t<none>\n');
  else {
    w.write(0, 'Volume Claims:\n');
    for (const pvc of vcts) {
      const m = o(pvc.metadata);
      const ps = o(pvc.spec);
      w.write(1, `Name:\t${s(m.name)}\n`);
      w.write(1, `StorageClass:\t${pvcClass(m, ps)}\n`);
      printLabelsMultiline(w, 'Labels', strMap(m.labels), '  ');
      printLabelsMultiline(w, 'Annotations', strMap(m.annotations), '  ');
      const cap = o(o(ps.resources).requests).storage;
      w.write(1, `Capacity:\t${cap !== undefined ? formatQuantity(cap) : '<default>'}\n`);
      w.write(1, `Access Modes:\t${goList(ps.accessModes)}\n`);
    }
  }
  if (showEvents) describeEvents(w, eventsFor(x, rel.events), now);
}

function describeDaemonSet(w: PrefixWriter, x: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(x.spec);
  const st = o(x.status);
  w.write(0, `Name:\t${x.metadata.name}\n`);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(strMap(o(o(spec.template).spec).nodeSelector))}\n`);
  printLabelsMultiline(w, 'Labels', x.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', x.metadata.annotations);
  w.write(0, `Desired Number of Nodes Scheduled: ${n(st.desiredNumberScheduled)}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${n(st.currentNumberScheduled)}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${n(st.updatedNumberScheduled)}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${n(st.numberAvailable)}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${n(st.numberMisscheduled)}\n`);
  w.write(0, `Pods Status:\t${podPhaseCounts(x, rel.pods)}\n`);
  describePodTemplate(w, o(spec.template));
  if (showEvents) describeEvents(w, eventsFor(x, rel.events), now);
}

function describeJob(w: PrefixWriter, job: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(job.spec);
  const st = o(job.status);
  w.write(0, `Name:\t${job.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(job.metadata.namespace)}\n`);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', job.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', job.metadata.annotations);
  const ctl = printController(job);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  if (typeof spec.parallelism === 'number') w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${typeof spec.completions === 'number' ? spec.completions : '<unset>'}\n`);
  if (typeof spec.completionMode === 'string') w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (typeof spec.suspend === 'boolean') w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (typeof spec.backoffLimit === 'number') w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (typeof spec.ttlSecondsAfterFinished === 'number') w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (st.startTime) w.write(0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
  if (st.completionTime) w.write(0, `Completed At:\t${formatRFC1123Z(st.completionTime)}\n`);
  if (st.startTime && st.completionTime)
    w.write(0, `Duration:\t${humanDuration((parseTime(st.completionTime) ?? 0) - (parseTime(st.startTime) ?? 0))}\n`);
  if (typeof spec.activeDeadlineSeconds === 'number') w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  if (typeof st.ready !== 'number')
    w.write(0, `Pods Statuses:\t${n(st.active)} Active / ${n(st.succeeded)} Succeeded / ${n(st.failed)} Failed\n`);
  else w.write(0, `Pods Statuses:\t${n(st.active)} Active (${st.ready} Ready) / ${n(st.succeeded)} Succeeded / ${n(st.failed)} Failed\n`);
  if (spec.completionMode === 'Indexed') {
    const idx = s(st.completedIndexes);
    let shown = idx || '<none>';
    if (idx.length > 50) {
      const cut = idx.indexOf(',', 50);
      if (cut >= 0) shown = `${idx.slice(0, cut + 1)}...`;
    }
    w.write(0, `Completed Indexes:\t${shown}\n`);
  }
  describePodTemplate(w, o(spec.template));
  if (showEvents) describeEvents(w, eventsFor(job, rel.events), now);
}

function describeCronJob(w: PrefixWriter, cj: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(cj.spec);
  const st = o(cj.status);
  w.write(0, `Name:\t${cj.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(cj.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', cj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cj.metadata.annotations);
  w.write(0, `Schedule:\t${s(spec.schedule)}\n`);
  w.write(0, `Concurrency Policy:\t${s(spec.concurrencyPolicy)}\n`);
  w.write(0, `Suspend:\t${printBoolPtr(spec.suspend)}\n`);
  const num = (x: unknown, suffix = ''): string => (typeof x === 'number' ? `${x}${suffix}` : '<unset>');
  w.write(0, `Successful Job History Limit:\t${num(spec.successfulJobsHistoryLimit)}\n`);
  w.write(0, `Failed Job History Limit:\t${num(spec.failedJobsHistoryLimit)}\n`);
  w.write(0, `Starting Deadline Seconds:\t${num(spec.startingDeadlineSeconds, 's')}\n`);
  const jt = o(o(spec.jobTemplate).spec);
  w.write(0, `Selector:\t${jt.selector ? selectorText(jt.selector) : '<unset>'}\n`);
  w.write(0, `Parallelism:\t${num(jt.parallelism)}\n`);
  w.write(0, `Completions:\t${num(jt.completions)}\n`);
  if (typeof jt.activeDeadlineSeconds === 'number') w.write(0, `Active Deadline Seconds:\t${jt.activeDeadlineSeconds}s\n`);
  describePodTemplate(w, o(jt.template));
  w.write(0, `Last Schedule Time:\t${st.lastScheduleTime ? formatRFC1123Z(st.lastScheduleTime) : '<unset>'}\n`);
  w.write(0, 'Active Jobs:\t');
  const active = a(st.active).map(o);
  if (active.length === 0) w.writeLine('<none>');
  else {
    w.write(0, active.map((j) => s(j.name)).join(', '));
    w.writeLine('');
  }
  if (showEvents) describeEvents(w, eventsFor(cj, rel.events), now);
}

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

function describeService(w: PrefixWriter, svc: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
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
    (sl) => sl.metadata.namespace === svc.metadata.namespace && sl.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
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

function describeEndpoints(w: PrefixWriter, ep: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
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

function describeEndpointSlice(w: PrefixWriter, eps: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
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

function describeConfigMap(w: PrefixWriter, cm: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${cm.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(cm.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', cm.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
  // kubectl walks a Go map here (random order); kctl prints the keys sorted
  const data = o((cm as Obj).data);
  w.write(0, '\nData\n====\n');
  for (const k of Object.keys(data).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${s(data[k])}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  const bin = o((cm as Obj).binaryData);
  for (const k of Object.keys(bin).sort()) w.write(0, `${k}: ${Buffer.from(s(bin[k]), 'base64').length} bytes\n`);
  w.write(0, '\n');
  if (showEvents) describeEvents(w, eventsFor(cm, rel.events), now);
}

function describeSecret(w: PrefixWriter, sec: KubeObject): void {
  w.write(0, `Name:\t${sec.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(sec.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', sec.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', sec.metadata.annotations);
  w.write(0, `\nType:\t${s((sec as Obj).type)}\n`);
  w.write(0, '\nData\n====\n');
  const data = o((sec as Obj).data);
  // kubectl prints a service-account token's value; kctl never prints secret values, only their sizes
  for (const k of Object.keys(data).sort()) w.write(0, `${k}:\t${Buffer.from(s(data[k]), 'base64').length} bytes\n`);
}

function describeServiceAccount(w: PrefixWriter, sa: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${sa.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(sa.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', sa.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', sa.metadata.annotations);
  const secrets = (rel.secrets ?? []).filter((x) => x.metadata.namespace === sa.metadata.namespace);
  const existing = new Set(secrets.map((x) => x.metadata.name));
  const tokens = secrets
    .filter(
      (x) =>
        (x as Obj).type === 'kubernetes.io/service-account-token' &&
        x.metadata.annotations?.['kubernetes.io/service-account.name'] === sa.metadata.name &&
        x.metadata.annotations?.['kubernetes.io/service-account.uid'] === s(sa.metadata.uid),
    )
    .map((x) => x.metadata.name);
  const pull = a((sa as Obj).imagePullSecrets).map((x) => s(o(x).name));
  const mount = a((sa as Obj).secrets).map((x) => s(o(x).name));
  const missing = new Set([...pull, ...mount].filter((x) => !existing.has(x)));
  const groups: [string, string[]][] = [
    ['Image pull secrets:', pull],
    ['Mountable secrets: ', mount],
    ['Tokens:            ', tokens],
  ];
  for (const [header, names] of groups) {
    if (names.length === 0) {
      w.write(0, `${header}\t<none>\n`);
      continue;
    }
    let prefix = header;
    for (const nm of names) {
      w.write(0, `${prefix}\t${nm}${missing.has(nm) ? ' (not found)' : ''}\n`);
      prefix = '                   ';
    }
  }
  if (showEvents) describeEvents(w, eventsFor(sa, rel.events), now);
}

function describeNamespace(w: PrefixWriter, ns: KubeObject): void {
  w.write(0, `Name:\t${ns.metadata.name}\n`);
  printLabelsMultiline(w, 'Labels', ns.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
  w.write(0, `Status:\t${s(o(ns.status).phase)}\n`);
  const conds = a(o(ns.status).conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conds)
      w.write(1, `${s(c.type)}\t${s(c.status)}\t${formatRFC1123Z(c.lastTransitionTime)}\t${s(c.reason)}\t${s(c.message)}\n`);
  }
  // kctl has no ResourceQuota or LimitRange objects: print what kubectl prints when there are none
  w.write(0, '\n');
  w.write(0, 'No resource quota.\n');
  w.write(0, '\n');
  w.write(0, 'No LimitRange resource.\n');
}

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

function describeNode(w: PrefixWriter, node: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
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

const pvcClass = (meta: Obj, spec: Obj): string => {
  const ann = o(meta.annotations);
  if (typeof ann['volume.beta.kubernetes.io/storage-class'] === 'string') return ann['volume.beta.kubernetes.io/storage-class'] as string;
  return s(spec.storageClassName);
};
const accessModes = (modes: unknown): string => {
  const m = new Set(a(modes).map(s));
  return [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ]
    .filter(([k]) => m.has(k!))
    .map(([, v]) => v)
    .join(',');
};

function describePVC(w: PrefixWriter, pvc: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(pvc.spec);
  const st = o(pvc.status);
  w.write(0, `Name:\t${pvc.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(pvc.metadata.namespace)}\n`);
  w.write(0, `StorageClass:\t${pvcClass(pvc.metadata as unknown as Obj, spec)}\n`);
  if (pvc.metadata.deletionTimestamp) w.write(0, `Status:\tTerminating (lasts ${age(pvc.metadata.deletionTimestamp, now)})\n`);
  else w.write(0, `Status:\t${s(st.phase)}\n`);
  w.write(0, `Volume:\t${s(spec.volumeName)}\n`);
  printLabelsMultiline(w, 'Labels', pvc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', pvc.metadata.annotations);
  w.write(0, `Finalizers:\t${goList(pvc.metadata.finalizers)}\n`);
  const bound = s(spec.volumeName) !== '';
  w.write(0, `Capacity:\t${bound ? formatQuantity(o(st.capacity).storage ?? '0') : ''}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModes(st.accessModes) : ''}\n`);
  if (typeof spec.volumeMode === 'string') w.write(0, `VolumeMode:\t${spec.volumeMode}\n`);
  if (spec.dataSource) {
    const ds = o(spec.dataSource);
    w.write(0, 'DataSource:\n');
    if (typeof ds.apiGroup === 'string') w.write(1, `APIGroup:\t${ds.apiGroup}\n`);
    w.write(1, `Kind:\t${s(ds.kind)}\n`);
    w.write(1, `Name:\t${s(ds.name)}\n`);
  }
  const users = (rel.pods ?? []).filter(
    (p) =>
      p.metadata.namespace === pvc.metadata.namespace &&
      a(o(p.spec).volumes).some((vol) => s(o(o(vol).persistentVolumeClaim).claimName) === pvc.metadata.name),
  );
  w.write(0, 'Used By:\t');
  if (users.length === 0) w.writeLine('<none>');
  else
    goSort([...users], (x, y) => x.metadata.name < y.metadata.name).forEach((p, i) => {
      if (i !== 0) w.write(0, '\t');
      w.write(0, `${p.metadata.name}\n`);
    });
  const conds = a(st.conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conds)
      w.write(1, `${s(c.type)} \t${s(c.status)} \t${formatRFC1123Z(c.lastProbeTime)} \t${formatRFC1123Z(c.lastTransitionTime)} \t${s(c.reason)} \t${s(c.message)}\n`);
  }
  if (showEvents) describeEvents(w, eventsFor(pvc, rel.events), now);
}

function describeStorageClass(w: PrefixWriter, sc: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const x = sc as Obj;
  const ann = sc.metadata.annotations ?? {};
  const isDefault =
    ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
  w.write(0, `Name:\t${sc.metadata.name}\n`);
  w.write(0, `IsDefaultClass:\t${isDefault ? 'Yes' : 'No'}\n`);
  w.write(0, `Annotations:\t${formatLabels(sc.metadata.annotations)}\n`);
  w.write(0, `Provisioner:\t${s(x.provisioner)}\n`);
  w.write(0, `Parameters:\t${formatLabels(strMap(x.parameters))}\n`);
  w.write(0, `AllowVolumeExpansion:\t${printBoolPtr(x.allowVolumeExpansion)}\n`);
  const mo = a(x.mountOptions).map(s);
  w.write(0, `MountOptions:${mo.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mo) w.write(1, `${m}\n`);
  w.write(0, `ReclaimPolicy:\t${typeof x.reclaimPolicy === 'string' ? x.reclaimPolicy : '<unset>'}\n`);
  w.write(0, `VolumeBindingMode:\t${typeof x.volumeBindingMode === 'string' ? x.volumeBindingMode : '<unset>'}\n`);
  const topo = a(x.allowedTopologies).map(o);
  if (topo.length) {
    w.write(0, 'AllowedTopologies:\t\n');
    topo.forEach((t, i) => {
      const terms = a(t.matchLabelExpressions).map(o);
      const txt = terms.map((e) => `${s(e.key)} in [${a(e.values).map(s).join(', ')}]`).join(', ');
      w.write(1, `Term ${i}:\t${txt}\n`);
    });
  }
  if (showEvents) describeEvents(w, eventsFor(sc, rel.events), now);
}

// ---------------------------------------------------------------- generic

/** smartLabelFor: `creationTimestamp` → `Creation Timestamp`, `apiVersion` → `API Version`. */
export function smartLabelFor(field: string): string {
  if ([...field].some((r) => !/\p{L}/u.test(r) && r !== '-')) return field;
  const cls = (r: string): number => (/\p{Ll}/u.test(r) ? 1 : /\p{Lu}/u.test(r) ? 2 : /\p{Nd}/u.test(r) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const r of field) {
    const c = cls(r);
    if (c === last) runs[runs.length - 1]!.push(r);
    else runs.push([r]);
    last = c;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (/\p{Lu}/u.test(runs[i]![0]!) && /\p{Ll}/u.test(runs[i + 1]![0]!)) {
      runs[i + 1]!.unshift(runs[i]!.pop()!);
    }
  }
  const acronyms = ['API', 'URL', 'UID', 'OSB', 'GUID'];
  return runs
    .filter((r) => r.length > 0)
    .map((r) => r.join(''))
    .filter((p) => p !== '_')
    .map((p) => (acronyms.includes(p.toUpperCase()) ? p.toUpperCase() : p.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, ch: string) => pre + ch.toUpperCase())))
    .join(' ');
}

function printUnstructuredContent(w: PrefixWriter, level: number, content: Obj, skipPrefix: string, skip: string[]): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const skipExpr = `${skipPrefix}.${field}`;
    if (skip.includes(skipExpr)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructuredContent(w, level + 1, value as Obj, skipExpr, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) printUnstructuredContent(w, level + 1, child as Obj, skipExpr, skip);
        else w.write(level + 1, `${Array.isArray(child) ? goList(child) : v(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${v(value)}\n`);
    }
  }
}

function describeGeneric(w: PrefixWriter, obj: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(obj.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', obj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata.annotations);
  printUnstructuredContent(w, 0, obj as unknown as Obj, '', [
    '.metadata.managedFields',
    '.metadata.name',
    '.metadata.namespace',
    '.metadata.labels',
    '.metadata.annotations',
  ]);
  if (showEvents) describeEvents(w, eventsFor(obj, rel.events), now);
}

// ---------------------------------------------------------------- entry

type Describer = (w: PrefixWriter, obj: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean) => void;
const DESCRIBERS: Record<string, Describer> = {
  Pod: describePod,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  StatefulSet: describeStatefulSet,
  DaemonSet: describeDaemonSet,
  Job: describeJob,
  CronJob: describeCronJob,
  Service: describeService,
  Endpoints: describeEndpoints,
  EndpointSlice: describeEndpointSlice,
  ConfigMap: describeConfigMap,
  Secret: (w, x) => describeSecret(w, x),
  ServiceAccount: describeServiceAccount,
  Namespace: (w, x) => describeNamespace(w, x),
  Node: describeNode,
  PersistentVolumeClaim: describePVC,
  StorageClass: describeStorageClass,
};

/**
 * Renders `kubectl describe` for one object. `now` drives every age; absolute times print in the process's local
 * time zone, as kubectl prints them. Kinds without a dedicated describer get kubectl's generic one.
 */
export function describe(obj: KubeObject, related: DescribeRelated, now: Date, opts: DescribeOptions = {}): string {
  const w = new PrefixWriter();
  (DESCRIBERS[obj.kind] ?? describeGeneric)(w, obj, related, now, opts.showEvents ?? true);
  return w.toString();
}

/** How kubectl describe joins several objects: a blank line between them. */
export const joinDescriptions = (texts: string[]): string => texts.map((t, i) => (i === 0 ? t : `\n\n${t}`)).join('');

/** Optional emphasis for terminals (kubectl itself prints describe without colour). */
export async function colorizeDescribe(text: string): Promise<string> {
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return text.replace(/^([A-Z][A-Za-z -]*:)(?=\s|$)/gm, (m) => chalk.bold(m));
}
