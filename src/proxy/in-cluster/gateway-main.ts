// The program inside a Service's gateway container (bundled alone to dist/gateway/gateway.mjs and run by the
// host's node binary, bound read-only into a pause-image container: no image to build or pull).
//
// It reads <dir>/config.json (a GatewayConfig the controller replaces atomically), listens on every Service
// port on all addresses of the container, and forwards each connection to a ready endpoint with the same
// round robin / ClientIP affinity / connect failover as the host proxy. A config change takes effect for
// new connections at once; open connections are left to finish. After loading a config it writes
// <dir>/ack.json with the config's `version`, so the controller can tell when an endpoint is out of rotation.
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '../../util/clock.js';
import { RoundRobin } from '../round-robin.js';
import { proxyConnection } from '../tcp-proxy.js';
import type { GatewayConfig } from './config.js';

const dir = process.argv[2] ?? '/kctl/config';
const clock = new SystemClock();
const listeners = new Map<number, { server: Server; balancer: RoundRobin }>();
let lastText = '';

const log = (msg: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
};

function onConnection(balancer: RoundRobin, sock: Socket): void {
  const clientIP = balancer.usesClientIP ? (sock.remoteAddress ?? '').replace(/^::ffff:/, '') : '';
  proxyConnection(sock, {
    pick: (tried) => balancer.pick(clientIP, tried),
    onFailure: (b) => balancer.reportFailure(b.id),
    onCommitted: (b) => balancer.reportSuccess(b.id),
  });
}

function apply(cfg: GatewayConfig & { version?: number }): void {
  const wanted = new Set(cfg.ports.map((p) => p.port));
  for (const [port, l] of listeners) {
    if (wanted.has(port)) continue;
    l.server.close(); // open connections finish
    listeners.delete(port);
  }
  for (const p of cfg.ports) {
    let l = listeners.get(p.port);
    if (!l) {
      const balancer = new RoundRobin({ clock });
      const server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => onConnection(balancer, s));
      server.on('error', (e) => log(`port ${p.port}: ${e.message}`));
      server.listen({ port: p.port, host: '0.0.0.0' });
      l = { server, balancer };
      listeners.set(p.port, l);
    }
    l.balancer.setAffinity(cfg.affinityTimeoutSeconds);
    l.balancer.setBackends(p.backends);
  }
  log(`${cfg.service}: ${cfg.ports.map((p) => `${p.port} → ${p.backends.map((b) => `${b.host}:${b.port}`).join(', ') || '<none>'}`).join('; ')}`);
  if (cfg.version !== undefined) {
    const tmp = join(dir, '.ack.tmp');
    writeFileSync(tmp, JSON.stringify({ version: cfg.version }));
    renameSync(tmp, join(dir, 'ack.json'));
  }
}

function load(): void {
  let text: string;
  try {
    text = readFileSync(join(dir, 'config.json'), 'utf8');
  } catch {
    return; // not written yet
  }
  if (text === lastText) return;
  try {
    const cfg = JSON.parse(text) as GatewayConfig & { version?: number };
    lastText = text;
    apply(cfg);
  } catch (e) {
    log(`config.json: ${(e as Error).message}`);
  }
}

load();
// a rename in the folder wakes us at once; the poll covers file systems where fs.watch is silent
try {
  watch(dir, () => load());
} catch {
  /* poll only */
}
setInterval(load, 100);
process.on('SIGTERM', () => process.exit(0));
