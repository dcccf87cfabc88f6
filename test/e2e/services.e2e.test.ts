// Services on the real Docker engine, through the built CLI and the background controller: three httpd pods
// behind a NodePort Service, reached only at 127.0.0.1:<nodePort> (the proxy dials each pod's published loopback
// port; nothing here talks to a pod IP).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../helpers/docker-env.js';
import { get, load } from '../helpers/http-load.js';
import { E2eCluster, TEST_IMAGE, containerIdOf, dockerCli, hostPortOf, podManifest, sleep, type StoredPod } from '../helpers/e2e-cluster.js';

const haveDocker = await requireDocker();

const PROBE_PERIOD_S = 2;
/** probe → kubelet status write → store watch → proxy: what "at once" may take on a loaded machine */
const REACTION_MS = 1_000;
const PODS = ['web-0', 'web-1', 'web-2'];

function webPod(name: string): Record<string, unknown> {
  return podManifest(
    name,
    {
      containers: [
        {
          name: 'httpd',
          image: TEST_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          // the page is the pod's own name; /tmp/ready gates its readiness
          command: ['sh', '-c', `echo ${name} > /www/index.html && touch /tmp/ready && exec httpd -f -p 80 -h /www`],
          ports: [{ name: 'http', containerPort: 80 }],
          readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: PROBE_PERIOD_S, failureThreshold: 1, successThreshold: 1 },
        },
      ],
    },
    { labels: { app: 'svc-e2e' } },
  );
}

