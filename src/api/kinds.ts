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
}

const k = (
  kind: string,
  plural: string,
  shortNames: string[],
  group: string,
  version: string,
  namespaced: boolean,
  categories: string[] = [],
  hasStatus = true,
): KindInfo => ({ kind, plural, singular: kind.toLowerCase(), shortNames, group, version, namespaced, categories, hasStatus });

export const KINDS: readonly KindInfo[] = [
  k('Namespace', 'namespaces', ['ns'], '', 'v1', false),
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
];

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
