// Go's text/tabwriter (elastic tabstops), as kubectl uses it: `get` tables (minwidth 6, padding 3) and `describe`
// (minwidth 0, padding 2). Cells are tab-terminated; the text after a line's last tab is not part of any column
// and is never padded, so lines carry no trailing spaces. A column block is a run of consecutive lines that all
// have a cell in that column; each block gets its own width: max(minwidth, widest cell + padding). Widths count
// code points, as Go counts runes.

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
  padchar?: string;
}

interface Cell {
  text: string;
  width: number;
}

export const runeCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Formats `text` as a Go tabwriter flushed once at the end would. */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const pad = opts.padchar ?? ' ';
  const lines: Cell[][] = text.split('\n').map((l) => l.split('\t').map((t) => ({ text: t, width: runeCount(t) })));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        out.push(c.text);
        if (j < widths.length) out.push(pad.repeat(widths[j]! - c.width));
      }
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur]!.length - 1) continue;
      // a column block begins here: print the lines before it with the widths known so far
      writeLines(line0, cur);
      line0 = cur;
      let width = opts.minwidth;
      for (; cur < line1; cur++) {
        const line = lines[cur]!;
        if (column >= line.length - 1) break;
        const w = line[column]!.width + opts.padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, cur);
      widths.pop();
      line0 = cur;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('');
}

/** kubectl's get/custom-columns tabwriter (cli-runtime printers.GetNewTabWriter). */
export const tableTabwrite = (text: string): string => tabwrite(text, { minwidth: 6, padding: 3 });

/** kubectl describe's tabwriter (describe.tabbedString). */
export const describeTabwrite = (text: string): string => tabwrite(text, { minwidth: 0, padding: 2 });

/** cli-runtime printers.EscapeTerminal: neutralises terminal escape sequences in untrusted text. */
export const escapeTerminal = (s: string): string => s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r');
