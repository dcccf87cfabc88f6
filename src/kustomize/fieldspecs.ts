// kustomize's built-in field specs (v5.5.0, api/internal/konfig/builtinpluginconsts): which fields of which
// kinds hold labels, annotations, images, replica counts and references to other objects' names. Data only;
// transformers.ts and nameref.ts walk them. A spec is "path kind [group] [version]"; `create` says whether a
// missing field is added. Paths are `/`-separated (`\/` escapes a slash inside a key); `[]` marks a list.

export interface FieldSpec {
  path: string;
  kind?: string;
  group?: string;
  version?: string;
  create?: boolean;
}

/** "path|kind|group|version|c" rows → specs (c = create). Keeps the tables below one line per spec. */
function rows(text: string): FieldSpec[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [path, kind, group, version, c] = line.trim().split('|');
      const fs: FieldSpec = { path: path! };
      if (kind) fs.kind = kind;
      if (group) fs.group = group;
      if (version) fs.version = version;
      if (c === 'c') fs.create = true;
      return fs;
    });
}

const AFFINITY = [
  'podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm',
  'podAffinity/requiredDuringSchedulingIgnoredDuringExecution',
  'podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm',
  'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution',
];
const affinityRows = (kind: string): string =>
  [...AFFINITY.map((a) => `spec/template/spec/affinity/${a}/labelSelector/matchLabels|${kind}|apps`), `spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels|${kind}|apps`].join('\n');

/** metadata labels and pod-template labels (kustomize's metadataLabelsFieldSpecs; `labels.includeTemplates`) */
export const TEMPLATE_LABELS = rows(`
metadata/labels||||c
spec/template/metadata/labels|ReplicationController||v1|c
spec/template/metadata/labels|Deployment|||c
spec/template/metadata/labels|ReplicaSet|||c
spec/template/metadata/labels|DaemonSet|||c
spec/template/metadata/labels|StatefulSet|apps||c
spec/volumeClaimTemplates[]/metadata/labels|StatefulSet|apps||c
spec/template/metadata/labels|Job|batch||c
spec/jobTemplate/metadata/labels|CronJob|batch||c
spec/jobTemplate/spec/template/metadata/labels|CronJob|batch||c
`);

/** selectors too (commonLabels, `labels.includeSelectors`) */
export const COMMON_LABELS = [
  ...rows(`
spec/selector|Service||v1|c
spec/selector|ReplicationController||v1|c
spec/selector/matchLabels|Deployment|||c
${affinityRows('Deployment')}
spec/selector/matchLabels|ReplicaSet|||c
spec/selector/matchLabels|DaemonSet|||c
spec/selector/matchLabels|StatefulSet|apps||c
${affinityRows('StatefulSet')}
spec/selector/matchLabels|Job|batch
spec/jobTemplate/spec/selector/matchLabels|CronJob|batch
spec/selector/matchLabels|PodDisruptionBudget|policy
spec/podSelector/matchLabels|NetworkPolicy|networking.k8s.io
spec/ingress/from/podSelector/matchLabels|NetworkPolicy|networking.k8s.io
spec/egress/to/podSelector/matchLabels|NetworkPolicy|networking.k8s.io
`),
  ...TEMPLATE_LABELS,
];

export const COMMON_ANNOTATIONS = rows(`
metadata/annotations||||c
spec/template/metadata/annotations|ReplicationController||v1|c
spec/template/metadata/annotations|Deployment|||c
spec/template/metadata/annotations|ReplicaSet|||c
spec/template/metadata/annotations|DaemonSet|||c
spec/template/metadata/annotations|StatefulSet|||c
spec/template/metadata/annotations|Job|batch||c
spec/jobTemplate/metadata/annotations|CronJob|batch||c
spec/jobTemplate/spec/template/metadata/annotations|CronJob|batch||c
`);

export const IMAGES = rows(`
spec/containers[]/image||||c
spec/initContainers[]/image||||c
spec/template/spec/containers[]/image||||c
spec/template/spec/initContainers[]/image||||c
`);

export const REPLICAS = rows(`
spec/replicas|Deployment|||c
spec/replicas|ReplicationController|||c
spec/replicas|ReplicaSet|||c
spec/replicas|StatefulSet|||c
`);

/** besides metadata/namespace of every namespaced object */
export const NAMESPACE = rows(`
metadata/name|Namespace|||c
spec/service/namespace|APIService|apiregistration.k8s.io||c
spec/conversion/webhook/clientConfig/service/namespace|CustomResourceDefinition|apiextensions.k8s.io
`);

export interface NameReference {
  /** the kind whose name is referred to */
  kind: string;
  group?: string;
  version?: string;
  /** the fields (in other kinds) that hold such a name */
  referrers: FieldSpec[];
}

