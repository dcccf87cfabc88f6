// The one entry for `-o`: validates the flag as kubectl does and prints objects in the chosen format. Heavy parts
// (jsonpath, YAML, custom columns) load only when that format is asked for, to keep `kctl get` start-up lean.
import type { KubeObject } from '../api/types.js';
import { KctlError } from '../util/errors.js';
import { groupKindOf, printTable } from './table.js';

export type OutputFormat =
  | 'table'
  | 'wide'
  | 'json'
  | 'yaml'
  | 'name'
  | 'jsonpath'
  | 'jsonpath-file'
  | 'jsonpath-as-json'
  | 'custom-columns'
  | 'custom-columns-file'
  | 'go-template'
  | 'go-template-file'
  | 'template'
  | 'templatefile';

export interface OutputSpec {
  format: OutputFormat;
  /** the template / column spec / file name after `=` */
  arg?: string;
}

const ALLOWED =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';
const TEMPLATED = new Set([
  'jsonpath',
  'jsonpath-file',
  'jsonpath-as-json',
  'custom-columns',
  'custom-columns-file',
  'go-template',
  'go-template-file',
  'template',
  'templatefile',
]);

/**
 * Validates an `-o` value. `json`, `yaml` and `name` are case-insensitive (as in kubectl); templated formats take
 * their argument after `=`. Throws kubectl's `unable to match a printer suitable for the output format ...`.
 */
export function parseOutputFlag(value: string | undefined): OutputSpec {
  if (value === undefined || value === '') return { format: 'table' };
  const lower = value.toLowerCase();
  if (lower === 'json' || lower === 'yaml' || lower === 'name') return { format: lower };
  if (value === 'wide') return { format: 'wide' };
  const eq = value.indexOf('=');
  const head = eq >= 0 ? value.slice(0, eq) : value;
  if (TEMPLATED.has(head)) {
    const arg = eq >= 0 ? value.slice(eq + 1) : '';
    if (head.startsWith('custom-columns')) {
      if (eq < 0 || arg === '') throw noPrinter(value);
      return { format: head as OutputFormat, arg };
    }
    if (arg === '') throw new KctlError('Usage', 'template format specified but no template given');
    return { format: head as OutputFormat, arg };
  }
  throw noPrinter(value);
}

const noPrinter = (value: string): KctlError =>
  new KctlError(
    'Usage',
    `unable to match a printer suitable for the output format ${JSON.stringify(value)}, allowed formats are: ${ALLOWED}`,
  );

export interface PrintOptions {
  /** the raw `-o` value */
  output?: string;
  noHeaders?: boolean;
  showLabels?: boolean;
  /** -L label columns */
  labelColumns?: string[];
  allNamespaces?: boolean;
  /** --sort-by JSONPath */
  sortBy?: string;
  now: Date;
  /** colour is never used by `get` output (kubectl has none); accepted for symmetry with describe */
  color?: boolean;
  /** prefix names with their kind (`pod/web`); default: when the objects are of several kinds. kubectl does it
   *  whenever several resource types were asked for (`get all`, `get deploy,svc`), even if one matched. */
  withKind?: boolean;
  /** --allow-missing-template-keys (default true) */
  allowMissingTemplateKeys?: boolean;
  /** Order keys in -o json/yaml as kubectl does for objects read from the API (default true). */
  sortKeys?: boolean;
  /** --show-managed-fields: keep metadata.managedFields in -o json/yaml (kubectl drops them by default). */
  showManagedFields?: boolean;
  /**
   * Print each object of an array on its own, as kubectl apply/create/patch -o do (YAML documents separated by
   * `---`), instead of one List as `get` does.
   */
  eachObject?: boolean;
  /** Reads jsonpath-file / custom-columns-file templates (printers do no file I/O themselves). */
  readFile?: (path: string) => string | Promise<string>;
}

/**
 * Prints objects for `kctl get` (and any verb with -o). Pass an array for a listing (`get pods`: json/yaml print a
 * `List` even with one item) or a single object when the user named exactly one (`get pod web`: printed as itself).
 * Returns the text to write to stdout ('' when a table has no rows; the caller prints "No resources found").
 */
