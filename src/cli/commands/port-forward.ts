// kctl port-forward (POD | TYPE/NAME) [LOCAL:]REMOTE ...: forwards 127.0.0.1:LOCAL to the pod's port REMOTE.
// kctl reaches a pod only through the 127.0.0.1 host ports its sandbox publishes (the kctl.io/ports annotation
// the kubelet writes, else the runtime's sandbox status), so REMOTE must be one of the pod's containerPorts.
// svc/NAME maps the service port to its targetPort on the chosen pod (named ports via the containers' ports).
import type { Command } from 'commander';
import type { Pod, Service } from '../../api/types.js';
import { KctlError, UsageError } from '../../util/errors.js';
import { PORTS as PORTS_ANNOTATION } from '../../api/meta.js';
import { parsePortsAnnotation, type PodPortMapping } from '../../api/pod-ports.js';
import type { CliContext } from '../context.js';
import { collect } from '../flags.js';
import { interruptSignal, isService, podRunningTimeoutFlag, resolvePod, type StoredPod } from '../pod-target.js';

export interface PortForwardOptions {
  target: string;
  /** [LOCAL:]REMOTE as typed (REMOTE may be a port name) */
  ports: string[];
  /** --address values (localhost / 127.0.0.1 only) */
  addresses: string[];
  podRunningTimeoutMs: number;
  /** stops forwarding (tests); Ctrl-C does it through ctx.onInterrupt */
  signal?: AbortSignal;
  /** called once every listener is up, with the actual local ports (tests) */
  onReady?: (ports: { local: number; remote: number }[]) => void;
}

const LOCAL_ADDRESSES = new Set(['localhost', '127.0.0.1']);

export function toPortForwardOptions(args: string[], f: Record<string, unknown>): PortForwardOptions {
  if (args.length < 2) throw new UsageError('TYPE/NAME and list of ports are required for port-forward');
  const addresses = (f.address as string[] | undefined) ?? ['localhost'];
  for (const a of addresses)
    if (!LOCAL_ADDRESSES.has(a))
      throw new UsageError(`--address ${a} is not supported: kctl forwards on 127.0.0.1 only (use localhost or 127.0.0.1)`);
  const podRunningTimeoutMs = podRunningTimeoutFlag(f.podRunningTimeout, 60_000);
  return { target: args[0]!, ports: args.slice(1), addresses: [...new Set(addresses)], podRunningTimeoutMs };
}

/** kubectl's splitPort: `8080:80` → [8080, 80]; `80` → [80, 80]. */
function splitPort(port: string): [string, string] {
  const parts = port.split(':');
  return parts.length === 2 ? [parts[0]!, parts[1]!] : [parts[0]!, parts[0]!];
}

/** util.LookupContainerPortNumberByName */
function containerPortByName(pod: Pod, name: string): number {
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  throw new KctlError('Invalid', `Pod '${pod.metadata?.name}' does not have a named port '${name}'`);
}

/** kubectl's convertPodNamedPortToNumber: named REMOTE ports become numbers. */
export function convertPodNamedPortToNumber(ports: string[], pod: Pod): string[] {
  return ports.map((port) => {
    const [local, remote] = splitPort(port);
    const num = /^\d+$/.test(remote) ? remote : String(containerPortByName(pod, remote));
    return local !== remote ? `${local}:${num}` : num;
  });
}

