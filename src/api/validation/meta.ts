// Object metadata and label selectors (k8s.io/apimachinery/pkg/api/validation, .../apis/meta/v1/validation).
import type { FieldError } from '../../util/errors.js';
import type { KindInfo } from '../kinds.js';
import { matches, type Requirement } from '../labels.js';
import { nameErrors } from '../names.js';
import { FieldPath, forbidden, goValue, invalid, required, tooLong } from './field.js';
import { NON_NEGATIVE, labelValueErrors, qualifiedNameErrors } from './formats.js';
import { arr, obj, str, strMap, int, type Obj } from './json.js';

/** ValidateNonnegativeField */
export function nonNegative(v: unknown, p: FieldPath, errs: FieldError[]): void {
  const n = int(v);
  if (n !== undefined && n < 0) errs.push(invalid(p, n, NON_NEGATIVE));
}

/** ValidateLabels: keys and values at the map's own path, as upstream reports them. */
export function validateLabels(labels: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(labels) ?? {})) {
    for (const m of qualifiedNameErrors(k)) errs.push(invalid(p, k, m));
    if (typeof v === 'string') for (const m of labelValueErrors(v)) errs.push(invalid(p, v, m));
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateAnnotations */
export function validateAnnotations(annotations: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(obj(annotations) ?? {})) {
    for (const m of qualifiedNameErrors(k.toLowerCase())) errs.push(invalid(p, k, m));
    size += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(p, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** ValidateObjectMeta for a top-level object: name (src/api/names.ts), namespace, labels, annotations. */
export function validateObjectMeta(meta: unknown, ki: KindInfo, p = FieldPath.root('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj(meta) ?? {};
  const name = m.name;
  if (name === undefined || name === '') {
    if (!str(m.generateName)) errs.push(required(p.child('name'), 'name or generateName is required'));
  } else if (typeof name === 'string') {
    for (const msg of nameErrors(ki.kind, name)) errs.push(invalid(p.child('name'), name, msg));
  }
  const ns = str(m.namespace);
  if (ns && ki.namespaced) for (const msg of nameErrors('Namespace', ns)) errs.push(invalid(p.child('namespace'), ns, msg));
  errs.push(...validateLabels(m.labels, p.child('labels')));
  errs.push(...validateAnnotations(m.annotations, p.child('annotations')));
  return errs;
}

/** ValidateLabelSelector; returns also whether the selector can be used for matching. */
export function validateLabelSelector(sel: Obj, p: FieldPath): { errs: FieldError[]; usable: boolean } {
  const errs = validateLabels(sel.matchLabels, p.child('matchLabels'));
  let usable = true;
  arr(sel.matchExpressions).forEach((raw, i) => {
    const r = obj(raw) ?? {};
    const rp = p.child('matchExpressions').index(i);
    const op = str(r.operator);
    const values = arr(r.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) {
        errs.push(required(rp.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        usable = false;
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(forbidden(rp.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        usable = false;
      }
    } else usable = false; // the schema reports the unsupported operator
    const key = str(r.key) ?? '';
    for (const m of qualifiedNameErrors(key)) errs.push(invalid(rp.child('key'), key, m));
    values.forEach((v, j) => {
      if (typeof v === 'string') for (const m of labelValueErrors(v)) errs.push(invalid(rp.child('values').index(j), v, m));
    });
  });
  return { errs, usable };
}

const OPERATORS: ReadonlyMap<unknown, Requirement['operator']> = new Map([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
] as const);

/**
 * labels.Selector.Matches for a metav1.LabelSelector, by labels.ts's matcher. Unlike labelSelectorMatches it
 * does not validate keys and values (validateLabelSelector reports those); an unknown operator matches nothing.
 */
export function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  const requirements: Requirement[] = Object.entries(strMap(sel.matchLabels)).map(([key, v]) => ({ key, operator: '=', values: [v] }));
  for (const raw of arr(sel.matchExpressions)) {
    const r = obj(raw) ?? {};
    const operator = OPERATORS.get(r.operator);
    if (!operator) return false;
    requirements.push({ key: str(r.key) ?? '', operator, values: arr(r.values).filter((x): x is string => typeof x === 'string') });
  }
  return matches({ requirements }, labels);
}

export const selectorIsEmpty = (sel: Obj) => Object.keys(obj(sel.matchLabels) ?? {}).length + arr(sel.matchExpressions).length === 0;

/** How upstream prints a *metav1.LabelSelector in "empty selector" messages. */
export function goSelector(sel: Obj): string {
  const ml = obj(sel.matchLabels);
  const me = arr(sel.matchExpressions);
  return `&v1.LabelSelector{MatchLabels:${ml ? goValue(ml) : 'map[string]string(nil)'}, MatchExpressions:[]v1.LabelSelectorRequirement${me.length ? JSON.stringify(me) : '(nil)'}}`;
}

