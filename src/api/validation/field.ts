// Field paths and errors (k8s.io/apimachinery/pkg/util/validation/field). Messages follow upstream's field.Error
// wording:  spec.template.spec.containers[1].name: Duplicate value: "web"
import type { FieldError } from '../../util/errors.js';
import { isObj } from './json.js';

/** A field path that prints as upstream's: `spec.containers[0].resources.limits[cpu]`. */
export class FieldPath {
  private constructor(
    readonly segments: readonly (string | number)[],
    private readonly text: string,
  ) {}
  static root(...names: string[]): FieldPath {
    return new FieldPath([], '').child(...names);
  }
  child(...names: string[]): FieldPath {
    let p: FieldPath = this;
    for (const n of names) p = new FieldPath([...p.segments, n], p.text ? `${p.text}.${n}` : n);
    return p;
  }
  index(i: number): FieldPath {
    return new FieldPath([...this.segments, i], `${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath([...this.segments, k], `${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

/** How upstream prints a bad value: %q for strings, %v for numbers, %#v for maps. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObj(v) && Object.values(v).every((x) => typeof x === 'string')) {
    const keys = Object.keys(v).sort();
    return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`).join(', ')}}`;
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  const json = JSON.stringify(v);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

export const fe = (path: FieldPath, message: string, severity: 'error' | 'warning' = 'error'): FieldError => ({
  path: path.toString(),
  segments: [...path.segments],
  message,
  severity,
});
const withDetail = (head: string, detail: string) => (detail ? `${head}: ${detail}` : head);

/** field.Required */
export const required = (p: FieldPath, detail = ''): FieldError => fe(p, withDetail('Required value', detail));
/** field.Invalid */
export const invalid = (p: FieldPath, value: unknown, detail: string): FieldError =>
  fe(p, withDetail(`Invalid value: ${goValue(value)}`, detail));
/** field.NotSupported */
export const notSupported = (p: FieldPath, value: unknown, valid: readonly string[]): FieldError =>
  fe(p, withDetail(`Unsupported value: ${goValue(value)}`, valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : ''));
/** field.Duplicate */
export const duplicate = (p: FieldPath, value: unknown): FieldError => fe(p, `Duplicate value: ${goValue(value)}`);
/** field.NotFound */
export const notFound = (p: FieldPath, value: unknown): FieldError => fe(p, `Not found: ${goValue(value)}`);
/** field.Forbidden */
export const forbidden = (p: FieldPath, detail: string): FieldError => fe(p, withDetail('Forbidden', detail));
/** field.TooLong (byte sizes) */
export const tooLong = (p: FieldPath, max: number): FieldError => fe(p, `Too long: must have at most ${max} bytes`);
/** a FieldError of severity 'warning' */
export const warning = (p: FieldPath, message: string): FieldError => fe(p, message, 'warning');
