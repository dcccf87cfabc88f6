// JSON as Go's encoding/json writes an unstructured object: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029
// escaped. Both kubectl's -o json and its last-applied-configuration annotation are this byte form.

/** Recursively sorts map keys and drops undefined values (Go maps have no undefined). */
export function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x)) as T;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) if (o[k] !== undefined) out[k] = sortKeys(o[k]);
    return out as T;
  }
  return v;
}

// JSON syntax never has these characters outside strings, so escaping the whole text escapes the strings
const escapeGo = (s: string): string => s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** json.Marshal (indent '') or json.MarshalIndent(v, "", indent). No trailing newline. */
export function goJSON(value: unknown, indent = ''): string {
  return escapeGo(JSON.stringify(sortKeys(value), null, indent) ?? 'null');
}
