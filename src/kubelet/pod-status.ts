// generatePodStatus: the Pod's status as the kubelet writes it, as a pure function of the pod, what the
// runtime shows, probe results and the waiting reasons of the last pass (upstream kubelet_pods.go
// generateAPIPodStatus / convertToAPIContainerStatuses / getPhase and status/generate.go).
import type { Container, Pod } from '../api/types.js';
import type { ContainerState as ApiContainerState, ContainerStatus as ApiContainerStatus, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { cmpQuantity, tryParseQuantity } from '../api/quantity.js';
import { containersNamed, ghostOf, statusAttempt, type ObservedContainer, type ObservedPod, type ObservedSandbox, type Waiting } from './pod-actions.js';
import { deepEqual, rfc3339, restartPolicyOf, type PodPortMapping } from './helpers.js';

export interface StatusInput {
  pod: Pod;
  observed: ObservedPod;
  now: Date;
  /** waiting reasons by container name (CrashLoopBackOff, ErrImagePull, CreateContainerConfigError ...) */
  waiting: Record<string, Waiting>;
  /** the node's address (kctl: 127.0.0.1) */
  hostIP: string;
  /** `<runtime>://` prefix of containerID (default docker) */
  runtimeName?: string;
}

const UNKNOWN_MESSAGE = 'The container could not be located when the pod was terminated';

/** The sandbox the pod's containers run in: the newest ready one. */
export function currentSandbox(observed: ObservedPod): ObservedSandbox | undefined {
  return [...observed.sandboxes]
    .sort((a, b) => b.attempt - a.attempt || b.createdAt.localeCompare(a.createdAt))
    .find((s) => s.state === 'ready');
}

function terminatedOf(c: ObservedContainer, prefix: string): ApiContainerState {
  const t: NonNullable<ApiContainerState['terminated']> = {
    exitCode: c.exitCode ?? 0,
    reason: c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error'),
    containerID: `${prefix}://${c.id}`,
  };
  if (c.message) t.message = c.message;
  if (c.startedAt) t.startedAt = rfc3339(c.startedAt);
  if (c.finishedAt) t.finishedAt = rfc3339(c.finishedAt);
  return { terminated: t };
}

/** What pod.status said about a container the runtime no longer has, as a terminated state. */
function ghostTerminated(old: ApiContainerStatus): ApiContainerState | undefined {
  if (old.state?.terminated) return { terminated: old.state.terminated };
  if (old.state?.running) {
    const t: NonNullable<ApiContainerState['terminated']> = { exitCode: 137, reason: 'ContainerStatusUnknown', message: UNKNOWN_MESSAGE };
    if (old.state.running.startedAt) t.startedAt = old.state.running.startedAt;
    return { terminated: t };
  }
  if (old.lastState?.terminated) return { terminated: old.lastState.terminated };
  return undefined;
}

interface Ctx {
  pod: Pod;
  observed: ObservedPod;
  waiting: Record<string, Waiting>;
  prefix: string;
  defaultWaiting: string;
}

function containerStatus(c: Container, init: boolean, ctx: Ctx): ApiContainerStatus {
  const { pod, observed } = ctx;
  const old = (init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find((s) => s.name === c.name);
  const list = containersNamed(observed, c.name);
  const latest = list[0];
  const prev = list[1];
  const override = ctx.waiting[c.name];
  const st: ApiContainerStatus = {
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason: ctx.defaultWaiting } },
    lastState: {},
  };
  const waitingState = (w: Waiting): ApiContainerState => ({ waiting: w.message ? { reason: w.reason, message: w.message } : { reason: w.reason } });

  if (!latest) {
    // Never created, or removed behind kctl's back: keep what pod.status knew.
    const attempt = statusAttempt(pod, c.name, init);
    if (old && attempt !== undefined) {
      st.restartCount = attempt;
      if (old.imageID) st.imageID = old.imageID;
      const gt = ghostTerminated(old);
      const ghost = init ? undefined : ghostOf(pod, c.name);
      // An exited container that will not run again keeps its terminated state (init: a successful one).
      const final = init ? old.state?.terminated?.exitCode === 0 : ghost !== undefined && !restarts(pod, ghost.exitCode);
      if (!override && gt && final) {
        st.state = gt;
        st.lastState = old.state?.waiting ? {} : (old.lastState ?? {});
        const id = gt.terminated?.containerID ?? old.containerID;
        if (id) st.containerID = id;
        if (init) st.ready = true;
        return st;
      }
      st.lastState = gt ?? {};
    }
    if (override) st.state = waitingState(override);
    return st;
  }

  st.containerID = `${ctx.prefix}://${latest.id}`;
  st.restartCount = latest.attempt;
  if (latest.imageId) st.imageID = latest.imageId;
  if (prev && prev.state === 'exited') st.lastState = terminatedOf(prev, ctx.prefix);
  else if (!prev && latest.attempt > 0 && old) {
    const sa = statusAttempt(pod, c.name, init);
    if (sa !== undefined && sa < latest.attempt) st.lastState = ghostTerminated(old) ?? {};
    else if (old.lastState?.terminated && old.restartCount === latest.attempt) st.lastState = old.lastState;
  }
  switch (latest.state) {
    case 'running': {
      st.state = { running: latest.startedAt ? { startedAt: rfc3339(latest.startedAt) } : {} };
      const results = observed.probes?.[latest.id] ?? {};
      if (init) {
        st.started = true;
      } else {
        const started = !c.startupProbe || results.startup === 'success';
        st.started = started;
        st.ready = started && (!c.readinessProbe || results.readiness === 'success');
      }
      break;
    }
    case 'exited':
      if (observed.restartRequested?.includes(latest.id)) {
        // stopped for a spec change: starts again at once, whatever the restart policy
        st.lastState = terminatedOf(latest, ctx.prefix);
        st.state = { waiting: { reason: ctx.defaultWaiting } };
      } else if (override) {
        st.lastState = terminatedOf(latest, ctx.prefix);
        st.state = waitingState(override);
      } else {
        st.state = terminatedOf(latest, ctx.prefix);
        if (init) st.ready = latest.exitCode === 0;
      }
      break;
    default:
      st.state = waitingState(override ?? { reason: 'ContainerCreating', message: '' });
  }
  return st;
}

