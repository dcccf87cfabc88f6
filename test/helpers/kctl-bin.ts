// Runs the built kctl (bin/kctl.js → dist/) as a user would: a child process with its own $KCTL_HOME.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const KCTL = join(REPO, 'bin/kctl.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempHome(prefix = 'kctl-cli-'): { home: string; dispose(): void } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  return { home, dispose: () => rmSync(home, { recursive: true, force: true }) };
}

export function makeKctl(home: string, extraEnv: Record<string, string> = {}) {
  const env = { ...process.env, KCTL_HOME: join(home, 'kctl'), KCTL_NO_CONTROLLER: '1', NO_COLOR: '1', ...extraEnv };
  const run = (args: string[], opts: { input?: string; cwd?: string; env?: Record<string, string> } = {}): Run => {
    const r = spawnSync(process.execPath, [KCTL, ...args], {
      input: opts.input ?? '',
      cwd: opts.cwd ?? home,
      env: { ...env, ...opts.env },
      encoding: 'utf8',
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const runAsync = (args: string[], opts: { input?: string; cwd?: string } = {}): Promise<Run> =>
    new Promise((res) => {
      const child = spawn(process.execPath, [KCTL, ...args], { cwd: opts.cwd ?? home, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(opts.input ?? '');
    });
  /** Starts kctl and lets the test wait (with a deadline) until its stdout holds a line, while it runs. */
  const start = (args: string[]) => {
    const child = spawn(process.execPath, [KCTL, ...args], { cwd: home, env });
    let stdout = '';
    let stderr = '';
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (d) => {
      stdout += d;
      waiters.splice(0).forEach((w) => w());
    });
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<Run>((res) => child.on('close', (code) => res({ code: code ?? -1, stdout, stderr })));
    child.stdin.end();
    const stdoutHas = async (text: string, timeoutMs = 20_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline) throw new Error(`kctl ${args.join(' ')}: no ${JSON.stringify(text)} on stdout within ${timeoutMs} ms; stdout: ${JSON.stringify(stdout)}, stderr: ${JSON.stringify(stderr)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, Math.max(0, deadline - Date.now()) + 1);
        });
      }
    };
    /**
     * Resolves once the process watches the store: it holds the inotify descriptor the store's watch opens
     * (fs.watch on the store folder) after its initial list, so every later write reaches it.
     */
    const watching = async (timeoutMs = 20_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      const fds = `/proc/${child.pid}/fd`;
      const hasInotify = (): boolean => {
        try {
          return readdirSync(fds).some((fd) => {
            try {
              return readlinkSync(`${fds}/${fd}`).includes('inotify');
            } catch {
              return false;
            }
          });
        } catch {
          return false;
        }
      };
      while (!hasInotify()) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`kctl ${args.join(' ')} did not start watching the store within ${timeoutMs} ms; stdout: ${JSON.stringify(stdout)}, stderr: ${JSON.stringify(stderr)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    return { done, stdoutHas, watching };
  };
  return { run, runAsync, start, env, home: env.KCTL_HOME };
}
