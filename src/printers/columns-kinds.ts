// Table columns of the kinds a 1.32 API server serves beyond the workloads, as its table convertors print them
// (pkg/printers/internalversion/printers.go; kube-aggregator's for APIService; the default convertor's
// NAME + CREATED AT for kinds without a printer: Role, ClusterRole, LimitRange, CustomResourceDefinition).
// Cells are computed from the stored object, with the API server's defaults where a printer reads a defaulted
// field.
import type { KubeObject } from '../api/types.js';
import { formatLabels, formatLabelSelector } from '../api/labels.js';
import { age, humanDuration, parseTime } from './age.js';
import { formatQuantity } from '../api/quantity.js';
import { layoutContainerCells, type Column } from './column.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const int = (v: unknown): string => String(typeof v === 'number' ? v : 0);
const bool = (v: unknown, dflt: boolean): string => String(typeof v === 'boolean' ? v : dflt);
const top = (x: KubeObject): Obj => x as unknown as Obj;
const spec = (x: KubeObject): Obj => o(top(x).spec);
const status = (x: KubeObject): Obj => o(top(x).status);

const col = (name: string, get: Column['get'], wide = false): Column => (wide ? { name, get, wide } : { name, get });
const NAME: Column = { name: 'NAME', isName: true, get: (x) => x.metadata.name };
const AGE = col('AGE', (x, c) => age(x.metadata.creationTimestamp, c.now));
/** The default table convertor's second column: creationTimestamp in RFC 3339, UTC. */
const CREATED_AT = col('CREATED AT', (x) => {
  const t = parseTime(x.metadata.creationTimestamp);
  return t === undefined ? '' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
});
const DEFAULT_TABLE = (): Column[] => [NAME, CREATED_AT];

/** IntOrString.String(). */
const intOrString = (v: unknown): string => (typeof v === 'number' ? String(v) : s(v));

// ---- networking.k8s.io

