// The kinds kctl knows: kind <-> resource (plural) <-> short names <-> group/version <-> schema id.
export interface KindInfo {
  kind: string;
  /** lower-case plural, the REST resource name */
  plural: string;
  singular: string;
  shortNames: string[];
  /** '' for the core group */
  group: string;
  version: string;
  namespaced: boolean;
  /** categories, as `kubectl get all` uses ("all") */
  categories: string[];
  /** kinds whose spec is not under .spec (no generation bump rules) keep their data at top level */
  hasStatus: boolean;
  /** REST verbs as discovery lists them (sorted); kinds without get/list are virtual (reviews, bindings) */
  verbs: readonly string[];
}

/** The verbs of an ordinary stored kind. */
export const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const NO_DELETECOLLECTION = CRUD.filter((v) => v !== 'deletecollection');
const CREATE_ONLY = ['create'] as const;

const k = (
  kind: string,
  plural: string,
  shortNames: string[],
  group: string,
  version: string,
  namespaced: boolean,
  categories: string[] = [],
  hasStatus = true,
  verbs: readonly string[] = CRUD,
): KindInfo => ({ kind, plural, singular: kind.toLowerCase(), shortNames, group, version, namespaced, categories, hasStatus, verbs });

export const KINDS: readonly KindInfo[] = [
  k('Namespace', 'namespaces', ['ns'], '', 'v1', false, [], true, NO_DELETECOLLECTION),
  k('Node', 'nodes', ['no'], '', 'v1', false),
  k('Pod', 'pods', ['po'], '', 'v1', true, ['all']),
  k('ConfigMap', 'configmaps', ['cm'], '', 'v1', true, [], false),
  k('Secret', 'secrets', [], '', 'v1', true, [], false),
  k('Service', 'services', ['svc'], '', 'v1', true, ['all']),
  k('Endpoints', 'endpoints', ['ep'], '', 'v1', true, [], false),
  k('Event', 'events', ['ev'], '', 'v1', true, [], false),
  k('PersistentVolumeClaim', 'persistentvolumeclaims', ['pvc'], '', 'v1', true),
  k('PersistentVolume', 'persistentvolumes', ['pv'], '', 'v1', false),
  k('ServiceAccount', 'serviceaccounts', ['sa'], '', 'v1', true, [], false),
  k('Deployment', 'deployments', ['deploy'], 'apps', 'v1', true, ['all']),
  k('ReplicaSet', 'replicasets', ['rs'], 'apps', 'v1', true, ['all']),
  k('StatefulSet', 'statefulsets', ['sts'], 'apps', 'v1', true, ['all']),
  k('DaemonSet', 'daemonsets', ['ds'], 'apps', 'v1', true, ['all']),
  k('ControllerRevision', 'controllerrevisions', [], 'apps', 'v1', true, [], false),
  k('Job', 'jobs', [], 'batch', 'v1', true, ['all']),
  k('CronJob', 'cronjobs', ['cj'], 'batch', 'v1', true, ['all']),
  k('EndpointSlice', 'endpointslices', [], 'discovery.k8s.io', 'v1', true, [], false),
  k('StorageClass', 'storageclasses', ['sc'], 'storage.k8s.io', 'v1', false, [], false),
  // The other kinds a Kubernetes 1.32 API server serves by default (stored and validated; see kind-support.ts for
  // which of them kctl enforces). Checked against the vendored upstream spec by scripts/gen-schemas.mjs.
  k('Binding', 'bindings', [], '', 'v1', true, [], false, CREATE_ONLY),
  k('ComponentStatus', 'componentstatuses', ['cs'], '', 'v1', false, [], false, ['get', 'list']),
  k('LimitRange', 'limitranges', ['limits'], '', 'v1', true, [], false),
  k('PodTemplate', 'podtemplates', [], '', 'v1', true, [], false),
  k('ReplicationController', 'replicationcontrollers', ['rc'], '', 'v1', true, ['all']),
  k('ResourceQuota', 'resourcequotas', ['quota'], '', 'v1', true),
  k('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', [], 'admissionregistration.k8s.io', 'v1', false, ['api-extensions'], false),
  k('ValidatingAdmissionPolicy', 'validatingadmissionpolicies', [], 'admissionregistration.k8s.io', 'v1', false, ['api-extensions']),
  k('ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', [], 'admissionregistration.k8s.io', 'v1', false, ['api-extensions'], false),
  k('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', [], 'admissionregistration.k8s.io', 'v1', false, ['api-extensions'], false),
  k('CustomResourceDefinition', 'customresourcedefinitions', ['crd', 'crds'], 'apiextensions.k8s.io', 'v1', false, ['api-extensions']),
  k('APIService', 'apiservices', [], 'apiregistration.k8s.io', 'v1', false, ['api-extensions']),
  k('SelfSubjectReview', 'selfsubjectreviews', [], 'authentication.k8s.io', 'v1', false, [], false, CREATE_ONLY),
  k('TokenReview', 'tokenreviews', [], 'authentication.k8s.io', 'v1', false, [], false, CREATE_ONLY),
  k('LocalSubjectAccessReview', 'localsubjectaccessreviews', [], 'authorization.k8s.io', 'v1', true, [], false, CREATE_ONLY),
  k('SelfSubjectAccessReview', 'selfsubjectaccessreviews', [], 'authorization.k8s.io', 'v1', false, [], false, CREATE_ONLY),
  k('SelfSubjectRulesReview', 'selfsubjectrulesreviews', [], 'authorization.k8s.io', 'v1', false, [], false, CREATE_ONLY),
  k('SubjectAccessReview', 'subjectaccessreviews', [], 'authorization.k8s.io', 'v1', false, [], false, CREATE_ONLY),
  k('HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa'], 'autoscaling', 'v2', true, ['all']),
  // also served, not preferred: written objects are converted to v2 (api/convert.ts)
  k('HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa'], 'autoscaling', 'v1', true, ['all']),
  k('CertificateSigningRequest', 'certificatesigningrequests', ['csr'], 'certificates.k8s.io', 'v1', false),
  k('Lease', 'leases', [], 'coordination.k8s.io', 'v1', true, [], false),
  // events.k8s.io/v1 Event is served from the same storage as core v1 Events (discovery and reads only: kctl does
  // not convert between the two shapes, so it refuses to write this version; see isStorageAlias)
  k('Event', 'events', ['ev'], 'events.k8s.io', 'v1', true, [], false),
  k('FlowSchema', 'flowschemas', [], 'flowcontrol.apiserver.k8s.io', 'v1', false),
  k('PriorityLevelConfiguration', 'prioritylevelconfigurations', [], 'flowcontrol.apiserver.k8s.io', 'v1', false),
  k('IngressClass', 'ingressclasses', [], 'networking.k8s.io', 'v1', false, [], false),
  k('Ingress', 'ingresses', ['ing'], 'networking.k8s.io', 'v1', true),
  k('NetworkPolicy', 'networkpolicies', ['netpol'], 'networking.k8s.io', 'v1', true, [], false),
  k('RuntimeClass', 'runtimeclasses', [], 'node.k8s.io', 'v1', false, [], false),
  k('PodDisruptionBudget', 'poddisruptionbudgets', ['pdb'], 'policy', 'v1', true),
  k('ClusterRoleBinding', 'clusterrolebindings', [], 'rbac.authorization.k8s.io', 'v1', false, [], false),
  k('ClusterRole', 'clusterroles', [], 'rbac.authorization.k8s.io', 'v1', false, [], false),
  k('RoleBinding', 'rolebindings', [], 'rbac.authorization.k8s.io', 'v1', true, [], false),
  k('Role', 'roles', [], 'rbac.authorization.k8s.io', 'v1', true, [], false),
  k('PriorityClass', 'priorityclasses', ['pc'], 'scheduling.k8s.io', 'v1', false, [], false),
  k('CSIDriver', 'csidrivers', [], 'storage.k8s.io', 'v1', false, [], false),
  k('CSINode', 'csinodes', [], 'storage.k8s.io', 'v1', false, [], false),
  k('CSIStorageCapacity', 'csistoragecapacities', [], 'storage.k8s.io', 'v1', true, [], false),
  k('VolumeAttachment', 'volumeattachments', [], 'storage.k8s.io', 'v1', false),
];

