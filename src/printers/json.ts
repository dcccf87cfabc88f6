// JSON as Go's encoding/json writes it for unstructured objects: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029
// escaped, `MarshalIndent(obj, "", "    ")` layout for kubectl -o json.

const sortDeep = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortDeep(o[k]);
    return out;
  }
  return v;
};

const escapeGo = (s: string): string =>
  s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** json.Marshal (indent '') or json.MarshalIndent(v, "", indent). No trailing newline. */
export function goJSON(value: unknown, indent = ''): string {
  return escapeGo(JSON.stringify(sortDeep(value), null, indent) ?? 'null');
}

/** kubectl -o json: 4-space MarshalIndent plus a newline. */
export const printJSON = (value: unknown): string => `${goJSON(value, '    ')}\n`;
