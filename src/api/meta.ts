// Every well-known label and annotation key, in one place.

// kubectl and the API
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
export const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';
export const DEFAULT_LOGS_CONTAINER = 'kubectl.kubernetes.io/default-logs-container';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_OS = 'kubernetes.io/os';
export const LABEL_ARCH = 'kubernetes.io/arch';

// Persistent volumes and storage classes (upstream pv controller and storage API names)
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
export const ANN_DEFAULT_STORAGE_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_STORAGE_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
/** the deprecated class annotation, still honoured over spec.storageClassName */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
/** on a Docker volume kctl provisioned: the PersistentVolume it backs */
export const VOLUME_PV_LABEL = 'kctl.io/persistent-volume';

// ServiceAccount token Secrets
export const SERVICE_ACCOUNT_NAME = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID = 'kubernetes.io/service-account.uid';

// Node roles (kubectl get nodes ROLES)
export const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
export const LABEL_ROLE = 'kubernetes.io/role';

// kctl's engine helpers (gateway containers)
/** on a helper container: the hash of its configuration, to replace it when that changes */
export const HELPER_HASH = 'kctl.io/helper-hash';
/** on a gateway helper: `<namespace>.<service>` it serves */
export const GATEWAY_SERVICE_LABEL = 'kctl.io/service';

// Deployments and ReplicaSets (the deployment controller's bookkeeping)
export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

// StatefulSets (and DaemonSets): ControllerRevision bookkeeping and stable pod identity
/** on a pod: the name of its ControllerRevision; on a ControllerRevision: its hash */
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';
export const STATEFULSET_POD_NAME = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX = 'apps.kubernetes.io/pod-index';

// DaemonSets (upstream apps/v1 DeprecatedTemplateGeneration and extensions DaemonSetTemplateGenerationKey)
/** on a DaemonSet: spec.templateGeneration as apps/v1 carries it (the API server bumps it on a template change) */
export const DAEMONSET_TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';
/** on a daemon pod: the DaemonSet's template generation it was made from */
export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

// Jobs and CronJobs (upstream batch/v1 well-known keys)
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const JOB_INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const JOB_INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';
export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** the env var an Indexed Job's containers get (from the completion-index annotation) */
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

// kctl's own: pods and the containers it makes for them
export const MANAGED_BY = 'kctl.io/managed-by';
export const POD_UID = 'kctl.io/pod-uid';
export const POD_NAME = 'kctl.io/pod-name';
export const POD_NAMESPACE = 'kctl.io/pod-namespace';
export const CONTAINER_NAME = 'kctl.io/container-name';
export const ATTEMPT = 'kctl.io/attempt';
/** 'sandbox' for the pause container that holds the pod's network namespace, 'container' otherwise */
export const CONTAINER_TYPE = 'kctl.io/container-type';
/** on app containers: the id of the sandbox whose namespaces they joined */
export const SANDBOX_ID = 'kctl.io/sandbox-id';
/**
 * On a Pod (annotation): where its container ports are published on the host, JSON
 * `[{"containerPort":80,"protocol":"TCP","hostIP":"127.0.0.1","hostPort":40000,"name":"http"}]`.
 * On a sandbox container (label): the ports requested, to report them back.
 */
export const PORTS = 'kctl.io/ports';
export const CONTAINER_HASH = 'kctl.io/container-hash';
export const TERMINATION_GRACE = 'kctl.io/termination-grace-period';
export const CONTAINER_KIND = 'kctl.io/container-kind';
/**
 * The store (one $KCTL_HOME) a container belongs to: the uid of its kube-system namespace. A controller sees and
 * cleans up only its own cluster's containers, so two homes on one engine never touch each other's pods.
 */
export const CLUSTER = 'kctl.io/cluster';
/** every container, network and volume an e2e run makes carries it, so afterAll can remove them by label */
export const TEST_RUN = 'kctl.io/test-run';

// Configuration rollouts (controllers/config-rollout)
/** On a Deployment or StatefulSet, "true": a change of a ConfigMap/Secret its pod template references rolls it. */
export const RESTART_ON_CONFIG_CHANGE = 'kctl.io/restart-on-config-change';
/**
 * Hash of the referenced ConfigMaps' data and Secrets' versions: on the workload, the last seen; on its pod
 * template, written when they change (as `rollout restart` writes restartedAt), which rolls the pods.
 */
export const CONFIG_HASH = 'kctl.io/config-hash';
/** on the workload: the hash of each referenced ConfigMap/Secret (JSON), so only a change of one it already used rolls it */
export const CONFIG_HASHES = 'kctl.io/config-hashes';
