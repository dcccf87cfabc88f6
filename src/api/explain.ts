// `kctl explain RESOURCE[.field...] [--recursive]`: the output of kubectl's OpenAPI v3 plaintext template
// (k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl), rendered from schemas/ instead of a server.
// The caller supplies how to read a schema file (the CLI reads SCHEMAS_DIR_URL with node:fs), so this module
// stays free of I/O. Descriptions are re-flowed as kubectl 1.32 does (line breaks dropped, words wrapped).
import { KctlError } from '../util/errors.js';
import { apiVersionOf, resolveResource, schemaId } from './kinds.js';

/** Reads one file of schemas/ ("apps.v1.Deployment.json", "_defs.json") and returns its text. */
export type SchemaReader = (fileName: string) => string | Promise<string>;

export interface ExplainOptions {
  /** --recursive: print the fields of fields, without descriptions */
  recursive?: boolean;
  /** --api-version: must name the kind's group/version when given */
  apiVersion?: string;
  readSchema: SchemaReader;
}

/** The schemas/ directory of this installation (src/api/ and dist/api/ both sit two levels below the root). */
export const SCHEMAS_DIR_URL: URL = new URL('../../schemas/', import.meta.url);

interface Schema {
  $ref?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  enum?: unknown[];
}

interface Ctx {
  defs: Record<string, Schema>;
  recursive: boolean;
}

/** Renders `kubectl explain` text for a resource and an optional dotted field path ("deployment.spec.strategy"). */
export async function explain(resourceArg: string, opts: ExplainOptions): Promise<string> {
  const [resource, ...fieldPath] = resourceArg.replace(/\.$/, '').split('.');
  const ki = resolveResource(resource);
  if (!ki) throw new KctlError('NotFound', `the server doesn't have a resource type ${JSON.stringify(resource)}`);
  if (opts.apiVersion && opts.apiVersion !== apiVersionOf(ki))
    throw new KctlError('NotFound', `couldn't find resource for "${opts.apiVersion}, Resource=${ki.plural}"`);

  const kindFile = JSON.parse(await opts.readSchema(`${schemaId(ki)}.json`)) as Schema;
  const defsFile = JSON.parse(await opts.readSchema('_defs.json')) as { definitions: Record<string, Schema> };
  const ctx: Ctx = { defs: normalizeDefs(defsFile.definitions), recursive: opts.recursive === true };
  const root = resolveRef(ctx, kindFile.$ref);
  if (!root) throw new KctlError('Internal', `schema ${schemaId(ki)}.json has no definition`);

  let out = '';
  if (ki.group) out += `GROUP:      ${ki.group}\n`;
  out += `KIND:       ${ki.kind}\n`;
  out += `VERSION:    ${ki.version}\n\n`;
  const body = output(ctx, root, fieldPath, new Set());
  if (!body) throw new KctlError('NotFound', `field ${JSON.stringify(fieldPath[fieldPath.length - 1])} does not exist`);
  return `${out}${body}\n`;
}

/**
 * OpenAPI v3 (what kubectl reads) wraps a referenced field type in allOf so the field keeps its own description:
 * {description, allOf: [{$ref}]}. schemas/ keeps {description, $ref}; rewrite to the v3 shape.
 */
function normalizeDefs(defs: Record<string, Schema>): Record<string, Schema> {
  const fix = (s: Schema): Schema => {
    let out: Schema = { ...s };
    if (out.$ref && Object.keys(out).length > 1) {
      const { $ref, ...rest } = out;
      out = { ...rest, allOf: [{ $ref }] };
    }
    if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, fix(v)]));
    if (out.items) out.items = fix(out.items);
    if (isSchema(out.additionalProperties)) out.additionalProperties = fix(out.additionalProperties);
    return out;
  };
  return Object.fromEntries(Object.entries(defs).map(([k, v]) => [k, fix(v)]));
}

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null;

function resolveRef(ctx: Ctx, ref: string | undefined): Schema | undefined {
  if (!ref) return undefined;
  return ctx.defs[ref.slice(ref.lastIndexOf('/') + 1)];
}

/** template "output": follows the field path, then prints DESCRIPTION and FIELDS. */
function output(ctx: Ctx, schema: Schema, path: string[], history: ReadonlySet<string>): string {
  const ref = schema.$ref ?? '';
  const next = new Set(history).add(ref);
  const resolved = resolveRef(ctx, ref) ?? schema;
  if (path.length === 0) {
    let out = `DESCRIPTION:\n${indent(4, wrap(76, description(ctx, resolved) || '<empty>'))}\n`;
    const fields = fieldList(ctx, resolved, 1, new Set());
    if (fields) out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref && history.has(ref)) return '';
  const sub = resolved.properties?.[path[0]];
  if (sub) {
    let out = '';
    if (path.length === 1) out += `FIELD: ${path[0]} <${typeGuess(ctx, sub)}>\n${extractEnum(sub, true, -1, 0)}\n\n`;
    return out + output(ctx, sub, path.slice(1), new Set());
  }
  if (resolved.items) return output(ctx, resolved.items, path, next);
  if (isSchema(resolved.additionalProperties)) return output(ctx, resolved.additionalProperties, path, next);
  for (const s of resolved.allOf ?? []) {
    const o = output(ctx, s, path, next);
    if (o) return o;
  }
  return '';
}