function restarts(pod: Pod, exitCode: number | undefined): boolean {
  const p = restartPolicyOf(pod);
  return p === 'Always' || (p === 'OnFailure' && exitCode !== 0);
}

/** upstream getPhase over the generated statuses. */
export function getPhase(pod: Pod, initStatuses: ApiContainerStatus[], statuses: ApiContainerStatus[]): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const policy = restartPolicyOf(pod);
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const s = initStatuses.find((x) => x.name === c.name);
    if (!s) {
      pendingInitialization++;
      continue;
    }
    if (s.state?.running) pendingInitialization++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.containers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  const initialized = hasAnyRegularContainerStarted(statuses);
  if ((pendingInitialization > 0 && !initialized) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function hasAnyRegularContainerStarted(statuses: ApiContainerStatus[]): boolean {
  return statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
}

const fmtList = (names: string[]): string => `[${names.join(' ')}]`;

type CondStatus = { status: 'True' | 'False'; reason?: string; message?: string };

function initializedCondition(pod: Pod, inits: ApiContainerStatus[], statuses: ApiContainerStatus[], phase: string): CondStatus {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    const s = inits.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { status: 'True', reason: 'PodCompleted' };
  if (hasAnyRegularContainerStarted(statuses)) return { status: 'True' };
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${fmtList(unknown)}`);
  if (incomplete.length) msgs.push(`containers with incomplete status: ${fmtList(incomplete)}`);
  if (msgs.length) return { status: 'False', reason: 'ContainersNotInitialized', message: msgs.join(', ') };
  return { status: 'True' };
}

function containersReadyCondition(pod: Pod, statuses: ApiContainerStatus[], phase: string): CondStatus {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { status: 'False', reason: 'PodFailed' };
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${fmtList(unknown)}`);
  if (unready.length) msgs.push(`containers with unready status: ${fmtList(unready)}`);
  if (msgs.length) return { status: 'False', reason: 'ContainersNotReady', message: msgs.join(', ') };
  return { status: 'True' };
}

function readyCondition(pod: Pod, containersReady: CondStatus, conditions: PodCondition[]): CondStatus {
  if (containersReady.status !== 'True') return containersReady;
  const msgs: string[] = [];
  for (const g of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === g.conditionType);
    if (!c) msgs.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  if (msgs.length) return { status: 'False', reason: 'ReadinessGatesNotReady', message: msgs.join(', ') };
  return { status: 'True' };
}

