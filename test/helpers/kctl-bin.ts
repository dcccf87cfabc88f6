// Runs the built kctl (bin/kctl.js → dist/) as a user would: a child process with its own $KCTL_HOME.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
  return { run, runAsync, env, home: env.KCTL_HOME };
}