export async function printObjects(objs: KubeObject[] | KubeObject, opts: PrintOptions): Promise<string> {
  const spec = parseOutputFlag(opts.output);
  if (opts.eachObject && Array.isArray(objs) && spec.format !== 'table' && spec.format !== 'wide') {
    const parts: string[] = [];
    for (const x of objs) parts.push(await printObjects(x, { ...opts, eachObject: false }));
    return spec.format === 'yaml' ? parts.map((t, i) => (i === 0 ? t : `---\n${t}`)).join('') : parts.join('');
  }
  const single = !Array.isArray(objs);
  const list = Array.isArray(objs) ? objs : [objs];

  switch (spec.format) {
    case 'table':
    case 'wide': {
      const sortRows = opts.sortBy ? await rowSorter(opts.sortBy) : undefined;
      return printTable(list, {
        now: opts.now,
        wide: spec.format === 'wide',
        noHeaders: opts.noHeaders,
        showLabels: opts.showLabels,
        labelColumns: opts.labelColumns,
        allNamespaces: opts.allNamespaces,
        withKind: opts.withKind,
        sortRows,
      });
    }
    case 'name': {
      const sorted = await sortedList(list, opts);
      return sorted.map((x) => `${groupKindOf(x)}/${x.metadata.name || '<unknown>'}`).map((l) => `${l}\n`).join('');
    }
    case 'json': {
      const { printJSON } = await import('./json.js');
      return printJSON(await documentOf(withoutManagedFields(list, opts), single, opts));
    }
    case 'yaml': {
      const { toYAML } = await import('../util/go-yaml.js');
      return toYAML(await documentOf(withoutManagedFields(list, opts), single, opts), { sortKeys: opts.sortKeys ?? true });
    }
    case 'jsonpath':
    case 'jsonpath-file':
    case 'jsonpath-as-json': {
      const template = spec.format === 'jsonpath-file' ? await readTemplate(spec.arg!, opts) : spec.arg!;
      const jp = await import('./jsonpath.js');
      let path;
      try {
        path = jp.compileJSONPath(template, { allowMissingKeys: opts.allowMissingTemplateKeys ?? true });
      } catch (e) {
        throw new KctlError('Usage', (e as Error).message);
      }
      const doc = await documentOf(list, single, opts);
      try {
        return spec.format === 'jsonpath-as-json' ? path.executeAsJSON(doc) : path.execute(doc);
      } catch (e) {
        throw new KctlError('Usage', jp.jsonpathExecMessage(template, e as Error));
      }
    }
    case 'custom-columns':
    case 'custom-columns-file': {
      const cc = await import('./custom-columns.js');
      const columns =
        spec.format === 'custom-columns'
          ? cc.parseCustomColumnsSpec(spec.arg!)
          : cc.parseCustomColumnsTemplate(await readTemplate(spec.arg!, opts));
      return cc.printCustomColumns(await sortedList(list, opts), columns, { noHeaders: opts.noHeaders });
    }
    default:
      throw new KctlError('Usage', `${spec.format} output is not supported by kctl; use -o jsonpath instead`);
  }
}

async function readTemplate(path: string, opts: PrintOptions): Promise<string> {
  if (!opts.readFile) throw new KctlError('Usage', `error reading --template ${path}: no file reader`);
  try {
    return await opts.readFile(path);
  } catch (e) {
    throw new KctlError('Usage', `error reading --template ${path}, ${(e as Error).message}`);
  }
}

/** OmitManagedFieldsPrinter: -o json/yaml leave out metadata.managedFields unless asked to show them. */
function withoutManagedFields(list: KubeObject[], opts: PrintOptions): KubeObject[] {
  if (opts.showManagedFields) return list;
  return list.map((x) => {
    if (!x.metadata || !('managedFields' in x.metadata)) return x;
    const { managedFields: _dropped, ...metadata } = x.metadata;
    return { ...x, metadata };
  });
}

/** What -o json/yaml/jsonpath see: the object itself, or kubectl's List wrapper. */
async function documentOf(list: KubeObject[], single: boolean, opts: PrintOptions): Promise<unknown> {
  if (single) return list[0];
  return { apiVersion: 'v1', items: await sortedList(list, opts), kind: 'List', metadata: { resourceVersion: '' } };
}

async function sortedList(list: KubeObject[], opts: PrintOptions): Promise<KubeObject[]> {
  if (!opts.sortBy || list.length === 0) return list;
  return (await rowSorter(opts.sortBy))(list);
}

/**
 * --sort-by: objects ordered by the first value the JSONPath finds (missing values first; numbers numerically;
 * quantities by value; other strings byte-wise), with Go's sort.Sort. Errors as kubectl:
 * `couldn't find any field with path "{.foo}" in the list of objects`.
 */
export async function rowSorter(sortBy: string): Promise<(objs: KubeObject[]) => KubeObject[]> {
  const jp = await import('./jsonpath.js');
  const { goSort, sortValueLess, UnsortableError } = await import('./sort.js');
  let field: string;
  try {
    field = jp.relaxedJSONPathExpression(sortBy);
  } catch {
    field = sortBy;
  }
  let path: InstanceType<typeof jp.JSONPath>;
  try {
    path = jp.compileJSONPath(field, { allowMissingKeys: true });
  } catch (e) {
    throw new KctlError('Usage', (e as Error).message);
  }
  return (objs) => {
    if (objs.length <= 1) return objs;
    const values = new Map<KubeObject, unknown[]>();
    let found = false;
    for (const x of objs) {
      let r: unknown[][];
      try {
        r = path.findResults(x);
      } catch (e) {
        throw new KctlError('Usage', (e as Error).message);
      }
      const first = r.length > 0 ? r[0]! : [];
      values.set(x, first);
      if (first.length > 0) found = true;
    }
    if (!found) throw new KctlError('Usage', `couldn't find any field with path ${JSON.stringify(field)} in the list of objects`);
    const less = (i: KubeObject, j: KubeObject): boolean => {
      const vi = values.get(i)!;
      if (vi.length === 0) return true;
      const vj = values.get(j)!;
      if (vj.length === 0) return false;
      try {
        return sortValueLess(vi[0], vj[0]);
      } catch (e) {
        if (e instanceof UnsortableError)
          throw new KctlError('Usage', `Field ${field} is an unsortable type: ${(e as Error).message}`);
        throw e;
      }
    };
    return goSort([...objs], less);
  };
}

/** What kubectl get prints on stderr when nothing matched (table output only). */
export const noResourcesMessage = (namespace: string | undefined, allNamespaces: boolean): string =>
  allNamespaces || !namespace ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`;
