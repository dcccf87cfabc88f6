// rollout status's pure half: kubectl's status messages per Deployment/StatefulSet/DaemonSet status, and the
// --fail-fast pod check.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import {
  daemonSetStatus,
  deploymentFailure,
  deploymentStatus,
  failureMessage,
  firstPodFailure,
  statefulSetStatus,
  statusViewerFor,
} from '../../../src/cli/rollout/status.js';

const deploy = (generation: number, spec: Record<string, unknown>, status: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', generation, ...(annotations ? { annotations } : {}) },
  spec,
  status,
});

describe('deploymentStatus (kubectl DeploymentStatusViewer)', () => {
  it.each([
    ['spec not yet observed', deploy(2, { replicas: 3 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), 'Waiting for deployment spec update to be observed...\n', false],
    ['nothing observed yet', deploy(1, { replicas: 3 }, {}), 'Waiting for deployment spec update to be observed...\n', false],
    ['new replicas being created', deploy(2, { replicas: 3 }, { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 }), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n', false],
    ['old replicas terminating', deploy(2, { replicas: 3 }, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }), 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n', false],
    ['updated not yet available', deploy(2, { replicas: 3 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n', false],
    ['complete', deploy(2, { replicas: 3 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), 'deployment "web" successfully rolled out\n', true],
    ['scaled to zero', deploy(3, { replicas: 0 }, { observedGeneration: 3 }), 'deployment "web" successfully rolled out\n', true],
    ['observed generation ahead (status written later)', deploy(2, { replicas: 1 }, { observedGeneration: 3, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }), 'deployment "web" successfully rolled out\n', true],
  ])('%s', (_n, d, message, done) => {
    expect(deploymentStatus(d)).toEqual({ message, done });
  });

  it('fails when the progress deadline was exceeded (once the spec is observed)', () => {
    const timedOut = { observedGeneration: 2, replicas: 4, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
    expect(() => deploymentStatus(deploy(2, { replicas: 3 }, timedOut))).toThrow('deployment "web" exceeded its progress deadline');
    // a newer spec the controller has not seen yet is not judged by the old condition
    expect(deploymentStatus(deploy(3, { replicas: 3 }, timedOut)).message).toBe('Waiting for deployment spec update to be observed...\n');
    const progressing = { ...timedOut, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };
    expect(deploymentStatus(deploy(2, { replicas: 3 }, progressing)).done).toBe(false);
  });

  it('--revision pins the rollout: a different running revision is an error', () => {
    const d = deploy(2, { replicas: 1 }, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, { 'deployment.kubernetes.io/revision': '3' });
    expect(deploymentStatus(d, 3).done).toBe(true);
    expect(() => deploymentStatus(d, 2)).toThrow('desired revision (2) is different from the running revision (3)');
    expect(() => deploymentStatus(deploy(1, {}, {}), 1)).toThrow('desired revision (1) is different from the running revision (0)');
  });
});

describe('statefulSetStatus and daemonSetStatus', () => {
  const sts = (generation: number, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation }, spec, status });
  const ds = (generation: number, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', generation }, spec, status });

  it.each([
    [sts(1, { replicas: 2 }, {}), 'Waiting for statefulset spec update to be observed...\n', false],
    [sts(1, { replicas: 2 }, { observedGeneration: 1, readyReplicas: 1 }), 'Waiting for 1 pods to be ready...\n', false],
    [sts(1, { replicas: 2, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 0 }), 'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n', false],
    [sts(1, { replicas: 2, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1 }), 'partitioned roll out complete: 1 new pods have been updated...\n', true],
    [sts(1, { replicas: 2 }, { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1, updateRevision: 'db-2', currentRevision: 'db-1' }), 'waiting for statefulset rolling update to complete 1 pods at revision db-2...\n', false],
    [sts(1, { replicas: 2 }, { observedGeneration: 1, readyReplicas: 2, currentReplicas: 2, updateRevision: 'db-2', currentRevision: 'db-2' }), 'statefulset rolling update complete 2 pods at revision db-2...\n', true],
    [ds(2, {}, { observedGeneration: 1 }), 'Waiting for daemon set spec update to be observed...\n', false],
    [ds(2, {}, { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 1 }), 'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...\n', false],
    [ds(2, {}, { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 }), 'Waiting for daemon set "agent" rollout to finish: 1 of 2 updated pods are available...\n', false],
    [ds(2, {}, { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }), 'daemon set "agent" successfully rolled out\n', true],
  ])('%#: %s', (obj, message, done) => {
    const st = obj.kind === 'StatefulSet' ? statefulSetStatus(obj) : daemonSetStatus(obj);
    expect(st).toEqual({ message, done });
  });

  it('OnDelete strategies have no rollout status', () => {
    expect(() => statefulSetStatus(sts(1, { updateStrategy: { type: 'OnDelete' } }, {}))).toThrow('rollout status is only available for RollingUpdate strategy type');
    expect(() => daemonSetStatus(ds(1, { updateStrategy: { type: 'OnDelete' } }, {}))).toThrow('rollout status is only available for RollingUpdate strategy type');
  });

  it('other kinds have no status viewer', () => {
    expect(() => statusViewerFor('ReplicaSet', 'ReplicaSet.apps')).toThrow('no status viewer has been implemented for ReplicaSet.apps');
    expect(() => statusViewerFor('Pod', 'Pod')).toThrow('no status viewer has been implemented for Pod');
  });
});

describe('--fail-fast: a pod of the new ReplicaSet that cannot start', () => {
  const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } });
  const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'd1' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template('nope:1') } };
  const rs = (name: string, hash: string, image: string, created: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `rs-${hash}`, creationTimestamp: created, labels: { app: 'web', 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] },
    spec: { template: { ...template(image), metadata: { labels: { app: 'web', 'pod-template-hash': hash } } } },
  });
  const pod = (name: string, hash: string, rsUid: string | undefined, state: Record<string, unknown>, init?: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web', 'pod-template-hash': hash }, ...(rsUid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: rsUid, controller: true }] } : {}) },
    status: { containerStatuses: [{ name: 'web', state }], ...(init ? { initContainerStatuses: [{ name: 'init', state: init }] } : {}) },
  });
  const oldRS = rs('web-old', 'old', 'good:1', '2026-01-01T00:00:00Z');
  const newRS = rs('web-new', 'new', 'nope:1', '2026-01-01T00:01:00Z');
  const pull = { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' } };

  it('names the pod, the container and the reason', () => {
    const f = deploymentFailure(d, [oldRS, newRS], [pod('web-new-b', 'new', 'rs-new', pull), pod('web-new-a', 'new', 'rs-new', { running: {} })]);
    expect(f).toEqual({ pod: 'web-new-b', container: 'web', reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' });
    expect(failureMessage('Deployment', 'web', f!)).toBe('deployment "web" rollout failed: pod "web-new-b" container "web": ImagePullBackOff: Back-off pulling image "nope:1"');
  });

  it('ignores the old ReplicaSet\'s pods and reasons that may still resolve', () => {
    expect(deploymentFailure(d, [oldRS, newRS], [pod('web-old-a', 'old', 'rs-old', { waiting: { reason: 'CrashLoopBackOff' } })])).toBeUndefined();
    expect(deploymentFailure(d, [oldRS, newRS], [pod('web-new-a', 'new', 'rs-new', { waiting: { reason: 'ContainerCreating' } })])).toBeUndefined();
    // no ReplicaSet for the current template yet: nothing to judge
    expect(deploymentFailure(d, [oldRS], [pod('web-new-a', 'new', 'rs-new', pull)])).toBeUndefined();
  });

  it('finds pods by pod-template-hash when they lost their owner reference; init containers count', () => {
    const f = deploymentFailure(d, [newRS], [pod('web-new-c', 'new', undefined, { waiting: { reason: 'PodInitializing' } }, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } })]);
    expect(f).toEqual({ pod: 'web-new-c', container: 'init', reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' });
    expect(failureMessage('Deployment', 'web', { ...f!, message: '' })).toBe('deployment "web" rollout failed: pod "web-new-c" container "init": CrashLoopBackOff');
  });

  it('skips pods being deleted', () => {
    const p = pod('web-new-a', 'new', 'rs-new', { waiting: { reason: 'ErrImagePull' } });
    expect(firstPodFailure([p])).toBeDefined();
    expect(firstPodFailure([{ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }])).toBeUndefined();
  });
});
