// Starting a pod's sandbox and containers (upstream kuberuntime_container.go startContainer): the image
// (pulled in the background when the plan asks), the container's configuration (environment, privileges,
// mounts), create, start, then its postStart hook in the background. A failure becomes the container's
// waiting reason (the pod record's lastFailures) with one Failed event per distinct failure.
import type { ConfigMap, Container, KubeObject, Pod, Secret } from '../api/types.js';
import { POD_UID, type PodRef } from '../runtime/names.js';
import {
  RuntimeError,
  isEngineUnreachable,
  isRuntimeConflict,
  type EngineVolume,
  type SandboxPort,
  type SandboxStatus,
} from '../runtime/runtime.js';
import type { ContainerKiller } from './container-kill.js';
import type { KubeletContext, PodObject } from './context.js';
import { ContainerConfigError, envReferences, makeEnvironmentVariables } from './env.js';
import { CONTAINER_HASH_LABEL, CONTAINER_KIND_LABEL, GRACE_LABEL, MIN_GRACE_SECONDS, allContainers, podGraceSeconds } from './helpers.js';
import type { ImagePuller } from './image-puller.js';
import { runLifecycleHandler } from './lifecycle.js';
import type { ContainerToStart } from './pod-actions.js';
import { probePorts } from './probes.js';
import { MountError, containerMounts, type PodVolume } from './volumes.js';

export type StartResult = 'started' | 'pulling' | 'failed' | 'conflict' | 'skipped';

/** The key of an own start in the pod record's ownStarts. */
export const ownStartKey = (container: string, attempt: number | string): string => `${container}/${attempt}`;

export class ContainerStarter {
  /** background postStart hooks */
  private readonly hooks = new Set<Promise<void>>();

  constructor(
    private readonly ctx: KubeletContext,
    private readonly puller: ImagePuller,
    private readonly killer: ContainerKiller,
  ) {}

  /** The postStart hooks still running (whenIdle). */
  pending(): Promise<void>[] {
    return [...this.hooks];
  }

  /** Runs the pod's sandbox on its namespace's network; its medium: Memory emptyDirs are engine tmpfs volumes
   *  it holds, so container restarts keep their data. */
  async runSandbox(pod: PodObject, attempt: number, vols: PodVolume[]): Promise<SandboxStatus> {
    const { ctx } = this;
    const held: string[] = [];
    for (const v of vols) {
      if (v.engine?.type !== 'tmpfs') continue;
      await ctx.runtime.createVolume(v.engine.name, { [POD_UID]: pod.metadata.uid! }, { tmpfs: v.tmpfsSizeBytes ? { sizeBytes: v.tmpfsSizeBytes } : {} });
      held.push(v.engine.name);
    }
    const aliases = ctx.networking?.aliases(pod) ?? [];
    const id = await ctx.runtime.runPodSandbox({
      pod: podRef(pod),
      attempt,
      network: ctx.networking?.network(pod.metadata.namespace ?? 'default') ?? ctx.config.network,
      ...(aliases.length ? { networkAliases: aliases } : {}),
      ...(held.length ? { holdVolumes: held } : {}),
      ports: sandboxPorts(pod),
      ...(pod.spec?.hostname ? { hostname: pod.spec.hostname } : {}),
    });
    return ctx.runtime.podSandboxStatus(id);
  }

