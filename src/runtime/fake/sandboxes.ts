// The sandbox slice in memory: fake podIPs (10.244.0.x, never contacted) and fake 127.0.0.1 host ports (nothing
// listens), with Docker's names, labels and start/die/destroy events.
import { DEFAULT_NETWORK } from '../runtime.js';
import type { PodSandboxManager, SandboxConfig, SandboxFilter, SandboxId, SandboxStatus } from '../sandboxes.js';
import { PORTS, sandboxLabels, sandboxName } from '../names.js';
import { podHostname, portsLabel, uniquePorts } from '../docker/convert.js';
import { notFound, type FakeEngine, type FakeSandbox } from './engine.js';

export class FakeSandboxes implements PodSandboxManager {
  private nextHostPort = 40000;
  private nextIp = 2;

  constructor(private readonly e: FakeEngine) {}

  async runPodSandbox(cfg: SandboxConfig): Promise<SandboxId> {
    const e = this.e;
    e.record('runPodSandbox', [cfg]);
    const name = sandboxName(cfg.pod, cfg.attempt);
    const existing = [...e.sandboxes.values()].find((s) => s.name === name);
    if (existing) {
      if (existing.state !== 'ready') this.start(existing);
      return existing.id;
    }
    const network = cfg.network ?? DEFAULT_NETWORK;
    if (!e.networks.has(network)) e.makeNetwork(network, {});
    const requested = uniquePorts(cfg.ports);
    const s: FakeSandbox = {
      id: e.id('sandbox'),
      name,
      pod: { ...cfg.pod },
      attempt: cfg.attempt,
      state: 'notready',
      createdAt: e.now(),
      network,
      hostname: cfg.hostname ?? podHostname(cfg.pod.name),
      ports: [],
      requested,
      labels: {
        ...cfg.labels,
        ...sandboxLabels(cfg.pod, cfg.attempt, e.testRun),
        ...(requested.length ? { [PORTS]: portsLabel(requested) } : {}),
      },
    };
    e.sandboxes.set(s.id, s);
    this.start(s);
    return s.id;
  }

  private start(s: FakeSandbox): void {
    s.state = 'ready';
    s.podIP = `10.244.0.${this.nextIp++ % 250}`;
    s.ports = s.requested.map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
      hostIp: '127.0.0.1' as const,
      hostPort: this.nextHostPort++,
      ...(p.name ? { name: p.name } : {}),
    }));
    this.e.emitFor('start', s.id, s.labels);
  }

  async stopPodSandbox(id: SandboxId): Promise<void> {
    this.e.record('stopPodSandbox', [id]);
    const s = this.e.sandboxes.get(id);
    if (!s || s.state === 'notready') return;
    s.state = 'notready';
    s.ports = [];
    delete s.podIP;
    this.e.emitFor('die', s.id, s.labels, 0);
  }

  async removePodSandbox(id: SandboxId): Promise<void> {
    this.e.record('removePodSandbox', [id]);
    const s = this.e.sandboxes.get(id);
    if (!s) return;
    if (s.state === 'ready') this.e.emitFor('die', s.id, s.labels, 137);
    this.e.sandboxes.delete(id);
    this.e.emitFor('destroy', s.id, s.labels);
  }

  private status(s: FakeSandbox): SandboxStatus {
    const out: SandboxStatus = {
      id: s.id,
      name: s.name,
      pod: { ...s.pod },
      attempt: s.attempt,
      state: s.state,
      createdAt: s.createdAt,
      network: s.network,
      ports: s.ports.map((p) => ({ ...p })),
      labels: { ...s.labels },
    };
    if (s.podIP) out.podIP = s.podIP;
    return out;
  }

  async podSandboxStatus(id: SandboxId): Promise<SandboxStatus> {
    this.e.record('podSandboxStatus', [id]);
    const s = this.e.sandboxes.get(id);
    if (!s) throw notFound(`no pod sandbox ${id}`);
    return this.status(s);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<SandboxStatus[]> {
    this.e.record('listPodSandboxes', [filter]);
    return [...this.e.sandboxes.values()]
      .filter((s) => this.e.matches(s.labels, filter.labels))
      .filter((s) => !filter.podUid || s.pod.uid === filter.podUid)
      .filter((s) => !filter.state || s.state === filter.state)
      .reverse()
      .map((s) => this.status(s));
  }
}
