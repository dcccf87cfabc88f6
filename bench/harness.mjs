// Shared set-up of the benches that run a real controller on the Docker engine: a throw-away $KCTL_HOME, a
// test-run label on everything made (removed at the end), the kctl CLI as a child process, and loopback probes.
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Docker from 'dockerode';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Runs a command; resolves its stdout, rejects with its stderr. */
export function run(cmd, args, opts = {}) {
  return new Promise((res, rej) =>
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24, ...opts }, (err, stdout, stderr) =>
      err ? rej(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : res(stdout),
    ),
  );
}

/** One HTTP GET to 127.0.0.1:port on a fresh connection; true on a 200. */
export function answers(port, timeoutMs = 200) {
  return new Promise((res) => {
    if (!port) return res(false);
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode === 200));
      r.on('error', () => res(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
  });
}

/** Polls fn until it returns something truthy (a throw counts as not yet). */
export async function until(what, fn, timeoutMs = 60_000, everyMs = 10) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * A bench cluster: its own home and test-run id, a `kctl controller` child logging to controller.log, `kctl()`
 * running the CLI (which must not start a controller of its own), and cleanup() that stops the controller,
 * closes `bench.store` if set, and removes every container labelled with the run id.
 */
export async function benchCluster(name) {
  const repo = resolve(import.meta.dirname, '..');
  const kctlBin = process.env.KCTL_BENCH_BIN ?? join(repo, 'bin/kctl.js');
  const dist = join(dirname(dirname(kctlBin)), 'dist');
  const runId = `bench-${name}-${process.pid}-${Date.now().toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), `kctl-bench-${name}-`));
  const home = join(root, 'kctl');
  const env = { ...process.env, KCTL_HOME: home, KCTL_TEST_RUN: runId, NO_COLOR: '1' };
  const docker = new Docker();
  const { FileStore } = await import(join(dist, 'store/file-store.js'));

  const kctl = (args, input) =>
    new Promise((res, rej) => {
      const c = spawn(process.execPath, [kctlBin, ...args], { env: { ...env, KCTL_NO_CONTROLLER: '1' }, cwd: root });
      let out = '';
      let err = '';
      c.stdout.on('data', (d) => (out += d));
      c.stderr.on('data', (d) => (err += d));
      c.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`kctl ${args.join(' ')} exited ${code}: ${err}${out}`))));
      c.stdin.end(input ?? '');
    });

  const logFd = openSync(join(root, 'controller.log'), 'a');
  const controller = spawn(process.execPath, [kctlBin, 'controller'], { env, cwd: root, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);

  const bench = {
    repo, kctlBin, dist, runId, root, home, env, docker, FileStore, kctl, controller,
    /** set by the bench when it opens the store, so cleanup closes it */
    store: undefined,
    async cleanup() {
      controller.kill('SIGTERM');
      await new Promise((r) => (controller.exitCode !== null ? r() : controller.once('exit', r)));
      await bench.store?.close();
      const cs = await docker.listContainers({ all: true, filters: { label: [`kctl.io/test-run=${runId}`] } });
      cs.sort((a, b) => Number(a.Labels['kctl.io/container-type'] === 'sandbox') - Number(b.Labels['kctl.io/container-type'] === 'sandbox'));
      for (const c of cs) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
      const ns = await docker.listNetworks({ filters: { label: [`kctl.io/test-run=${runId}`] } });
      for (const n of ns) await docker.getNetwork(n.Id).remove().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  process.on('SIGINT', () => void bench.cleanup().then(() => process.exit(130)));
  return bench;
}
