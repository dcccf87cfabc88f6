// meta.k8s.io/v1 Table (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the rows kubectl prints for
// `get`, from the same column definitions kctl's own printer uses (printers/columns.ts), so `kubectl get pods`
// and `kctl get pods` print the same. Wide columns are priority 1; the name column has format "name". Each row
// carries the object as includeObject asks: PartialObjectMetadata (the default), the full object, or none.
import type { KubeObject } from '../api/types.js';
import { columnsFor } from '../printers/columns.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: { cells: string[]; object?: unknown }[];
}

/** "NOMINATED NODE" → "Nominated Node": upstream's column names (kubectl upper-cases them again). */
const titleCase = (h: string): string => h.toLowerCase().replace(/(^|[\s-])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());

export function partialObjectMetadata(obj: KubeObject, apiVersion = 'meta.k8s.io/v1'): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
}

export function columnDefinitions(kind: string): TableColumnDefinition[] {
  return columnsFor(kind).map((c) => ({
    name: titleCase(c.name),
    type: 'string',
    format: c.isName ? 'name' : '',
    description: '',
    priority: c.wide ? 1 : 0,
  }));
}

export function tableRows(kind: string, objs: KubeObject[], now: Date, include: IncludeObject): Table['rows'] {
  const cols = columnsFor(kind);
  return objs.map((x) => {
    const row: Table['rows'][number] = { cells: cols.map((c) => c.get(x, { now })) };
    if (include === 'Object') row.object = x;
    else if (include === 'Metadata') row.object = partialObjectMetadata(x);
    return row;
  });
}

export function toTable(kind: string, objs: KubeObject[], opts: { now: Date; include: IncludeObject; noHeaders?: boolean; metadata?: Table['metadata']; version?: 'v1' | 'v1beta1' }): Table {
  return {
    kind: 'Table',
    apiVersion: opts.version === 'v1beta1' ? 'meta.k8s.io/v1beta1' : 'meta.k8s.io/v1',
    metadata: opts.metadata ?? {},
    columnDefinitions: opts.noHeaders ? [] : columnDefinitions(kind),
    rows: tableRows(kind, objs, opts.now, opts.include),
  };
}
