// Every well-known label and annotation key, in one place.
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const MANAGED_BY = 'kctl.io/managed-by';
export const POD_UID = 'kctl.io/pod-uid';
export const TEST_RUN = 'kctl.io/test-run';
