// One table column, as data (the shape columns.ts and columns-kinds.ts declare their tables in), and the cell
// helpers both share. Pure.
import type { KubeObject } from '../api/types.js';

export interface ColumnContext {
  now: Date;
}

export interface Column {
  /** Header, as kubectl prints it (kubectl upper-cases the API's column names). */
  name: string;
  /** Priority-1 column: only shown with -o wide. */
  wide?: boolean;
  /** The object-name column (Format "name"): gets the `kind.group/` prefix when several kinds are printed. */
  isName?: boolean;
  get(obj: KubeObject, ctx: ColumnContext): string;
}

/** layoutContainerCells: container names and images, comma-joined. */
export function layoutContainerCells(containers: unknown): [string, string] {
  const cs = (Array.isArray(containers) ? containers : []).map((v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}));
  const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}
