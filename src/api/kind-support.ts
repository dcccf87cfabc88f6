// What kctl does with each kind beyond storing it, and the API versions Kubernetes no longer serves.
// Data, so the engineers who implement a kind's behaviour (Ingress, HPA, RBAC, quota...) remove its entry here.
import { apiVersionOf, kindByKind, KINDS, type KindInfo } from './kinds.js';

/**
 * Kinds kctl accepts, validates and stores but whose behaviour it does not implement (no controller, no
 * admission, no enforcement). Writing one prints NOT_ENFORCED_WARNING once per kind and command. Kinds that are
 * only data (Lease, PodTemplate, ControllerRevision, ConfigMap...) have nothing to enforce and are not listed.
 */
export const NOT_ENFORCED: ReadonlySet<string> = new Set([
  'v1 ReplicationController',
  'v1 LimitRange',
  'v1 ResourceQuota',
  'admissionregistration.k8s.io/v1 MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/v1 CustomResourceDefinition',
  'apiregistration.k8s.io/v1 APIService',
  'autoscaling/v2 HorizontalPodAutoscaler',
  'certificates.k8s.io/v1 CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/v1 FlowSchema',
  'flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration',
  'networking.k8s.io/v1 Ingress',
  'networking.k8s.io/v1 IngressClass',
  'networking.k8s.io/v1 NetworkPolicy',
  'node.k8s.io/v1 RuntimeClass',
  'policy/v1 PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1 Role',
  'rbac.authorization.k8s.io/v1 RoleBinding',
  'scheduling.k8s.io/v1 PriorityClass',
  'storage.k8s.io/v1 CSIDriver',
  'storage.k8s.io/v1 CSINode',
  'storage.k8s.io/v1 CSIStorageCapacity',
  'storage.k8s.io/v1 VolumeAttachment',
]);

const kindKey = (ki: KindInfo): string => `${apiVersionOf(ki)} ${ki.kind}`;

export const isEnforced = (ki: KindInfo): boolean => !NOT_ENFORCED.has(kindKey(ki));

/** The warning (without kubectl's "Warning: " prefix) a write of a not-enforced kind gets; undefined otherwise. */
export function notEnforcedWarning(ki: KindInfo): string | undefined {
  return isEnforced(ki) ? undefined : `${kindKey(ki)} is stored but not enforced by kctl`;
}

/** The distinct not-enforced warnings for a batch of written kinds, in first-seen order (each said once). */
export function notEnforcedWarnings(kinds: Iterable<KindInfo>): string[] {
  const out = new Set<string>();
  for (const ki of kinds) {
    const w = notEnforcedWarning(ki);
    if (w) out.add(w);
  }
  return [...out];
}

/** API versions removed from Kubernetes: apiVersion -> [the release that stopped serving it, kinds]. */
const REMOVED: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  'extensions/v1beta1': ['1.16', ['DaemonSet', 'Deployment', 'ReplicaSet', 'NetworkPolicy', 'PodSecurityPolicy', 'Ingress']],
  'apps/v1beta1': ['1.16', ['Deployment', 'StatefulSet', 'ControllerRevision']],
  'apps/v1beta2': ['1.16', ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision']],
  'batch/v1beta1': ['1.25', ['CronJob']],
  'batch/v2alpha1': ['1.21', ['CronJob']],
  'policy/v1beta1': ['1.25', ['PodDisruptionBudget', 'PodSecurityPolicy']],
  'autoscaling/v2beta1': ['1.25', ['HorizontalPodAutoscaler']],
  'autoscaling/v2beta2': ['1.26', ['HorizontalPodAutoscaler']],
  'networking.k8s.io/v1beta1': ['1.22', ['Ingress', 'IngressClass']],
  'discovery.k8s.io/v1beta1': ['1.25', ['EndpointSlice']],
  'events.k8s.io/v1beta1': ['1.25', ['Event']],
  'rbac.authorization.k8s.io/v1beta1': ['1.22', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']],
  'rbac.authorization.k8s.io/v1alpha1': ['1.22', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']],
  'scheduling.k8s.io/v1beta1': ['1.22', ['PriorityClass']],
  'scheduling.k8s.io/v1alpha1': ['1.22', ['PriorityClass']],
  'node.k8s.io/v1beta1': ['1.25', ['RuntimeClass']],
  'storage.k8s.io/v1beta1': ['1.22', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment', 'CSIStorageCapacity']],
  'certificates.k8s.io/v1beta1': ['1.22', ['CertificateSigningRequest']],
  'coordination.k8s.io/v1beta1': ['1.22', ['Lease']],
  'admissionregistration.k8s.io/v1beta1': ['1.22', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']],
  'apiextensions.k8s.io/v1beta1': ['1.22', ['CustomResourceDefinition']],
  'apiregistration.k8s.io/v1beta1': ['1.22', ['APIService']],
  'authentication.k8s.io/v1beta1': ['1.22', ['TokenReview']],
  'authorization.k8s.io/v1beta1': ['1.22', ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview']],
  'flowcontrol.apiserver.k8s.io/v1beta1': ['1.26', ['FlowSchema', 'PriorityLevelConfiguration']],
  'flowcontrol.apiserver.k8s.io/v1beta2': ['1.29', ['FlowSchema', 'PriorityLevelConfiguration']],
  'flowcontrol.apiserver.k8s.io/v1beta3': ['1.32', ['FlowSchema', 'PriorityLevelConfiguration']],
};
// CSIStorageCapacity's storage.k8s.io/v1beta1 went away in 1.27, ValidatingAdmissionPolicy's betas are off by default
const REMOVED_IN_OVERRIDE: Readonly<Record<string, string>> = { 'storage.k8s.io/v1beta1 CSIStorageCapacity': '1.27' };

/**
 * kctl's hint for a kind in an API version Kubernetes no longer serves: the release that removed it and the
 * version to use instead. Undefined for versions that never existed (a typo, a CRD not installed).
 */
export function removedVersionHint(apiVersion: unknown, kind: unknown): string | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const removed = REMOVED[apiVersion];
  if (!removed || !removed[1].includes(kind)) return undefined;
  const since = REMOVED_IN_OVERRIDE[`${apiVersion} ${kind}`] ?? removed[0];
  const now = KINDS.find((k) => k.kind === kind && !kindByKind(apiVersion, kind));
  const what = `${apiVersion} ${kind} is no longer served since Kubernetes v${since}`;
  return now ? `${what}: use apiVersion: ${apiVersionOf(now)}` : `${what}, with no replacement`;
}

/**
 * kubectl's error for a manifest of a kind the server does not serve (its RESTMapper's), plus kctl's hint
 * line when the version was removed from Kubernetes.
 */
export function noMatchesForManifest(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }, file: string): string {
  const md = obj.metadata ?? {};
  const msg =
    `resource mapping not found for name: "${String(md.name ?? '')}" namespace: "${String(md.namespace ?? '')}" from "${file}": ` +
    `no matches for kind "${String(obj.kind)}" in version "${String(obj.apiVersion)}"\nensure CRDs are installed first`;
  const hint = removedVersionHint(obj.apiVersion, obj.kind);
  return hint ? `${msg}\nhint: ${hint}` : msg;
}
