// kctl port-forward in process: real sockets on 127.0.0.1 only; a local TCP server stands in for the pod's
// published host port (what the kubelet records in the kctl.io/ports annotation).
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGE, context, createPod, kctl, runPod, setStatus, setup, type Env } from './harness.js';
import {
  convertPodNamedPortToNumber,
  parsePorts,
  runPortForward,
  toPortForwardOptions,
  translateServicePortToTargetPort,
  type PortForwardOptions,
} from '../../../src/cli/commands/port-forward.js';
import type { Pod, Service } from '../../../src/api/types.js';

let env: Env;
const servers: net.Server[] = [];
beforeEach(() => {
  env = setup();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server answering `<tag>:<what it received>` to each connection's first chunk. */
async function upstream(tag: string): Promise<number> {
  const s = net.createServer((c) => c.once('data', (d) => c.end(`${tag}:${d.toString()}`)));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as net.AddressInfo).port;
}

function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port });
    let got = '';
    c.on('connect', () => c.write(text));
    c.on('data', (d) => (got += d.toString()));
    c.on('close', () => resolve(got));
    c.on('error', reject);
  });
}

const WEB = [{ name: 'web', image: IMAGE, command: ['httpd'], ports: [{ containerPort: 80, name: 'http' }, { containerPort: 9090, name: 'metrics' }] }];

/** Starts the forward; resolves once listening with the actual ports and a stop(). */
async function forward(args: string[], f: Record<string, unknown> = {}) {
  const { ctx, out, err } = await context(env, 'port-forward');
  const ac = new AbortController();
  let ready!: (p: { local: number; remote: number }[]) => void;
  const readyP = new Promise<{ local: number; remote: number }[]>((r) => (ready = r));
  const o: PortForwardOptions = { ...toPortForwardOptions(args, f), signal: ac.signal, onReady: (p) => ready(p) };
  const done = runPortForward(o, ctx);
  const ports = await Promise.race([readyP, done.then(() => [], () => [])]);
  return { ports, out, err, done, stop: async () => (ac.abort(), done) };
}

describe('kctl port-forward POD', () => {
  it('forwards LOCAL to the pod port through its published 127.0.0.1 port, kubectl\'s lines on stdout', async () => {
    const hostPort = await upstream('web');
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort }] });
    const fw = await forward(['web', ':80']);
    expect(fw.ports).toHaveLength(1);
    const local = fw.ports[0]!.local;
    expect(local).toBeGreaterThan(0);
    expect(await ask(local, 'GET')).toBe('web:GET');
    expect(await ask(local, 'again')).toBe('web:again');
    await fw.stop();
    expect(fw.out.text).toBe(`Forwarding from 127.0.0.1:${local} -> 80\nHandling connection for ${local}\nHandling connection for ${local}\n`);
    expect(fw.err.text).toBe('');
    // stopped: the port no longer listens
    await expect(ask(local, 'x')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('resolves named ports and several ports at once', async () => {
    const a = await upstream('http');
    const b = await upstream('metrics');
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort: a }, { containerPort: 9090, hostPort: b }] });
    const fw = await forward(['pod/web', ':http', ':9090']);
    expect(fw.ports.map((p) => p.remote)).toEqual([80, 9090]);
    expect(await ask(fw.ports[0]!.local, '1')).toBe('http:1');
    expect(await ask(fw.ports[1]!.local, '2')).toBe('metrics:2');
    await fw.stop();
  });

  it('re-reads the published port for each connection (a recreated sandbox publishes new ports)', async () => {
    const first = await upstream('first');
    const second = await upstream('second');
    const { pod } = await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort: first }] });
    const fw = await forward(['web', ':80']);
    const local = fw.ports[0]!.local;
    expect(await ask(local, 'a')).toBe('first:a');
    const cur = await env.store.get<typeof pod>({ resource: 'pods', namespace: 'default', name: 'web' });
    cur.metadata.annotations = { ...cur.metadata.annotations, 'kctl.io/ports': JSON.stringify([{ containerPort: 80, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: second }]) };
    await env.store.update(cur);
    expect(await ask(local, 'b')).toBe('second:b');
    await fw.stop();
  });

  it('reports a connection it cannot forward and keeps going', async () => {
    const dead = await upstream('x');
    await new Promise((r) => servers.pop()!.close(r)); // nothing listens there now
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort: dead }] });
    const fw = await forward(['web', ':80']);
    expect(await ask(fw.ports[0]!.local, 'x')).toBe('');
    await fw.stop();
    expect(fw.err.text).toMatch(new RegExp(`^an error occurred forwarding ${fw.ports[0]!.local} -> 80: error forwarding port 80 to pod web, uid [0-9a-f-]+: connect ECONNREFUSED 127\\.0\\.0\\.1:${dead}\\n$`));
  });

  it('ends with `lost connection to pod` when the pod is deleted', async () => {
    const hostPort = await upstream('web');
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort }] });
    const fw = await forward(['web', ':80']);
    await env.store.delete({ resource: 'pods', namespace: 'default', name: 'web' }, { gracePeriodSeconds: 0 });
    await expect(fw.done).rejects.toThrow('lost connection to pod');
  });

  it('says when the local port is taken', async () => {
    const hostPort = await upstream('web');
    const taken = await upstream('taken');
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort }] });
    const fw = await forward(['web', `${taken}:80`]);
    await expect(fw.done).rejects.toThrow(`unable to listen on any of the requested ports: [{${taken} 80}]`);
    expect(fw.err.text).toBe(
      `Unable to listen on port ${taken}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${taken}: bind: address already in use]\n`,
    );
  });
});