/** formatHosts: up to 3 hosts, "*" when none. */
function ingressHosts(rules: unknown): string {
  const list: string[] = [];
  const all = a(rules);
  for (const r of all) {
    if (list.length === 3) break;
    const host = s(o(r).host);
    if (host) list.push(host);
  }
  if (list.length === 0) return '*';
  return all.length > 3 ? `${list.join(',')} + ${all.length - 3} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer (wide: the API server builds tables with Wide true). */
const ingressAddress = (x: KubeObject): string =>
  a(o(status(x).loadBalancer).ingress)
    .map((i) => s(o(i).ip) || s(o(i).hostname))
    .filter(Boolean)
    .join(',');

const INGRESS = (): Column[] => [
  NAME,
  col('CLASS', (x) => s(spec(x).ingressClassName) || '<none>'),
  col('HOSTS', (x) => ingressHosts(spec(x).rules)),
  col('ADDRESS', ingressAddress),
  col('PORTS', (x) => (a(spec(x).tls).length ? '80, 443' : '80')),
  AGE,
];

const INGRESS_CLASS = (): Column[] => [
  NAME,
  col('CONTROLLER', (x) => s(spec(x).controller)),
  col('PARAMETERS', (x) => {
    const p = spec(x).parameters;
    if (!p) return '<none>';
    const group = typeof o(p).apiGroup === 'string' ? `.${s(o(p).apiGroup)}` : '';
    return `${s(o(p).kind)}${group}/${s(o(p).name)}`;
  }),
  AGE,
];

const NETWORK_POLICY = (): Column[] => [NAME, col('POD-SELECTOR', (x) => formatLabelSelector(o(spec(x).podSelector) as never)), AGE];

// ---- policy, autoscaling

const PDB = (): Column[] => [
  NAME,
  col('MIN AVAILABLE', (x) => (spec(x).minAvailable === undefined ? 'N/A' : intOrString(spec(x).minAvailable))),
  col('MAX UNAVAILABLE', (x) => (spec(x).maxUnavailable === undefined ? 'N/A' : intOrString(spec(x).maxUnavailable))),
  col('ALLOWED DISRUPTIONS', (x) => int(status(x).disruptionsAllowed)),
  AGE,
];

/** One metric of formatHPAMetrics: "cpu: 40%/80%", "<unknown>/10 (avg)"... */
function hpaMetric(m: Obj, st: Obj | undefined): string {
  const q = (v: unknown): string => formatQuantity(v);
  const target = (src: Obj): Obj => o(src.target);
  const current = (key: string): Obj | undefined => (st && st[key] ? o(o(st[key]).current) : undefined);
  const valueOrAvg = (key: string): string => {
    const t = target(o(m[key]));
    const cur = current(key);
    if (t.averageValue !== undefined) return `${cur?.averageValue !== undefined ? q(cur.averageValue) : '<unknown>'}/${q(t.averageValue)} (avg)`;
    return `${cur ? q(cur.value) : '<unknown>'}/${q(t.value)}`;
  };
  const resource = (key: string): string => {
    const src = o(m[key]);
    const t = target(src);
    const cur = current(key);
    if (t.averageValue !== undefined) return `${s(src.name)}: ${cur ? q(cur.averageValue) : '<unknown>'}/${q(t.averageValue)}`;
    const c = cur?.averageUtilization !== undefined ? `${int(cur.averageUtilization)}%` : '<unknown>';
    const want = t.averageUtilization !== undefined ? `${int(t.averageUtilization)}%` : '<auto>';
    return `${s(src.name)}: ${c}/${want}`;
  };
  switch (m.type) {
    case 'External':
      return valueOrAvg('external');
    case 'Pods': {
      const cur = current('pods');
      return `${cur ? q(cur.averageValue) : '<unknown>'}/${q(target(o(m.pods)).averageValue)}`;
    }
    case 'Object':
      return valueOrAvg('object');
    case 'Resource':
      return resource('resource');
    case 'ContainerResource':
      return resource('containerResource');
    default:
      return '<unknown type>';
  }
}

export function formatHPAMetrics(specs: unknown, statuses: unknown): string {
  const list = a(specs);
  if (list.length === 0) return '<none>';
  const cur = a(statuses);
  const cells = list.map((m, i) => hpaMetric(o(m), cur[i] === undefined ? undefined : o(cur[i])));
  return cells.length > 2 ? `${cells.slice(0, 2).join(', ')} + ${cells.length - 2} more...` : cells.join(', ');
}

const HPA = (): Column[] => [
  NAME,
  col('REFERENCE', (x) => `${s(o(spec(x).scaleTargetRef).kind)}/${s(o(spec(x).scaleTargetRef).name)}`),
  col('TARGETS', (x) => formatHPAMetrics(spec(x).metrics, status(x).currentMetrics)),
  col('MINPODS', (x) => (typeof spec(x).minReplicas === 'number' ? String(spec(x).minReplicas) : '<unset>')),
  col('MAXPODS', (x) => int(spec(x).maxReplicas)),
  col('REPLICAS', (x) => int(status(x).currentReplicas)),
  AGE,
];

// ---- core

const REPLICATION_CONTROLLER = (): Column[] => [
  NAME,
  col('DESIRED', (x) => String(typeof spec(x).replicas === 'number' ? spec(x).replicas : 1)),
  col('CURRENT', (x) => int(status(x).replicas)),
  col('READY', (x) => int(status(x).readyReplicas)),
  AGE,
  col('CONTAINERS', (x) => layoutContainerCells(o(o(spec(x).template).spec).containers)[0], true),
  col('IMAGES', (x) => layoutContainerCells(o(o(spec(x).template).spec).containers)[1], true),
  col('SELECTOR', (x) => formatLabels(o(spec(x).selector) as Record<string, string>), true),
];

const POD_TEMPLATE = (): Column[] => {
  const tmpl = (x: KubeObject): Obj => o(top(x).template);
  return [
    NAME,
    col('CONTAINERS', (x) => layoutContainerCells(o(tmpl(x).spec).containers)[0]),
    col('IMAGES', (x) => layoutContainerCells(o(tmpl(x).spec).containers)[1]),
    col('POD LABELS', (x) => formatLabels(o(o(tmpl(x).metadata).labels) as Record<string, string>)),
  ];
};

/** printResourceQuota: "name: used/hard" of status.hard, sorted; limits.* in LIMIT, the rest in REQUEST. */
function quotaCell(x: KubeObject, limits: boolean): string {
  const hard = o(status(x).hard);
  const used = o(status(x).used);
  return Object.keys(hard)
    .sort()
    .filter((r) => (r.split('.').length > 1 && r.split('.')[0] === 'limits') === limits)
    .map((r) => `${r}: ${used[r] === undefined ? '0' : formatQuantity(used[r])}/${formatQuantity(hard[r])}`)
    .join(', ');
}

const RESOURCE_QUOTA = (): Column[] => [NAME, AGE, col('REQUEST', (x) => quotaCell(x, false)), col('LIMIT', (x) => quotaCell(x, true))];

const COMPONENT_STATUS = (): Column[] => {
  const healthy = (x: KubeObject): Obj | undefined => a(top(x).conditions).map(o).find((c) => c.type === 'Healthy');
  return [
    NAME,
    col('STATUS', (x) => {
      const c = healthy(x);
      return !c ? 'Unknown' : c.status === 'True' ? 'Healthy' : 'Unhealthy';
    }),
    col('MESSAGE', (x) => s(healthy(x)?.message)),
    col('ERROR', (x) => s(healthy(x)?.error)),
  ];
};

// ---- rbac.authorization.k8s.io

/** rbac.SubjectsStrings: users, groups and "namespace/name" service accounts. */
const subjects = (x: KubeObject, kind: string): string =>
  a(top(x).subjects)
    .map(o)
    .filter((sub) => sub.kind === kind)
    .map((sub) => (kind === 'ServiceAccount' ? `${s(sub.namespace)}/${s(sub.name)}` : s(sub.name)))
    .join(', ');

const BINDING = (): Column[] => [
  NAME,
  col('ROLE', (x) => `${s(o(top(x).roleRef).kind)}/${s(o(top(x).roleRef).name)}`),
  AGE,
  col('USERS', (x) => subjects(x, 'User'), true),
  col('GROUPS', (x) => subjects(x, 'Group'), true),
  col('SERVICEACCOUNTS', (x) => subjects(x, 'ServiceAccount'), true),
];

// ---- scheduling, node, coordination, certificates

const PRIORITY_CLASS = (): Column[] => [
  NAME,
  col('VALUE', (x) => int(top(x).value)),
  col('GLOBAL-DEFAULT', (x) => bool(top(x).globalDefault, false)),
  AGE,
  // the API server defaults preemptionPolicy to PreemptLowerPriority
  col('PREEMPTIONPOLICY', (x) => s(top(x).preemptionPolicy) || 'PreemptLowerPriority'),
];

/** extractCSRStatus: Denied / Approved / Pending, then ",Failed" and ",Issued". */
function csrCondition(x: KubeObject): string {
  const types = new Set(a(status(x).conditions).map((c) => o(c).type));
  let out = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) out += ',Failed';
  if (s(status(x).certificate).length > 0) out += ',Issued';
  return out;
}

const CSR = (): Column[] => [
  NAME,
  AGE,
  col('SIGNERNAME', (x) => s(spec(x).signerName) || '<none>'),
  col('REQUESTOR', (x) => s(spec(x).username)),
  col('REQUESTEDDURATION', (x) => (typeof spec(x).expirationSeconds === 'number' ? humanDuration((spec(x).expirationSeconds as number) * 1000) : '<none>')),
  col('CONDITION', csrCondition),
];

// ---- admissionregistration, apiregistration, flowcontrol

const WEBHOOKS = (): Column[] => [NAME, col('WEBHOOKS', (x) => String(a(top(x).webhooks).length)), AGE];

const VALIDATING_ADMISSION_POLICY = (): Column[] => [
  NAME,
  col('VALIDATIONS', (x) => String(a(spec(x).validations).length)),
  col('PARAMKIND', (x) => {
    const p = spec(x).paramKind;
    return p ? `${s(o(p).apiVersion)}/${s(o(p).kind)}` : '<unset>';
  }),
  AGE,
];

const VALIDATING_ADMISSION_POLICY_BINDING = (): Column[] => [
  NAME,
  col('POLICYNAME', (x) => s(spec(x).policyName)),
  col('PARAMREF', (x) => {
    const p = spec(x).paramRef;
    if (!p) return '<unset>';
    if (s(o(p).name)) return s(o(p).namespace) ? `${s(o(p).namespace)}/${s(o(p).name)}` : `*/${s(o(p).name)}`;
    return o(p).selector ? formatLabelSelector(o(o(p).selector) as never) : '<unset>';
  }),
  AGE,
];

const API_SERVICE = (): Column[] => [
  NAME,
  col('SERVICE', (x) => (spec(x).service ? `${s(o(spec(x).service).namespace)}/${s(o(spec(x).service).name)}` : 'Local')),
  col('AVAILABLE', (x) => {
    const c = a(status(x).conditions).map(o).find((k) => k.type === 'Available');
    if (!c) return 'Unknown';
    return c.status !== 'True' && s(c.reason) ? `${s(c.status)} (${s(c.reason)})` : s(c.status);
  }),
  AGE,
];

const FLOW_SCHEMA = (): Column[] => [
  NAME,
  col('PRIORITYLEVEL', (x) => s(o(spec(x).priorityLevelConfiguration).name)),
  col('MATCHINGPRECEDENCE', (x) => String(typeof spec(x).matchingPrecedence === 'number' ? spec(x).matchingPrecedence : 1000)),
  col('DISTINGUISHERMETHOD', (x) => (spec(x).distinguisherMethod ? s(o(spec(x).distinguisherMethod).type) : '<none>')),
  AGE,
  col('MISSINGPL', (x) => s(a(status(x).conditions).map(o).find((c) => c.type === 'Dangling')?.status) || '?'),
];

const PRIORITY_LEVEL = (): Column[] => {
  const limited = (x: KubeObject): Obj | undefined => (spec(x).limited ? o(spec(x).limited) : undefined);
  const queuing = (x: KubeObject): Obj | undefined => {
    const q = o(limited(x)?.limitResponse).queuing;
    return q ? o(q) : undefined;
  };
  // the API server defaults the queuing settings (64 queues, hand size 8, 50 per queue) and 30 shares
  const qv = (x: KubeObject, k: string, d: number): string => {
    const q = queuing(x);
    return q ? String(typeof q[k] === 'number' ? q[k] : d) : '<none>';
  };
  return [
    NAME,
    col('TYPE', (x) => s(spec(x).type)),
    col('NOMINALCONCURRENCYSHARES', (x) => {
      const l = limited(x);
      return l ? String(typeof l.nominalConcurrencyShares === 'number' ? l.nominalConcurrencyShares : 30) : '<none>';
    }),
    col('QUEUES', (x) => qv(x, 'queues', 64)),
    col('HANDSIZE', (x) => qv(x, 'handSize', 8)),
    col('QUEUELENGTHLIMIT', (x) => qv(x, 'queueLengthLimit', 50)),
    AGE,
  ];
};

// ---- storage.k8s.io

const CSI_DRIVER = (): Column[] => [
  NAME,
  col('ATTACHREQUIRED', (x) => bool(spec(x).attachRequired, true)),
  col('PODINFOONMOUNT', (x) => bool(spec(x).podInfoOnMount, false)),
  col('STORAGECAPACITY', (x) => bool(spec(x).storageCapacity, false)),
  col('TOKENREQUESTS', (x) => (Array.isArray(spec(x).tokenRequests) ? a(spec(x).tokenRequests).map((t) => s(o(t).audience)).join(',') : '<unset>')),
  col('REQUIRESREPUBLISH', (x) => bool(spec(x).requiresRepublish, false)),
  // volumeLifecycleModes defaults to [Persistent]
  col('MODES', (x) => (Array.isArray(spec(x).volumeLifecycleModes) ? a(spec(x).volumeLifecycleModes).map(s).join(',') || '<none>' : 'Persistent')),
  AGE,
];

const CSI_NODE = (): Column[] => [NAME, col('DRIVERS', (x) => String(a(spec(x).drivers).length)), AGE];

const CSI_STORAGE_CAPACITY = (): Column[] => [
  NAME,
  col('STORAGECLASSNAME', (x) => s(top(x).storageClassName)),
  col('CAPACITY', (x) => (top(x).capacity === undefined ? '<unset>' : formatQuantity(top(x).capacity))),
];

const VOLUME_ATTACHMENT = (): Column[] => [
  NAME,
  col('ATTACHER', (x) => s(spec(x).attacher)),
  col('PV', (x) => s(o(spec(x).source).persistentVolumeName)),
  col('NODE', (x) => s(spec(x).nodeName)),
  col('ATTACHED', (x) => bool(status(x).attached, false)),
  AGE,
];

/** kind -> columns, for the kinds above (columns.ts consults it after its own table). */
export const KIND_TABLES: Readonly<Record<string, () => Column[]>> = {
  Ingress: INGRESS,
  IngressClass: INGRESS_CLASS,
  NetworkPolicy: NETWORK_POLICY,
  PodDisruptionBudget: PDB,
  HorizontalPodAutoscaler: HPA,
  ReplicationController: REPLICATION_CONTROLLER,
  PodTemplate: POD_TEMPLATE,
  ResourceQuota: RESOURCE_QUOTA,
  ComponentStatus: COMPONENT_STATUS,
  LimitRange: DEFAULT_TABLE,
  Role: DEFAULT_TABLE,
  ClusterRole: DEFAULT_TABLE,
  CustomResourceDefinition: DEFAULT_TABLE,
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  PriorityClass: PRIORITY_CLASS,
  RuntimeClass: () => [NAME, col('HANDLER', (x) => s(top(x).handler)), AGE],
  Lease: () => [NAME, col('HOLDER', (x) => s(spec(x).holderIdentity)), AGE],
  CertificateSigningRequest: CSR,
  MutatingWebhookConfiguration: WEBHOOKS,
  ValidatingWebhookConfiguration: WEBHOOKS,
  ValidatingAdmissionPolicy: VALIDATING_ADMISSION_POLICY,
  ValidatingAdmissionPolicyBinding: VALIDATING_ADMISSION_POLICY_BINDING,
  APIService: API_SERVICE,
  FlowSchema: FLOW_SCHEMA,
  PriorityLevelConfiguration: PRIORITY_LEVEL,
  CSIDriver: CSI_DRIVER,
  CSINode: CSI_NODE,
  CSIStorageCapacity: CSI_STORAGE_CAPACITY,
  VolumeAttachment: VOLUME_ATTACHMENT,
};
