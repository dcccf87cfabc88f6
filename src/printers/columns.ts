// Per-kind table columns, as data: what the API server's table convertor (kubernetes pkg/printers/internalversion
// printers.go) returns for `kubectl get`. Each column names its header as kubectl prints it, marks the `-o wide`
// ones, and computes its cell from the stored object. The table printer only lays cells out.
import { ANN_BETA_DEFAULT_STORAGE_CLASS, ANN_BETA_STORAGE_CLASS, ANN_DEFAULT_STORAGE_CLASS, LABEL_ROLE, NODE_ROLE_PREFIX } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import { formatLabels, formatLabelSelector, selectorFromLabelSelector, selectorString } from '../api/labels.js';
import { age, humanDuration, parseTime } from './age.js';
import { formatQuantity } from '../api/quantity.js';
import { KIND_TABLES } from './columns-kinds.js';

export interface ColumnContext {
  now: Date;
}

export interface Column {
  /** Header, as kubectl prints it (kubectl upper-cases the API's column names). */
  name: string;
  /** Priority-1 column: only shown with -o wide. */
  wide?: boolean;
  /** The object-name column (Format "name"): gets the `kind.group/` prefix when several kinds are printed. */
  isName?: boolean;
  get(obj: KubeObject, ctx: ColumnContext): string;
}

// ---- loose accessors over stored JSON

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
const spec = (x: KubeObject): Obj => o(x.spec);
const status = (x: KubeObject): Obj => o(x.status);
const strMap = (v: unknown): Record<string, string> | undefined =>
  v && typeof v === 'object' ? (v as Record<string, string>) : undefined;

const NAME: Column = { name: 'NAME', isName: true, get: (x) => x.metadata.name };
const AGE: Column = { name: 'AGE', get: (x, c) => age(x.metadata.creationTimestamp, c.now) };

/** layoutContainerCells: container names and images, comma-joined. */
export function layoutContainerCells(containers: unknown): [string, string] {
  const cs = a(containers).map(o);
  return [cs.map((c) => s(c.name)).join(','), cs.map((c) => s(c.image)).join(',')];
}
const templateSpec = (x: KubeObject): Obj => o(o(spec(x).template).spec);
const CONTAINERS: Column = { name: 'CONTAINERS', wide: true, get: (x) => layoutContainerCells(templateSpec(x).containers)[0] };
const IMAGES: Column = { name: 'IMAGES', wide: true, get: (x) => layoutContainerCells(templateSpec(x).containers)[1] };
const SELECTOR: Column = { name: 'SELECTOR', wide: true, get: (x) => formatLabelSelector(spec(x).selector as never) };

// ---------------------------------------------------------------- Pod

const isRestartableInit = (c: Obj | undefined): boolean => !!c && c.restartPolicy === 'Always';
const condTrue = (conds: unknown, type: string): boolean =>
  a(conds).some((c) => o(c).type === type && o(c).status === 'True');
const isPodInitializedTrue = (st: Obj): boolean => {
  for (const c of a(st.conditions).map(o)) if (c.type === 'Initialized') return c.status === 'True';
  return false;
};

export interface PodCells {
  ready: string;
  status: string;
  restarts: string;
}

