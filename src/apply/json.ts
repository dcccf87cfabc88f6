// Small JSON helpers shared by the apply/patch/diff functions. Objects here are plain JSON data (what YAML or
// JSON parsing yields): maps, arrays, strings, numbers, booleans and null. Nothing is ever mutated in place by
// the exported functions of this folder; they clone first.

export type JsonMap = Record<string, unknown>;

/** Go's reflect kinds as the strategic-merge code distinguishes them. */
export type JsonKind = 'null' | 'map' | 'list' | 'string' | 'number' | 'boolean' | 'undefined';

export function kindOf(v: unknown): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'undefined';
  }
}

export const isMap = (v: unknown): v is JsonMap => kindOf(v) === 'map';

export const hasOwn = (m: object, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

/** Deep copy of JSON data (undefined values inside maps are dropped, as JSON would). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (v !== null && typeof v === 'object') {
    const out: JsonMap = {};
    for (const [k, x] of Object.entries(v as JsonMap)) if (x !== undefined) out[k] = clone(x);
    return out as T;
  }
  return v;
}

export { deepEqual } from '../util/deep-equal.js';

/** How Go's fmt %v prints a scalar: used where upstream compares merge-key values as strings. */
export const scalarString = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');

/**
 * JSON exactly as Go's encoding/json writes a map[string]interface{} (compact, keys sorted, HTML-safe escapes):
 * the byte form kubectl stores in the last-applied-configuration annotation.
 */
export { goJSON as goJson, sortKeys } from '../util/go-json.js';
