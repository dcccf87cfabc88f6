// kctl top pod|node: CPU and memory from the engine's stats of the pods' running containers, printed as
// kubectl's metricsutil printer does (`%vm` millicores, `%vMi` whole mebibytes, tab-terminated cells).
// There is no metrics server: a pod has metrics while at least one of its containers runs; a node's usage is
// the sum over the kctl containers of the pods bound to it (the engine's other processes are not counted).
import type { Command } from 'commander';
import type { KubeObject, Node } from '../../api/types.js';
import type { ContainerManager, ContainerStatsManager } from '../../runtime/runtime.js';
import { KctlError, NotFoundError, UsageError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { goDurationString, type StoredPod } from '../pod-target.js';

type StoredNode = Node & KubeObject;

export type TopSortBy = 'cpu' | 'memory';

export interface TopPodOptions {
  name?: string;
  allNamespaces: boolean;
  selector?: string;
  containers: boolean;
  noHeaders: boolean;
  sortBy?: TopSortBy;
  sum: boolean;
}

export interface TopNodeOptions {
  name?: string;
  selector?: string;
  noHeaders: boolean;
  sortBy?: TopSortBy;
  showCapacity: boolean;
}

export interface Usage {
  /** millicores */
  cpu: number;
  /** bytes (working set) */
  memory: number;
}

/** metrics-server waits this long before a pod without metrics is worth an error (kubectl metricsCreationDelay). */
const METRICS_CREATION_DELAY_MS = 2 * 60_000;

function parseSortBy(v: unknown): TopSortBy | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === 'cpu' || v === 'memory') return v;
  throw new UsageError('--sort-by accepts only cpu or memory');
}

export function toTopPodOptions(args: string[], f: Record<string, unknown>): TopPodOptions {
  if (args.length > 1) throw new UsageError(`top pod accepts at most one POD name, got ${args.length}`);
  const o: TopPodOptions = {
    allNamespaces: Boolean(f.allNamespaces),
    containers: Boolean(f.containers),
    noHeaders: f.headers === false,
    sum: Boolean(f.sum),
  };
  return withTarget(o, args, f);
}

/** NAME or --selector (not both) and --sort-by, as both top verbs take them. */
function withTarget<T extends { name?: string; selector?: string; sortBy?: TopSortBy }>(o: T, args: string[], f: Record<string, unknown>): T {
  if (args[0]) o.name = args[0];
  if (f.selector) o.selector = String(f.selector);
  if (o.name && o.selector) throw new UsageError('only one of NAME or --selector can be provided');
  const sortBy = parseSortBy(f.sortBy);
  if (sortBy) o.sortBy = sortBy;
  return o;
}

export function toTopNodeOptions(args: string[], f: Record<string, unknown>): TopNodeOptions {
  if (args.length > 1) throw new UsageError(`top node accepts at most one NODE name, got ${args.length}`);
  const o: TopNodeOptions = { noHeaders: f.headers === false, showCapacity: Boolean(f.showCapacity) };
  return withTarget(o, args, f);
}

/** Usage of every running kctl container, by pod uid then container name (one stats call per container, in parallel). */
export async function containerUsage(rt: Pick<ContainerManager, 'listContainers'> & ContainerStatsManager, podUids?: Set<string>): Promise<Map<string, Map<string, Usage>>> {
  const running = (await rt.listContainers({ state: 'running' })).filter((c) => !podUids || podUids.has(c.pod.uid));
  const out = new Map<string, Map<string, Usage>>();
  await Promise.all(
    running.map(async (c) => {
      let s;
      try {
        s = await rt.stats(c.id);
      } catch (e) {
        const { isRuntimeNotFound, isRuntimeConflict } = await import('../../runtime/runtime.js');
        if (isRuntimeNotFound(e) || isRuntimeConflict(e)) return; // stopped or removed meanwhile: no metrics
        throw e;
      }
      let pod = out.get(c.pod.uid);
      if (!pod) out.set(c.pod.uid, (pod = new Map()));
      const prev = pod.get(c.containerName) ?? { cpu: 0, memory: 0 };
      pod.set(c.containerName, { cpu: prev.cpu + Math.max(0, s.cpuMillicores ?? 0), memory: prev.memory + s.memoryBytes });
    }),
  );
  return out;
}

const cpuText = (milli: number): string => `${Math.ceil(milli)}m`;
const memText = (bytes: number): string => `${Math.floor(bytes / (1024 * 1024))}Mi`;
const sum = (us: Iterable<Usage>): Usage => {
  const t = { cpu: 0, memory: 0 };
  for (const u of us) {
    t.cpu += u.cpu;
    t.memory += u.memory;
  }
  return t;
};
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function usageOrder(sortBy: TopSortBy | undefined, ua: Usage, ub: Usage): number {
  if (sortBy === 'cpu') return Math.ceil(ub.cpu) - Math.ceil(ua.cpu);
  if (sortBy === 'memory') return ub.memory - ua.memory;
  return 0;
}

