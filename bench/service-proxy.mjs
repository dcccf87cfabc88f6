// Issue 5 figure: requests/s and p99 latency through the Service proxy (127.0.0.1:<nodePort>, served by the
// controller process) versus straight to the pod's published port (127.0.0.1:<hostPort>, Docker's own
// forwarding), measured in the same run with the same load generator, cases interleaved in rounds so that load
// changes on the shared machine hit every case alike. Target: proxy >= 0.8x direct.
//
// One httpd pod (kctl-test/busybox:1) behind a NodePort Service with that one endpoint, so both paths end at the
// same server process. The load generator is a node http client in this process: CONCURRENCY requests in flight
// (closed loop), keep-alive off (a connection per request) and on (an Agent with keepAlive).
//
// Usage: node scripts/build.mjs && node bench/service-proxy.mjs
//   BENCH_SECONDS   seconds per case, split over the rounds (default 5)
//   BENCH_ROUNDS    rounds (default 5: 1 s slices, interleaved)
//   BENCH_CONCURRENCY  requests in flight (default 8)
//   KCTL_BENCH_BIN  another build's bin/kctl.js
// Traffic goes to 127.0.0.1 only, bounded in time. Everything made carries kctl.io/test-run=<id> and is removed.
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { benchCluster, now, sleep, until as untilEvery } from './harness.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const concurrency = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 8));
const IMAGE = 'kctl-test/busybox:1';
const bench = await benchCluster('svc');
const { kctlBin, root, docker, kctl, controller, cleanup } = bench;
const until = (what, fn, timeoutMs = 60_000, everyMs = 250) => untilEvery(what, fn, timeoutMs, everyMs);

function get(port, agent) {
  return new Promise((res, rej) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, timeout: 5_000 }, (r) => {
      r.resume();
      r.on('end', () => (r.statusCode === 200 ? res() : rej(new Error(`HTTP ${r.statusCode}`))));
      r.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
  });
}

/** CONCURRENCY workers in a closed loop for `ms`: latencies of the completed requests and the errors. */
async function drive(port, keepAlive, ms) {
  const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : false;
  const lat = [];
  let errors = 0;
  const end = now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < end) {
        const t0 = now();
        try {
          await get(port, agent);
          lat.push(now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  if (agent) agent.destroy();
  return { lat, errors, ms };
}

/** CPU time (ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** The docker-proxy process publishing 127.0.0.1:<hostPort> (Docker's userland proxy), if any. */
function dockerProxyPid(hostPort) {
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('docker-proxy') && cmd.includes('-host-port') && cmd[cmd.indexOf('-host-port') + 1] === String(hostPort)) return Number(d);
    }
  } catch {
    /* no /proc */
  }
  return undefined;
}

const percentile = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};