/** kubectl's translateServicePortToTargetPort: service ports (number or name) become the pod's target ports. */
export function translateServicePortToTargetPort(ports: string[], svc: Service, pod: Pod): string[] {
  const name = svc.metadata?.name ?? '';
  return ports.map((port) => {
    let [local, remote] = splitPort(port);
    let portnum: number;
    if (/^\d+$/.test(remote)) portnum = Number(remote);
    else {
      const sp = svc.spec?.ports?.find((p) => p.name === remote);
      if (!sp) throw new KctlError('Invalid', `Service '${name}' does not have a named port '${remote}'`);
      portnum = sp.port;
      if (local === remote) local = String(portnum);
    }
    const sp = svc.spec?.ports?.find((p) => p.port === portnum);
    if (!sp) throw new KctlError('Invalid', `Service ${name} does not have a service port ${portnum}`);
    let target: number;
    if (svc.spec?.clusterIP === 'None') target = portnum;
    else if (sp.targetPort === undefined || sp.targetPort === 0 || sp.targetPort === '') target = sp.port;
    else if (typeof sp.targetPort === 'number' || /^\d+$/.test(sp.targetPort)) target = Number(sp.targetPort);
    else target = containerPortByName(pod, sp.targetPort);
    const remoteText = String(target);
    return local !== remoteText ? `${local}:${remoteText}` : remoteText;
  });
}

