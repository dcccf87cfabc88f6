// Which pod and which container a pod verb (logs, exec, port-forward) acts on.
//
// `POD`, `pod/x`, `deploy/x`, `rs/x`, `sts/x`, `ds/x`, `job/x`, `svc/x` → one pod, as kubectl's
// polymorphichelpers do (attachablePodForObject for exec/port-forward, logsForObject for logs): the object's
// selector lists the pods, sorted by podutils.ActivePods (reversed: the most useful first) or ByLogging, and the
// first wins; with none yet, wait for one to appear (--pod-running-timeout).
// The container: `-c`, else the kubectl.kubernetes.io/default-container annotation, else the first container,
// with kubectl's `Defaulted container "x" out of: x, y` notice on stderr when the pod has several.
import type { Container, KubeObject, Pod, Service } from '../api/types.js';
import type { KindInfo } from '../api/kinds.js';
import { qualifiedResource } from '../api/kinds.js';
import type { Selector } from '../api/labels.js';
import { KctlError, NotFoundError, UsageError } from '../util/errors.js';
import type { CliContext } from './context.js';
import { resolveKind } from './resource-args.js';
import { parseDurationFlag } from './flags.js';

// TODO(lead): move these two keys to src/api/meta.ts (every well-known key lives there).
/** kubectl's default container for exec/logs/attach/cp (KEP-2227). */
export { DEFAULT_CONTAINER as DEFAULT_CONTAINER_ANNOTATION } from '../api/meta.js';
import { DEFAULT_CONTAINER as DEFAULT_CONTAINER_ANNOTATION } from '../api/meta.js';
/** kubectl's older, logs-only form (still read by `kubectl logs`, before DEFAULT_CONTAINER_ANNOTATION). */
export { DEFAULT_LOGS_CONTAINER as DEFAULT_LOGS_CONTAINER_ANNOTATION } from '../api/meta.js';
import { DEFAULT_LOGS_CONTAINER as DEFAULT_LOGS_CONTAINER_ANNOTATION } from '../api/meta.js';

/** A stored Pod (metadata.name always set). */
export type StoredPod = Pod & KubeObject;

export interface TargetRef {
  kind: KindInfo;
  name: string;
}

/** `x` is a pod; `TYPE/NAME` anything kctl knows (`pod/x`, `deploy/x`, `svc/x` ...). */
export function parseTarget(arg: string): TargetRef {
  const slash = arg.indexOf('/');
  if (slash < 0) return { kind: resolveKind('pods'), name: arg };
  const type = arg.slice(0, slash);
  const name = arg.slice(slash + 1);
  if (!type || !name || name.includes('/')) throw new UsageError(`arguments in resource/name form must have a single resource and name`);
  return { kind: resolveKind(type), name };
}

const goType = (ki: KindInfo): string => `*${ki.version}.${ki.kind}`;

/** polymorphichelpers.SelectorsForObject, for the kinds kctl stores. */
export async function selectorForObject(obj: Record<string, unknown> & { metadata: { name: string } }, ki: KindInfo): Promise<Selector> {
  const labels = await import('../api/labels.js');
  const spec = (obj.spec ?? {}) as { selector?: unknown };
  switch (ki.kind) {
    case 'Service': {
      const sel = spec.selector as Record<string, string> | undefined;
      if (!sel || Object.keys(sel).length === 0)
        throw new KctlError('Invalid', `invalid service '${obj.metadata.name}': Service is defined without a selector`);
      return labels.selectorFromSet(sel);
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job': {
      const sel = labels.selectorFromLabelSelector(spec.selector as Parameters<typeof labels.selectorFromLabelSelector>[0]);
      if (sel.nothing) throw new KctlError('Invalid', `invalid label selector: ${ki.kind} "${obj.metadata.name}" has no selector`);
      return sel;
    }
    default:
      throw new KctlError('Invalid', `selector for ${goType(ki)} not implemented`);
  }
}

// ---------------------------------------------------------------------------------------------------
// podutils.ActivePods / ByLogging (k8s.io/kubectl/pkg/util/podutils), as comparators for Array.sort

const isPodReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const podReadyTime = (p: Pod): number => {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) || 0 : 0;
};

const maxContainerRestarts = (p: Pod): number =>
  Math.max(0, ...(p.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));

const created = (p: Pod): number => (p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) || 0 : 0);

/** afterOrZero(t1, t2): t1 is zero, or (neither is) t1 is after t2. */
const afterOrZero = (t1: number, t2: number): boolean => (t1 === 0 || t2 === 0 ? t1 === 0 : t1 > t2);

const lessToCompare =
  (less: (a: Pod, b: Pod) => boolean) =>
  (a: Pod, b: Pod): number =>
    less(a, b) ? -1 : less(b, a) ? 1 : 0;

