// Field selectors as the API server evaluates them (k8s.io/apimachinery/pkg/fields + each kind's
// GetAttrs/SelectableFields): `metadata.name=web,status.phase!=Running`. Every kind selects on metadata.name
// and metadata.namespace; some kinds on a few more fields (SELECTABLE_FIELDS); anything else is refused with
// upstream's `field label not supported: <field>`.
import type { KubeObject } from './types.js';
import { KctlError } from '../util/errors.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const byPath =
  (path: string) =>
  (x: KubeObject): string => {
    let v: unknown = x;
    for (const p of path.split('.')) v = o(v)[p];
    return str(v);
  };

type Getter = (x: KubeObject) => string;
const fields = (...paths: string[]): Record<string, Getter> => Object.fromEntries(paths.map((p) => [p, byPath(p)]));

/** Per resource ("group/plural"), the fields beyond metadata.name/namespace upstream makes selectable. */
const SELECTABLE_FIELDS: Readonly<Record<string, Record<string, Getter>>> = {
  '/pods': {
    ...fields('spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'),
    'spec.hostNetwork': (x) => String(o(x.spec).hostNetwork === true),
  },
  '/events': {
    ...fields(
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'type',
    ),
    source: (x) => str(o((x as unknown as Obj).source).component),
  },
  '/secrets': fields('type'),
  '/namespaces': fields('status.phase'),
  '/nodes': { 'spec.unschedulable': (x) => String(o(x.spec).unschedulable === true) },
  '/replicationcontrollers': fields('status.replicas'),
  'apps/replicasets': fields('status.replicas'),
  'batch/jobs': fields('status.successful'),
  'certificates.k8s.io/certificatesigningrequests': fields('spec.signerName'),
};

const META: Record<string, Getter> = { 'metadata.name': (x) => x.metadata.name, 'metadata.namespace': (x) => x.metadata.namespace ?? '' };

/** Splits on unescaped `sep` (upstream's fields.splitTerms: `\,` `\=` `\!` `\\` escape). */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Parses a field selector; throws KctlError('Usage') for a malformed term (upstream: 400 BadRequest). */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const term of splitUnescaped(selector, ',')) {
    if (!term) continue;
    const m = /^((?:[^\\!=]|\\.)*)(!=|==|=)(.*)$/.exec(term);
    if (!m) throw new KctlError('Usage', `invalid selector: '${selector}'; can't understand '${term}'`);
    out.push({ field: unescape(m[1]!), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!) });
  }
  return out;
}

/**
 * A matcher for the field selector on objects of resource (plural) in group; KctlError('Usage')
 * `field label not supported: x` for a field the kind does not select on.
 */
export function fieldSelectorMatcher(group: string, resource: string, selector: string | undefined | null): (x: KubeObject) => boolean {
  if (!selector) return () => true;
  const reqs = parseFieldSelector(selector);
  const extra = SELECTABLE_FIELDS[`${group}/${resource}`] ?? {};
  const getters = reqs.map((r) => {
    const g = META[r.field] ?? extra[r.field];
    if (!g) throw new KctlError('Usage', `field label not supported: ${r.field}`);
    return { g, r };
  });
  return (x) => getters.every(({ g, r }) => (g(x) === r.value) === (r.op === '='));
}

/** The metadata.name a selector requires exactly (`metadata.name=web`), if it does. */
export function requiredName(selector: string | undefined | null): string | undefined {
  if (!selector) return undefined;
  try {
    return parseFieldSelector(selector).find((r) => r.field === 'metadata.name' && r.op === '=')?.value;
  } catch {
    return undefined;
  }
}
