// computePodActions: what the kubelet must do to a pod, as a pure function of the pod, what the runtime
// shows, the clock and the back-off state (upstream kuberuntime_manager.go computePodActions + doBackOff +
// the image puller's policy and back-off). The kubelet executes the plan; nothing here does I/O.
//
// One bounded move per pass: containers are only stopped here (asynchronously, by the executor); a
// container that must come back is started on the pass after its stop, like any exited container.
import type { Container, Pod } from '../api/types.js';
import type { ContainerStatus as ApiContainerStatus, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerState, PortMapping } from '../runtime/runtime.js';
import { isInBackOffSince, isInBackOffSinceUpdate, nextBackoff, type BackoffEntry, type BackoffView } from './backoff.js';
import {
  MIN_GRACE_SECONDS,
  goDuration,
  hashContainer,
  imagePullPolicyOf,
  podDesc,
  podGraceSeconds,
  restartPolicyOf,
  shouldRestartOnFailure,
  timeMs,
} from './helpers.js';

// ------------------------------------------------------------------------------------------------
// What the kubelet observed

export interface ObservedSandbox {
  id: string;
  attempt: number;
  state: 'ready' | 'notready';
  createdAt: string;
  podIP?: string;
  ports: PortMapping[];
  /** the engine network it joined */
  network?: string;
}

export interface ObservedContainer {
  id: string;
  /** Kubernetes container name */
  name: string;
  attempt: number;
  sandboxId: string;
  state: ContainerState;
  image: string;
  imageId?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** terminated reason: Completed / Error / OOMKilled */
  reason?: string;
  message?: string;
  /** CONTAINER_HASH_LABEL of the container */
  hash?: string;
}

export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ContainerProbeResults {
  liveness?: ProbeResult;
  readiness?: ProbeResult;
  startup?: ProbeResult;
}

export interface ObservedPod {
  sandboxes: ObservedSandbox[];
  containers: ObservedContainer[];
  /** image reference → present in the engine (for the images of the pod's containers) */
  images: Record<string, boolean>;
  /** probe results by container id (absent: no worker yet) */
  probes?: Record<string, ContainerProbeResults>;
  /** ids of containers the kubelet is stopping right now */
  killing?: string[];
  /** ids of containers stopped for a spec change: started again whatever the restart policy */
  restartRequested?: string[];
  /** the network the pod's sandbox belongs on (its namespace's); a sandbox elsewhere is replaced */
  network?: string;
}

export interface PlanConfig {
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** a container that ran this long before exiting restarts at once, its back-off forgotten */
  backoffResetMs: number;
}

export const DEFAULT_PLAN_CONFIG: PlanConfig = { backoffBaseMs: 10_000, backoffMaxMs: 300_000, backoffResetMs: 600_000 };

// ------------------------------------------------------------------------------------------------
// The plan

export type KillReason = 'Deletion' | 'SandboxChanged' | 'LivenessProbe' | 'StartupProbe' | 'SpecChanged' | 'Unknown' | 'PodTerminated';

export interface ContainerToKill {
  id: string;
  name: string;
  reason: KillReason;
  /** the Killing event's message */
  message: string;
  graceSeconds: number;
  /** stopped to be started again (spec change) */
  restart?: boolean;
}

export interface ContainerToStart {
  name: string;
  init: boolean;
  /** restart count of the new container (part of its engine name) */
  attempt: number;
  image: string;
  /** pull the image first (policy Always, or IfNotPresent and missing) */
  pullImage: boolean;
  hash: string;
}

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** the container the event is about, if any */
  container?: string;
}

export interface Waiting {
  reason: string;
  message: string;
}

