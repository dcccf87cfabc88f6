// In-process kctl for the workload verbs (scale, rollout, set, wait, get -w, apply --wait): MemoryStore + FakeClock,
// in-memory streams, and Deployments/ReplicaSets/Pods written the way the controllers and the kubelet write them.
import { Writable } from 'node:stream';
import { CommanderError } from 'commander';
import type { KubeObject } from '../../../src/api/types.js';
import { createProgram, main, VERBS } from '../../../src/cli/main.js';
import type { CliContext, CliIO } from '../../../src/cli/context.js';
import { exitCodeOf, formatError } from '../../../src/cli/errors.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../../src/util/clock.js';
import { UsageError } from '../../../src/util/errors.js';

export const IMAGE = 'kctl-test/busybox:1';

export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** A FakeClock that counts the timers set on it, so a test can wait until a command armed its timeout. */
export class CountingClock extends FakeClock {
  timersSet = 0;
  override setTimer(ms: number, fn: () => void) {
    this.timersSet++;
    return super.setTimer(ms, fn);
  }
}

export interface Env {
  clock: CountingClock;
  store: MemoryStore;
}

export function setup(): Env {
  const clock = new CountingClock('2026-01-01T00:00:00Z');
  let n = 0;
  const store = new MemoryStore({ clock, uid: () => `uid-${++n}` });
  return { clock, store };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const LOADERS: Record<string, () => Promise<{ register(p: import('commander').Command, c: CliContext): void }>> = {
  scale: () => import('../../../src/cli/commands/scale.js'),
  rollout: () => import('../../../src/cli/commands/rollout.js'),
  set: () => import('../../../src/cli/commands/set.js'),
  wait: () => import('../../../src/cli/commands/wait.js'),
};

/** A running kctl: its streams can be read while it waits. */
export interface Running {
  out: Sink;
  err: Sink;
  done: Promise<Result>;
  /** Ctrl-C: runs what the command subscribed through ctx.onInterrupt */
  interrupt(): void;
}

/**
 * Starts `kctl ARGV` in process. Until the lead adds these verbs to main.ts's COMMANDS table, the verb's module
 * is registered on createProgram's program and errors go through the same formatError/exitCodeOf.
 */
export function start(env: Env, argv: string[]): Running {
  const out = new Sink();
  const err = new Sink();
  const handlers = new Set<() => void>();
  const io: CliIO = {
    out,
    err,
    env: { KCTL_NO_CONTROLLER: '1', NO_COLOR: '1' },
    onInterrupt: (fn) => {
      handlers.add(fn);
      return () => handlers.delete(fn);
    },
  };
  const deps = { store: env.store, clock: env.clock };
  const verb = argv.find((a) => !a.startsWith('-'))!;
  const run = async (): Promise<number> => {
    if (VERBS.includes(verb)) return main(argv, io, deps);
    try {
      const { program, ctx } = await createProgram(io, deps, verb);
      (await LOADERS[verb]!()).register(program, ctx);
      for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
      await program.parseAsync(argv, { from: 'user' });
      return 0;
    } catch (e) {
      if (e instanceof CommanderError) {
        if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return 0;
        io.err.write(formatError(new UsageError(e.message.replace(/^error: /, ''))));
        return 1;
      }
      io.err.write(formatError(e));
      return exitCodeOf(e);
    }
  };
  const done = run().then((code) => ({ code, stdout: out.text, stderr: err.text }));
  return { out, err, done, interrupt: () => [...handlers].forEach((fn) => fn()) };
}

export const kctl = (env: Env, argv: string[]): Promise<Result> => start(env, argv).done;

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