/** template "description": the schema's own description, then those of what it wraps. */
function description(ctx: Ctx, schema: Schema): string {
  const s = resolveRef(ctx, schema.$ref) ?? schema;
  const parts: string[] = [];
  if (s.description) parts.push(s.description);
  for (const a of s.allOf ?? []) parts.push(description(ctx, a));
  if (s.items) parts.push(description(ctx, s.items));
  if (isSchema(s.additionalProperties)) parts.push(description(ctx, s.additionalProperties));
  return parts.filter(Boolean).join('\n');
}

/** template "fieldList" */
function fieldList(ctx: Ctx, schema: Schema, level: number, history: ReadonlySet<string>): string {
  const ref = schema.$ref ?? '';
  if (ref && history.has(ref)) return '';
  const next = new Set(history).add(ref);
  const resolved = resolveRef(ctx, ref) ?? schema;
  let out = '';
  for (const name of Object.keys(resolved.properties ?? {}).sort()) {
    out += fieldDetail(ctx, name, resolved, level);
    if (ctx.recursive) out += fieldList(ctx, resolved.properties![name], level + 1, next);
  }
  for (const a of resolved.allOf ?? []) out += fieldList(ctx, a, level, next);
  if (resolved.items) out += fieldList(ctx, resolved.items, level, next);
  if (isSchema(resolved.additionalProperties)) out += fieldList(ctx, resolved.additionalProperties, level, next);
  return out;
}

/** template "fieldDetail": `  name\t<type> -required-`, enum line, wrapped description. */
function fieldDetail(ctx: Ctx, name: string, parent: Schema, level: number): string {
  const n = level * 2;
  const field = parent.properties![name];
  let out = `${indent(n, name)}\t<${typeGuess(ctx, field)}>`;
  if (parent.required?.includes(name)) out += ' -required-';
  out += extractEnum(field, false, 4, n);
  out += '\n';
  if (!ctx.recursive) out += `${indent(n + 2, wrap(78 - n, field.description || '<no description>'))}\n\n`;
  return out;
}

/** template "typeGuess": `string`, `[]Container`, `map[string]string`, `ObjectMeta`, `Quantity`, `Object`. */
function typeGuess(ctx: Ctx, s: Schema): string {
  if (s.items) return `[]${typeGuess(ctx, s.items)}`;
  if (isSchema(s.additionalProperties)) return `map[string]${typeGuess(ctx, s.additionalProperties)}`;
  if (s.allOf && !s.properties && s.allOf.length === 1) return typeGuess(ctx, s.allOf[0]);
  if (s.$ref) {
    const target = resolveRef(ctx, s.$ref);
    // a reference prints its type name unless it is a plain primitive (Time is a string); Quantity and
    // IntOrString (several types) print their names, as upstream's format-only schemas do
    if (!target || !target.type || target.type === 'object' || Array.isArray(target.type)) {
      const name = s.$ref.slice(s.$ref.lastIndexOf('/') + 1);
      return name.slice(name.lastIndexOf('.') + 1) || 'Object';
    }
    return String(target.type);
  }
  if (s.type === 'object' || !s.type) return 'Object';
  return Array.isArray(s.type) ? s.type.join('|') : s.type;
}

/** template "extractEnum": `\n  enum: A, B, C, D, ....` (field list) or `ENUM:\n    A\n    B` (one field). */
function extractEnum(s: Schema, long: boolean, limit: number, indentAmount: number): string {
  if (!s.enum?.length) return '';
  let out = long ? 'ENUM:' : `\n${' '.repeat(indentAmount)}enum: `;
  for (let i = 0; i < s.enum.length; i++) {
    if (limit > -1 && i >= limit) {
      out += ', ....';
      break;
    }
    if (i > 0 && !long) out += ', ';
    else if (long) out += '\n    ';
    const e = s.enum[i];
    out += e === '' ? '""' : String(e);
  }
  return out;
}

/** kubectl's indent: pad every line (an empty last line included). */
function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.replace(/\n/g, `\n${pad}`);
}

/**
 * kubectl 1.32's wrap: line breaks dropped (here replaced by a space so words stay apart), then
 * github.com/mitchellh/go-wordwrap WrapString(s, limit).
 */
export function wrap(limit: number, text: string): string {
  const s = text.replace(/\s*\n\s*/g, ' ').trim();
  let buf = '';
  let current = 0;
  let word = '';
  let space = '';
  for (const ch of s) {
    if (/\s/.test(ch) && ch !== '\u00a0') {
      if (space.length === 0 || word.length > 0) {
        current += [...space].length + [...word].length;
        buf += space + word;
        space = '';
        word = '';
      }
      space += ch;
    } else {
      word += ch;
      const wl = [...word].length;
      if (current + [...space].length + wl > limit && wl < limit) {
        buf += '\n';
        current = 0;
        space = '';
      }
    }
  }
  if (word.length === 0) {
    if (current + space.length <= limit) buf += space;
  } else buf += space + word;
  return buf;
}
