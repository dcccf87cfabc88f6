// The table `kubectl get -w` prints: kubectl's tabwriter (github.com/liggitt/tabwriter with RememberWidths) is
// flushed after the listing and after every event, and remembers each column's width across flushes, so a row
// printed later lines up with the header unless one of its cells is wider (then that column grows from there on).
import type { KindInfo } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { formatLabels } from '../../api/labels.js';
import { columnsFor } from '../../printers/columns.js';
import { cellText } from '../../printers/table.js';
import { runeCount } from '../../printers/tabwriter.js';

export interface WatchTableOptions {
  wide?: boolean;
  allNamespaces?: boolean;
  showLabels?: boolean;
  labelColumns?: string[];
  noHeaders?: boolean;
}

interface Col {
  header: string;
  cell(obj: KubeObject, now: Date): string;
}

/** kubectl's get tabwriter settings (cli-runtime printers.GetNewTabWriter). */
const MIN_WIDTH = 6;
const PADDING = 3;

export class WatchTable {
  private readonly cols: Col[];
  private readonly widths: number[] = [];
  private headerDone: boolean;

  constructor(kind: KindInfo, private readonly opts: WatchTableOptions) {
    const cols: Col[] = [];
    if (opts.allNamespaces && kind.namespaced) cols.push({ header: 'NAMESPACE', cell: (x) => x.metadata.namespace ?? '' });
    for (const c of columnsFor(kind.kind)) if (!c.wide || opts.wide) cols.push({ header: c.name, cell: (x, now) => c.get(x, { now }) });
    for (const key of opts.labelColumns ?? []) {
      const parts = key.split('/');
      cols.push({ header: parts[parts.length - 1]!.toUpperCase(), cell: (x) => x.metadata.labels?.[key] ?? '' });
    }
    if (opts.showLabels) cols.push({ header: 'LABELS', cell: (x) => formatLabels(x.metadata.labels) });
    this.cols = cols;
    this.headerDone = Boolean(opts.noHeaders);
  }

  /** One flush: the header (the first time) and these objects' rows. '' for no objects. */
  print(objs: readonly KubeObject[], now: Date): string {
    if (objs.length === 0) return '';
    const rows: string[][] = [];
    if (!this.headerDone) rows.push(this.cols.map((c) => c.header));
    this.headerDone = true;
    for (const x of objs) rows.push(this.cols.map((c) => cellText(c.cell(x, now))));
    return this.layout(rows);
  }

  /** Lays out one block: every cell but a row's last is padded to its column's (remembered) width. */
  layout(rows: readonly string[][]): string {
    const n = Math.max(0, ...rows.map((r) => r.length - 1));
    for (let j = 0; j < n; j++) {
      let w = MIN_WIDTH;
      for (const r of rows) if (j < r.length - 1) w = Math.max(w, runeCount(r[j]!) + PADDING);
      this.widths[j] = Math.max(w, this.widths[j] ?? 0);
    }
    return rows.map((r) => r.map((c, j) => (j < r.length - 1 ? c + ' '.repeat(this.widths[j]! - runeCount(c)) : c)).join('') + '\n').join('');
  }
}