export interface PodActions {
  /** stop every container and the sandbox (pod done, sandbox changed, init failed with Never) */
  killPod: boolean;
  createSandbox: boolean;
  /** attempt of the sandbox to create, or of the current one */
  attempt: number;
  /** the ready sandbox to start containers in (when not creating one) */
  sandboxId?: string;
  containersToKill: ContainerToKill[];
  /** at most one init container, started before anything else */
  initContainerToStart?: ContainerToStart;
  containersToStart: ContainerToStart[];
  /** containers that should run but wait (CrashLoopBackOff, ImagePullBackOff, ErrImageNeverPull) */
  waiting: Record<string, Waiting>;
  /** new back-off entries (null: forget the key) */
  backoffUpdates: Record<string, BackoffEntry | null>;
  /** exited containers to remove (old attempts, old sandboxes' init containers, all on deletion) */
  containersToRemove: string[];
  sandboxesToStop: string[];
  sandboxesToRemove: string[];
  /** deletion finished: every container and sandbox is gone; remove the Pod object */
  finalize: boolean;
  events: PlannedEvent[];
  /** reconcile again after this long (end of a back-off) */
  requeueAfterMs?: number;
}

function emptyActions(): PodActions {
  return {
    killPod: false,
    createSandbox: false,
    attempt: 0,
    containersToKill: [],
    containersToStart: [],
    waiting: {},
    backoffUpdates: {},
    containersToRemove: [],
    sandboxesToStop: [],
    sandboxesToRemove: [],
    finalize: false,
    events: [],
  };
}

// ------------------------------------------------------------------------------------------------
// Helpers over the observation

/** A container's last known instance: from the runtime, or (removed behind kctl's back) from pod.status. */
export interface LatestStatus {
  /** '' for a container known only from pod.status */
  id: string;
  attempt: number;
  state: ContainerState;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  sandboxId?: string;
  hash?: string;
  ghost: boolean;
}

export const crashBackoffKey = (uid: string, name: string, hash: string): string => `crash/${uid}/${name}/${hash}`;
export const pullBackoffKey = (uid: string, image: string): string => `pull/${uid}/${image}`;

/** Runtime containers of one name, newest attempt first. */
export function containersNamed(observed: ObservedPod, name: string): ObservedContainer[] {
  return observed.containers
    .filter((c) => c.name === name)
    .sort((a, b) => b.attempt - a.attempt || b.createdAt.localeCompare(a.createdAt));
}

function apiStatusOf(pod: Pod, name: string, init: boolean): ApiContainerStatus | undefined {
  const list = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  return list?.find((s) => s.name === name);
}

/** The attempt of the last container pod.status says existed, or undefined when none ever did. */
export function statusAttempt(pod: Pod, name: string, init: boolean): number | undefined {
  const s = apiStatusOf(pod, name, init);
  if (!s) return undefined;
  const existed = !!(s.containerID || s.state?.running || s.state?.terminated || s.lastState?.terminated);
  return existed ? (s.restartCount ?? 0) : undefined;
}

/**
 * An app container that pod.status knows but the runtime lost (`docker rm -f`): it is taken as exited (a
 * running one as killed: 137), so the restart policy decides, and its successor gets the next attempt.
 */
export function ghostOf(pod: Pod, name: string): LatestStatus | undefined {
  const s = apiStatusOf(pod, name, false);
  const attempt = statusAttempt(pod, name, false);
  if (!s || attempt === undefined) return undefined;
  const t = s.state?.terminated ?? (s.state?.running ? undefined : s.lastState?.terminated);
  const g: LatestStatus = { id: '', attempt, state: 'exited', exitCode: t ? t.exitCode : 137, ghost: true };
  if (t?.startedAt) g.startedAt = t.startedAt;
  if (t?.finishedAt) g.finishedAt = t.finishedAt;
  else if (s.state?.running?.startedAt) g.startedAt = s.state.running.startedAt;
  return g;
}

function latestOf(observed: ObservedPod, pod: Pod, name: string, init: boolean, sandboxId?: string): LatestStatus | undefined {
  const list = containersNamed(observed, name).filter((c) => !init || sandboxId === undefined || c.sandboxId === sandboxId);
  const c = list[0];
  if (c) {
    const l: LatestStatus = { id: c.id, attempt: c.attempt, state: c.state, ghost: false, sandboxId: c.sandboxId };
    if (c.exitCode !== undefined) l.exitCode = c.exitCode;
    if (c.startedAt) l.startedAt = c.startedAt;
    if (c.finishedAt) l.finishedAt = c.finishedAt;
    if (c.hash) l.hash = c.hash;
    return l;
  }
  return init ? undefined : ghostOf(pod, name);
}

