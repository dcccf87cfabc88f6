// Issue 14 figures for the API server, over the real FileStore in a temp $KCTL_HOME and HTTPS with the admin
// client certificate, keep-alive (4 sockets):
//   GET one pod (p50/p99 of 500), LIST 200 pods as JSON and as a Table (p50/p99 of 50),
//   write -> watch event delay with 100 watchers (20 writes, every watcher's event), added RSS.
// Targets (issue 14): GET p50 <= 2 ms, LIST 200 <= 20 ms, event delay p99 <= 50 ms, <= 25 MB added RSS.
// Usage: node scripts/build.mjs && node bench/apiserver.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:https';

const dist = new URL('../dist/', import.meta.url);
const { openDefaultStore } = await import(new URL('store/open.js', dist).href);
const { startApiServer } = await import(new URL('apiserver/api-server.js', dist).href);
const { SystemClock } = await import(new URL('util/clock.js', dist).href);
const { ensurePki } = await import(new URL('apiserver/pki.js', dist).href);

const home = mkdtempSync(join(tmpdir(), 'kctl-bench-api-'));
const store = await openDefaultStore(home);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const rss0 = process.memoryUsage().rss;
const api = await startApiServer(home, { port: 0, explicit: true }, { store, clock: new SystemClock(), log: quiet });
const pki = await ensurePki(join(home, 'pki'));
for (let i = 0; i < 200; i++)
  await store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'default', labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });
const tls = { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key, servername: 'localhost' };
const agent = new Agent({ keepAlive: true, maxSockets: 4, ...tls });
const timed = (path, headers = {}) =>
  new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const r = request({ host: '127.0.0.1', port: api.port, path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t) / 1e6));
    });
    r.on('error', reject);
    r.end();
  });
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(2);
const run = async (n, path, headers) => {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await timed(path, headers));
  return out;
};
await run(50, '/api/v1/namespaces/default/pods/p-1');
const g = await run(500, '/api/v1/namespaces/default/pods/p-1');
const l = await run(50, '/api/v1/namespaces/default/pods');
const lt = await run(50, '/api/v1/namespaces/default/pods', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
console.log(`GET one pod:          p50 ${pct(g, 0.5)} ms  p99 ${pct(g, 0.99)} ms`);
console.log(`LIST 200 pods (JSON): p50 ${pct(l, 0.5)} ms  p99 ${pct(l, 0.99)} ms`);
console.log(`LIST 200 pods (Table): p50 ${pct(lt, 0.5)} ms  p99 ${pct(lt, 0.99)} ms`);

const { resourceVersion } = await store.list('configmaps');
let seen = [];
const watchers = [];
for (let i = 0; i < 100; i++)
  await new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port: api.port, path: `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${resourceVersion}`, agent: false, ...tls }, (res) => {
      resolve();
      let buf = '';
      res.setEncoding('utf8').on('data', (d) => {
        buf += d;
        let j;
        while ((j = buf.indexOf('\n')) >= 0) {
          const ev = JSON.parse(buf.slice(0, j));
          buf = buf.slice(j + 1);
          seen.push([ev.object.metadata.name, process.hrtime.bigint()]);
        }
      });
    });
    watchers.push(r);
    r.end();
  });
const delays = [];
for (let k = 0; k < 20; k++) {
  seen = [];
  const t = process.hrtime.bigint();
  await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${k}`, namespace: 'default' } });
  const deadline = Date.now() + 5000;
  while (seen.filter((x) => x[0] === `cm-${k}`).length < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  for (const [n, at] of seen) if (n === `cm-${k}`) delays.push(Number(at - t) / 1e6);
}
console.log(`write -> event, 100 watchers: p50 ${pct(delays, 0.5)} ms  p99 ${pct(delays, 0.99)} ms (${delays.length} of 2000 events)`);
console.log(`RSS added by the API server (200 pods listed, 100 watchers open): ${((process.memoryUsage().rss - rss0) / 1048576).toFixed(1)} MB`);
for (const w of watchers) w.destroy();
await api.stop();
await store.close();
rmSync(home, { recursive: true, force: true });
