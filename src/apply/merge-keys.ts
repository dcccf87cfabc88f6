// Strategic-merge-patch metadata for the kinds kctl knows: which lists merge element-wise by which key, which
// lists of scalars merge as sets, and which maps clear unlisted keys (retainKeys). Written from the
// `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api (core/v1, apps/v1, batch/v1, meta/v1) and, for the
// other 1.32 kinds, the spec's x-kubernetes-patch-merge-key (PDB's spec.selector `replace` is not modelled).
// Every field not listed here is "replace": a list is replaced wholesale (atomic), a map is merged key by key.

export interface PatchMeta {
  /**
   * 'merge' on a list: with `mergeKey`, elements (maps) merge by that key; without, a list of scalars merges as a
   * set. 'replace': the list is atomic (the default for every unlisted list; listed only for documentation).
   */
  strategy: 'merge' | 'replace';
  mergeKey?: string;
  /**
   * retainKeys: a map (or each element of a merge list) whose keys missing from the applied value are cleared,
   * so that switching a one-of (emptyDir → configMap volume, RollingUpdate → Recreate) leaves no stale member.
   */
  retainKeys?: boolean;
}

/** Field path pattern (dotted field names, no list indices) → metadata. */
export type PatchMetaTable = Readonly<Record<string, PatchMeta>>;

const merge = (mergeKey: string, retainKeys = false): PatchMeta =>
  retainKeys ? { strategy: 'merge', mergeKey, retainKeys } : { strategy: 'merge', mergeKey };
const set: PatchMeta = { strategy: 'merge' };
const atomic: PatchMeta = { strategy: 'replace' };
const retainKeysMap: PatchMeta = { strategy: 'merge', retainKeys: true };

function prefixed(prefix: string, table: PatchMetaTable): Record<string, PatchMeta> {
  const out: Record<string, PatchMeta> = {};
  for (const [path, meta] of Object.entries(table)) out[prefix ? `${prefix}.${path}` : path] = meta;
  return out;
}

/** ObjectMeta (metadata.finalizers: `patchStrategy:"merge"`; ownerReferences: merge by uid). */
const OBJECT_META: PatchMetaTable = {
  finalizers: set,
  ownerReferences: merge('uid'),
  managedFields: atomic,
};

/** Container and EphemeralContainerCommon. */
const CONTAINER: PatchMetaTable = {
  ports: merge('containerPort'),
  env: merge('name'),
  volumeMounts: merge('mountPath'),
  volumeDevices: merge('devicePath'),
  envFrom: atomic,
  command: atomic,
  args: atomic,
  resizePolicy: atomic,
};

const containerList = (field: string): Record<string, PatchMeta> => ({
  [field]: merge('name'),
  ...prefixed(field, CONTAINER),
});

/** PodSpec. */
export const POD_SPEC: PatchMetaTable = {
  ...containerList('containers'),
  ...containerList('initContainers'),
  ...containerList('ephemeralContainers'),
  volumes: merge('name', true),
  imagePullSecrets: merge('name'),
  hostAliases: merge('ip'),
  topologySpreadConstraints: merge('topologyKey'),
  schedulingGates: merge('name'),
  resourceClaims: merge('name', true),
  tolerations: atomic,
  readinessGates: atomic,
};

const POD_TEMPLATE = (at: string): Record<string, PatchMeta> => ({
  ...prefixed(`${at}.metadata`, OBJECT_META),
  ...prefixed(`${at}.spec`, POD_SPEC),
});

const CONDITIONS: PatchMetaTable = { 'status.conditions': merge('type') };

const base = (extra: PatchMetaTable = {}): PatchMetaTable => ({ ...prefixed('metadata', OBJECT_META), ...extra });

