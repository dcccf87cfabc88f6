// The fake runtime's little shell (src/runtime/fake/shell.ts), table by table.
import { describe, expect, it } from 'vitest';
import { execScript, isFiniteSeconds, runSimple, shellScript, splitOutput, splitStatements } from '../../../src/runtime/fake/shell.js';

describe('fake shell: shellScript', () => {
  it.each([
    [['sh', '-c', 'echo hi'], 'echo hi'],
    [['/bin/sh', '-c', 'exit 3'], 'exit 3'],
    [['bash', '-c', ''], ''],
    [['/usr/bin/bash', '-c', 'true'], 'true'],
    [['sh', 'script.sh'], undefined],
    [['sh', '-c'], undefined],
    [['zsh', '-c', 'echo'], undefined],
    [['httpd', '-f'], undefined],
    [[], undefined],
  ])('%j → %j', (argv, want) => {
    expect(shellScript(argv)).toBe(want);
  });
});

describe('fake shell: splitStatements', () => {
  it.each([
    ['echo a; echo b', [['echo', 'a'], ['echo', 'b']]],
    ['true && false || exit 2', [['true'], ['false'], ['exit', '2']]],
    ['echo one\necho two', [['echo', 'one'], ['echo', 'two']]],
    ["trap 'exit 0' TERM; sleep 3600", [['trap', 'exit 0', 'TERM'], ['sleep', '3600']]],
    ['echo "a; b" \'c && d\'', [['echo', 'a; b', 'c && d']]],
    ['echo ""', [['echo', '']]],
    ['  echo   spaced\t out  ', [['echo', 'spaced', 'out']]],
    [';;\n', []],
    ['echo a &b', [['echo', 'a', '&b']]],
  ])('%j', (script, want) => {
    expect(splitStatements(script)).toEqual(want);
  });
});

describe('fake shell: runSimple', () => {
  it.each([
    ['echo', ['hello', 'world'], '', { stdout: 'hello world\n', stderr: '' }],
    ['echo', ['oops', '>&2'], '', { stdout: '', stderr: 'oops\n' }],
    ['echo', ['oops', '1>&2'], '', { stdout: '', stderr: 'oops\n' }],
    ['exit', ['4'], '', { stdout: '', stderr: '', exit: 4 }],
    ['exit', [], '', { stdout: '', stderr: '', exit: 0 }],
    ['exit', ['x'], '', { stdout: '', stderr: '', exit: 0 }],
    ['true', [], '', { stdout: '', stderr: '' }],
    [':', [], '', { stdout: '', stderr: '' }],
    ['false', [], '', { stdout: '', stderr: '', status: 1 }],
    ['cat', [], 'piped in', { stdout: 'piped in', stderr: '' }],
    ['hostname', [], '', { stdout: 'web-0\n', stderr: '' }],
    ['trap', ['exit 143', 'TERM'], '', { stdout: '', stderr: '', trap: 143 }],
    ['trap', ['exit 0', 'SIGTERM', 'INT'], '', { stdout: '', stderr: '', trap: 0 }],
    ['trap', ['exit 0', 'INT'], '', { stdout: '', stderr: '' }],
    ['trap', ['echo bye', 'TERM'], '', { stdout: '', stderr: '' }],
    [undefined, [], '', { stdout: '', stderr: '' }],
    ['httpd', ['-f'], '', { stdout: '', stderr: '', unknown: true }],
  ])('%s %j', (name, args, stdin, want) => {
    expect(runSimple(name, args, stdin, 'web-0')).toEqual(want);
  });
});

describe('fake shell: execScript', () => {
  it.each([
    [['sh', '-c', 'echo out; echo err >&2; exit 3'], '', { exitCode: 3, stdout: 'out\n', stderr: 'err\n' }],
    [['sh', '-c', 'false'], '', { exitCode: 1, stdout: '', stderr: '' }],
    [['sh', '-c', 'echo a; exit 0; echo never'], '', { exitCode: 0, stdout: 'a\n', stderr: '' }],
    [['sh', '-c', 'nosuch'], '', { exitCode: 127, stdout: '', stderr: 'sh: nosuch: not found\n' }],
    [['sh', '-c', 'nosuch; true'], '', { exitCode: 0, stdout: '', stderr: 'sh: nosuch: not found\n' }],
    [['cat'], 'in', { exitCode: 0, stdout: 'in', stderr: '' }],
    [['/bin/hostname'], '', { exitCode: 0, stdout: 'db\n', stderr: '' }],
    [['false'], '', { exitCode: 1, stdout: '', stderr: '' }],
  ])('%j', (cmd, stdin, want) => {
    expect(execScript(cmd, stdin, 'db')).toEqual(want);
  });

  it('says an unknown binary is not in $PATH, as the engine does', () => {
    expect(execScript(['curl', 'x'], '', 'db')).toEqual({
      exitCode: 126,
      stdout: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown\r\n',
      stderr: '',
    });
  });
});

describe('fake shell: helpers', () => {
  it.each([
    ['3', true],
    ['0.5', true],
    ['inf', false],
    ['-1', false],
    ['', false],
    [undefined, false],
  ])('isFiniteSeconds(%j) = %s', (s, want) => {
    expect(isFiniteSeconds(s)).toBe(want);
  });

  it.each([
    ['', []],
    ['a\n', ['a']],
    ['a\nb\n', ['a', 'b']],
    ['a\n\nb', ['a', '', 'b']],
  ])('splitOutput(%j)', (s, want) => {
    expect(splitOutput(s)).toEqual(want);
  });
});
