import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../src/api/types.js';
import { FakeClock } from '../../../src/util/clock.js';
import { MemoryEventSink } from '../../../src/kubelet/events.js';
import { HostProbeTransport, PROBE_USER_AGENT, type HttpProbeRequest, type ProbeOutcome, type ProbeTransport } from '../../../src/kubelet/probe-transport.js';
import { ProberManager, probePorts, resolveProbePort, runProbe, withProbeDefaults } from '../../../src/kubelet/probes.js';
import type { ExecResult, PortMapping } from '../../../src/runtime/runtime.js';
import { sandboxPorts } from '../../../src/kubelet/kubelet.js';
import { condition, containerId, containerStatus, createPod, getPod, KEY, pass, setup } from './harness.js';

/** A transport that answers from a table and records requests. */
class FakeTransport implements ProbeTransport {
  http: HttpProbeRequest[] = [];
  tcpPorts: number[] = [];
  httpAnswer: ProbeOutcome = { result: 'success', output: 'ok' };
  tcpAnswer: ProbeOutcome = { result: 'success', output: '' };
  async httpGet(req: HttpProbeRequest): Promise<ProbeOutcome> {
    this.http.push(req);
    return this.httpAnswer;
  }
  async tcp(port: number): Promise<ProbeOutcome> {
    this.tcpPorts.push(port);
    return this.tcpAnswer;
  }
}

