// What every describer shares (k8s.io/kubectl/pkg/describe/describe.go's helpers): the related objects passed in,
// defensive accessors, the PrefixWriter, the multiline label/annotation/toleration/taint printers and the Events
// table.
import { LAST_APPLIED } from '../../api/meta.js';
import { selectorFromLabelSelector, selectorString } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { age, parseTime } from '../age.js';
import { goFloatV } from '../gofmt.js';
import { goSort } from '../sort.js';
import { describeTabwrite, escapeTerminal } from '../tabwriter.js';

export interface DescribeRelated {
  /** Events (any namespace); those about the object are shown. */
  events?: KubeObject[];
  /** Pods: owned-pod counts (ReplicaSet, StatefulSet, DaemonSet), node usage (Node), users of a PVC. */
  pods?: KubeObject[];
  /** ReplicaSets in the Deployment's namespace (its own are found by owner reference). */
  replicaSets?: KubeObject[];
  /** EndpointSlices (a Service's are found by the kubernetes.io/service-name label). */
  endpointSlices?: KubeObject[];
  /** The Service's Endpoints; used for the Endpoints lines when no EndpointSlices are given. */
  endpoints?: KubeObject;
  /** Secrets in the ServiceAccount's namespace (to mark missing ones and find tokens). */
  secrets?: KubeObject[];
  /** The Node's Lease (kube-node-lease/<node>); null or absent prints kubectl's not-found line. */
  lease?: KubeObject | null;
}

export interface DescribeOptions {
  /** Show the Events section (kubectl --show-events, default true). */
  showEvents?: boolean;
}

export type Obj = Record<string, unknown>;
export const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
export const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
export const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
export const strMap = (v: unknown): Record<string, string> | undefined =>
  v && typeof v === 'object' ? (v as Record<string, string>) : undefined;

/** describe.PrefixWriter over a tabwriter; flush() formats what was written so far as one block of columns. */
export class PrefixWriter {
  private pending = '';
  private done = '';
  write(level: number, text: string): void {
    this.pending += escapeTerminal('  '.repeat(level) + text);
  }
  writeLine(text: string): void {
    this.pending += escapeTerminal(`${text}\n`);
  }
  flush(): void {
    this.done += describeTabwrite(this.pending);
    this.pending = '';
  }
  toString(): string {
    return this.done + describeTabwrite(this.pending);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (x: number): string => String(x).padStart(2, '0');

/** Go's time.RFC1123Z in the local time zone: `Mon, 02 Jan 2006 15:04:05 -0700`; the zero time when missing. */
export function formatRFC1123Z(ts: unknown): string {
  const t = parseTime(ts);
  if (t === undefined) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(t);
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${DAYS[d.getDay()]}, ${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(
    d.getMinutes(),
  )}:${p2(d.getSeconds())} ${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
}

export const printBool = (b: unknown): string => (b === true ? 'True' : 'False');
export const printBoolPtr = (b: unknown): string => (typeof b === 'boolean' ? printBool(b) : '<unset>');
/** Go %v of a scalar from unstructured JSON. */
export const v = (x: unknown): string =>
  x === null || x === undefined ? '<nil>' : typeof x === 'number' ? goFloatV(x) : typeof x === 'boolean' ? String(x) : s(x);
/** Go %v of a []string: `[a b]`. */
export const goList = (x: unknown): string => `[${a(x).map(s).join(' ')}]`;
export const intOrString = (x: unknown): string => (typeof x === 'number' ? String(x) : s(x));

export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

const MAX_ANNOTATION = 140;
export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations![k]!.replace(/\n$/, '');
    if (Buffer.byteLength(value) + Buffer.byteLength(k) + 2 > MAX_ANNOTATION || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const line of value.split('\n')) w.write(0, `\t  ${shorten(line, MAX_ANNOTATION - 2)}\n`);
    } else {
      w.write(0, `${k}: ${value}\n`);
    }
  });
}
const shorten = (x: string, max: number): string => {
  const b = Buffer.from(x);
  return b.length > max ? `${b.subarray(0, max).toString()}...` : x;
};

export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: unknown, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const ts = a(tolerations).map(o);
  if (ts.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = goSort([...ts], (x, y) => s(x.key) < s(y.key));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let line = s(t.key);
    if (s(t.value) !== '') line += `=${s(t.value)}`;
    if (s(t.effect) !== '') line += `:${s(t.effect)}`;
    if (t.operator === 'Exists' && s(t.value) === '') line += s(t.key) !== '' || s(t.effect) !== '' ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') line += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${line}\n`);
  });
}

export function printTaintsMultiline(w: PrefixWriter, title: string, taints: unknown): void {
  w.write(0, `${title}:\t`);
  const ts = a(taints).map(o);
  if (ts.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const key = (t: Obj): string => `${s(t.effect)},${s(t.key)}`;
  goSort([...ts], (x, y) => key(x) < key(y)).forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    const str = s(t.value) !== '' ? `${s(t.key)}=${s(t.value)}:${s(t.effect)}` : `${s(t.key)}:${s(t.effect)}`;
    w.write(0, `${str}\n`);
  });
}

export const controllerOf = (x: KubeObject): Obj | undefined => a(x.metadata.ownerReferences).map(o).find((r) => r.controller === true);
export const printController = (x: KubeObject): string => {
  const r = controllerOf(x);
  return r ? `${s(r.kind)}/${s(r.name)}` : '';
};

const eventSortTime = (e: Obj): number => {
  if (e.series && typeof e.series === 'object') return parseTime(o(e.series).lastObservedTime) ?? 0;
  const last = parseTime(e.lastTimestamp);
  if (last !== undefined) return last;
  return parseTime(e.eventTime) ?? 0;
};

/** The events about `obj`, as describe's field-selector search finds them (Pods match any involved kind). */
export function eventsFor(obj: KubeObject, events: KubeObject[] | undefined, anyKind = false, uids?: string[]): KubeObject[] {
  const want = uids ?? (obj.metadata.uid ? [obj.metadata.uid] : undefined);
  return (events ?? []).filter((e) => {
    const io = o((e as Obj).involvedObject);
    return (
      s(io.name) === obj.metadata.name &&
      s(io.namespace) === (obj.metadata.namespace ?? '') &&
      (anyKind || s(io.kind) === obj.kind) &&
      (!want || want.includes(s(io.uid)))
    );
  });
}

export function describeEvents(w: PrefixWriter, events: KubeObject[], now: Date): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = goSort([...events] as Obj[], (x, y) => eventSortTime(x) < eventSortTime(y));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = parseTime(e.eventTime) !== undefined ? age(e.eventTime, now) : age(e.firstTimestamp, now);
    let interval: string;
    if (e.series && typeof e.series === 'object')
      interval = `${age(o(e.series).lastObservedTime, now)} (x${n(o(e.series).count)} over ${first})`;
    else if (n(e.count) > 1) interval = `${age(e.lastTimestamp, now)} (x${n(e.count)} over ${first})`;
    else interval = first;
    const source = s(o(e.source).component) || s(e.reportingController);
    w.write(1, `${s(e.type)}\t${s(e.reason)}\t${interval}\t${source}\t${s(e.message).trim()}\n`);
  }
}

export function selectorText(sel: unknown): string {
  try {
    return selectorString(selectorFromLabelSelector(sel as never));
  } catch (e) {
    return `Failed to get selector: ${(e as Error).message}`;
  }
}