/** kind → field path → patch metadata. Kinds not listed here (and unknown kinds) have no merge lists. */
export const MERGE_KEYS: Readonly<Record<string, PatchMetaTable>> = {
  Pod: base({
    ...prefixed('spec', POD_SPEC),
    ...CONDITIONS,
    'status.podIPs': merge('ip'),
    'status.hostIPs': merge('ip'),
    'status.resourceClaimStatuses': merge('name', true),
  }),
  Deployment: base({ ...POD_TEMPLATE('spec.template'), 'spec.strategy': retainKeysMap, ...CONDITIONS }),
  ReplicaSet: base({ ...POD_TEMPLATE('spec.template'), ...CONDITIONS }),
  StatefulSet: base({ ...POD_TEMPLATE('spec.template'), 'spec.volumeClaimTemplates': atomic, ...CONDITIONS }),
  DaemonSet: base({ ...POD_TEMPLATE('spec.template'), ...CONDITIONS }),
  Job: base({ ...POD_TEMPLATE('spec.template'), ...CONDITIONS }),
  CronJob: base({
    ...prefixed('spec.jobTemplate.metadata', OBJECT_META),
    ...POD_TEMPLATE('spec.jobTemplate.spec.template'),
    'status.active': atomic,
  }),
  Service: base({ 'spec.ports': merge('port'), 'spec.externalIPs': atomic, ...CONDITIONS }),
  Node: base({
    'spec.podCIDRs': set,
    'spec.taints': atomic,
    ...CONDITIONS,
    'status.addresses': merge('type'),
  }),
  Namespace: base({ 'spec.finalizers': atomic, ...CONDITIONS }),
  PersistentVolumeClaim: base({ 'spec.accessModes': atomic, ...CONDITIONS }),
  PersistentVolume: base({ 'spec.accessModes': atomic, 'spec.mountOptions': atomic }),
  ServiceAccount: base({ secrets: merge('name'), imagePullSecrets: atomic }),
  Endpoints: base({ subsets: atomic }),
  EndpointSlice: base({ endpoints: atomic, ports: atomic }),
  ConfigMap: base(),
  Secret: base(),
  Event: base(),
  ControllerRevision: base(),
  StorageClass: base({ mountOptions: atomic, allowedTopologies: atomic }),
  // The other 1.32 kinds: their x-kubernetes-patch-merge-key fields in the upstream spec (scripts/upstream/).
  ReplicationController: base({ ...POD_TEMPLATE('spec.template'), ...CONDITIONS }),
  PodTemplate: base(POD_TEMPLATE('template')),
  MutatingWebhookConfiguration: base({ webhooks: merge('name'), 'webhooks.matchConditions': merge('name') }),
  ValidatingWebhookConfiguration: base({ webhooks: merge('name'), 'webhooks.matchConditions': merge('name') }),
  ValidatingAdmissionPolicy: base({ 'spec.matchConditions': merge('name'), 'spec.variables': merge('name') }),
  APIService: base(CONDITIONS),
  FlowSchema: base(CONDITIONS),
  PriorityLevelConfiguration: base(CONDITIONS),
  PodDisruptionBudget: base(CONDITIONS),
  CSINode: base({ 'spec.drivers': merge('name') }),
  ...Object.fromEntries(
    [
      'Binding', 'ComponentStatus', 'LimitRange', 'ResourceQuota', 'ValidatingAdmissionPolicyBinding', 'CustomResourceDefinition',
      'SelfSubjectReview', 'TokenReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview',
      'SubjectAccessReview', 'HorizontalPodAutoscaler', 'CertificateSigningRequest', 'Lease', 'IngressClass', 'Ingress',
      'NetworkPolicy', 'RuntimeClass', 'ClusterRoleBinding', 'ClusterRole', 'RoleBinding', 'Role', 'PriorityClass', 'CSIDriver',
      'CSIStorageCapacity', 'VolumeAttachment',
    ].map((kind) => [kind, base()]),
  ),
};

/** True when kctl has strategic-merge metadata for the kind (kubectl refuses strategic patches otherwise). */
export const supportsStrategicMerge = (kind: string | undefined): boolean => kind !== undefined && kind in MERGE_KEYS;

/**
 * The patch metadata of the field at `path` (field names only, list indices dropped) of an object of `kind`;
 * undefined means "replace" (atomic lists, plain maps).
 */
export function lookupPatchMeta(kind: string | undefined, path: readonly string[]): PatchMeta | undefined {
  if (kind === undefined) return undefined;
  return MERGE_KEYS[kind]?.[path.join('.')];
}