/** client-go portforward parsePorts: `[LOCAL:]REMOTE`, `:REMOTE` = an ephemeral local port. */
export function parsePorts(ports: string[]): { local: number; remote: number }[] {
  const parseUint16 = (s: string, what: 'local' | 'remote'): number => {
    if (!/^\d+$/.test(s)) throw new KctlError('Invalid', `error parsing ${what} port '${s}': strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
    const n = Number(s);
    if (n > 65535) throw new KctlError('Invalid', `error parsing ${what} port '${s}': strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
    return n;
  };
  return ports.map((p) => {
    const parts = p.split(':');
    if (parts.length > 2) throw new KctlError('Invalid', `invalid port format '${p}'`);
    const local = parts.length === 2 ? parts[0] || '0' : parts[0]!;
    const remote = parts.length === 2 ? parts[1]! : parts[0]!;
    const r = parseUint16(remote, 'remote');
    if (r === 0) throw new KctlError('Invalid', 'remote port must be > 0');
    return { local: parseUint16(local, 'local'), remote: r };
  });
}


interface PublishedPort {
  containerPort: number;
  protocol?: string;
  hostPort: number;
}

/** The pod's published TCP ports: the kubelet's kctl.io/ports annotation, else the runtime's ready sandbox. */
async function publishedPorts(ctx: CliContext, pod: StoredPod): Promise<PublishedPort[]> {
  const fromAnnotation = parsePortsAnnotation(pod.metadata.annotations?.[PORTS_ANNOTATION]);
  if (fromAnnotation.length > 0) return fromAnnotation.filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (!pod.metadata.uid) return [];
  const rt = await ctx.runtime();
  const sandboxes = await rt.listPodSandboxes({ podUid: pod.metadata.uid, state: 'ready' });
  const newest = sandboxes.sort((a, b) => b.attempt - a.attempt)[0];
  return (newest?.ports ?? []).filter((p) => p.protocol === 'TCP');
}

const describePorts = (ports: PublishedPort[]): string =>
  ports.length ? ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') : 'none';

function notPublished(pod: StoredPod, remote: number, ports: PublishedPort[]): KctlError {
  return new KctlError(
    'Invalid',
    `port ${remote} is not published by pod "${pod.metadata.name}": kctl reaches a pod only through the containerPorts it declares (published: ${describePorts(ports)})`,
  );
}

export async function runPortForward(o: PortForwardOptions, ctx: CliContext): Promise<void> {
  const r = await resolvePod(ctx, o.target, { order: 'attach', timeoutMs: o.podRunningTimeoutMs, verbPhrase: 'attach to' });
  const pod = r.pod;
  const translated = isService(r.owner) ? translateServicePortToTargetPort(o.ports, r.owner.object, pod) : convertPodNamedPortToNumber(o.ports, pod);
  const wanted = parsePorts(translated);
  if (pod.status?.phase !== 'Running')
    throw new KctlError('Invalid', `unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`);
  const initial = await publishedPorts(ctx, pod);
  for (const w of wanted) if (!initial.some((p) => p.containerPort === w.remote)) throw notPublished(pod, w.remote, initial);

  const store = await ctx.store();
  const interrupt = interruptSignal(ctx, o.signal);
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  interrupt.signal.addEventListener('abort', onStop, { once: true });
  let lost: KctlError | undefined;
  const loseConnection = (): void => {
    lost ??= new KctlError('Invalid', 'lost connection to pod');
    stop.abort();
  };
  const ref = { resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name };

  /** per connection: the pod as it is now (a restarted sandbox has new host ports) */
  const target = async (remote: number): Promise<number> => {
    const cur = await store.tryGet<StoredPod>(ref);
    if (!cur || cur.metadata.uid !== pod.metadata.uid || cur.metadata.deletionTimestamp) {
      loseConnection();
      throw new Error('the pod is gone');
    }
    const ports = await publishedPorts(ctx, cur);
    const m = ports.find((p) => p.containerPort === remote);
    if (!m) throw new Error(`port ${remote} is not published by the pod (published: ${describePorts(ports)})`);
    return m.hostPort;
  };

  const { startPortForward } = await import('../../proxy/port-forward.js');
  const fwd = await startPortForward({
    ports: wanted,
    target,
    onConnection: (p) => ctx.out(`Handling connection for ${p.local}\n`),
    onError: (p, e) =>
      ctx.err(
        `an error occurred forwarding ${p.local} -> ${p.remote}: error forwarding port ${p.remote} to pod ${pod.metadata.name}, uid ${pod.metadata.uid ?? ''}: ${e.message}\n`,
      ),
  });
  try {
    for (const f of fwd.failed) {
      const e = f.error;
      ctx.err(
        `Unable to listen on port ${f.port.local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${f.port.local}: ${e.code === 'EADDRINUSE' ? 'bind: address already in use' : e.message}]\n`,
      );
    }
    if (fwd.listening.length === 0)
      throw new KctlError('Invalid', `unable to listen on any of the requested ports: [${wanted.map((w) => `{${w.local} ${w.remote}}`).join(' ')}]`);
    for (const p of fwd.listening) ctx.out(`Forwarding from 127.0.0.1:${p.local} -> ${p.remote}\n`);
    o.onReady?.(fwd.listening.map((p) => ({ ...p })));

    // kubectl ends with `lost connection to pod` when the pod goes away
    void watchPod(ctx, pod, stop.signal, loseConnection);
    if (!stop.signal.aborted) await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    interrupt.signal.removeEventListener('abort', onStop);
    interrupt.dispose();
    stop.abort();
    await fwd.close();
  }
  if (lost) throw lost;
}

/** Calls `gone` when the pod is deleted (or replaced by another with the same name). */
async function watchPod(ctx: CliContext, pod: StoredPod, signal: AbortSignal, gone: () => void): Promise<void> {
  const store = await ctx.store();
  const fromRevision = Number(pod.metadata.resourceVersion ?? '0') || (await store.revision());
  try {
    for await (const ev of store.watch<StoredPod>({ resource: 'pods', namespace: pod.metadata.namespace, fromRevision, signal })) {
      if (ev.object.metadata.name !== pod.metadata.name) continue;
      if (ev.type === 'DELETED' || ev.object.metadata.uid !== pod.metadata.uid) return gone();
    }
  } catch {
    // a watch that cannot go on (store closed, history compacted) only loses the early exit; connections still check the pod
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('port-forward')
    .description('Forward one or more local ports to a pod')
    .usage('TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]')
    .argument('[args...]', 'POD or TYPE/NAME, then [LOCAL:]REMOTE ports')
    .option('--address <addresses>', 'Addresses to listen on (comma separated). Only localhost and 127.0.0.1 are accepted: kctl binds 127.0.0.1 only.', collect)
    .option('--pod-running-timeout <duration>', 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running', '1m0s')
    .action(async (args: string[], f: Record<string, unknown>) => runPortForward(toPortForwardOptions(args, f), ctx));
}