// workload kinds and where their pod spec sits
const POD_HOLDERS: [string, string][] = [
  ['Pod', 'spec'],
  ['PodTemplate', 'template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];
const inPods = (fields: string[], holders = POD_HOLDERS): FieldSpec[] =>
  holders.flatMap(([kind, at]) => fields.map((f) => ({ path: `${at}/${f}`, kind, ...(kind === 'Pod' ? { version: 'v1' } : {}) })));
const holders = (...kinds: string[]): [string, string][] =>
  kinds.map((k) => [k, k === 'Pod' ? 'spec' : k === 'CronJob' ? 'spec/jobTemplate/spec/template/spec' : 'spec/template/spec']);

export const NAME_REFERENCES: NameReference[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    kind,
    referrers: rows('spec/scaleTargetRef/name|HorizontalPodAutoscaler'),
  })),
  {
    kind: 'ConfigMap',
    version: 'v1',
    referrers: [
      ...inPods([
        'volumes/configMap/name',
        'containers/env/valueFrom/configMapKeyRef/name',
        'initContainers/env/valueFrom/configMapKeyRef/name',
        'containers/envFrom/configMapRef/name',
        'initContainers/envFrom/configMapRef/name',
        'volumes/projected/sources/configMap/name',
      ]),
      ...rows(`
spec/configSource/configMap|Node
rules/resourceNames|Role
rules/resourceNames|ClusterRole
metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap|Ingress
`),
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    referrers: [
      ...inPods([
        'volumes/secret/secretName',
        'containers/env/valueFrom/secretKeyRef/name',
        'initContainers/env/valueFrom/secretKeyRef/name',
        'containers/envFrom/secretRef/name',
        'initContainers/envFrom/secretRef/name',
        'imagePullSecrets/name',
        'volumes/projected/sources/secret/name',
      ]),
      ...rows(`
spec/tls/secretName|Ingress
metadata/annotations/ingress.kubernetes.io\\/auth-secret|Ingress
metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret|Ingress
metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret|Ingress
imagePullSecrets/name|ServiceAccount
parameters/secretName|StorageClass
parameters/adminSecretName|StorageClass
parameters/userSecretName|StorageClass
parameters/secretRef|StorageClass
rules/resourceNames|Role
rules/resourceNames|ClusterRole
spec/template/spec/containers/env/valueFrom/secretKeyRef/name|Service|serving.knative.dev|v1
spec/azureFile/secretName|PersistentVolume
`),
    ],
  },
  {
    kind: 'Service',
    version: 'v1',
    referrers: rows(`
spec/serviceName|StatefulSet|apps
spec/rules/http/paths/backend/serviceName|Ingress
spec/backend/serviceName|Ingress
spec/rules/http/paths/backend/service/name|Ingress
spec/defaultBackend/service/name|Ingress
spec/service/name|APIService|apiregistration.k8s.io
webhooks/clientConfig/service|ValidatingWebhookConfiguration|admissionregistration.k8s.io
webhooks/clientConfig/service|MutatingWebhookConfiguration|admissionregistration.k8s.io
`),
  },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', referrers: rows('roleRef/name|RoleBinding|rbac.authorization.k8s.io') },
  {
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    referrers: rows(`
roleRef/name|RoleBinding|rbac.authorization.k8s.io
roleRef/name|ClusterRoleBinding|rbac.authorization.k8s.io
`),
  },
  {
    kind: 'ServiceAccount',
    version: 'v1',
    referrers: [
      ...rows(`
subjects|RoleBinding|rbac.authorization.k8s.io
subjects|ClusterRoleBinding|rbac.authorization.k8s.io
`),
      ...inPods(['serviceAccountName'], holders('Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet')),
    ].map((fs) => (fs.kind === 'Pod' ? { path: fs.path, kind: 'Pod' } : fs)),
  },
  {
    kind: 'PersistentVolumeClaim',
    version: 'v1',
    referrers: inPods(['volumes/persistentVolumeClaim/claimName'], holders('Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet')).map(
      (fs) => (fs.kind === 'Pod' ? { path: fs.path, kind: 'Pod' } : fs),
    ),
  },
  {
    kind: 'PersistentVolume',
    version: 'v1',
    referrers: rows(`
spec/volumeName|PersistentVolumeClaim
rules/resourceNames|ClusterRole
`),
  },
  {
    kind: 'StorageClass',
    version: 'v1',
    group: 'storage.k8s.io',
    referrers: rows(`
spec/storageClassName|PersistentVolume
spec/storageClassName|PersistentVolumeClaim
spec/volumeClaimTemplates/spec/storageClassName|StatefulSet
`),
  },
  {
    kind: 'PriorityClass',
    version: 'v1',
    group: 'scheduling.k8s.io',
    referrers: inPods(['priorityClassName'], holders('Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet')).map((fs) =>
      fs.kind === 'Pod' ? { path: fs.path, kind: 'Pod' } : fs,
    ),
  },
  // upstream writes the group as "networking.k8s.io/v1", which never matches; kept as it behaves
  { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1', referrers: rows('spec/ingressClassName|Ingress') },
  {
    kind: 'ValidatingAdmissionPolicy',
    group: 'admissionregistration.k8s.io',
    referrers: rows('spec/policyName|ValidatingAdmissionPolicyBinding|admissionregistration.k8s.io'),
  },
];

/** Cluster-scoped kinds of the built-in API (kyaml's openapi knows these); any other kind is namespaced. */
export const CLUSTER_SCOPED = new Set([
  'APIService', 'CSIDriver', 'CSINode', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PodSecurityPolicy', 'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'SelfSubjectAccessReview',
  'SelfSubjectRulesReview', 'StorageClass', 'SubjectAccessReview', 'TokenReview', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment', 'ClusterTrustBundle',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'IPAddress', 'ServiceCIDR', 'DeviceClass', 'VolumeAttributesClass',
]);

/** Legacy output order (kustomize's default `sortOptions.order: legacy`): these kinds first, in this order... */
export const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role',
  'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange',
  'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
/** ...and these last. */
export const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
