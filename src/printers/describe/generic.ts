// kubectl's generic describer for kinds without a dedicated one: every field, labelled by smartLabelFor.
import type { KubeObject } from '../../api/types.js';
import { describeEvents, type DescribeRelated, eventsFor, goList, type Obj, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, s, v } from './helpers.js';

/** smartLabelFor: `creationTimestamp` → `Creation Timestamp`, `apiVersion` → `API Version`. */
export function smartLabelFor(field: string): string {
  if ([...field].some((r) => !/\p{L}/u.test(r) && r !== '-')) return field;
  const cls = (r: string): number => (/\p{Ll}/u.test(r) ? 1 : /\p{Lu}/u.test(r) ? 2 : /\p{Nd}/u.test(r) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const r of field) {
    const c = cls(r);
    if (c === last) runs[runs.length - 1]!.push(r);
    else runs.push([r]);
    last = c;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (/\p{Lu}/u.test(runs[i]![0]!) && /\p{Ll}/u.test(runs[i + 1]![0]!)) {
      runs[i + 1]!.unshift(runs[i]!.pop()!);
    }
  }
  const acronyms = ['API', 'URL', 'UID', 'OSB', 'GUID'];
  return runs
    .filter((r) => r.length > 0)
    .map((r) => r.join(''))
    .filter((p) => p !== '_')
    .map((p) => (acronyms.includes(p.toUpperCase()) ? p.toUpperCase() : p.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, ch: string) => pre + ch.toUpperCase())))
    .join(' ');
}

function printUnstructuredContent(w: PrefixWriter, level: number, content: Obj, skipPrefix: string, skip: string[]): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const skipExpr = `${skipPrefix}.${field}`;
    if (skip.includes(skipExpr)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructuredContent(w, level + 1, value as Obj, skipExpr, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) printUnstructuredContent(w, level + 1, child as Obj, skipExpr, skip);
        else w.write(level + 1, `${Array.isArray(child) ? goList(child) : v(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${v(value)}\n`);
    }
  }
}

export function describeGeneric(w: PrefixWriter, obj: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(obj.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', obj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata.annotations);
  printUnstructuredContent(w, 0, obj as unknown as Obj, '', [
    '.metadata.managedFields',
    '.metadata.name',
    '.metadata.namespace',
    '.metadata.labels',
    '.metadata.annotations',
  ]);
  if (showEvents) describeEvents(w, eventsFor(obj, rel.events), now);
}
