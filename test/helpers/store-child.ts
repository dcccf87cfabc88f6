// Runs test/helpers/store-writer.mjs as a child process and follows its stdout lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileStoreModuleUrl } from './store-build.js';

const writer = join(dirname(fileURLToPath(import.meta.url)), 'store-writer.mjs');

export interface Writer {
  child: ChildProcess;
  /** resolves when the child has opened the store */
  ready: Promise<void>;
  /** resolves with the exit code (or signal name) and every stdout line */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[]; stderr: string }>;
}

let moduleUrl: string | undefined;

export function spawnWriter(home: string, ...args: string[]): Writer {
  moduleUrl ??= fileStoreModuleUrl();
  const child = spawn(process.execPath, [writer, moduleUrl, home, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buf = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line === 'ready') onReady();
      else lines.push(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[]; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      onReady(); // never hang a test on a child that died before it got ready
      resolve({ code, signal, lines, stderr });
    });
  });
  return { child, ready, exited };
}

/** Every file under dir (relative paths), for asserting what the store left on disk. */
export function walkFiles(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walkFiles(dir, join(rel, d.name)) : [join(rel, d.name)]))
    .sort();
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