try {
  await until('the controller to register the node', async () => (await kctl(['get', 'nodes', '-o', 'name'])).trim() !== '', 30_000);
  const docs = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bench-web', labels: { app: 'bench-web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'httpd',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['httpd', '-f', '-p', '80', '-h', '/www'],
            ports: [{ name: 'http', containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'bench-web' },
      spec: { type: 'NodePort', selector: { app: 'bench-web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
  ];
  await kctl(['apply', '-f', '-'], docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  const pod = await until(
    'the pod to be Ready',
    async () => {
      const p = JSON.parse(await kctl(['get', 'pod', 'bench-web', '-o', 'json']));
      return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && p.metadata.annotations?.['kctl.io/ports'] ? p : undefined;
    },
    90_000,
  );
  const hostPort = JSON.parse(pod.metadata.annotations['kctl.io/ports']).find((m) => m.containerPort === 80).hostPort;
  const nodePort = await until('the nodePort', async () => JSON.parse(await kctl(['get', 'svc', 'bench-web', '-o', 'json'])).spec.ports[0].nodePort);
  await until('the proxy to answer', async () => (await get(nodePort, false), true), 30_000);
  await get(hostPort, false);

  const cases = [
    { name: 'direct, keep-alive off', port: hostPort, keepAlive: false },
    { name: 'proxy,  keep-alive off', port: nodePort, keepAlive: false },
    { name: 'direct, keep-alive on ', port: hostPort, keepAlive: true },
    { name: 'proxy,  keep-alive on ', port: nodePort, keepAlive: true },
  ];
  const agg = new Map(cases.map((c) => [c.name, { lat: [], errors: 0, ms: 0, cpu: { client: 0, controller: 0, dockerProxy: 0 } }]));
  const dpPid = dockerProxyPid(hostPort);
  const cpuNow = () => ({ client: (process.cpuUsage().user + process.cpuUsage().system) / 1000, controller: cpuMs(controller.pid) ?? NaN, dockerProxy: dpPid ? (cpuMs(dpPid) ?? NaN) : NaN });
  // warm-up (JIT, connection set-up paths), not counted
  for (const c of cases) await drive(c.port, c.keepAlive, 300);
  const slice = (seconds * 1000) / rounds;
  for (let r = 0; r < rounds; r++)
    for (const c of cases) {
      const before = cpuNow();
      const x = await drive(c.port, c.keepAlive, slice);
      const after = cpuNow();
      const a = agg.get(c.name);
      for (const k of Object.keys(a.cpu)) a.cpu[k] += after[k] - before[k];
      a.lat.push(...x.lat);
      a.errors += x.errors;
      a.ms += x.ms;
    }

  const rows = cases.map((c) => {
    const a = agg.get(c.name);
    const perReq = (ms) => (ms * 1000) / Math.max(1, a.lat.length);
    return {
      case: c.name.trim(),
      rps: (a.lat.length / a.ms) * 1000,
      p50: percentile(a.lat, 50),
      p99: percentile(a.lat, 99),
      requests: a.lat.length,
      errors: a.errors,
      cpuUsPerRequest: { client: perReq(a.cpu.client), controller: perReq(a.cpu.controller), dockerProxy: perReq(a.cpu.dockerProxy) },
    };
  });
  console.log(`service proxy vs direct: 1 httpd pod, ${concurrency} in flight, ${seconds}s per case in ${rounds} rounds (127.0.0.1 only)`);
  console.log('case                      req/s     p50 ms   p99 ms   requests  errors   CPU µs/request: client  kctl-controller  docker-proxy');
  const us = (v) => (Number.isFinite(v) ? v.toFixed(0) : '-').padStart(6);
  for (const r of rows)
    console.log(
      `${r.case.padEnd(24)} ${r.rps.toFixed(0).padStart(7)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}  ${String(r.requests).padStart(8)}  ${String(r.errors).padStart(6)}   ${' '.repeat(10)}${us(r.cpuUsPerRequest.client)}  ${us(r.cpuUsPerRequest.controller).padStart(15)}  ${us(r.cpuUsPerRequest.dockerProxy).padStart(12)}`,
    );
  console.log(`load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (2 cores shared)`);
  for (const ka of ['off', 'on']) {
    const d = rows.find((r) => r.case === `direct, keep-alive ${ka}`);
    const p = rows.find((r) => r.case === `proxy,  keep-alive ${ka}`);
    const ratio = p.rps / d.rps;
    console.log(`keep-alive ${ka}: proxy/direct throughput ${ratio.toFixed(2)}x (target >= 0.8x) ${ratio >= 0.8 ? 'OK' : 'BELOW TARGET'}; p99 ${p.p99.toFixed(2)} vs ${d.p99.toFixed(2)} ms`);
  }
  console.log(JSON.stringify({ bench: 'service-proxy', concurrency, seconds, rounds, rows }));
} catch (e) {
  console.error(`bench failed: ${e.message}`);
  try {
    console.error(readFileSync(join(root, 'controller.log'), 'utf8').split('\n').slice(-30).join('\n'));
  } catch {
    /* no log */
  }
  process.exitCode = 1;
} finally {
  await cleanup();
}
