// kubectl get's human-readable output: one table per resource kind (in the order objects come), each laid out by
// a tabwriter (3-space gutters, no trailing spaces), headers upper-cased, `-o wide` columns, `--show-labels`,
// `-L` label columns, a NAMESPACE column first with -A, `kind.group/name` names when several kinds are listed,
// and a blank line between tables — as kubectl/pkg/cmd/get/get.go and cli-runtime's table printer do.
import type { KubeObject } from '../api/types.js';
import { kindByKind } from '../api/kinds.js';
import { formatLabels } from '../api/labels.js';
import { columnsFor } from './columns.js';
import type { Column, ColumnContext } from './column.js';
import { escapeTerminal, tableTabwrite } from './tabwriter.js';

export interface TableOptions {
  now: Date;
  wide?: boolean;
  noHeaders?: boolean;
  /** --show-labels: a LABELS column last (`<none>` when unlabelled). */
  showLabels?: boolean;
  /** -L/--label-columns: one column per key, headed by the key's last path segment, upper-cased. */
  labelColumns?: string[];
  /** -A: a NAMESPACE column first (namespaced kinds only). */
  allNamespaces?: boolean;
  /** Prefix names with `kind.group/`; default: when the objects have more than one apiVersion+kind. */
  withKind?: boolean;
  /** Sorts the rows of each kind's table (--sort-by sorts within each table, as kubectl does). */
  sortRows?: (objs: KubeObject[]) => KubeObject[];
}

/** "deployment.apps" / "pod": kubectl's lower-cased GroupKind, used for `-o name` and kind-prefixed names. */
export function groupKindOf(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const av = obj.apiVersion ?? '';
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  return (group ? `${obj.kind}.${group}` : (obj.kind ?? '')).toLowerCase();
}

const isNamespaced = (obj: KubeObject): boolean => {
  const ki = kindByKind(obj.apiVersion, obj.kind) ?? kindByKind(undefined, obj.kind);
  return ki ? ki.namespaced : !!obj.metadata.namespace;
};

/** multipleGVKsRequested. */
export const multipleKinds = (objs: KubeObject[]): boolean =>
  objs.length >= 2 && objs.some((x) => x.apiVersion !== objs[0]!.apiVersion || x.kind !== objs[0]!.kind);

/** appendCellValue: a cell stops at its first line break (then `...`); terminal escapes are neutralised. */
export function cellText(v: string): string {
  const i = v.search(/[\f\n\r]/);
  return i >= 0 ? `${escapeTerminal(v.slice(0, i))}...` : escapeTerminal(v);
}

interface TableColumn {
  header: string;
  cell(obj: KubeObject, ctx: ColumnContext): string;
}

function tableColumns(kind: string, opts: TableOptions, namespaced: boolean, kindPrefix: string | undefined): TableColumn[] {
  const cols: Column[] = columnsFor(kind);
  let prefixed = false;
  const out: TableColumn[] = [];
  if (opts.allNamespaces && namespaced) out.push({ header: 'NAMESPACE', cell: (x) => x.metadata.namespace ?? '' });
  for (const c of cols) {
    // the first Format=name column gets the kind prefix, even when it is a -o wide column that is not shown
    const prefix = kindPrefix !== undefined && c.isName && !prefixed;
    if (c.isName) prefixed = true;
    if (c.wide && !opts.wide) continue;
    out.push({ header: c.name, cell: prefix ? (x, ctx) => `${kindPrefix}/${c.get(x, ctx)}` : (x, ctx) => c.get(x, ctx) });
  }
  for (const key of opts.labelColumns ?? []) {
    const parts = key.split('/');
    out.push({ header: parts[parts.length - 1]!.toUpperCase(), cell: (x) => x.metadata.labels?.[key] ?? '' });
  }
  if (opts.showLabels) out.push({ header: 'LABELS', cell: (x) => formatLabels(x.metadata.labels) });
  return out;
}

/** Lays out one kind's rows as cli-runtime's printTable feeds its tabwriter (widths count code points). */
function renderTable(cols: TableColumn[], objs: KubeObject[], opts: TableOptions): string {
  if (objs.length === 0) return '';
  const ctx: ColumnContext = { now: opts.now };
  const lines: string[] = [];
  if (!opts.noHeaders) lines.push(cols.map((c) => c.header).join('\t'));
  for (const x of objs) lines.push(cols.map((c) => cellText(c.cell(x, ctx))).join('\t'));
  return tableTabwrite(`${lines.join('\n')}\n`);
}

/**
 * Prints objects as `kubectl get` does: consecutive objects of one kind share a table; tables are separated by a
 * blank line (not with --no-headers). Returns '' for no objects (kubectl then says "No resources found" on stderr).
 */
export function printTable(objs: KubeObject[], opts: TableOptions): string {
  const withKind = opts.withKind ?? multipleKinds(objs);
  const groups: KubeObject[][] = [];
  for (const x of objs) {
    const g = groups[groups.length - 1];
    if (g && g[0]!.kind === x.kind && g[0]!.apiVersion === x.apiVersion) g.push(x);
    else groups.push([x]);
  }
  let out = '';
  for (const g of groups) {
    const first = g[0]!;
    const cols = tableColumns(first.kind, opts, isNamespaced(first), withKind ? groupKindOf(first) : undefined);
    const text = renderTable(cols, opts.sortRows ? opts.sortRows(g) : g, opts);
    if (text === '') continue;
    if (out !== '' && !opts.noHeaders) out += '\n';
    out += text;
  }
  return out;
}