describe('probe defaults and ports', () => {
  it('fills Kubernetes defaults', () => {
    expect(withProbeDefaults({ exec: { command: ['true'] } }, 'readiness')).toMatchObject({
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    // liveness and startup need exactly one success
    expect(withProbeDefaults({ successThreshold: 3 }, 'liveness').successThreshold).toBe(1);
    expect(withProbeDefaults({ successThreshold: 3, periodSeconds: 2 }, 'readiness')).toMatchObject({ successThreshold: 3, periodSeconds: 2 });
  });

  it.each([
    [8080, 8080],
    ['8080', 8080],
    ['http', 80],
    ['nope', undefined],
    [undefined, undefined],
  ] as const)('resolves probe port %s → %s', (port, want) => {
    const c: Container = { name: 'web', ports: [{ containerPort: 80, name: 'http' }] };
    expect(resolveProbePort(c, port)).toBe(want);
  });

  it('publishes probe ports that are not declared containerPorts', () => {
    const pod: Pod = {
      spec: {
        containers: [
          {
            name: 'web',
            ports: [{ containerPort: 80, name: 'http' }, { containerPort: 53, protocol: 'UDP' }],
            readinessProbe: { httpGet: { port: 'http', path: '/' } },
            livenessProbe: { tcpSocket: { port: 9000 } },
            startupProbe: { exec: { command: ['x'] } },
          },
        ],
      },
    };
    expect(probePorts(pod.spec!.containers[0]!)).toEqual([9000, 80]);
    expect(sandboxPorts(pod)).toEqual([
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
      { containerPort: 9000, protocol: 'TCP' },
    ]);
  });
});

describe('runProbe', () => {
  const ports: PortMapping[] = [{ containerPort: 8080, protocol: 'TCP', hostIp: '127.0.0.1', hostPort: 41000 }];
  const exec = (r: ExecResult | Error) => ({
    calls: [] as unknown[][],
    async exec(...args: unknown[]): Promise<ExecResult> {
      this.calls.push(args);
      if (r instanceof Error) throw r;
      return r;
    },
  });

  it('exec: exit 0 is success; output is the failure message; the timeout is passed on', async () => {
    const c: Container = { name: 'web' };
    const rt = exec({ exitCode: 1, stdout: 'not ready\n', stderr: '' });
    const spec = withProbeDefaults({ exec: { command: ['check'] }, timeoutSeconds: 3 }, 'liveness');
    expect(await runProbe(spec, c, 'c1', ports, rt, new FakeTransport())).toEqual({ result: 'failure', output: 'not ready' });
    expect(rt.calls[0]).toEqual(['c1', ['check'], { timeoutMs: 3000 }]);
    expect((await runProbe(spec, c, 'c1', ports, exec({ exitCode: 0, stdout: '', stderr: '' }), new FakeTransport())).result).toBe('success');
  });

  it('httpGet goes to the published 127.0.0.1 port, with path, scheme and headers', async () => {
    const t = new FakeTransport();
    const c: Container = { name: 'web', ports: [{ containerPort: 8080, name: 'http' }] };
    const spec = withProbeDefaults(
      { httpGet: { port: 'http', path: '/healthz', host: 'example.com', httpHeaders: [{ name: 'X-Probe', value: '1' }] } },
      'readiness',
    );
    expect(await runProbe(spec, c, 'c1', ports, exec(new Error('no')), t)).toEqual({ result: 'success', output: 'ok' });
    expect(t.http).toEqual([{ scheme: 'HTTP', port: 41000, path: '/healthz', headers: { Host: 'example.com:8080', 'X-Probe': '1' }, timeoutMs: 1000 }]);
  });

  it('tcpSocket goes to the published port; an unpublished port fails without connecting', async () => {
    const t = new FakeTransport();
    const c: Container = { name: 'web' };
    await runProbe(withProbeDefaults({ tcpSocket: { port: 8080 } }, 'liveness'), c, 'c1', ports, exec(new Error('no')), t);
    expect(t.tcpPorts).toEqual([41000]);
    const r = await runProbe(withProbeDefaults({ tcpSocket: { port: 9999 } }, 'liveness'), c, 'c1', ports, exec(new Error('no')), t);
    expect(r).toEqual({ result: 'failure', output: 'port 9999 of the pod is not published on 127.0.0.1' });
    expect(t.tcpPorts).toEqual([41000]);
  });
});

describe('ProberManager', () => {
  const pod: Pod = { metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };
  function make(answer: () => ExecResult) {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const enqueued: string[] = [];
    const events = new MemoryEventSink();
    const calls: number[] = [];
    const m = new ProberManager({
      runtime: {
        exec: async () => {
          calls.push(clock.now().getTime());
          return answer();
        },
      },
      clock,
      transport: new FakeTransport(),
      events,
      enqueue: (k) => enqueued.push(k),
    });
    return { clock, enqueued, events, m, calls };
  }

  it('honours initialDelaySeconds and periodSeconds on the clock', async () => {
    const t = make(() => ({ exitCode: 0, stdout: '', stderr: '' }));
    const c: Container = { name: 'web', readinessProbe: { exec: { command: ['x'] }, initialDelaySeconds: 5, periodSeconds: 2 } };
    t.m.sync(pod, KEY, [{ containerId: 'c1', container: c, startedAt: '2026-01-01T00:00:00Z' }], []);
    expect(t.m.results('c1')).toEqual({ readiness: 'failure' });
    t.clock.advance(4_999);
    await t.m.whenIdle();
    expect(t.calls).toEqual([]);
    t.clock.advance(1);
    await t.m.whenIdle();
    expect(t.m.results('c1')).toEqual({ readiness: 'success' });
    expect(t.enqueued).toEqual([KEY]);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(1_000);
      await t.m.whenIdle();
    }
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(t.calls.map((x) => x - t0)).toEqual([5_000, 7_000, 9_000]);
    expect(t.enqueued).toEqual([KEY]); // no change, no enqueue
  });

  it('turns failureThreshold consecutive failures into a failure, then holds a failed liveness probe', async () => {
    let ok = true;
    const t = make(() => (ok ? { exitCode: 0, stdout: '', stderr: '' } : { exitCode: 1, stdout: 'boom', stderr: '' }));
    const c: Container = { name: 'web', livenessProbe: { exec: { command: ['x'] }, periodSeconds: 1, failureThreshold: 2 } };
    t.m.sync(pod, KEY, [{ containerId: 'c1', container: c }], []);
    await t.m.whenIdle();
    expect(t.m.results('c1').liveness).toBe('success');
    ok = false;
    t.clock.advance(1000);
    await t.m.whenIdle();
    expect(t.m.results('c1').liveness).toBe('success'); // one failure: below the threshold
    t.clock.advance(1000);
    await t.m.whenIdle();
    expect(t.m.results('c1').liveness).toBe('failure');
    expect(t.enqueued).toEqual([KEY]);
    expect(t.events.messages('Unhealthy')).toEqual(['Liveness probe failed: boom', 'Liveness probe failed: boom']);
    const n = t.calls.length;
    t.clock.advance(5000);
    await t.m.whenIdle();
    expect(t.calls.length).toBe(n); // on hold until the container is replaced
  });

  it('the startup probe gates liveness and readiness', async () => {
    let started = false;
    const t = make(() => ({ exitCode: started ? 0 : 1, stdout: '', stderr: '' }));
    const c: Container = {
      name: 'web',
      startupProbe: { exec: { command: ['s'] }, periodSeconds: 1, failureThreshold: 30 },
      readinessProbe: { exec: { command: ['r'] }, periodSeconds: 10 },
    };
    t.m.sync(pod, KEY, [{ containerId: 'c1', container: c }], []);
    await t.m.whenIdle();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1000);
      await t.m.whenIdle();
    }
    expect(t.m.results('c1')).toEqual({ startup: 'unknown', readiness: 'failure' });
    expect(t.calls).toHaveLength(4); // startup only
    started = true;
    t.clock.advance(1000);
    await t.m.whenIdle();
    expect(t.m.results('c1')).toEqual({ startup: 'success', readiness: 'success' }); // readiness ran at once
  });

  it('drops the workers of containers that no longer run', async () => {
    const t = make(() => ({ exitCode: 0, stdout: '', stderr: '' }));
    const c: Container = { name: 'web', readinessProbe: { exec: { command: ['x'] } } };
    t.m.sync(pod, KEY, [{ containerId: 'c1', container: c }], []);
    await t.m.whenIdle();
    t.m.sync(pod, KEY, [], []);
    expect(t.m.results('c1')).toEqual({});
    t.clock.advance(60_000);
    await t.m.whenIdle();
    expect(t.calls).toHaveLength(1);
  });
});