/**
 * The kind whose storage serves ki: itself, or the first row with the same resource (autoscaling/v2 for
 * autoscaling/v1 HorizontalPodAutoscaler, core v1 Event for events.k8s.io/v1 Event).
 */
export const storageKindOf = (ki: KindInfo): KindInfo => KINDS.find((x) => x.plural === ki.plural)!;

/** True for a version served from another row's storage (autoscaling/v1 HPA, events.k8s.io Event). */
export const isStorageAlias = (ki: KindInfo): boolean => storageKindOf(ki) !== ki;

/**
 * True for the version discovery prefers in its group (what `kubectl api-resources` lists): a row is not
 * preferred when an earlier row of the same group serves the same resource.
 */
export const isPreferredVersion = (ki: KindInfo): boolean => KINDS.find((x) => x.plural === ki.plural && x.group === ki.group) === ki;

/** True for kinds that exist only as requests (reviews, bindings) or computed reads: nothing to store or get. */
export const isVirtual = (ki: KindInfo): boolean => !ki.verbs.includes('get') || !ki.verbs.includes('create');

export const apiVersionOf = (ki: KindInfo): string => (ki.group ? `${ki.group}/${ki.version}` : ki.version);

/** "deployments.apps", "pods": how kubectl names a resource in messages. */
export const qualifiedResource = (ki: KindInfo): string => (ki.group ? `${ki.plural}.${ki.group}` : ki.plural);

/** "deployment.apps/web": kubectl's `-o name` and the apply/create/delete messages. */
export const qualifiedKind = (ki: KindInfo): string => (ki.group ? `${ki.singular}.${ki.group}` : ki.singular);

/** Schema file id: "apps.v1.Deployment", "core.v1.Pod". */
export const schemaId = (ki: KindInfo): string => `${ki.group || 'core'}.${ki.version}.${ki.kind}`;

export function kindByKind(apiVersion: string | undefined, kind: string | undefined): KindInfo | undefined {
  if (!kind) return undefined;
  return KINDS.find((x) => x.kind === kind && (apiVersion === undefined || apiVersionOf(x) === apiVersion));
}

/**
 * Resolves what a user typed ("po", "pods", "pod", "Pod", "deployments.apps", "deploy.apps", "Deployment")
 * to a kind, as kubectl's RESTMapper does for the kinds kctl knows.
 */
export function resolveResource(arg: string): KindInfo | undefined {
  const lower = arg.toLowerCase();
  const dot = lower.indexOf('.');
  const name = dot >= 0 ? lower.slice(0, dot) : lower;
  const group = dot >= 0 ? lower.slice(dot + 1) : undefined;
  return KINDS.find(
    (x) =>
      (group === undefined || x.group === group || (group === 'core' && x.group === '') || `${x.version}.${x.group}` === group) &&
      (x.plural === name || x.singular === name || x.shortNames.includes(name)),
  );
}