/** printPod's READY, STATUS and RESTARTS (with ` (5m ago)` since the last restart). */
export function podCells(pod: KubeObject, now: Date): PodCells {
  const sp = spec(pod);
  const st = status(pod);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = a(sp.containers).length;
  let readyContainers = 0;
  let lastRestart = 0; // ms; 0 = zero time
  let lastRestartableInitRestart = 0;
  const phase = s(st.phase);
  let reason = phase;
  if (s(st.reason) !== '') reason = s(st.reason);
  for (const c of a(st.conditions).map(o))
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const initContainers = new Map<string, Obj>();
  for (const ic of a(sp.initContainers).map(o)) {
    initContainers.set(s(ic.name), ic);
    if (isRestartableInit(ic)) totalContainers++;
  }
  const finishedAt = (cs: Obj): number | undefined => {
    const t = o(o(cs.lastState).terminated);
    return cs.lastState && o(cs.lastState).terminated ? (parseTime(t.finishedAt) ?? 0) : undefined;
  };

  let initializing = false;
  const ics = a(st.initContainerStatuses).map(o);
  for (let i = 0; i < ics.length; i++) {
    const c = ics[i]!;
    restarts += n(c.restartCount);
    const fin = finishedAt(c);
    if (fin !== undefined && lastRestart < fin) lastRestart = fin;
    const restartable = isRestartableInit(initContainers.get(s(c.name)));
    if (restartable) {
      restartableInitRestarts += n(c.restartCount);
      if (fin !== undefined && lastRestartableInitRestart < fin) lastRestartableInitRestart = fin;
    }
    const state = o(c.state);
    const term = state.terminated ? o(state.terminated) : undefined;
    const wait = state.waiting ? o(state.waiting) : undefined;
    if (term && n(term.exitCode) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready === true) readyContainers++;
      continue;
    }
    if (term) {
      if (s(term.reason) === '') {
        reason = n(term.signal) !== 0 ? `Init:Signal:${n(term.signal)}` : `Init:ExitCode:${n(term.exitCode)}`;
      } else reason = `Init:${s(term.reason)}`;
      initializing = true;
    } else if (wait && s(wait.reason) !== '' && wait.reason !== 'PodInitializing') {
      reason = `Init:${s(wait.reason)}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${a(sp.initContainers).length}`;
      initializing = true;
    }
    break;
  }

  if (!initializing || isPodInitializedTrue(st)) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const css = a(st.containerStatuses).map(o);
    for (let i = css.length - 1; i >= 0; i--) {
      const c = css[i]!;
      restarts += n(c.restartCount);
      const fin = finishedAt(c);
      if (fin !== undefined && lastRestart < fin) lastRestart = fin;
      const state = o(c.state);
      const term = state.terminated ? o(state.terminated) : undefined;
      const wait = state.waiting ? o(state.waiting) : undefined;
      if (wait && s(wait.reason) !== '') reason = s(wait.reason);
      else if (term && s(term.reason) !== '') reason = s(term.reason);
      else if (term) reason = n(term.signal) !== 0 ? `Signal:${n(term.signal)}` : `ExitCode:${n(term.exitCode)}`;
      else if (c.ready === true && state.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = condTrue(st.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && st.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsStr = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsStr };
}

const podIP = (x: KubeObject): string => {
  const st = status(x);
  const ips = a(st.podIPs).map(o);
  return (ips.length ? s(ips[0]!.ip) : s(st.podIP)) || '<none>';
};

const POD: Column[] = [
  NAME,
  { name: 'READY', get: (x, c) => podCells(x, c.now).ready },
  { name: 'STATUS', get: (x, c) => podCells(x, c.now).status },
  { name: 'RESTARTS', get: (x, c) => podCells(x, c.now).restarts },
  AGE,
  { name: 'IP', wide: true, get: podIP },
  { name: 'NODE', wide: true, get: (x) => s(spec(x).nodeName) || '<none>' },
  { name: 'NOMINATED NODE', wide: true, get: (x) => s(status(x).nominatedNodeName) || '<none>' },
  {
    name: 'READINESS GATES',
    wide: true,
    get: (x) => {
      const gates = a(spec(x).readinessGates).map(o);
      if (gates.length === 0) return '<none>';
      let t = 0;
      for (const g of gates) {
        const c = a(status(x).conditions).map(o).find((cd) => cd.type === g.conditionType);
        if (c && c.status === 'True') t++;
      }
      return `${t}/${gates.length}`;
    },
  },
];

// ---------------------------------------------------------------- workloads

const replicas = (x: KubeObject): number => (typeof spec(x).replicas === 'number' ? (spec(x).replicas as number) : 1);

const DEPLOYMENT: Column[] = [
  NAME,
  { name: 'READY', get: (x) => `${n(status(x).readyReplicas)}/${replicas(x)}` },
  { name: 'UP-TO-DATE', get: (x) => String(n(status(x).updatedReplicas)) },
  { name: 'AVAILABLE', get: (x) => String(n(status(x).availableReplicas)) },
  AGE,
  CONTAINERS,
  IMAGES,
  {
    name: 'SELECTOR',
    wide: true,
    get: (x) => {
      try {
        return selectorString(selectorFromLabelSelector(spec(x).selector as never));
      } catch {
        return '<invalid>';
      }
    },
  },
];

const REPLICASET: Column[] = [
  NAME,
  { name: 'DESIRED', get: (x) => String(replicas(x)) },
  { name: 'CURRENT', get: (x) => String(n(status(x).replicas)) },
  { name: 'READY', get: (x) => String(n(status(x).readyReplicas)) },
  AGE,
  CONTAINERS,
  IMAGES,
  SELECTOR,
];

const STATEFULSET: Column[] = [
  NAME,
  { name: 'READY', get: (x) => `${n(status(x).readyReplicas)}/${replicas(x)}` },
  AGE,
  CONTAINERS,
  IMAGES,
];

const DAEMONSET: Column[] = [
  NAME,
  { name: 'DESIRED', get: (x) => String(n(status(x).desiredNumberScheduled)) },
  { name: 'CURRENT', get: (x) => String(n(status(x).currentNumberScheduled)) },
  { name: 'READY', get: (x) => String(n(status(x).numberReady)) },
  { name: 'UP-TO-DATE', get: (x) => String(n(status(x).updatedNumberScheduled)) },
  { name: 'AVAILABLE', get: (x) => String(n(status(x).numberAvailable)) },
  { name: 'NODE SELECTOR', get: (x) => formatLabels(strMap(templateSpec(x).nodeSelector)) },
  AGE,
  CONTAINERS,
  IMAGES,
  SELECTOR,
];

const jobCondition = (x: KubeObject, type: string): boolean => {
  for (const c of a(status(x).conditions).map(o)) if (c.type === type) return c.status === 'True';
  return false;
};

const JOB: Column[] = [
  NAME,
  {
    name: 'STATUS',
    get: (x) => {
      if (jobCondition(x, 'Complete')) return 'Complete';
      if (jobCondition(x, 'Failed')) return 'Failed';
      if (x.metadata.deletionTimestamp) return 'Terminating';
      if (jobCondition(x, 'Suspended')) return 'Suspended';
      if (jobCondition(x, 'FailureTarget')) return 'FailureTarget';
      return 'Running';
    },
  },
  {
    name: 'COMPLETIONS',
    get: (x) => {
      const succeeded = n(status(x).succeeded);
      if (typeof spec(x).completions === 'number') return `${succeeded}/${spec(x).completions as number}`;
      const parallelism = n(spec(x).parallelism);
      return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    },
  },
  {
    name: 'DURATION',
    get: (x, c) => {
      const start = parseTime(status(x).startTime);
      if (start === undefined) return '';
      const done = parseTime(status(x).completionTime);
      return humanDuration((done ?? c.now.getTime()) - start);
    },
  },
  AGE,
  CONTAINERS,
  IMAGES,
  SELECTOR,
];

const jobTemplateSpec = (x: KubeObject): Obj => o(o(o(o(spec(x).jobTemplate).spec).template).spec);
const boolPtr = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>');

const CRONJOB: Column[] = [
  NAME,
  { name: 'SCHEDULE', get: (x) => s(spec(x).schedule) },
  { name: 'TIMEZONE', get: (x) => (typeof spec(x).timeZone === 'string' ? (spec(x).timeZone as string) : '<none>') },
  { name: 'SUSPEND', get: (x) => boolPtr(spec(x).suspend) },
  { name: 'ACTIVE', get: (x) => String(a(status(x).active).length) },
  {
    name: 'LAST SCHEDULE',
    get: (x, c) => (status(x).lastScheduleTime ? age(status(x).lastScheduleTime, c.now) : '<none>'),
  },
  AGE,
  { name: 'CONTAINERS', wide: true, get: (x) => layoutContainerCells(jobTemplateSpec(x).containers)[0] },
  { name: 'IMAGES', wide: true, get: (x) => layoutContainerCells(jobTemplateSpec(x).containers)[1] },
  { name: 'SELECTOR', wide: true, get: (x) => formatLabelSelector(o(o(spec(x).jobTemplate).spec).selector as never) },
];

const CONTROLLER_REVISION: Column[] = [
  NAME,
  {
    name: 'CONTROLLER',
    get: (x) => {
      const ref = a(x.metadata.ownerReferences).map(o).find((r) => r.controller === true);
      if (!ref) return '<none>';
      const av = s(ref.apiVersion);
      const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
      return `${(group ? `${s(ref.kind)}.${group}` : s(ref.kind)).toLowerCase()}/${s(ref.name)}`;
    },
  },
  { name: 'REVISION', get: (x) => String(n((x as Obj).revision)) },
  AGE,
];

// ---------------------------------------------------------------- services & networking

/** makePortString: `80/TCP`, `80:30080/TCP`, comma-joined. */
export function makePortString(ports: unknown): string {
  return a(ports)
    .map(o)
    .map((p) => {
      const proto = s(p.protocol) || 'TCP';
      return n(p.nodePort) > 0 ? `${n(p.port)}:${n(p.nodePort)}/${proto}` : `${n(p.port)}/${proto}`;
    })
    .join(',');
}

function loadBalancerStatus(st: Obj, wide: boolean): string {
  const set = new Set<string>();
  for (const i of a(o(st.loadBalancer).ingress).map(o)) {
    if (s(i.ip) !== '') set.add(s(i.ip));
    else if (s(i.hostname) !== '') set.add(s(i.hostname));
  }
  let r = [...set].sort().join(',');
  if (!wide && r.length > 16) r = `${r.slice(0, 13)}...`;
  return r;
}

/** getServiceExternalIP. */
export function serviceExternalIP(svc: KubeObject, wide: boolean): string {
  const sp = spec(svc);
  const ext = a(sp.externalIPs).map(s);
  switch (s(sp.type) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(status(svc), wide);
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return s(sp.externalName);
    default:
      return '<unknown>';
  }
}

const serviceColumns = (wideCells: boolean): Column[] => [
  NAME,
  { name: 'TYPE', get: (x) => s(spec(x).type) || 'ClusterIP' },
  {
    name: 'CLUSTER-IP',
    get: (x) => {
      const ips = a(spec(x).clusterIPs).map(s);
      return (ips.length ? ips[0] : s(spec(x).clusterIP)) || '<none>';
    },
  },
  { name: 'EXTERNAL-IP', get: (x) => serviceExternalIP(x, wideCells) },
  { name: 'PORT(S)', get: (x) => makePortString(spec(x).ports) || '<none>' },
  AGE,
  { name: 'SELECTOR', wide: true, get: (x) => formatLabels(strMap(spec(x).selector)) },
];

const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** formatEndpoints: `10.0.0.1:80,10.0.0.2:80 + 1 more...`, `<none>`; `ports` limits to those port names. */
export function formatEndpoints(ep: KubeObject | undefined, ports?: Set<string>): string {
  const subsets = a(ep?.subsets).map(o);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = a(ss.addresses).map(o);
    const sPorts = a(ss.ports).map(o);
    if (sPorts.length === 0) {
      count += addrs.length;
      for (const ad of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(s(ad.ip));
      }
      continue;
    }
    for (const p of sPorts) {
      if (!ports || ports.has(s(p.name))) {
        count += addrs.length;
        for (const ad of addrs) {
          if (list.length === max) {
            more = true;
            break;
          }
          list.push(joinHostPort(s(ad.ip), n(p.port)));
        }
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

const listWithMore = (list: string[], more: boolean, count: number, max: number): string => {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
};

const ENDPOINTSLICE: Column[] = [
  NAME,
  { name: 'ADDRESSTYPE', get: (x) => s((x as Obj).addressType) },
  {
    name: 'PORTS',
    get: (x) => {
      const list: string[] = [];
      let more = false;
      let count = 0;
      for (const p of a((x as Obj).ports).map(o)) {
        if (list.length < 3) list.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
        else if (list.length === 3) more = true;
        count++;
      }
      return listWithMore(list, more, count, 3);
    },
  },
  {
    name: 'ENDPOINTS',
    get: (x) => {
      const list: string[] = [];
      let more = false;
      let count = 0;
      for (const e of a((x as Obj).endpoints).map(o))
        for (const ad of a(e.addresses)) {
          if (list.length < 3) list.push(s(ad));
          else if (list.length === 3) more = true;
          count++;
        }
      return listWithMore(list, more, count, 3);
    },
  },
  AGE,
];

// ---------------------------------------------------------------- config & storage & cluster

const accessModes = (modes: unknown): string => {
  const m = new Set(a(modes).map(s));
  const out: string[] = [];
  if (m.has('ReadWriteOnce')) out.push('RWO');
  if (m.has('ReadOnlyMany')) out.push('ROX');
  if (m.has('ReadWriteMany')) out.push('RWX');
  if (m.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
};
const storageClassOf = (x: KubeObject): string => {
  const ann = x.metadata.annotations ?? {};
  if (ANN_BETA_STORAGE_CLASS in ann) return ann[ANN_BETA_STORAGE_CLASS]!;
  return s(spec(x).storageClassName);
};
const strOr = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);

const PVC: Column[] = [
  NAME,
  { name: 'STATUS', get: (x) => (x.metadata.deletionTimestamp ? 'Terminating' : s(status(x).phase)) },
  { name: 'VOLUME', get: (x) => s(spec(x).volumeName) },
  {
    name: 'CAPACITY',
    get: (x) => (s(spec(x).volumeName) !== '' ? formatQuantity(o(status(x).capacity).storage ?? '0') : ''),
  },
  { name: 'ACCESS MODES', get: (x) => (s(spec(x).volumeName) !== '' ? accessModes(status(x).accessModes) : '') },
  { name: 'STORAGECLASS', get: storageClassOf },
  { name: 'VOLUMEATTRIBUTESCLASS', get: (x) => strOr(spec(x).volumeAttributesClassName, '<unset>') },
  AGE,
  { name: 'VOLUMEMODE', wide: true, get: (x) => strOr(spec(x).volumeMode, '<unset>') },
];

const PV: Column[] = [
  NAME,
  { name: 'CAPACITY', get: (x) => formatQuantity(o(spec(x).capacity).storage ?? '0') },
  { name: 'ACCESS MODES', get: (x) => accessModes(spec(x).accessModes) },
  { name: 'RECLAIM POLICY', get: (x) => s(spec(x).persistentVolumeReclaimPolicy) },
  { name: 'STATUS', get: (x) => (x.metadata.deletionTimestamp ? 'Terminating' : s(status(x).phase)) },
  {
    name: 'CLAIM',
    get: (x) => (spec(x).claimRef ? `${s(o(spec(x).claimRef).namespace)}/${s(o(spec(x).claimRef).name)}` : ''),
  },
  { name: 'STORAGECLASS', get: storageClassOf },
  { name: 'VOLUMEATTRIBUTESCLASS', get: (x) => strOr(spec(x).volumeAttributesClassName, '<unset>') },
  { name: 'REASON', get: (x) => s(status(x).reason) },
  AGE,
  { name: 'VOLUMEMODE', wide: true, get: (x) => strOr(spec(x).volumeMode, '<unset>') },
];

const STORAGECLASS: Column[] = [
  {
    name: 'NAME',
    isName: true,
    get: (x) => {
      const ann = x.metadata.annotations ?? {};
      const isDefault =
        ann[ANN_DEFAULT_STORAGE_CLASS] === 'true' ||
        ann[ANN_BETA_DEFAULT_STORAGE_CLASS] === 'true';
      return isDefault ? `${x.metadata.name} (default)` : x.metadata.name;
    },
  },
  { name: 'PROVISIONER', get: (x) => s((x as Obj).provisioner) },
  { name: 'RECLAIMPOLICY', get: (x) => strOr((x as Obj).reclaimPolicy, 'Delete') },
  { name: 'VOLUMEBINDINGMODE', get: (x) => strOr((x as Obj).volumeBindingMode, 'Immediate') },
  { name: 'ALLOWVOLUMEEXPANSION', get: (x) => ((x as Obj).allowVolumeExpansion === true ? 'true' : 'false') },
  AGE,
];

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const r = k.slice(NODE_ROLE_PREFIX.length);
      if (r) roles.add(r);
    } else if (k === LABEL_ROLE && v !== '') roles.add(v);
  }
  return [...roles].sort();
}
const nodeAddress = (x: KubeObject, type: string): string =>
  s(a(status(x).addresses).map(o).find((ad) => ad.type === type)?.address) || '<none>';
const nodeInfo = (x: KubeObject): Obj => o(status(x).nodeInfo);

const NODE: Column[] = [
  NAME,
  {
    name: 'STATUS',
    get: (x) => {
      const st: string[] = [];
      const ready = a(status(x).conditions).map(o).filter((c) => c.type === 'Ready').pop();
      if (ready) st.push(ready.status === 'True' ? 'Ready' : 'NotReady');
      if (st.length === 0) st.push('Unknown');
      if (spec(x).unschedulable === true) st.push('SchedulingDisabled');
      return st.join(',');
    },
  },
  { name: 'ROLES', get: (x) => nodeRoles(x).join(',') || '<none>' },
  AGE,
  { name: 'VERSION', get: (x) => s(nodeInfo(x).kubeletVersion) },
  { name: 'INTERNAL-IP', wide: true, get: (x) => nodeAddress(x, 'InternalIP') },
  { name: 'EXTERNAL-IP', wide: true, get: (x) => nodeAddress(x, 'ExternalIP') },
  { name: 'OS-IMAGE', wide: true, get: (x) => s(nodeInfo(x).osImage) || '<unknown>' },
  { name: 'KERNEL-VERSION', wide: true, get: (x) => s(nodeInfo(x).kernelVersion) || '<unknown>' },
  { name: 'CONTAINER-RUNTIME', wide: true, get: (x) => s(nodeInfo(x).containerRuntimeVersion) || '<unknown>' },
];

// ---------------------------------------------------------------- events

const eventTimes = (e: KubeObject, now: Date): { first: string; last: string; count: number } => {
  const x = e as Obj;
  const first = parseTime(x.firstTimestamp) !== undefined ? age(x.firstTimestamp, now) : age(x.eventTime, now);
  let last = parseTime(x.lastTimestamp) !== undefined ? age(x.lastTimestamp, now) : first;
  let count = n(x.count);
  if (x.series && typeof x.series === 'object') {
    last = age(o(x.series).lastObservedTime, now);
    count = n(o(x.series).count);
  } else if (count === 0) count = 1;
  return { first, last, count };
};
const involved = (e: KubeObject): Obj => o((e as Obj).involvedObject);

/** formatEventSource: `component, host`. */
export function formatEventSource(e: KubeObject): string {
  const src = o((e as Obj).source);
  const component = s(src.component) || s((e as Obj).reportingController);
  const host = s(src.host) || s((e as Obj).reportingInstance);
  return host ? `${component}, ${host}` : component;
}

const EVENT: Column[] = [
  { name: 'LAST SEEN', get: (x, c) => eventTimes(x, c.now).last },
  { name: 'TYPE', get: (x) => s((x as Obj).type) },
  { name: 'REASON', get: (x) => s((x as Obj).reason) },
  {
    name: 'OBJECT',
    get: (x) => {
      const io = involved(x);
      const kind = s(io.kind).toLowerCase();
      return s(io.name) ? `${kind}/${s(io.name)}` : kind;
    },
  },
  { name: 'SUBOBJECT', wide: true, get: (x) => s(involved(x).fieldPath) },
  { name: 'SOURCE', wide: true, get: formatEventSource },
  { name: 'MESSAGE', get: (x) => s((x as Obj).message).trim() },
  { name: 'FIRST SEEN', wide: true, get: (x, c) => eventTimes(x, c.now).first },
  { name: 'COUNT', wide: true, get: (x, c) => String(eventTimes(x, c.now).count) },
  { name: 'NAME', wide: true, isName: true, get: (x) => x.metadata.name },
];

// ---------------------------------------------------------------- registry

const TABLES: Record<string, () => Column[]> = {
  Pod: () => POD,
  Deployment: () => DEPLOYMENT,
  ReplicaSet: () => REPLICASET,
  StatefulSet: () => STATEFULSET,
  DaemonSet: () => DAEMONSET,
  Job: () => JOB,
  CronJob: () => CRONJOB,
  ControllerRevision: () => CONTROLLER_REVISION,
  // the API server always builds its tables with Wide: true (the client hides -o wide columns), so a load
  // balancer's addresses are never cut to 16 characters by `kubectl get`
  Service: () => serviceColumns(true),
  Endpoints: () => [NAME, { name: 'ENDPOINTS', get: (x) => formatEndpoints(x) }, AGE],
  EndpointSlice: () => ENDPOINTSLICE,
  ConfigMap: () => [
    NAME,
    { name: 'DATA', get: (x) => String(Object.keys(o((x as Obj).data)).length + Object.keys(o((x as Obj).binaryData)).length) },
    AGE,
  ],
  Secret: () => [
    NAME,
    { name: 'TYPE', get: (x) => s((x as Obj).type) },
    { name: 'DATA', get: (x) => String(Object.keys(o((x as Obj).data)).length) },
    AGE,
  ],
  ServiceAccount: () => [NAME, { name: 'SECRETS', get: (x) => String(a((x as Obj).secrets).length) }, AGE],
  Namespace: () => [NAME, { name: 'STATUS', get: (x) => s(status(x).phase) }, AGE],
  Node: () => NODE,
  Event: () => EVENT,
  PersistentVolumeClaim: () => PVC,
  PersistentVolume: () => PV,
  StorageClass: () => STORAGECLASS,
};

/** The default printer's columns for kinds the server has no table for. */
export const DEFAULT_COLUMNS: Column[] = [NAME, AGE];

/** The columns of a kind's table, -o wide ones flagged (NAME AGE for kinds the server has no printer for). */
export function columnsFor(kind: string): Column[] {
  return (TABLES[kind] ?? KIND_TABLES[kind])?.() ?? DEFAULT_COLUMNS;
}
