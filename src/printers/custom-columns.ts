// -o custom-columns=HEADER:JSONPATH,... and -o custom-columns-file (kubectl/pkg/cmd/get/customcolumn.go): headers
// as given, one row per object, each cell the field's values joined by "," (Go's %v for maps and lists), `<none>`
// when the field is missing. All objects share one table, as kubectl prints its List in one go.
import type { KubeObject } from '../api/types.js';
import { KctlError } from '../util/errors.js';
import { compileJSONPath, goSprint, type JSONPath, relaxedJSONPathExpression } from './jsonpath.js';
import { escapeTerminal, tableTabwrite } from './tabwriter.js';

export interface CustomColumn {
  header: string;
  /** normalised to `{.a.b}` */
  fieldSpec: string;
}

const usage = (m: string): KctlError => new KctlError('Usage', m);

/** NewCustomColumnsPrinterFromSpec: `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumnsSpec(spec: string): CustomColumn[] {
  if (spec === '') throw usage('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw usage(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), fieldSpec: relax(part.slice(i + 1)) };
  });
}

/** NewCustomColumnsPrinterFromTemplate: a header line and a spec line, whitespace separated. */
export function parseCustomColumnsTemplate(text: string): CustomColumn[] {
  const lines = text.split(/\r?\n/);
  const words = (l: string | undefined): string[] | undefined => (l === undefined ? undefined : l.split(/\s+/).filter(Boolean));
  const headers = words(lines.length >= 1 && text !== '' ? lines[0] : undefined);
  if (!headers)
    throw usage('invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.');
  const specs = words(lines.length >= 2 && !(lines.length === 2 && lines[1] === '') ? lines[1] : undefined);
  if (!specs)
    throw usage('invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.');
  if (headers.length !== specs.length)
    throw usage(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  return headers.map((h, i) => ({ header: h, fieldSpec: relax(specs[i]!) }));
}

function relax(expr: string): string {
  try {
    return relaxedJSONPathExpression(expr);
  } catch (e) {
    throw usage((e as Error).message);
  }
}

/** Renders the table; throws the jsonpath parse error for a bad field spec. */
export function printCustomColumns(objs: KubeObject[], columns: CustomColumn[], opts: { noHeaders?: boolean } = {}): string {
  const parsers: JSONPath[] = columns.map((c) => {
    try {
      return compileJSONPath(c.fieldSpec, { allowMissingKeys: true });
    } catch (e) {
      throw usage((e as Error).message);
    }
  });
  const lines: string[] = [];
  if (!opts.noHeaders) lines.push(columns.map((c) => c.header).join('\t'));
  for (const obj of objs) {
    const cells = parsers.map((p) => {
      const groups = p.findResults(obj);
      const vals: string[] = [];
      if (groups.length === 0 || groups[0]!.length === 0) vals.push('<none>');
      for (const g of groups) for (const v of g) vals.push(escapeTerminal(goSprint(v)));
      return vals.join(',');
    });
    lines.push(cells.join('\t'));
  }
  return tableTabwrite(`${lines.join('\n')}\n`);
}