async function tabwrite(text: string): Promise<string> {
  const { tableTabwrite } = await import('../../printers/tabwriter.js');
  return tableTabwrite(text);
}

interface PodMetrics {
  pod: StoredPod;
  containers: { name: string; usage: Usage }[];
  usage: Usage;
}

/** The table `kubectl top pod` prints (empty when there are no metrics). */
export function renderPodMetrics(metrics: PodMetrics[], o: Pick<TopPodOptions, 'containers' | 'allNamespaces' | 'noHeaders' | 'sortBy' | 'sum'>): string {
  if (metrics.length === 0) return '';
  const cell = (v: string): string => `${v}\t`;
  let s = '';
  let width = 3;
  if (!o.noHeaders) {
    if (o.allNamespaces) {
      s += cell('NAMESPACE');
      width++;
    }
    if (o.containers) {
      s += cell('POD');
      width++;
    }
    s += ['NAME', 'CPU(cores)', 'MEMORY(bytes)'].map(cell).join('') + '\n';
  }
  const sorted = [...metrics].sort(
    (a, b) =>
      usageOrder(o.sortBy, a.usage, b.usage) ||
      (o.allNamespaces ? byName(a.pod.metadata.namespace ?? '', b.pod.metadata.namespace ?? '') : 0) ||
      byName(a.pod.metadata.name, b.pod.metadata.name),
  );
  const line = (name: string, u: Usage): string => cell(name) + cell(cpuText(u.cpu)) + cell(memText(u.memory)) + '\n';
  for (const m of sorted) {
    if (o.containers) {
      const cs = [...m.containers].sort((a, b) => usageOrder(o.sortBy, a.usage, b.usage) || byName(a.name, b.name));
      for (const c of cs) s += (o.allNamespaces ? cell(m.pod.metadata.namespace ?? '') : '') + cell(m.pod.metadata.name) + line(c.name, c.usage);
    } else s += (o.allNamespaces ? cell(m.pod.metadata.namespace ?? '') : '') + line(m.pod.metadata.name, m.usage);
  }
  if (o.sum) {
    s += cell('').repeat(width - 2) + cell('________') + cell('________') + '\n';
    s += cell('').repeat(width - 3) + line('', sum(metrics.map((m) => m.usage)));
  }
  return s;
}