/** Attempt number for a new instance of a container: one past every instance the runtime or status knows. */
export function nextAttempt(observed: ObservedPod, pod: Pod, name: string, init: boolean): number {
  let max = -1;
  for (const c of observed.containers) if (c.name === name) max = Math.max(max, c.attempt);
  const s = statusAttempt(pod, name, init);
  if (s !== undefined) max = Math.max(max, s);
  return max + 1;
}

/** upstream ShouldContainerBeRestarted (plus: a container stopped for a spec change always comes back). */
export function shouldContainerBeRestarted(pod: Pod, latest: LatestStatus | undefined, restartRequested: ReadonlySet<string>): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!latest) return true;
  if (latest.state === 'running') return false;
  if (latest.state === 'unknown' || latest.state === 'created') return true;
  if (latest.id && restartRequested.has(latest.id)) return true;
  const policy = restartPolicyOf(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exitCode === 0) return false;
  return true;
}

const isTerminalPhase = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

function probeGrace(pod: Pod, probe: Probe | undefined): number {
  const g = probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(MIN_GRACE_SECONDS, g);
}

// ------------------------------------------------------------------------------------------------
// The planner

/**
 * Plans one pass over a pod bound to this node. `nowMs`: the clock; `backoff`: the kubelet's back-off map
 * (read only: changes come back in `backoffUpdates`).
 */