describe.runIf(haveDocker)('Services on the Docker engine (kctl CLI + background controller)', () => {
  const cluster = E2eCluster.create('services');
  let nodePort = 0;
  const pods = new Map<string, StoredPod>();

  beforeAll(async () => {
    await cluster.apply([
      ...PODS.map(webPod),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { type: 'NodePort', selector: { app: 'svc-e2e' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    ]);
    for (const name of PODS) pods.set(name, await cluster.waitForPod(name, 'Ready', (p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false, 90_000));
    const svc = await cluster.waitFor('the Service to get a nodePort', async () => {
      const s = JSON.parse(await cluster.ok(['get', 'svc', 'web', '-o', 'json'])) as { spec: { clusterIP?: string; ports: { nodePort?: number }[] } };
      return s.spec.ports[0]?.nodePort ? s : undefined;
    });
    nodePort = svc.spec.ports[0]!.nodePort!;
    // the proxy answers once the Endpoints list all three
    await cluster.waitFor('three endpoints', async () => (await cluster.ok(['get', 'endpoints', 'web'])).split(',').length === 3 || undefined);
    await cluster.waitFor('the proxy to answer', async () => (await get(nodePort).catch(() => '')) !== '' || undefined);
  }, 120_000);

  afterAll(async () => {
    await cluster.dispose();
  });

  it('kctl get svc / endpoints / describe show the allocation and the ready endpoints', async () => {
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const svcTable = await cluster.ok(['get', 'svc', 'web']);
    expect(svcTable).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    expect(svcTable).toMatch(new RegExp(`^web\\s+NodePort\\s+10\\.(9[6-9]|10\\d|11[01])\\.\\d+\\.\\d+\\s+<none>\\s+80:${nodePort}/TCP\\s+\\S+\\n`, 'm'));

    const ips = PODS.map((n) => pods.get(n)!.status!.podIP!).sort();
    const epTable = await cluster.ok(['get', 'endpoints', 'web']);
    const row = epTable.split('\n')[1]!.split(/\s+/);
    expect(row[0]).toBe('web');
    expect(row[1]!.split(',').sort()).toEqual(ips.map((ip) => `${ip}:80`));

    const desc = await cluster.ok(['describe', 'svc', 'web']);
    expect(desc).toMatch(new RegExp(`NodePort:\\s+http\\s+${nodePort}/TCP`));
    const epLine = /^Endpoints:\s+(\S+)$/m.exec(desc)?.[1] ?? '';
    expect(epLine.split(',').sort()).toEqual(ips.map((ip) => `${ip}:80`));

    const slices = JSON.parse(await cluster.ok(['get', 'endpointslices', '-o', 'json'])) as { items: { metadata: { name: string; labels: Record<string, string> }; endpoints: unknown[] }[] };
    const mine = slices.items.filter((s) => s.metadata.labels['kubernetes.io/service-name'] === 'web');
    expect(mine.map((s) => s.metadata.name)).toEqual([expect.stringMatching(/^web-[a-z0-9]{5}$/)]);
    expect(mine[0]!.endpoints).toHaveLength(3);
  });

  it('300 requests through 127.0.0.1:nodePort reach all three pods, none fails, split near even', async () => {
    // each pod answers its own name on its own published port (the proxy's way in)
    for (const n of PODS) expect(await get(hostPortOf(pods.get(n), 80)!)).toBe(n);
    const samples = await load(nodePort, { count: 300, maxMs: 60_000 });
    expect(samples).toHaveLength(300);
    expect(samples.filter((s) => s.error)).toEqual([]);
    const by: Record<string, number> = {};
    for (const s of samples) by[s.body!] = (by[s.body!] ?? 0) + 1;
    expect(Object.keys(by).sort()).toEqual(PODS);
    for (const n of PODS) {
      expect(by[n]).toBeGreaterThanOrEqual(80);
      expect(by[n]).toBeLessThanOrEqual(120);
    }
  });

  it('a pod whose readiness probe fails stops receiving traffic within one probe period, and comes back when ready', async () => {
    const victim = 'web-1';
    const cid = containerIdOf((await cluster.pod(victim))!, 'httpd');
    const rm = await dockerCli(['exec', cid, 'rm', '/tmp/ready']);
    expect(rm.code).toBe(0);
    const failedAt = Date.now();
    // traffic while the probe notices: nothing fails; the victim's last answer comes within one probe period
    const during = await load(nodePort, { maxMs: PROBE_PERIOD_S * 1000 + REACTION_MS + 3_000, gapMs: 20 });
    expect(during.filter((s) => s.error)).toEqual([]);
    const lastVictim = Math.max(0, ...during.filter((s) => s.body === victim).map((s) => s.at - failedAt));
    // the next probe comes within one period (failureThreshold 1); the proxy drops the pod from that status write
    expect(lastVictim).toBeLessThanOrEqual(PROBE_PERIOD_S * 1000 + REACTION_MS);
    const tail = during.filter((s) => s.at - failedAt > PROBE_PERIOD_S * 1000 + REACTION_MS);
    expect(tail.length).toBeGreaterThan(10);
    expect(new Set(tail.map((s) => s.body))).toEqual(new Set(['web-0', 'web-2']));
    console.log(`[services e2e] ${victim}: last answer ${lastVictim} ms after its readiness file went (probe period ${PROBE_PERIOD_S * 1000} ms)`);

    // ready again: it is back in rotation
    expect((await dockerCli(['exec', cid, 'touch', '/tmp/ready'])).code).toBe(0);
    const readyAt = Date.now();
    const after = await load(nodePort, { maxMs: 20_000, gapMs: 20, until: (got) => got.some((s) => s.body === victim) });
    expect(after.some((s) => s.body === victim)).toBe(true);
    const again = await load(nodePort, { count: 30, maxMs: 20_000 });
    expect([...after, ...again].filter((s) => s.error)).toEqual([]);
    expect(again.filter((s) => s.body === victim).length).toBeGreaterThanOrEqual(8);
    console.log(`[services e2e] ${victim}: back in rotation ${(after.find((s) => s.body === victim)?.at ?? Date.now()) - readyAt} ms after its readiness file returned`);
  });

  it('from inside a pod: web, web.default and web.default.svc.cluster.local answer from ready pods only; WEB_SERVICE_* are set', async () => {
    await cluster.apply(podManifest('client', { containers: [{ name: 'c', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] }));
    await cluster.waitForPod('client', 'running', (p) => p.status?.phase === 'Running');
    const inPod = async (script: string): Promise<string> => (await cluster.ok(['exec', 'client', '--', 'sh', '-c', script])).trim();
    // (busybox 1.35's `wget -T` crashes: `timeout` bounds each request instead)
    // the gateway may still be starting: the first name is retried, the others must answer at once
    await cluster.waitFor('the Service name to answer inside the pod', async () => {
      const r = await cluster.kctl(['exec', 'client', '--', 'timeout', '3', 'wget', '-qO-', 'http://web/']);
      return r.code === 0 && PODS.includes(r.stdout.trim()) ? true : undefined;
    }, 30_000);
    for (const host of ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local'])
      expect(PODS).toContain(await inPod(`timeout 3 wget -qO- http://${host}/`));

    // the Kubernetes service variables of the Services that existed when the pod started, usable as given
    const env = Object.fromEntries((await inPod('env')).split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env.WEB_SERVICE_PORT).toBe('80');
    expect(env.WEB_SERVICE_PORT_HTTP).toBe('80');
    expect(env.WEB_PORT_80_TCP_PROTO).toBe('tcp');
    expect(env.WEB_PORT).toBe(`tcp://${env.WEB_SERVICE_HOST}:80`);
    expect(PODS).toContain(await inPod('timeout 3 wget -qO- http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT/'));

    // readiness gates in-pod traffic too: a not-ready pod gets none of 30 requests, and returns when ready
    const victim = 'web-0';
    const cid = containerIdOf((await cluster.pod(victim))!, 'httpd');
    expect((await dockerCli(['exec', cid, 'rm', '/tmp/ready'])).code).toBe(0);
    await cluster.waitForPod(victim, 'not ready', (p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 20_000);
    // the gateway has loaded a config without it (its ack caught up with the config kctl wrote)
    const victimIP = (await cluster.pod(victim))!.status!.podIP!;
    const dir = join(cluster.home, 'run', 'gateways', 'default', 'web');
    await cluster.waitFor('the gateway to drop the not-ready pod', async () => {
      const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { version: number; ports: { backends: { host: string }[] }[] };
      const ack = JSON.parse(await readFile(join(dir, 'ack.json'), 'utf8').catch(() => '{}')) as { version?: number };
      return (!cfg.ports.some((p) => p.backends.some((b) => b.host === victimIP)) && (ack.version ?? -1) >= cfg.version) || undefined;
    }, 20_000);
    const got = (await inPod('for i in $(seq 1 30); do timeout 3 wget -qO- http://web/ || echo FAILED; done')).split('\n');
    expect(got).toHaveLength(30);
    expect(got.filter((b) => b === 'FAILED' || b === victim)).toEqual([]);
    expect((await dockerCli(['exec', cid, 'touch', '/tmp/ready'])).code).toBe(0);
    await cluster.waitFor(`${victim} back behind the name`, async () => (await inPod('for i in 1 2 3 4 5 6; do timeout 3 wget -qO- http://web/; done')).split('\n').includes(victim) || undefined, 30_000);
    await cluster.ok(['delete', 'pod', 'client', '--wait=false']);
  });

  it('a pod whose server dies gets no client errors: the proxy moves on to the next endpoint', async () => {
    const victim = 'web-2';
    const cid = containerIdOf((await cluster.pod(victim))!, 'httpd');
    const kill = dockerCli(['kill', '-s', 'KILL', cid]);
    const samples = await load(nodePort, { count: 150, maxMs: 30_000 });
    expect((await kill).code).toBe(0);
    expect(samples.filter((s) => s.error)).toEqual([]);
    expect(new Set(samples.map((s) => s.body))).toContain('web-0');
    // the kubelet restarts it; it becomes ready again and serves
    await cluster.waitForPod(victim, 'restarted and Ready', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true, 60_000);
    await cluster.waitFor(`${victim} to answer through the Service again`, async () => (await load(nodePort, { count: 9, maxMs: 5_000 })).some((s) => s.body === victim) || undefined, 30_000);
  });
});