/** podutils.ActivePods.Less: the less active pod first (unassigned, pending, not ready, ...). */
export function activePodsLess(a: Pod, b: Pod): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  // Go reads a missing map key as 0: Succeeded/Failed rank with Pending
  const m: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
  const pa = m[a.status?.phase ?? ''] ?? 0;
  const pb = m[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  if (isPodReady(a) !== isPodReady(b)) return !isPodReady(a);
  if (isPodReady(a) && isPodReady(b) && podReadyTime(a) !== podReadyTime(b)) return afterOrZero(podReadyTime(a), podReadyTime(b));
  if (maxContainerRestarts(a) !== maxContainerRestarts(b)) return maxContainerRestarts(a) > maxContainerRestarts(b);
  if (created(a) !== created(b)) return afterOrZero(created(a), created(b));
  return false;
}

/** podutils.ByLogging.Less: the pod most worth reading logs from first. */
export function byLoggingLess(a: Pod, b: Pod): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na !== '';
  const m: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };
  const pa = m[a.status?.phase ?? ''] ?? 0;
  const pb = m[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a);
  if (isPodReady(a) && isPodReady(b) && podReadyTime(a) !== podReadyTime(b)) return afterOrZero(podReadyTime(b), podReadyTime(a));
  if (maxContainerRestarts(a) !== maxContainerRestarts(b)) return maxContainerRestarts(a) > maxContainerRestarts(b);
  if (created(a) !== created(b)) return afterOrZero(created(b), created(a));
  return false;
}

/** exec/attach/port-forward order: sort.Reverse(ActivePods) — assigned, Running, ready longest, fewest restarts, oldest. */
export const attachOrder = (a: Pod, b: Pod): number => lessToCompare(activePodsLess)(b, a);
/** logs order: ByLogging. */
export const loggingOrder = lessToCompare(byLoggingLess);

// ---------------------------------------------------------------------------------------------------
// Resolving the target

export interface ResolveOptions {
  /** pod order for workloads: 'attach' (exec, port-forward) or 'logging' (logs) */
  order: 'attach' | 'logging';
  /** how long to wait for a first pod of a workload (kubectl --pod-running-timeout, default 20s) */
  timeoutMs: number;
  /** for kubectl's message on kinds without a selector: `cannot <verb> *v1.ConfigMap: ...` */
  verbPhrase: string;
}

export interface ResolvedPod {
  pod: StoredPod;
  /** pods matching the workload's selector (1 for a pod named directly) */
  numPods: number;
  /** the object named on the command line when it was not a pod (a Service for port-forward) */
  owner?: { kind: KindInfo; object: Record<string, unknown> & { metadata: { name: string } } };
}

export async function resolvePod(ctx: CliContext, arg: string, o: ResolveOptions): Promise<ResolvedPod> {
  const { kind, name } = parseTarget(arg);
  const store = await ctx.store();
  const namespace = ctx.namespace();
  const obj = await store.tryGet({ resource: kind.plural, namespace: kind.namespaced ? namespace : undefined, name });
  if (!obj) throw new NotFoundError(qualifiedResource(kind), name);
  if (kind.kind === 'Pod') return { pod: obj as unknown as StoredPod, numPods: 1 };
  let sel: Selector;
  try {
    sel = await selectorForObject(obj, kind);
  } catch (e) {
    if (e instanceof KctlError && e.message.startsWith('selector for ')) throw new KctlError('Invalid', `cannot ${o.verbPhrase} ${goType(kind)}: ${e.message}`);
    throw e;
  }
  const { matches } = await import('../api/labels.js');
  const list = await store.list<StoredPod>('pods', { namespace });
  const pods = list.items.filter((p) => matches(sel, p.metadata.labels));
  const owner = { kind, object: obj };
  if (pods.length > 0) {
    pods.sort(o.order === 'attach' ? attachOrder : loggingOrder);
    return { pod: pods[0]!, numPods: pods.length, owner };
  }
  const pod = await waitForFirstPod(ctx, namespace, (p) => matches(sel, p.metadata.labels), Number(list.resourceVersion), o.timeoutMs);
  return { pod, numPods: 1, owner };
}

/** GetFirstPod's watch: the first pod ADDED that matches, or `timed out waiting for the condition`. */
async function waitForFirstPod(
  ctx: CliContext,
  namespace: string,
  match: (p: StoredPod) => boolean,
  fromRevision: number,
  timeoutMs: number,
): Promise<StoredPod> {
  const store = await ctx.store();
  const ac = new AbortController();
  const timer = ctx.clock.setTimer(Math.max(0, timeoutMs), () => ac.abort());
  try {
    let rev = fromRevision;
    for (;;) {
      try {
        for await (const ev of store.watch<StoredPod>({ resource: 'pods', namespace, fromRevision: rev, signal: ac.signal })) {
          rev = ev.revision;
          if (ev.type === 'ADDED' && match(ev.object)) return ev.object;
        }
        break;
      } catch (e) {
        if (ac.signal.aborted) break;
        const { isTooOld } = await import('../store/store.js');
        if (!isTooOld(e)) throw e;
        const l = await store.list<StoredPod>('pods', { namespace });
        const found = l.items.find(match);
        if (found) return found;
        rev = Number(l.resourceVersion);
      }
    }
  } finally {
    timer.cancel();
    ac.abort();
  }
  throw new KctlError('Timeout', 'timed out waiting for the condition');
}