export function computePodActions(
  pod: Pod,
  observed: ObservedPod,
  nowMs: number,
  backoff: BackoffView,
  cfg: PlanConfig = DEFAULT_PLAN_CONFIG,
): PodActions {
  const a = emptyActions();
  const killing = new Set(observed.killing ?? []);
  const restartRequested = new Set(observed.restartRequested ?? []);
  const sandboxes = [...observed.sandboxes].sort((x, y) => y.attempt - x.attempt || y.createdAt.localeCompare(x.createdAt));
  const latestSandbox = sandboxes[0];
  const live = observed.containers.filter((c) => c.state === 'running');
  const specNames = new Set([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name));

  const kill = (c: ObservedContainer, reason: KillReason, message: string, graceSeconds: number, restart?: boolean): void => {
    if (killing.has(c.id) || a.containersToKill.some((k) => k.id === c.id)) return;
    const k: ContainerToKill = { id: c.id, name: c.name, reason, message, graceSeconds };
    if (restart) k.restart = true;
    a.containersToKill.push(k);
  };
  const killAll = (reason: KillReason, graceSeconds: number): boolean => {
    for (const c of live) kill(c, reason, `Stopping container ${c.name}`, graceSeconds);
    return live.length > 0;
  };
  const requeue = (ms: number): void => {
    const v = Math.max(1, Math.ceil(ms));
    a.requeueAfterMs = a.requeueAfterMs === undefined ? v : Math.min(a.requeueAfterMs, v);
  };
  /** killPod: stop all containers, then (on a later pass, when none runs) the sandbox. */
  const killPod = (reason: KillReason): void => {
    a.killPod = true;
    const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
    if (!killAll(reason, grace)) for (const s of sandboxes) if (s.state === 'ready') a.sandboxesToStop.push(s.id);
  };

  // 1. Deletion: stop everything, remove everything, then the Pod object goes.
  if (pod.metadata?.deletionTimestamp) {
    a.killPod = true;
    const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
    if (killAll('Deletion', grace)) return a;
    a.containersToRemove = observed.containers.map((c) => c.id);
    a.sandboxesToRemove = sandboxes.map((s) => s.id);
    a.finalize = true;
    return a;
  }

  // Containers the spec no longer names (cannot happen for pods; kept for safety): stop them.
  for (const c of live) if (!specNames.has(c.name)) kill(c, 'Unknown', `Stopping container ${c.name}`, MIN_GRACE_SECONDS);

  // 2. A terminal pod never runs again.
  if (isTerminalPhase(pod)) {
    killPod('PodTerminated');
    garbageCollect(a, pod, observed, sandboxes, latestSandbox?.id);
    return a;
  }

  // 3. Sandbox: create one when none is ready, the newest is dead, several are ready, or it sits on another
  //    network than its namespace's (a pod started before namespaces had their own networks).
  const ready = sandboxes.filter((s) => s.state === 'ready');
  const wrongNetwork = !!observed.network && !!latestSandbox?.network && latestSandbox.network !== observed.network;
  const sandboxChanged = !latestSandbox || latestSandbox.state !== 'ready' || ready.length > 1 || wrongNetwork;
  if (sandboxChanged) {
    a.attempt = latestSandbox ? latestSandbox.attempt + 1 : 0;
    const previouslyRan =
      observed.containers.some((c) => specNames.has(c.name)) ||
      (pod.spec?.containers ?? []).some((c) => ghostOf(pod, c.name) !== undefined);
    const finish = (): PodActions => {
      garbageCollect(a, pod, observed, sandboxes, undefined);
      return a;
    };
    // Stop what runs in the old sandbox first; the new one comes on a later pass.
    if (live.length) {
      a.killPod = true;
      const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
      killAll('SandboxChanged', grace);
      a.events.push({ type: 'Normal', reason: 'SandboxChanged', message: 'Pod sandbox changed, it will be killed and re-created.' });
      return finish();
    }
    for (const s of ready) a.sandboxesToStop.push(s.id);
    if (!shouldRestartOnFailure(pod) && previouslyRan) return finish();
    const toStart: Container[] = [];
    for (const c of pod.spec?.containers ?? []) {
      const latest = latestOf(observed, pod, c.name, false);
      if (restartPolicyOf(pod) === 'OnFailure' && latest?.state === 'exited' && latest.exitCode === 0) continue;
      toStart.push(c);
    }
    if (toStart.length === 0 && previouslyRan) return finish();
    a.createSandbox = true;
    const inits = pod.spec?.initContainers ?? [];
    if (inits.length) {
      const s = planStart(a, pod, observed, inits[0]!, true, nowMs, backoff, cfg, restartRequested, requeue);
      if (s) a.initContainerToStart = s;
    } else {
      for (const c of toStart) {
        const s = planStart(a, pod, observed, c, false, nowMs, backoff, cfg, restartRequested, requeue);
        if (s) a.containersToStart.push(s);
      }
    }
    return finish();
  }

  const sandbox = latestSandbox!;
  a.sandboxId = sandbox.id;
  a.attempt = sandbox.attempt;

  // 4. Init containers, in order; each must exit 0 before the next starts.
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length) {
    const next = findNextInitContainerToRun(pod, observed, sandbox.id);
    if (!next.done) {
      if (next.container) {
        const failed = next.last !== undefined && isInitContainerFailed(next.last);
        if (failed && !shouldRestartOnFailure(pod)) {
          killPod('PodTerminated');
        } else {
          if (next.last?.state === 'unknown' && next.last.id) {
            const c = observed.containers.find((x) => x.id === next.last!.id);
            if (c) kill(c, 'Unknown', `Init container is in "unknown" state, try killing it before restart`, MIN_GRACE_SECONDS);
          }
          const s = planStart(a, pod, observed, next.container, true, nowMs, backoff, cfg, restartRequested, requeue);
          if (s) a.initContainerToStart = s;
        }
      }
      garbageCollect(a, pod, observed, sandboxes, sandbox.id);
      return a;
    }
  }

  // 5. App containers: start what should run, stop what must not.
  let keepCount = 0;
  let startCount = 0;
  const probes = observed.probes ?? {};
  for (const c of pod.spec?.containers ?? []) {
    const latest = latestOf(observed, pod, c.name, false);
    if (!latest || latest.state !== 'running') {
      if (shouldContainerBeRestarted(pod, latest, restartRequested)) {
        startCount++;
        if (latest?.state === 'unknown' && latest.id) {
          const oc = observed.containers.find((x) => x.id === latest.id);
          if (oc) kill(oc, 'Unknown', `Container is in "unknown" state, try killing it before restart`, MIN_GRACE_SECONDS);
        }
        const s = planStart(a, pod, observed, c, false, nowMs, backoff, cfg, restartRequested, requeue);
        if (s) a.containersToStart.push(s);
      }
      continue;
    }
    if (killing.has(latest.id)) {
      keepCount++; // being stopped: restarted (or not) on a later pass, per policy
      continue;
    }
    const oc = observed.containers.find((x) => x.id === latest.id)!;
    const restart = shouldRestartOnFailure(pod);
    const hash = hashContainer(c);
    const results = probes[latest.id] ?? {};
    if (latest.hash !== undefined && latest.hash !== hash) {
      kill(oc, 'SpecChanged', `Container ${c.name} definition changed, will be restarted`, Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod)), true);
      keepCount++;
    } else if (results.liveness === 'failure') {
      const msg = `Container ${c.name} failed liveness probe${restart ? ', will be restarted' : ''}`;
      kill(oc, 'LivenessProbe', msg, probeGrace(pod, c.livenessProbe));
      if (restart) keepCount++;
    } else if (results.startup === 'failure') {
      const msg = `Container ${c.name} failed startup probe${restart ? ', will be restarted' : ''}`;
      kill(oc, 'StartupProbe', msg, probeGrace(pod, c.startupProbe));
      if (restart) keepCount++;
    } else {
      keepCount++;
    }
  }
  if (keepCount === 0 && startCount === 0) killPod('PodTerminated');
  garbageCollect(a, pod, observed, sandboxes, sandbox.id);
  return a;
}