  async startContainer(podKey: string, pod: PodObject, sandbox: SandboxStatus, s: ContainerToStart, vols: PodVolume[]): Promise<StartResult> {
    const { ctx } = this;
    const uid = pod.metadata.uid!;
    const spec = (s.init ? pod.spec?.initContainers : pod.spec?.containers)?.find((c) => c.name === s.name);
    if (!spec) return 'skipped';
    const ns = pod.metadata.namespace ?? 'default';

    // Image.
    if (!this.puller.takeFreshPull(uid, s.image)) {
      if (s.pullImage) {
        this.puller.startPull(podKey, pod, s.image, s.name);
        return 'pulling';
      }
      await ctx.event(pod, 'Normal', 'Pulled', `Container image "${s.image}" already present on machine`, s.name);
    }

    // Config: environment, privileges, volumes.
    let env;
    let container: Container = spec;
    let volumes: Record<string, string>;
    let engineVolumes: Record<string, EngineVolume> | undefined;
    try {
      const refs = envReferences(spec);
      const configMaps: Record<string, ConfigMap | undefined> = {};
      const secrets: Record<string, Secret | undefined> = {};
      for (const n of refs.configMaps)
        configMaps[n] = (await ctx.store.tryGet<KubeObject>({ resource: 'configmaps', namespace: ns, name: n })) as ConfigMap | undefined;
      for (const n of refs.secrets)
        secrets[n] = (await ctx.store.tryGet<KubeObject>({ resource: 'secrets', namespace: ns, name: n })) as Secret | undefined;
      const needsAlloc = (spec.env ?? []).some((e) => e.valueFrom?.resourceFieldRef);
      env = makeEnvironmentVariables(pod, spec, {
        configMaps,
        secrets,
        hostIP: ctx.config.hostIP,
        ...(sandbox.podIP ? { podIP: sandbox.podIP } : {}),
        nodeAllocatable: needsAlloc ? await ctx.nodeAllocatable() : { cpu: 0, memory: 0 },
        ...(ctx.networking ? { serviceEnv: await ctx.networking.serviceEnv(pod) } : {}),
      });
      if (spec.securityContext?.privileged && !ctx.config.allowPrivileged)
        throw new ContainerConfigError('securityContext.privileged: Forbidden: disallowed by cluster policy');
      const m = containerMounts(spec, vols);
      container = m.container;
      volumes = m.volumes;
      engineVolumes = m.engineVolumes;
    } catch (e) {
      if (e instanceof ContainerConfigError || e instanceof MountError) {
        await this.fail(pod, s.name, 'CreateContainerConfigError', e.message);
        return 'failed';
      }
      throw e;
    }

    // Create and start.
    const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
    let id: string;
    try {
      id = await ctx.runtime.createContainer(sandbox.id, {
        container,
        attempt: s.attempt,
        env,
        volumes,
        ...(engineVolumes ? { engineVolumes } : {}),
        ...(pod.spec?.securityContext ? { podSecurityContext: pod.spec.securityContext } : {}),
        ...(pod.spec?.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
        labels: { [CONTAINER_HASH_LABEL]: s.hash, [GRACE_LABEL]: String(grace), [CONTAINER_KIND_LABEL]: s.init ? 'init' : 'app' },
        onWarning: (w) => ctx.log(`kubelet: pod ${ns}/${pod.metadata.name} container ${s.name}: ${w}`),
      });
    } catch (e) {
      if (isRuntimeConflict(e)) return 'conflict'; // made meanwhile (another pass or instance): adopted next pass
      if (isEngineUnreachable(e)) throw e;
      const reason = e instanceof RuntimeError && e.reason === 'CreateContainerConfigError' ? 'CreateContainerConfigError' : 'CreateContainerError';
      await this.fail(pod, s.name, reason, (e as Error).message);
      return 'failed';
    }
    await ctx.event(pod, 'Normal', 'Created', `Created container ${s.name}`, s.name);
    const rec = ctx.records.ensure(uid);
    const own = ownStartKey(s.name, s.attempt);
    rec.ownStarts.set(own, ctx.clock.now().getTime());
    try {
      await ctx.runtime.startContainer(id);
    } catch (e) {
      rec.ownStarts.delete(own);
      if (isEngineUnreachable(e)) throw e;
      const msg = (e as Error).message;
      await this.fail(pod, s.name, 'RunContainerError', msg, `Error: failed to start container "${s.name}": ${msg}`);
      return 'failed';
    }
    await ctx.event(pod, 'Normal', 'Started', `Started container ${s.name}`, s.name);
    rec.lastFailures.delete(s.name);
    rec.shownWaiting.delete(s.name);
    const postStart = spec.lifecycle?.postStart;
    if (postStart) {
      const grace = Math.max(MIN_GRACE_SECONDS, podGraceSeconds(pod));
      const h = runLifecycleHandler(ctx.hooks, postStart, spec, id, sandbox.ports, grace * 1000)
        .then(async (err) => {
          if (!err) return;
          await ctx.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${err}`, s.name);
          this.killer.startKill(podKey, pod, { id, name: s.name, graceSeconds: grace, message: 'FailedPostStartHook' }, sandbox.ports);
        })
        .finally(() => this.hooks.delete(h));
      this.hooks.add(h);
    }
    return 'started';
  }

  /** Records a container start failure (status waiting reason) and its Failed event, once per failure. */
  private async fail(pod: PodObject, name: string, reason: string, message: string, event = `Error: ${message}`): Promise<void> {
    const m = this.ctx.records.ensure(pod.metadata.uid!).lastFailures;
    const prev = m.get(name);
    m.set(name, { reason, message });
    if (prev?.reason === reason && prev.message === message) return;
    await this.ctx.event(pod, 'Warning', 'Failed', event, name);
  }
}

function podRef(pod: PodObject): PodRef {
  return { uid: pod.metadata.uid!, name: pod.metadata.name, namespace: pod.metadata.namespace ?? 'default' };
}

/** Every port the sandbox publishes on 127.0.0.1: declared containerPorts, then probe ports not declared. */
export function sandboxPorts(pod: Pod): SandboxPort[] {
  const out: SandboxPort[] = [];
  const seen = new Set<string>();
  for (const { container } of allContainers(pod))
    for (const p of container.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as SandboxPort['protocol'];
      const k = `${p.containerPort}/${protocol}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ containerPort: p.containerPort, protocol });
    }
  for (const { container } of allContainers(pod))
    for (const port of probePorts(container)) {
      const k = `${port}/TCP`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ containerPort: port, protocol: 'TCP' });
    }
  return out;
}