describe('kctl port-forward svc/NAME and deploy/NAME', () => {
  it('maps the service port to its (named) targetPort on a pod of the service', async () => {
    const hostPort = await upstream('svc');
    await runPod(env, { name: 'web-1', labels: { app: 'web' }, containers: WEB }, { ports: [{ containerPort: 80, hostPort }] });
    await env.store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'front', port: 8080, targetPort: 'http' }] },
    });
    const fw = await forward(['svc/web', ':8080']);
    expect(fw.ports[0]!.remote).toBe(80);
    expect(await ask(fw.ports[0]!.local, 'q')).toBe('svc:q');
    await fw.stop();
    expect(fw.out.text.split('\n')[0]).toBe(`Forwarding from 127.0.0.1:${fw.ports[0]!.local} -> 80`);
  });

  it('deploy/NAME forwards to its running pod', async () => {
    const hostPort = await upstream('deploy');
    await env.store.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: WEB } } },
    });
    await createPod(env, { name: 'web-pending', labels: { app: 'web' }, containers: WEB });
    await setStatus(env, 'web-pending', { phase: 'Pending' });
    await runPod(env, { name: 'web-running', labels: { app: 'web' }, containers: WEB }, { ports: [{ containerPort: 80, hostPort }] });
    const fw = await forward(['deploy/web', ':80']);
    expect(await ask(fw.ports[0]!.local, 'd')).toBe('deploy:d');
    await fw.stop();
  });
});

describe('kctl port-forward errors', () => {
  it('a port the pod does not publish', async () => {
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort: 1 }] });
    expect(await kctl(env, ['port-forward', 'web', '8081:81'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: port 81 is not published by pod "web": kctl reaches a pod only through the containerPorts it declares (published: 80/TCP)\n',
    });
  });

  it('a pod that is not running', async () => {
    await createPod(env, { containers: WEB });
    await setStatus(env, 'web', { phase: 'Pending' });
    expect(await kctl(env, ['port-forward', 'web', '80'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unable to forward port because pod is not running. Current status=Pending\n',
    });
  });

  it('only loopback addresses; ports and args are checked', async () => {
    expect(await kctl(env, ['port-forward', '--address', '0.0.0.0', 'web', '80'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: --address 0.0.0.0 is not supported: kctl forwards on 127.0.0.1 only (use localhost or 127.0.0.1)\nSee 'kctl --help' for usage.\n",
    });
    expect((await kctl(env, ['port-forward', 'web'])).stderr).toBe("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kctl --help' for usage.\n");
    expect(toPortForwardOptions(['web', '80'], { address: ['localhost', '127.0.0.1'] }).addresses).toEqual(['localhost', '127.0.0.1']);
    await runPod(env, { containers: WEB }, { ports: [{ containerPort: 80, hostPort: 1 }] });
    expect((await kctl(env, ['port-forward', 'web', 'nope'])).stderr).toBe("error: Pod 'web' does not have a named port 'nope'\n");
  });

  it.each([
    [['80'], [{ local: 80, remote: 80 }]],
    [['8080:80'], [{ local: 8080, remote: 80 }]],
    [[':80'], [{ local: 0, remote: 80 }]],
  ])('parsePorts %j', (ports, want) => {
    expect(parsePorts(ports)).toEqual(want);
  });

  it.each([
    ['1:2:3', "invalid port format '1:2:3'"],
    ['x:80', `error parsing local port 'x': strconv.ParseUint: parsing "x": invalid syntax`],
    ['80:0', 'remote port must be > 0'],
    ['70000', `error parsing remote port '70000': strconv.ParseUint: parsing "70000": value out of range`],
  ])('parsePorts %s → %s', (p, msg) => {
    expect(() => parsePorts([p])).toThrow(msg);
  });

  it('translates service and named pod ports as kubectl', () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] } } as Pod;
    const svc = {
      metadata: { name: 's' },
      spec: { ports: [{ name: 'web', port: 80, targetPort: 'http' }, { port: 81, targetPort: 9000 }, { port: 82 }] },
    } as Service;
    expect(translateServicePortToTargetPort(['80', '1234:81', 'web', ':82'], svc, pod)).toEqual(['80:8080', '1234:9000', '80:8080', ':82']);
    expect(() => translateServicePortToTargetPort(['83'], svc, pod)).toThrow('Service s does not have a service port 83');
    expect(() => translateServicePortToTargetPort(['nope'], svc, pod)).toThrow("Service 's' does not have a named port 'nope'");
    expect(convertPodNamedPortToNumber(['http', '9:http', '7'], pod)).toEqual(['8080', '9:8080', '7']);
  });
});