describe('HostProbeTransport (127.0.0.1 only)', () => {
  const servers: (http.Server | net.Server)[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const listen = async (s: http.Server | net.Server): Promise<number> => {
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return (s.address() as AddressInfo).port;
  };
  const t = new HostProbeTransport();

  it('httpGet: 2xx/3xx succeed, others fail; sends the probe headers', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        seen.push(req.headers);
        const code = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503;
        res.writeHead(code, code === 302 ? { Location: '/elsewhere' } : {});
        res.end('body');
      }),
    );
    const get = (path: string) => t.httpGet({ scheme: 'HTTP', port, path, headers: { Host: 'web.local', 'X-A': 'b' }, timeoutMs: 2000 });
    expect(await get('/ok')).toEqual({ result: 'success', output: 'body' });
    expect((await get('/moved')).result).toBe('success');
    expect(await get('/bad')).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 503' });
    expect(seen[0]).toMatchObject({ host: 'web.local', 'x-a': 'b', 'user-agent': PROBE_USER_AGENT });
  });

  it('httpGet: connection refused and timeouts fail with the URL', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await t.httpGet({ scheme: 'HTTP', port: closed, path: '/healthz', headers: {}, timeoutMs: 2000 });
    expect(r).toEqual({ result: 'failure', output: `Get "http://127.0.0.1:${closed}/healthz": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
    const slow = await listen(http.createServer(() => undefined)); // never answers
    const r2 = await t.httpGet({ scheme: 'HTTP', port: slow, path: '/', headers: {}, timeoutMs: 100 });
    expect(r2.result).toBe('failure');
    expect(r2.output).toMatch(/^Get "http:\/\/127\.0\.0\.1:\d+\/": context deadline exceeded/);
  });

  it('tcp: an open port succeeds; a refused one or an accept-then-close (Docker proxy) fails', async () => {
    const open = await listen(net.createServer(() => undefined));
    expect(await t.tcp(open, 1000)).toEqual({ result: 'success', output: '' });
    const closer = await listen(net.createServer((s) => s.destroy()));
    expect((await t.tcp(closer, 1000)).result).toBe('failure');
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    expect(await t.tcp(closed, 1000)).toEqual({ result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });
});

describe('Kubelet with probes', () => {
  it('readiness drives ContainersReady and Ready; lastTransitionTime moves only on a flip', async () => {
    const h = setup();
    let ready = false;
    h.runtime.setExecHandler((_id, cmd) => (cmd[0] === 'check' ? { exitCode: ready ? 0 : 1, stdout: ready ? '' : 'not ready', stderr: '' } : undefined));
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', readinessProbe: { exec: { command: ['check'] } } }] });
    await pass(h);
    let p = await getPod(h);
    expect(condition(p, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
    expect(containerStatus(p)).toMatchObject({ ready: false, started: true });
    const t0 = condition(p, 'Ready')!.lastTransitionTime;

    ready = true;
    h.clock.advance(10_000);
    await h.kubelet.whenIdle();
    expect(h.enqueued).toContain(KEY);
    await pass(h);
    p = await getPod(h);
    expect(condition(p, 'Ready')?.status).toBe('True');
    expect(condition(p, 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:10Z');
    expect(condition(p, 'Initialized')?.lastTransitionTime).toBe(t0); // unchanged condition keeps its time
    expect(containerStatus(p)?.ready).toBe(true);

    ready = false;
    for (let i = 0; i < 3; i++) {
      h.clock.advance(10_000);
      await h.kubelet.whenIdle();
    }
    await pass(h);
    p = await getPod(h);
    expect(condition(p, 'Ready')?.status).toBe('False');
    expect(condition(p, 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:40Z');
    expect(h.events.messages('Unhealthy')).toContain('Readiness probe failed: not ready');
  });

  it('a failing liveness probe stops the container and it is started again', async () => {
    const h = setup();
    h.runtime.setExecHandler((_id, cmd) => (cmd[0] === 'alive' ? { exitCode: 1, stdout: 'dead', stderr: '' } : undefined));
    await createPod(h, {
      terminationGracePeriodSeconds: 12,
      containers: [{ name: 'web', image: 'nginx:1.25', livenessProbe: { exec: { command: ['alive'] }, failureThreshold: 1, periodSeconds: 5 } }],
    });
    await pass(h); // started; the first probe fails at once
    await pass(h); // stop
    expect(h.events.messages('Unhealthy')[0]).toBe('Liveness probe failed: dead');
    expect(h.events.messages('Killing')).toEqual(['Container web failed liveness probe, will be restarted']);
    expect(h.runtime.callsTo('stopContainer')[0]![1]).toBe(12);
    await pass(h); // start again
    const cs = containerStatus(await getPod(h))!;
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.running).toBeDefined();
    expect(cs.lastState?.terminated?.exitCode).toBe(137);
  });

  it('a startup probe keeps the container not started (and not ready) until it succeeds', async () => {
    const h = setup();
    let up = false;
    h.runtime.setExecHandler((_id, cmd) => (cmd[0] === 'up' ? { exitCode: up ? 0 : 1, stdout: '', stderr: '' } : undefined));
    await createPod(h, { containers: [{ name: 'web', image: 'nginx:1.25', startupProbe: { exec: { command: ['up'] }, periodSeconds: 1, failureThreshold: 10 } }] });
    await pass(h);
    expect(containerStatus(await getPod(h))).toMatchObject({ started: false, ready: false });
    up = true;
    h.clock.advance(1000);
    await h.kubelet.whenIdle();
    await pass(h);
    expect(containerStatus(await getPod(h))).toMatchObject({ started: true, ready: true });
    expect(await containerId(h)).toBeTruthy();
  });
});