/**
 * Decides whether a container can start now (upstream doBackOff, then the image policy and pull back-off);
 * records a waiting reason and events otherwise.
 */
function planStart(
  a: PodActions,
  pod: Pod,
  observed: ObservedPod,
  c: Container,
  init: boolean,
  nowMs: number,
  backoff: BackoffView,
  cfg: PlanConfig,
  restartRequested: ReadonlySet<string>,
  requeue: (ms: number) => void,
): ContainerToStart | undefined {
  const uid = pod.metadata?.uid ?? '';
  const hash = hashContainer(c);
  const image = c.image ?? '';
  // Crash back-off: measured from the last exit of this container (one removed behind kctl's back, known
  // only from pod.status, comes back at once, as upstream where the runtime no longer shows it).
  const last = latestOf(observed, pod, c.name, init, undefined);
  if (last && !last.ghost && last.state === 'exited' && !restartRequested.has(last.id)) {
    const key = crashBackoffKey(uid, c.name, hash);
    let entry = backoff.get(key);
    const finished = timeMs(last.finishedAt);
    const started = timeMs(last.startedAt);
    if (entry && finished !== undefined && started !== undefined && finished - started >= cfg.backoffResetMs) {
      entry = undefined; // ran long enough: the back-off starts over
      a.backoffUpdates[key] = null;
    }
    const eventMs = finished ?? nowMs;
    if (entry && isInBackOffSince(entry, eventMs, nowMs)) {
      a.waiting[c.name] = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(entry.durationMs)} restarting failed container=${c.name} pod=${podDesc(pod)}`,
      };
      a.events.push({
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${c.name} in pod ${podDesc(pod)}`,
        container: c.name,
      });
      requeue(eventMs + entry.durationMs - nowMs);
      return undefined;
    }
    a.backoffUpdates[key] = nextBackoff(entry, eventMs, nowMs, { baseMs: cfg.backoffBaseMs, maxMs: cfg.backoffMaxMs });
  }
  // Image policy.
  const policy = imagePullPolicyOf(c);
  const present = observed.images[image] === true;
  if (policy === 'Never' && !present) {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    a.waiting[c.name] = { reason: 'ErrImageNeverPull', message };
    a.events.push({ type: 'Warning', reason: 'ErrImageNeverPull', message, container: c.name });
    requeue(cfg.backoffBaseMs);
    return undefined;
  }
  const pullImage = policy === 'Always' || !present;
  if (pullImage) {
    const entry = backoff.get(pullBackoffKey(uid, image));
    if (isInBackOffSinceUpdate(entry, nowMs)) {
      const message = `Back-off pulling image "${image}"`;
      a.waiting[c.name] = { reason: 'ImagePullBackOff', message };
      a.events.push({ type: 'Normal', reason: 'BackOff', message, container: c.name });
      a.events.push({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', container: c.name });
      requeue(entry!.lastUpdateMs + entry!.durationMs - nowMs);
      return undefined;
    }
  }
  // An instance that was made but never started (the controller died between create and start, or the
  // start failed) ran nothing: it is replaced under the same attempt, so it neither lingers nor counts as
  // a restart.
  const unstarted = containersNamed(observed, c.name)[0];
  if (unstarted?.state === 'created' && !unstarted.startedAt) {
    if (!a.containersToRemove.includes(unstarted.id)) a.containersToRemove.push(unstarted.id);
    return { name: c.name, init, attempt: unstarted.attempt, image, pullImage, hash };
  }
  return { name: c.name, init, attempt: nextAttempt(observed, pod, c.name, init), image, pullImage, hash };
}

interface NextInit {
  /** the last instance of the init container to (re)start, when it failed */
  last?: LatestStatus;
  container?: Container;
  done: boolean;
}

const isInitContainerFailed = (s: LatestStatus): boolean =>
  (s.state === 'exited' && s.exitCode !== 0) || s.state === 'unknown';

/** upstream findNextInitContainerToRun, over the init containers of the current sandbox. */
export function findNextInitContainerToRun(pod: Pod, observed: ObservedPod, sandboxId: string): NextInit {
  const inits = pod.spec?.initContainers ?? [];
  if (!inits.length) return { done: true };
  // An app container running, or made in this sandbox, means initialization happened (upstream
  // hasAnyRegularContainerCreated): a crashed app container does not run the init containers again.
  for (const c of pod.spec?.containers ?? []) {
    const l = latestOf(observed, pod, c.name, false);
    if (l && !l.ghost && (l.state === 'running' || l.sandboxId === sandboxId)) return { done: true };
  }
  const statusOf = (c: Container): LatestStatus | undefined => latestOf(observed, pod, c.name, true, sandboxId);
  for (let i = inits.length - 1; i >= 0; i--) {
    const s = statusOf(inits[i]!);
    if (s && isInitContainerFailed(s)) return { last: s, container: inits[i]!, done: false };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const s = statusOf(inits[i]!);
    if (!s) continue;
    if (s.state === 'running') return { done: false };
    if (s.state === 'created') return { last: s, container: inits[i]!, done: false };
    if (s.state === 'exited') {
      if (i === inits.length - 1) return { done: true };
      return { container: inits[i + 1]!, done: false };
    }
  }
  return { container: inits[0]!, done: false };
}

/**
 * Container and sandbox garbage: keeps the newest two instances of an app container (the current one and
 * the previous, for lastState and `logs --previous`) and the newest init container of the current sandbox;
 * removes older exited ones, then dead sandboxes (not the newest) no container refers to any more.
 */
function garbageCollect(a: PodActions, pod: Pod, observed: ObservedPod, sandboxes: ObservedSandbox[], currentSandbox: string | undefined): void {
  const initNames = new Set((pod.spec?.initContainers ?? []).map((c) => c.name));
  const remove = new Set<string>();
  const names = new Set(observed.containers.map((c) => c.name));
  for (const name of names) {
    const list = containersNamed(observed, name);
    const init = initNames.has(name);
    list.forEach((c, i) => {
      if (c.state === 'running') return;
      if (init) {
        if (i > 0 || (currentSandbox !== undefined && c.sandboxId !== currentSandbox)) remove.add(c.id);
      } else if (i > 1) remove.add(c.id);
    });
  }
  // A container being restarted (attempt + 1 starts now) keeps its predecessor only.
  for (const s of [a.initContainerToStart, ...a.containersToStart]) {
    if (!s) continue;
    const list = containersNamed(observed, s.name).filter((c) => !a.containersToRemove.includes(c.id));
    list.forEach((c, i) => {
      if (i > 0 && c.state !== 'running') remove.add(c.id);
    });
  }
  for (const id of a.containersToRemove) remove.add(id);
  a.containersToRemove = observed.containers.filter((c) => remove.has(c.id)).map((c) => c.id);
  const remaining = observed.containers.filter((c) => !remove.has(c.id));
  const newest = sandboxes[0];
  for (const s of sandboxes) {
    if (s === newest || s.state === 'ready') continue;
    if (!remaining.some((c) => c.sandboxId === s.id)) a.sandboxesToRemove.push(s.id);
  }
}
