// The fake's little shell: enough of `sh -c '<script>'` for tests to make a container write logs, exit with a code
// or handle SIGTERM as it would on the engine: statements split on ; && || and newlines (outside quotes), and
// echo [>&2], exit N, true, false, :, cat (stdin), hostname, trap 'exit N' TERM. `sleep` is the caller's (it
// runs on the Clock). Anything else is unknown: a main process runs until stopped, an exec says "not found".
// Pure: table-tested in test/unit/runtime/fake-shell.test.ts.
import type { ExecResult } from '../containers.js';

export interface SimpleResult {
  stdout: string;
  stderr: string;
  /** set when the statement ends the script (exit N) */
  exit?: number;
  /** exit status of the statement (default 0) */
  status?: number;
  trap?: number;
  /** not a command the fake knows: a main process runs until stopped; exec says "not found" */
  unknown?: boolean;
}

export function isFiniteSeconds(s: string | undefined): boolean {
  return s !== undefined && /^\d+(\.\d+)?$/.test(s);
}

export function splitOutput(s: string): string[] {
  if (!s) return [];
  return s.replace(/\n$/, '').split('\n');
}

/** The script of `sh -c SCRIPT` / `/bin/sh -c SCRIPT`; undefined for other commands. */
export function shellScript(argv: string[]): string | undefined {
  const [bin, flag, script] = argv;
  if (bin && /(^|\/)(ba)?sh$/.test(bin) && flag === '-c' && script !== undefined) return script;
  return undefined;
}

/** Splits a script on ; && || and newlines (outside quotes) into statements of unquoted words. */
export function splitStatements(script: string): string[][] {
  const stmts: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endStmt = (): void => {
    endWord();
    if (words.length) stmts.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === ';' || ch === '\n') endStmt();
    else if ((ch === '&' || ch === '|') && script[i + 1] === ch) {
      endStmt();
      i++;
    } else if (ch === ' ' || ch === '\t') endWord();
    else {
      word += ch;
      inWord = true;
    }
  }
  endStmt();
  return stmts;
}

export function runSimple(name: string | undefined, args: string[], stdin: string, hostname: string): SimpleResult {
  switch (name) {
    case 'echo': {
      const toErr = args.at(-1) === '>&2' || args.at(-1) === '1>&2';
      const text = (toErr ? args.slice(0, -1) : args).join(' ') + '\n';
      return toErr ? { stdout: '', stderr: text } : { stdout: text, stderr: '' };
    }
    case 'exit':
      return { stdout: '', stderr: '', exit: Number(args[0] ?? 0) || 0 };
    case 'true':
    case ':':
      return { stdout: '', stderr: '' };
    case 'false':
      return { stdout: '', stderr: '', status: 1 };
    case 'cat':
      return { stdout: stdin, stderr: '' };
    case 'hostname':
      return { stdout: `${hostname}\n`, stderr: '' };
    case 'trap': {
      const m = /^exit\s+(\d+)$/.exec(args[0] ?? '');
      const sigs = args.slice(1).map((s) => s.replace(/^SIG/, ''));
      if (m && sigs.includes('TERM')) return { stdout: '', stderr: '', trap: Number(m[1]) };
      return { stdout: '', stderr: '' };
    }
    case undefined:
      return { stdout: '', stderr: '' };
    default:
      return { stdout: '', stderr: '', unknown: true };
  }
}

/** The result of an exec: `sh -c` scripts interpreted, a known command run, anything else "not found". */
export function execScript(cmd: string[], stdin: string, hostname: string): ExecResult {
  const script = shellScript(cmd);
  if (script === undefined) {
    const [bin, ...args] = cmd;
    const r = runSimple(bin?.split('/').pop(), args, stdin, hostname);
    if (r.unknown)
      return {
        exitCode: 126,
        stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown\r\n`,
        stderr: '',
      };
    return { exitCode: r.exit ?? r.status ?? 0, stdout: r.stdout, stderr: r.stderr };
  }
  let stdout = '';
  let stderr = '';
  let status = 0;
  for (const [name, ...args] of splitStatements(script)) {
    const r = runSimple(name, args, stdin, hostname);
    stdout += r.stdout;
    stderr += r.unknown ? `sh: ${name}: not found\n` : r.stderr;
    if (r.exit !== undefined) return { exitCode: r.exit, stdout, stderr };
    status = r.unknown ? 127 : (r.status ?? 0);
  }
  return { exitCode: status, stdout, stderr };
}
