// In-process kctl for the workload verbs (scale, rollout, set, wait, get -w, apply --wait): the shared harness
// (test/helpers/cli-harness.ts) with numbered uids, and Deployments/ReplicaSets/Pods written the way the controllers
// and the kubelet write them.
import type { KubeObject } from '../../../src/api/types.js';
import { harness, kctl, type Harness, type Running } from '../../helpers/cli-harness.js';

export { CountingClock, kctl, Sink, start, type Result, type Running } from '../../helpers/cli-harness.js';

export const IMAGE = 'kctl-test/busybox:1';

export type Env = Harness;

export const setup = (): Env => harness({ uids: true });

/** Lets pending work (store watch wake-ups, command continuations, first-time module loads) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setTimeout(r, 1));
}

/** Waits (real time, up to 5 s) until `n` timers were set on the clock in all (a command armed its timeout). */
export async function timersSet(env: Env, n: number): Promise<void> {
  for (let i = 0; i < 500 && env.clock.timersSet < n; i++) await new Promise<void>((r) => setTimeout(r, 10));
  await settle(5);
}

/** Waits (real time, up to 5 s) until the running command's stdout is `text`. */
export async function outputIs(run: Running, text: string): Promise<string> {
  for (let i = 0; i < 500 && run.out.text !== text; i++) await new Promise<void>((r) => setTimeout(r, 10));
  return run.out.text;
}

/** Loads every module the verbs import lazily, so that settle() measures command work, not module loading. */
export async function warmUp(): Promise<void> {
  const env = setup();
  for (const argv of [['get', 'pods', '-w', '--watch-timeout=0s'], ['get', 'pods'], ['rollout', 'status', 'deploy/x'], ['wait', '--for=delete', 'pod/x'], ['scale', 'deploy/x', '--replicas=1'], ['set', 'image', 'deploy/x', 'a=b'], ['apply', '-f', '/nonexistent.yaml', '--wait']])
    await kctl(env, argv);
  await Promise.all([
    import('../../../src/printers/output.js'),
    import('../../../src/printers/table.js'),
    import('../../../src/cli/rollout/status.js'),
    import('../../../src/cli/rollout/ready.js'),
    import('../../../src/cli/rollout/history.js'),
    import('../../../src/cli/rollout/rollback.js'),
    import('../../../src/cli/rollout/conditions.js'),
    import('../../../src/api/validate.js').then((m) => m.loadValidator('apps.v1.Deployment')),
    import('../../../src/api/validate.js').then((m) => m.loadValidator('core.v1.Pod')),
    import('../../../src/api/validate.js').then((m) => m.loadValidator('core.v1.ConfigMap')),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Objects as the controllers write them

export interface DeploymentInput {
  name?: string;
  replicas?: number;
  image?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  paused?: boolean;
}

export async function createDeployment(env: Env, d: DeploymentInput = {}): Promise<KubeObject> {
  const name = d.name ?? 'web';
  const labels = d.labels ?? { app: name };
  return env.store.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels, ...(d.annotations ? { annotations: d.annotations } : {}) },
    spec: {
      replicas: d.replicas ?? 3,
      selector: { matchLabels: labels },
      ...(d.paused ? { paused: true } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: d.image ?? IMAGE }] } },
    },
  });
}

export const getDeployment = (env: Env, name = 'web'): Promise<KubeObject> => env.store.get({ resource: 'deployments', namespace: 'default', name });

/** Writes the Deployment's status subresource (read-modify-write), as the deployment controller does. */
export async function setDeploymentStatus(env: Env, status: Record<string, unknown>, name = 'web'): Promise<KubeObject> {
  const d = await getDeployment(env, name);
  return env.store.updateStatus({ ...d, status: { observedGeneration: d.metadata.generation, ...status } });
}

export async function patchDeployment(env: Env, edit: (d: KubeObject) => void, name = 'web'): Promise<KubeObject> {
  const d = structuredClone(await getDeployment(env, name));
  edit(d);
  return env.store.update(d);
}

/**
 * The ReplicaSet the deployment controller makes for the Deployment's current template: name web-<hash>,
 * pod-template-hash label, revision annotation (and the Deployment's change-cause), controller ownerReference.
 */
export async function createReplicaSet(env: Env, revision: number, opts: { hash?: string; name?: string; replicas?: number; changeCause?: string } = {}): Promise<KubeObject> {
  const d = await getDeployment(env, opts.name ?? 'web');
  const hash = opts.hash ?? `h${revision}`;
  const spec = d.spec as { template: { metadata: { labels: Record<string, string> } }; selector: { matchLabels: Record<string, string> } };
  const template = structuredClone(spec.template);
  template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
  const rs = await env.store.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: 'default',
      labels: template.metadata.labels,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        ...(opts.changeCause ? { 'kubernetes.io/change-cause': opts.changeCause } : {}),
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: opts.replicas ?? 0, selector: { matchLabels: { ...spec.selector.matchLabels, 'pod-template-hash': hash } }, template },
  });
  // the Deployment carries the revision of its newest ReplicaSet
  await patchDeployment(env, (x) => {
    x.metadata.annotations = { ...x.metadata.annotations, 'deployment.kubernetes.io/revision': String(revision) };
  }, d.metadata.name);
  env.clock.advance(1000);
  return rs;
}

/** A pod of the ReplicaSet whose first container waits with `reason` (or runs, when reason is undefined). */
export async function createPodOf(env: Env, rs: KubeObject, name: string, waiting?: { reason: string; message?: string }): Promise<KubeObject> {
  const template = (rs.spec as { template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string }[] } } }).template;
  const pod = await env.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: template.metadata.labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid!, controller: true }],
    },
    spec: { nodeName: 'kctl-node', containers: template.spec.containers },
  });
  const c = template.spec.containers[0]!;
  return env.store.updateStatus({
    ...pod,
    status: {
      phase: waiting ? 'Pending' : 'Running',
      containerStatuses: [
        {
          name: c.name,
          image: c.image,
          imageID: '',
          ready: !waiting,
          restartCount: 0,
          state: waiting ? { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } } : { running: { startedAt: '2026-01-01T00:00:00Z' } },
        },
      ],
    },
  });
}