/** A condition with lastTransitionTime kept from the old one when its status did not change. */
function condition(type: string, c: CondStatus, old: PodCondition[] | undefined, now: Date): PodCondition {
  const prev = old?.find((x) => x.type === type);
  const out: PodCondition = {
    type,
    status: c.status,
    lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now),
  };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

/** upstream GetPodQOS: Guaranteed / Burstable / BestEffort from cpu and memory requests and limits. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const l = tryParseQuantity(lim[r]);
      const q = req[r] === undefined ? l : tryParseQuantity(req[r]);
      if ((q?.nano ?? 0n) > 0n || (l?.nano ?? 0n) > 0n) any = true;
      if (l === undefined || l.nano === 0n || q === undefined || cmpQuantity(q, l) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The pod's status after this pass (everything the kubelet does not own is kept from pod.status). */
export function generatePodStatus(input: StatusInput): PodStatus {
  const { pod, observed, now } = input;
  const old = pod.status ?? {};
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const ctx: Ctx = {
    pod,
    observed,
    waiting: input.waiting,
    prefix: input.runtimeName ?? 'docker',
    defaultWaiting: hasInit ? 'PodInitializing' : 'ContainerCreating',
  };
  const initStatuses = (pod.spec?.initContainers ?? []).map((c) => containerStatus(c, true, ctx));
  const statuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, false, ctx));
  // Containers being restarted for a spec change count as running: the pod is not done.
  const restarting = new Set(
    observed.containers.filter((c) => c.state === 'exited' && observed.restartRequested?.includes(c.id)).map((c) => c.name),
  );
  let phase = getPhase(
    pod,
    initStatuses,
    statuses.map((s) => (restarting.has(s.name) ? { ...s, state: { running: {} } } : s)),
  );
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase; // terminal phases stick

  const owned = new Set(['Initialized', 'Ready', 'ContainersReady']);
  const others = (old.conditions ?? []).filter((c) => !owned.has(c.type));
  const cr = containersReadyCondition(pod, statuses, phase);
  const conditions: PodCondition[] = [
    condition('Initialized', initializedCondition(pod, initStatuses, statuses, phase), old.conditions, now),
    condition('Ready', readyCondition(pod, cr, old.conditions ?? []), old.conditions, now),
    condition('ContainersReady', cr, old.conditions, now),
    ...others,
  ];

  const status: PodStatus = { ...old, phase, conditions };
  const sb = currentSandbox(observed);
  status.hostIP = input.hostIP;
  status.hostIPs = [{ ip: input.hostIP }];
  const podIP = sb?.podIP ?? old.podIP;
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  status.startTime = old.startTime ?? rfc3339(now);
  if (hasInit) status.initContainerStatuses = initStatuses;
  else delete status.initContainerStatuses;
  status.containerStatuses = statuses;
  status.qosClass = qosClass(pod);
  return status;
}

/**
 * The PORTS_ANNOTATION value for the pod's current sandbox (undefined: no published ports); `name` is the
 * port's name in the pod spec, when it has one.
 */
export function portsAnnotation(pod: Pod, observed: ObservedPod): string | undefined {
  const sb = currentSandbox(observed);
  if (!sb || sb.ports.length === 0) return undefined;
  const named = new Map<string, string>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])])
    for (const p of c.ports ?? []) {
      const k = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
      if (p.name && !named.has(k)) named.set(k, p.name);
    }
  const ports: PodPortMapping[] = [...sb.ports]
    .sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol))
    .map((p) => {
      const m: PodPortMapping = { containerPort: p.containerPort, protocol: p.protocol, hostIP: '127.0.0.1', hostPort: p.hostPort };
      const name = named.get(`${p.containerPort}/${p.protocol}`);
      if (name) m.name = name;
      return m;
    });
  return JSON.stringify(ports);
}

export { parsePortsAnnotation } from '../api/pod-ports.js';


/** True when the status differs from the pod's stored one (the kubelet writes only then). */
export const statusChanged = (pod: Pod, next: PodStatus): boolean => !deepEqual(pod.status ?? {}, next);