// ---------------------------------------------------------------------------------------------------
// Containers

export { checkContainer, containerStatusOf, findContainer, runtimeIdOf } from '../kubelet/container-logs.js';
import { findContainer } from '../kubelet/container-logs.js';

/** podcmd.AllContainerNames: `a, b, e (ephem), i (init)`. */
export function allContainerNames(pod: Pod): string {
  return [
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

const hasSeveral = (pod: Pod): boolean =>
  (pod.spec?.containers?.length ?? 0) > 1 || (pod.spec?.initContainers?.length ?? 0) > 0 || (pod.spec?.ephemeralContainers?.length ?? 0) > 0;

export interface ContainerChoice {
  /** -c, when given (not checked here: the caller says `container x is not valid for pod p`) */
  requested?: string;
  /** 'exec' = podcmd.FindOrDefaultContainerByName; 'logs' = logsForObject's rule (also reads default-logs-container) */
  mode: 'exec' | 'logs';
  /** -q: no notice */
  quiet?: boolean;
  /** where notices go (stderr) */
  notice: (line: string) => void;
}

/** The container name a pod verb uses. */
export function chooseContainer(pod: StoredPod, c: ContainerChoice): string {
  if (c.requested) return c.requested;
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) throw new KctlError('Invalid', `pod ${pod.metadata.namespace}/${pod.metadata.name} does not have any containers`);
  const ann = pod.metadata.annotations ?? {};
  const wanted = c.mode === 'logs' ? ann[DEFAULT_LOGS_CONTAINER_ANNOTATION] || ann[DEFAULT_CONTAINER_ANNOTATION] : ann[DEFAULT_CONTAINER_ANNOTATION];
  if (wanted) {
    if (findContainer(pod, wanted)) return wanted;
    if (c.mode === 'logs') c.notice(`Default container name "${wanted}" not found in pod ${pod.metadata.name}\n`);
  }
  const first = containers[0]!.name;
  if (!c.quiet && hasSeveral(pod)) c.notice(`Defaulted container "${first}" out of: ${allContainerNames(pod)}\n`);
  return first;
}

// ---------------------------------------------------------------------------------------------------
// Interrupts (Ctrl-C) for long-running verbs

/** A signal that aborts when `outer` aborts or on Ctrl-C (through ctx.onInterrupt when present). */
export function interruptSignal(ctx: CliContext, outer?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const abort = (): void => ac.abort();
  const unhook = ctx.onInterrupt(abort);
  if (outer) {
    if (outer.aborted) abort();
    else outer.addEventListener('abort', abort, { once: true });
  }
  return {
    signal: ac.signal,
    dispose: () => {
      unhook();
      outer?.removeEventListener('abort', abort);
    },
  };
}

/** Service type guard for port-forward's port translation. */
export const isService = (o: ResolvedPod['owner']): o is { kind: KindInfo; object: Service & Record<string, unknown> & { metadata: { name: string } } } =>
  o?.kind.kind === 'Service';

// ---------------------------------------------------------------------------------------------------
// Durations

export { parseGoDuration } from './flags.js';

/** --pod-running-timeout (a Go duration, > 0), as kubectl's exec/logs/port-forward take it. */
export function podRunningTimeoutFlag(v: unknown, dflt: number): number {
  const ms = parseDurationFlag('--pod-running-timeout', v, dflt);
  if (ms <= 0) throw new UsageError('--pod-running-timeout must be higher than zero');
  return ms;
}

/** Go's time.Duration.String for milliseconds: `0s`, `250ms`, `5m3.123s`, `1h0m0s`. */
export function goDurationString(ms: number): string {
  const neg = ms < 0;
  let v = Math.round(Math.abs(ms));
  if (v === 0) return '0s';
  let s: string;
  if (v < 1000) s = `${v}ms`;
  else {
    const h = Math.floor(v / 3_600_000);
    v -= h * 3_600_000;
    const m = Math.floor(v / 60_000);
    v -= m * 60_000;
    const sec = Math.floor(v / 1000);
    const frac = v % 1000;
    const secText = frac ? `${sec}.${String(frac).padStart(3, '0').replace(/0+$/, '')}s` : `${sec}s`;
    s = h ? `${h}h${m}m${secText}` : m ? `${m}m${secText}` : secText;
  }
  return neg ? `-${s}` : s;
}
