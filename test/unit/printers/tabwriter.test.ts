import { describe, expect, it } from 'vitest';
import { describeTabwrite, escapeTerminal, tableTabwrite, tabwrite } from '../../../src/printers/tabwriter.js';

describe('tabwrite (Go text/tabwriter)', () => {
  it('pads each column to its widest cell plus padding, never the last one', () => {
    expect(tableTabwrite('NAME\tREADY\tAGE\nweb-1\t1/1\t5m\nx\t0/1\t10m\n')).toBe(
      'NAME    READY   AGE\nweb-1   1/1     5m\nx       0/1     10m\n',
    );
  });
  it('applies the minimum width', () => {
    expect(tableTabwrite('A\tB\n1\t2\n')).toBe('A     B\n1     2\n');
  });
  it('pads empty cells', () => {
    expect(tableTabwrite('A\tB\tC\n\t\tz\n')).toBe('A     B     C\n            z\n');
  });
  it('a line without tabs ends the column block', () => {
    expect(describeTabwrite('Name:\tweb\nLabels:\tapp=x\nPod Template:\n  Labels:\tapp=y\n')).toBe(
      'Name:    web\nLabels:  app=x\nPod Template:\n  Labels:  app=y\n',
    );
  });
  it('a column block spans consecutive lines that have a cell in that column', () => {
    expect(describeTabwrite('a:\t1\n  longer key:\t2\nc\n')).toBe(`a:${' '.repeat(13)}1\n  longer key:  2\nc\n`);
  });
  it('nests columns: a second column aligns only where lines have it', () => {
    expect(tabwrite('a\tb\tc\naa\tbbbb\tc\nxxxxx\ty\n', { minwidth: 0, padding: 1 })).toBe(
      'a     b    c\naa    bbbb c\nxxxxx y\n',
    );
  });
  it('counts code points, not bytes', () => {
    expect(tableTabwrite('é\tx\nab\ty\n').split('\n')[0]).toBe('é     x');
  });
  it('keeps a final line without newline', () => {
    expect(tabwrite('a\tb', { minwidth: 0, padding: 1 })).toBe('a b');
  });
});

describe('escapeTerminal', () => {
  it('neutralises escape sequences and carriage returns', () => {
    expect(escapeTerminal('a\x1b[31mb\rc')).toBe('a^[[31mb\\rc');
  });
});