export async function runTopPod(o: TopPodOptions, ctx: CliContext): Promise<void> {
  const store = await ctx.store();
  const namespace = o.allNamespaces ? undefined : ctx.namespace();
  let pods: StoredPod[];
  if (o.name) {
    const p = await store.tryGet<StoredPod>({ resource: 'pods', namespace: ctx.namespace(), name: o.name });
    pods = p ? [p] : [];
  } else {
    pods = (await store.list<StoredPod>('pods', namespace ? { namespace } : {})).items;
    if (o.selector) {
      const { parseSelector, matches } = await import('../../api/labels.js');
      const sel = parseSelector(o.selector);
      pods = pods.filter((p) => matches(sel, p.metadata.labels));
    }
  }
  const uids = new Set(pods.map((p) => p.metadata.uid).filter((u): u is string => Boolean(u)));
  const usage = uids.size ? await containerUsage(await ctx.runtime(), uids) : new Map<string, Map<string, Usage>>();
  const metrics: PodMetrics[] = [];
  for (const pod of pods) {
    const cs = usage.get(pod.metadata.uid ?? '');
    if (!cs || cs.size === 0) continue;
    const containers = [...cs].map(([name, u]) => ({ name, usage: u }));
    metrics.push({ pod, containers, usage: sum(containers.map((c) => c.usage)) });
  }
  if (metrics.length === 0) {
    // kubectl: the metrics API answers NotFound for one pod; for a listing, verifyEmptyMetrics says why
    if (o.name) throw new NotFoundError('podmetrics.metrics.k8s.io', `${ctx.namespace()}/${o.name}`);
    if (pods.length > 0) {
      const now = ctx.clock.now().getTime();
      for (const p of pods) {
        const age = now - (Date.parse(p.metadata.creationTimestamp ?? '') || now);
        if (age > METRICS_CREATION_DELAY_MS)
          throw new KctlError('Invalid', `Metrics not available for pod ${p.metadata.namespace}/${p.metadata.name}, age: ${goDurationString(age)}`);
      }
      throw new KctlError('Invalid', 'metrics not available yet');
    }
    ctx.err(o.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace()} namespace.\n`);
    return;
  }
  ctx.out(await tabwrite(renderPodMetrics(metrics, o)));
}

interface NodeMetrics {
  name: string;
  usage: Usage;
  /** millicores and bytes; undefined when the node reports none (no percent cell, as kubectl) */
  available?: { cpu?: number; memory?: number };
}

export function renderNodeMetrics(metrics: NodeMetrics[], o: Pick<TopNodeOptions, 'noHeaders' | 'sortBy'>): string {
  if (metrics.length === 0) return '';
  const cell = (v: string): string => `${v}\t`;
  let s = o.noHeaders ? '' : ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'].map(cell).join('') + '\n';
  const pct = (used: number, avail: number | undefined): string => (avail === undefined ? '' : cell(`${avail > 0 ? Math.trunc((used / avail) * 100) : 0}%`));
  for (const m of [...metrics].sort((a, b) => usageOrder(o.sortBy, a.usage, b.usage) || byName(a.name, b.name)))
    s += cell(m.name) + cell(cpuText(m.usage.cpu)) + pct(Math.ceil(m.usage.cpu), m.available?.cpu) + cell(memText(m.usage.memory)) + pct(m.usage.memory, m.available?.memory) + '\n';
  return s;
}

export async function runTopNode(o: TopNodeOptions, ctx: CliContext): Promise<void> {
  const store = await ctx.store();
  let nodes: StoredNode[];
  if (o.name) {
    const n = await store.tryGet<StoredNode>({ resource: 'nodes', name: o.name });
    if (!n) throw new NotFoundError('nodes', o.name);
    nodes = [n];
  } else {
    nodes = (await store.list<StoredNode>('nodes')).items;
    if (o.selector) {
      const { parseSelector, matches } = await import('../../api/labels.js');
      const sel = parseSelector(o.selector);
      nodes = nodes.filter((n) => matches(sel, n.metadata.labels));
    }
  }
  if (nodes.length === 0) throw new KctlError('Invalid', 'metrics not available yet');
  const pods = (await store.list<StoredPod>('pods')).items;
  const nodeOf = new Map(pods.map((p) => [p.metadata.uid ?? '', p.spec?.nodeName ?? '']));
  const usage = await containerUsage(await ctx.runtime());
  const perNode = new Map<string, Usage[]>();
  const known = new Set(nodes.map((n) => n.metadata.name));
  for (const [uid, cs] of usage) {
    // one engine, one node today: containers of pods unknown to the store count on the first node
    const n = nodeOf.get(uid);
    const node = n && known.has(n) ? n : n ? undefined : nodes[0]!.metadata.name;
    if (!node) continue;
    const l = perNode.get(node) ?? [];
    l.push(...cs.values());
    perNode.set(node, l);
  }
  const { integerValue, milliValue } = await import('../../api/quantity.js');
  const metrics: NodeMetrics[] = nodes.map((n) => {
    const res = (o.showCapacity ? n.status?.capacity : n.status?.allocatable) ?? {};
    const m: NodeMetrics = { name: n.metadata.name, usage: sum(perNode.get(n.metadata.name) ?? []) };
    const available: NodeMetrics['available'] = {};
    if (res.cpu !== undefined) available.cpu = milliValue(res.cpu);
    if (res.memory !== undefined) available.memory = integerValue(res.memory);
    if (available.cpu !== undefined || available.memory !== undefined) m.available = available;
    return m;
  });
  ctx.out(await tabwrite(renderNodeMetrics(metrics, o)));
}

export function register(program: Command, ctx: CliContext): void {
  const top = program
    .command('top')
    .description('Display resource (CPU/memory) usage')
    .helpCommand(false);
  top
    .command('pod')
    .aliases(['pods', 'po'])
    .description('Display resource (CPU/memory) usage of pods')
    .argument('[name...]', 'POD name')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces.')
    .option('-l, --selector <selector>', "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
    .option('--containers', 'If present, print usage of containers within a pod.')
    .option('--no-headers', "If present, print output without headers.")
    .option('--sort-by <field>', "If non-empty, sort pods list using specified field. The field can be either 'cpu' or 'memory'.")
    .option('--sum', 'Print the sum of the resource usage')
    .action(async (args: string[], f: Record<string, unknown>) => runTopPod(toTopPodOptions(args, f), ctx));
  top
    .command('node')
    .aliases(['nodes', 'no'])
    .description('Display resource (CPU/memory) usage of nodes')
    .argument('[name...]', 'NODE name')
    .option('-l, --selector <selector>', "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
    .option('--no-headers', "If present, print output without headers.")
    .option('--sort-by <field>', "If non-empty, sort nodes list using specified field. The field can be either 'cpu' or 'memory'.")
    .option('--show-capacity', 'Print node resources based on Capacity instead of Allocatable(default) of the nodes.')
    .action(async (args: string[], f: Record<string, unknown>) => runTopNode(toTopNodeOptions(args, f), ctx));
  for (const c of top.commands)
    c.exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s), outputError: () => {} });
}
